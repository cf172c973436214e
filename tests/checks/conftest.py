"""Every self-check test in tests/checks also checks the Chinese edition of what it exercised.

An autouse fixture records each call a test makes to a ``check_*`` function
(its arguments as passed, before the check runs) and, after the test, calls the
check again in English and in Chinese.  The two runs must agree on the verdict
(correct / wrong / not yet, the same bool, or the same exception type), and the
Chinese one must be a Chinese sentence: its verdict word is 正确, 错误 or 尚未完成,
its hint is Chinese, it keeps every number of the English one, and it carries no
English phrase that is not in the English line's code or quoted student output.
So every case of every existing test (correct, wrong and not-yet paths) is a
case for the translation, without a second list of cases to keep in step.
"""

import contextlib
import io
import os
import re
import sys
import tempfile
from pathlib import Path

import mxnet as mx
import numpy as np
import pytest

from d2l_utils import language

CHECKS_DIR = str(Path(language.__file__).parent / "checks")
CJK = re.compile(r"[\u4e00-\u9fff]")
VERDICTS = {"correct": "正确", "wrong": "错误：", "not yet": "尚未完成："}
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?")
# An exception's own message, quoted from student code or MXNet: English in both editions.
# It runs until the Chinese text resumes (a CJK character or full-width punctuation).
EXCEPTION = re.compile(r"\w+(?:Error|Exception|Warning): "
                       r"[^\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*")


def _record(calls):
    """A profile function that records the outermost ``check_*`` calls made from tests."""
    def profile(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if (code.co_name.startswith("check_") and code.co_filename.startswith(CHECKS_DIR)
                and not frame.f_back.f_code.co_filename.startswith(CHECKS_DIR)):
            # At the call event the frame's locals are exactly the arguments.
            calls.append((frame.f_globals[code.co_name], dict(frame.f_locals)))
    return profile


def _run(check, kwargs, lang):
    """(result or exception, printed lines) of ``check(**kwargs)`` in ``lang``."""
    language.set_language(lang)
    # Student functions may draw from the global generators (mlp_params, dropout): both
    # runs start from the same state, so their numbers can be compared.
    mx.random.seed(0)
    np.random.seed(0)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            result = check(**kwargs)
    except Exception as err:  # a check that refuses its arguments (check_huber's delta)
        result = err
    finally:
        language._current[0] = None
    return result, out.getvalue().splitlines()


def _kind(line, name):
    """The verdict word of an English line and the rest."""
    for word in ("correct", "wrong: ", "not yet: "):
        if line.startswith(f"{name}: {word}"):
            return word.rstrip(": "), line[len(name) + 2 + len(word):]
    raise AssertionError(f"not a verdict line of {name}: {line!r}")


def _english_phrases(zh_hint):
    """English phrases of three words or more in the Chinese hint, outside the messages
    of exceptions it quotes and the quoted values a student types ('epoch and step')."""
    code = re.sub(r"'[^']*'", "", EXCEPTION.sub("", zh_hint))
    return re.findall(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}", code)


def assert_same_verdict_in_chinese(check, kwargs):
    en, en_lines = _run(check, kwargs, "en")
    zh, zh_lines = _run(check, kwargs, "zh")
    name = check.__name__
    where = f"{name}({kwargs})"
    if isinstance(en, Exception):
        assert type(zh) is type(en), where
        assert CJK.search(str(zh)), f"{where} raised an English message: {zh}"
        return
    assert zh == en, where
    assert len(en_lines) == len(zh_lines) == 1, (where, en_lines, zh_lines)
    kind, en_hint = _kind(en_lines[0], name)
    prefix = f"{name}: {VERDICTS[kind]}"
    assert zh_lines[0].startswith(prefix), (where, zh_lines[0])
    if kind == "correct":
        assert zh_lines[0] == prefix
        return
    zh_hint = zh_lines[0][len(prefix):]
    assert CJK.search(zh_hint), f"{where}: the hint is not Chinese: {zh_hint}"
    assert sorted(NUMBER.findall(zh_hint)) == sorted(NUMBER.findall(en_hint)), (
        f"{where}: numbers differ\n  en: {en_hint}\n  zh: {zh_hint}")
    phrases = _english_phrases(zh_hint)
    assert not phrases, f"{where}: English left in the Chinese hint {phrases}: {zh_hint}"


@pytest.fixture(autouse=True)
def chinese_edition_of_every_check_call(request):
    calls = []
    previous = sys.getprofile()
    sys.setprofile(_record(calls))
    try:
        yield
    finally:
        sys.setprofile(previous)
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:  # a check may write into the cwd
        os.chdir(folder)
        try:
            for check, kwargs in calls:
                assert_same_verdict_in_chinese(check, kwargs)
        finally:
            os.chdir(cwd)
