"""Chapter 09's self-checks pass right answers and name the mistake in wrong ones."""

import re

import pytest

from d2l_utils.checks import ch09


def kept(valid_accs, patience, min_delta):
    best = 0
    for i, acc in enumerate(valid_accs):
        if acc > valid_accs[best] + min_delta:
            best = i
        elif i - best >= patience:
            return best, i
    return best, len(valid_accs) - 1


def stub(valid_accs, patience, min_delta):
    raise NotImplementedError


def no_threshold(valid_accs, patience, min_delta):
    return kept(valid_accs, patience, 0.0)


def at_least(valid_accs, patience, min_delta):  # >= instead of >: equal checks count
    best = 0
    for i, acc in enumerate(valid_accs):
        if i and acc >= valid_accs[best] + min_delta:
            best = i
        elif i - best >= patience:
            return best, i
    return best, len(valid_accs) - 1


def test_early_stopping_passes_the_reference(capsys):
    assert ch09.check_early_stopping(kept)
    assert capsys.readouterr().out == "check_early_stopping: correct\n"


def test_early_stopping_stub_is_not_yet_not_wrong(capsys):
    assert not ch09.check_early_stopping(stub)
    assert capsys.readouterr().out == ("check_early_stopping: not yet: write "
                                       "early_stopping's loop, with best + min_delta\n")


@pytest.mark.parametrize(("fn", "hint"), [
    (no_threshold, "what min_delta = 0 gives"),
    (at_least, "expected \\(3, 5\\)"),
    (lambda v, p, d: 3, "return two indices"),
    (lambda v, p, d: 1 / 0, "raised ZeroDivisionError"),
])
def test_early_stopping_names_the_mistake(fn, hint, capsys):
    assert not ch09.check_early_stopping(fn)
    out = capsys.readouterr().out
    assert out.startswith("check_early_stopping: wrong: ") and re.search(hint, out), out


def test_early_stopping_reference_is_d2l_early_stopping():
    # The check's reference is the packaged callback: the same answers as the loop above.
    for accs, patience, min_delta in ch09._STOP_CASES:
        assert ch09._packaged_stop(accs, patience, min_delta) == kept(accs, patience,
                                                                       min_delta)


@pytest.mark.parametrize(("answer", "verdict"), [
    ({"a": "high variance", "b": "high bias", "c": "fine"}, "correct"),
    (None, "not yet: set answer"),
    ({"a": "high bias", "b": "high bias", "c": "fine"}, "a) is 'high variance': training 0.99"),
    ({"a": "high variance", "b": "fine", "c": "fine"}, "b) is 'high bias'"),
    ({"a": "high variance"}, "must be a dict with keys"),
])
def test_diagnosis(answer, verdict, capsys):
    assert ch09.check_diagnosis(answer) == (verdict == "correct")
    assert verdict in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "verdict"), [
    ({"clothing": {"left-right"}, "digits": set()}, "correct"),
    (None, "not yet: set answer"),
    ({"clothing": {"left-right", "up-down"}, "digits": set()}, "upside-down shirt"),
    ({"clothing": set(), "digits": set()}, "left-right flips are safe for clothing"),
    ({"clothing": {"left-right"}, "digits": {"left-right"}}, "no flip is safe for digits"),
    ({"clothing": ["left-right"], "digits": set()}, "must map"),
])
def test_flips(answer, verdict, capsys):
    assert ch09.check_flips(answer) == (verdict == "correct")
    assert verdict in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "verdict"), [
    ("c", "correct"),
    (" C ", "correct"),
    (None, "not yet: set answer to one of 'a', 'b', 'c'"),
    ("a", "wrong: (a) the smallest gap is not the goal"),
    ("b", "wrong: (b) the highest validation accuracy of one seed"),
    ("smaller", "not one of the choices"),
])
def test_best_lambda(answer, verdict, capsys):
    assert ch09.check_best_lambda(answer) == (verdict == "correct")
    assert verdict in capsys.readouterr().out
