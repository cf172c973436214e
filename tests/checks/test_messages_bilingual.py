"""Every message of the self-checks goes through ``text(en, zh)``, and each pair says the same.

Read from the source (AST), so a message added later without its Chinese fails
here before a Chinese student meets it.  The verdict lines themselves are
checked in both languages on every existing test case by ``conftest.py``.
"""

import ast
import re
from pathlib import Path

import pytest

from d2l_utils import language
from d2l_utils.checks import ch03, ch04

CHECKS = sorted(Path(language.__file__).parent.joinpath("checks").glob("*.py"))
CJK = re.compile(r"[\u4e00-\u9fff]")
# Two English words in a row: prose, not an identifier, a letter or a format.
PROSE = re.compile(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}")
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")
# Code inside a message: a call such as nd.one_hot(y, depth) or a snake_case name.
CODE = re.compile(r"[A-Za-z_][\w.]*\([^()]*\)|[A-Za-z]\w*_\w+")

# English strings that are not messages a student reads, and why.
NOT_MESSAGES = {
    # the problem "not yet" stands for; never printed (verdict prints the todo instead)
    "not yet",
    # a check's own bug (a stub it cannot name a todo for), not a student's message
    "{name}: a check that can meet a stub must say what to do",
    # MXNet's own English, searched for in its error messages
    "Cannot differentiate node", "could not be broadcast",
    # the OSError check_save_atomically raises inside the student's function, worded as
    # the operating system words it (a student's code sees the same from a full disk)
    "No space left on device (simulated by the check)",
    # the activation's name, which the Chinese edition keeps as it is
    "leaky ReLU",
    # answers a student types, compared as they are (ch09, ch11)
    "high variance", "high bias", "optimizer state", "epoch and step", "random state",
    "learning curve plot", "test accuracy", "source code",
}


def _literal(node):
    """The text of a str constant or f-string, with each placeholder as ``{expr}``."""
    if isinstance(node, ast.Constant):
        return node.value
    return "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                   for v in node.values)


def _prose(node):
    """Whether the constant parts of a string read as English prose."""
    return bool(PROSE.search(re.sub(r"\{[^{}]*\}", " ", _literal(node))))


def _placeholders(node):
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    return []


def _parse(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return tree, docstrings


def _text_calls(tree):
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id == "text"]


def _strings(node):
    """The str constants and f-strings under node, not those nested in an f-string."""
    if isinstance(node, ast.JoinedStr):
        return [node]
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) else []
    return [s for child in ast.iter_child_nodes(node) for s in _strings(child)]


def _message_pairs():
    pairs = []
    for path in CHECKS:
        tree, _ = _parse(path)
        for call in _text_calls(tree):
            pairs.append(pytest.param(call, id=f"{path.name}:{call.lineno}"))
    return pairs


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_every_english_message_goes_through_text(path):
    tree, docstrings = _parse(path)
    inside_text = {id(s) for call in _text_calls(tree) for arg in call.args
                   for s in _strings(arg)}
    bare = [(s.lineno, _literal(s)) for s in _strings(tree)
            if id(s) not in inside_text and id(s) not in docstrings
            and _prose(s) and _literal(s) not in NOT_MESSAGES]
    assert not bare, f"{path.name}: messages without their Chinese, text(en, zh): {bare}"


def test_the_scan_finds_a_message_outside_text(tmp_path):
    # The scan must be able to fail: a print of plain English is caught.
    path = tmp_path / "chXX.py"
    path.write_text('def check_x(a):\n    """Doc."""\n    print(f"check_x: wrong: {a} is bad")\n')
    with pytest.raises(AssertionError, match="is bad"):
        test_every_english_message_goes_through_text(path)


def _parts(node):
    """(text of the constant parts, placeholders) of a text() argument: a string, an
    f-string, or strings joined with + (as in '...: ' + problem)."""
    if isinstance(node, ast.BinOp):
        left, right = _parts(node.left), _parts(node.right)
        return left[0] + right[0], left[1] + right[1]
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return re.sub(r"\{[^{}]*\}", " ", _literal(node)), _placeholders(node)
    if isinstance(node, ast.Subscript):  # f"raised {err}"[:300]: the same cut in both
        text, values = _parts(node.value)
        return text, [*values, ast.unparse(node.slice)]
    return "", [ast.unparse(node)]


@pytest.mark.parametrize("call", _message_pairs())
def test_each_pair_says_the_same_in_chinese(call):
    assert len(call.args) == 2 and not call.keywords, ast.unparse(call)
    (en, en_values), (zh, zh_values) = _parts(call.args[0]), _parts(call.args[1])
    assert not CJK.search(en), f"Chinese in the English message: {en}"
    assert CJK.search(zh) or not PROSE.search(en), f"not translated: {zh}"
    # Identifiers, numbers and formulas stay as they are.
    assert sorted(en_values) == sorted(zh_values), f"other values shown:\n{en}\n{zh}"
    assert sorted(NUMBER.findall(en)) == sorted(NUMBER.findall(zh)), f"numbers:\n{en}\n{zh}"
    missing = [code for code in CODE.findall(en) if code not in zh]
    assert not missing, f"code {missing} missing from the Chinese:\n{en}\n{zh}"


@pytest.mark.parametrize("table", [ch03.NAN_CAUSES, ch03.MORE_EPOCHS, ch04.SQUARED_LOSS])
def test_option_tables_follow_the_language_set_after_import(table):
    # The chapters print these tables; a Chinese chapter imports them before or after
    # set_language('zh'), so they are read at each access, never frozen at import.
    english = dict(table)
    try:
        language.set_language("zh")
        chinese = dict(table)
    finally:
        language._current[0] = None
    assert english.keys() == chinese.keys()
    assert all(CJK.search(v) for v in chinese.values())
    assert not any(CJK.search(v) for v in english.values())
    assert dict(table) == english
