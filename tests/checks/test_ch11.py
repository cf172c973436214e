"""Chapter 11's self-checks pass right answers and name the mistake in wrong ones."""

import os
import shutil
import tempfile

import pytest

from d2l_utils.checks import ch11


def atomic(path, write):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_with_finally(path, write):
    tmp = path + ".part"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def stub(path, write):
    raise NotImplementedError


def direct(path, write):
    write(path)


def keeps_0600(path, write):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    os.close(fd)
    write(tmp)
    os.replace(tmp, path)


def other_folder(path, write):
    tmp = os.path.join(tempfile.gettempdir(), "elsewhere.part")
    write(tmp)
    shutil.move(tmp, path)


def leaves_debris(path, write):
    tmp = path + ".part"
    write(tmp)
    os.replace(tmp, path)


def swallows_errors(path, write):
    tmp = path + ".part"
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError:
        os.remove(tmp)


@pytest.mark.parametrize("fn", [atomic, atomic_with_finally])
def test_save_atomically_passes_right_answers(fn, capsys):
    assert ch11.check_save_atomically(fn)
    assert capsys.readouterr().out == "check_save_atomically: correct\n"


@pytest.mark.parametrize(("fn", "hint"), [
    (direct, "write went straight into the file"),
    (keeps_0600, "permissions 0o600, expected .* chmod the temporary file"),
    (other_folder, "the temporary file is in another folder"),
    (leaves_debris, r"a failed write left \['model.params', 'model.params.part'\]"),
    (swallows_errors, "must raise its OSError, not hide it"),
])
def test_save_atomically_names_the_mistake(fn, hint, capsys):
    import re
    assert not ch11.check_save_atomically(fn)
    out = capsys.readouterr().out
    assert out.startswith("check_save_atomically: wrong: ") and re.search(hint, out), out


def test_stubs_and_unanswered_questions_are_not_yet_never_wrong(capsys):
    for check, answer in ((ch11.check_save_atomically, stub), (ch11.check_resume_state, None),
                          (ch11.check_tf1_flaws, None)):
        assert not check(answer)
        out = capsys.readouterr().out
        assert out.startswith(f"{check.__name__}: not yet: ") and "wrong" not in out, out


@pytest.mark.parametrize(("answer", "verdict"), [
    ({"parameters", "optimizer state", "epoch and step", "random state"}, "correct"),
    ({"parameters", "epoch and step", "random state"}, "'optimizer state' is needed: momentum"),
    ({"parameters", "optimizer state", "epoch and step"}, "'random state' is needed"),
    ({"parameters", "optimizer state", "epoch and step", "random state", "test accuracy"},
     "'test accuracy' is not needed"),
    ({"weights"}, "unknown names ['weights']"),
    (["parameters"], "must be a set of strings"),
])
def test_resume_state(answer, verdict, capsys):
    assert ch11.check_resume_state(answer) == (verdict == "correct")
    assert verdict in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "verdict"), [
    ({"a", "c", "d"}, "correct"),
    ({"a", "b", "c", "d"}, "b) is fine"),
    ({"c", "d"}, "a) is a flaw"),
    ({"a", "c", "d", "e"}, "e) is fine"),
    ("acd", "must be a set of letters"),
])
def test_tf1_flaws(answer, verdict, capsys):
    assert ch11.check_tf1_flaws(answer) == (verdict == "correct")
    assert verdict in capsys.readouterr().out
