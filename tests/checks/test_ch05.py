"""Chapter 05's self-checks accept correct answers, name the mistake in wrong ones and
say 'not yet' (never a traceback) for an unfinished stub."""

import numpy as np
import pytest

from d2l_utils.checks import ch05 as checks


def pick_lr(results, margin):
    ok = results[~results["diverged"]]
    near = ok[ok["valid_acc"] >= ok["valid_acc"].max() - margin]
    return float(near["lr"].min())


def pick_lr_best(results, margin):  # ignores the margin: the usual first attempt
    ok = results[~results["diverged"]]
    return float(ok.loc[ok["valid_acc"].idxmax(), "lr"])


def pick_lr_keeps_diverged(results, margin):
    near = results[results["valid_acc"] >= results["valid_acc"].max() - margin]
    return float(near["lr"].min())


def pick_lr_first_row(results, margin):  # assumes rows sorted by accuracy
    return float(results["lr"].iloc[0])


def stub(*args):
    raise NotImplementedError


def clearly_better(a, b):
    return len(a) >= 2 and len(b) >= 2 and min(a) > max(b)


def clearly_better_numpy(a, b):  # numpy.bool_, not bool: just as correct
    return len(a) >= 2 and len(b) >= 2 and np.min(a) > np.max(b)


def better_by_mean(a, b):
    return sum(a) / len(a) > sum(b) / len(b)


def better_without_count(a, b):
    return min(a) > max(b)


def last(capsys):
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_pick_learning_rate_accepts_the_reference(capsys):
    assert checks.check_pick_learning_rate(pick_lr)
    assert last(capsys) == "check_pick_learning_rate: correct"


@pytest.mark.parametrize(("fn", "hint"), [
    (pick_lr_best, "expected 0.1 (two rates within the margin: take the smaller, safer one)"),
    (pick_lr_keeps_diverged, "a diverged run never counts"),
    (pick_lr_first_row, "you chose 0.01"),
    (lambda results, margin: "0.1x", "returned '0.1x'; return one learning rate"),
    (lambda results, margin: results["nope"], "raised KeyError"),
])
def test_pick_learning_rate_names_the_mistake(fn, hint, capsys):
    assert not checks.check_pick_learning_rate(fn)
    out = last(capsys)
    assert out.startswith("check_pick_learning_rate: wrong: ") and hint in out


def test_an_unfinished_stub_is_not_yet_not_a_traceback(capsys):
    assert not checks.check_pick_learning_rate(stub)
    assert not checks.check_clearly_better(stub)
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["check_pick_learning_rate: not yet: the function still raises "
                   "NotImplementedError; write its body",
                   "check_clearly_better: not yet: the function still raises "
                   "NotImplementedError; write its body"]


@pytest.mark.parametrize("fn", [clearly_better, clearly_better_numpy])
def test_clearly_better_accepts_the_reference(fn, capsys):
    assert checks.check_clearly_better(fn)
    assert last(capsys) == "check_clearly_better: correct"


@pytest.mark.parametrize(("fn", "hint"), [
    (better_by_mean, "the ranges overlap"),
    (better_without_count, "one run each tells nothing about the noise"),
    (lambda a, b: 1, "returned 1; return True or False"),
    (lambda a, b: np.array([True]), "return True or False"),
])
def test_clearly_better_names_the_mistake(fn, hint, capsys):
    assert not checks.check_clearly_better(fn)
    out = last(capsys)
    assert out.startswith("check_clearly_better: wrong: ") and hint in out


@pytest.mark.parametrize(("check", "right"), [(checks.check_q3, "b"), (checks.check_q4, "b")])
def test_multiple_choice_answers(check, right, capsys):
    name = check.__name__
    assert check(right) and check(" B ")
    assert capsys.readouterr().out.splitlines() == [f"{name}: correct"] * 2
    for wrong in sorted(set("abcd") - {right}):
        if wrong == "d" and check is checks.check_q4:
            continue
        assert not check(wrong)
        assert last(capsys).startswith(f"{name}: wrong: ")
    assert not check(None)
    assert last(capsys).startswith(f"{name}: not yet: set answer to one of 'a', 'b', 'c'")
    assert not check("z")
    assert last(capsys) == f"{name}: wrong: 'z' is not one of the choices " + (
        "'a', 'b', 'c', 'd'" if check is checks.check_q3 else "'a', 'b', 'c'")
