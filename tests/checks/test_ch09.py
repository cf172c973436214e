"""Chapter 09's self-checks pass right answers and name the mistake in wrong ones."""

import re

import pytest
from mxnet import autograd, nd

from d2l_utils.checks import ch09
from d2l_utils.regularization import dropout as reference


def stub(X, rate):
    raise NotImplementedError


def always_on(X, rate):
    mask = nd.random.uniform(0, 1, X.shape) > rate
    return mask * X / (1 - rate)


def not_scaled(X, rate):
    if not autograd.is_training():
        return X
    return (nd.random.uniform(0, 1, X.shape) > rate) * X


def inverted_rate(X, rate):
    if not autograd.is_training():
        return X
    return (nd.random.uniform(0, 1, X.shape) < rate) * X / (1 - rate)


def via_numpy(X, rate):
    if not autograd.is_training() or rate == 0:
        return X
    import numpy as np
    if rate == 1:
        return X.zeros_like()
    mask = np.random.uniform(size=X.shape) > rate
    return nd.array(X.asnumpy() * mask / (1 - rate))


def with_where(X, rate):
    if not autograd.is_training():
        return X
    keep = nd.random.uniform(0, 1, X.shape) >= rate
    return nd.where(keep, X / max(1 - rate, 1e-12), X.zeros_like())


@pytest.mark.parametrize("fn", [reference, with_where])
def test_dropout_passes_right_answers(fn, capsys):
    assert ch09.check_dropout(fn)
    assert capsys.readouterr().out == "check_dropout: correct\n"


def test_dropout_stub_is_not_yet_not_wrong(capsys):
    assert not ch09.check_dropout(stub)
    assert capsys.readouterr().out == ("check_dropout: not yet: replace `raise "
                                       "NotImplementedError` with inverted dropout\n")


@pytest.mark.parametrize(("fn", "hint"), [
    (always_on, "outside autograd.record\\(\\) .* must return X unchanged"),
    (not_scaled, "multiplied by 1.000, expected 1/\\(1-rate\\)"),
    (inverted_rate, "rate=0.0 while training must give X unchanged"),
    (via_numpy, "autograd cannot differentiate it"),
])
def test_dropout_names_the_mistake(fn, hint, capsys):
    assert not ch09.check_dropout(fn)
    out = capsys.readouterr().out
    assert out.startswith("check_dropout: wrong: ") and re.search(hint, out), out


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
    ("a", "correct"),
    (" A ", "correct"),
    (None, "not yet: set answer to one of 'a', 'b', 'c'"),
    ("b", "wrong: (b) more data means less variance"),
    ("c", "wrong: (c) the best"),
    ("smaller", "not one of the choices"),
])
def test_best_lambda(answer, verdict, capsys):
    assert ch09.check_best_lambda(answer) == (verdict == "correct")
    assert verdict in capsys.readouterr().out
