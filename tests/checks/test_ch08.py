"""Chapter 08's self-checks accept correct backward passes and name the wrong gradient."""

import numpy as np
import pytest

from d2l_utils.checks import ch08 as checks

# ---- backward passes a student might write ---------------------------------------------


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def sigmoid_backward(dA, Z):
    s = _sigmoid(Z)
    return dA * s * (1 - s)


def sigmoid_backward_tanh_form(dA, Z):  # sigmoid' = (1 - tanh(Z/2)^2) / 4
    return dA * (1 - np.tanh(Z / 2) ** 2) / 4


def sigmoid_backward_stub(dA, Z):
    raise NotImplementedError


def affine_l2_backward(dZ, X, W, b, lam):
    return dZ @ W.T, X.T @ dZ + lam * W, dZ.sum(axis=0)


def affine_l2_backward_stub(dZ, X, W, b, lam):
    raise NotImplementedError


def run(capsys, check, fn):
    """Run a check; return its verdict and the one line it printed."""
    ok = check(fn)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return ok, lines[0]


# ---- sigmoid ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [sigmoid_backward, sigmoid_backward_tanh_form])
def test_check_sigmoid_backward_accepts_correct_backward(capsys, fn):
    assert run(capsys, checks.check_sigmoid_backward, fn) == (True,
                                                              "check_sigmoid_backward: correct")


def test_check_sigmoid_backward_says_not_yet_for_the_stub(capsys):
    ok, line = run(capsys, checks.check_sigmoid_backward, sigmoid_backward_stub)
    assert not ok
    assert line == ("check_sigmoid_backward: not yet: sigmoid_backward_stub still raises "
                    "NotImplementedError; write its body, then run this cell again")


@pytest.mark.parametrize("fn, message", [
    (lambda dA, Z: dA * _sigmoid(Z), "the derivative of sigmoid is s * (1 - s), not s"),
    (lambda dA, Z: _sigmoid(Z) * (1 - _sigmoid(Z)), "multiply by the upstream gradient dA"),
    (lambda dA, Z: dA * Z * (1 - Z), "use s = sigmoid(Z) in s * (1 - s), not Z itself"),
    (lambda dA, Z: -sigmoid_backward(dA, Z), "relative error 2 against finite differences"),
    (lambda dA, Z: sigmoid_backward(dA, Z).T, "dZ has shape (3, 4), expected (4, 3) "
                                              "(a missing or extra transpose?)"),
    (lambda dA, Z: sigmoid_backward(dA, Z).sum(), "dZ is a float64, expected a numpy array"),
    (lambda dA, Z: dA * np.inf, "dZ contains nan or inf"),
    (lambda dA, Z: dA @ Z, "raised ValueError: matmul"),
])
def test_check_sigmoid_backward_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_sigmoid_backward, fn)
    assert not ok
    assert line.startswith("check_sigmoid_backward: wrong: ")
    assert message in line


def test_a_wrong_sigmoid_backward_names_z_and_the_relative_error(capsys):
    ok, line = run(capsys, checks.check_sigmoid_backward, lambda dA, Z: 2 * sigmoid_backward(dA, Z))
    assert not ok
    assert line == ("check_sigmoid_backward: wrong: the gradient with respect to Z has relative "
                    "error 0.5 against finite differences (must be < 1e-07)")


# ---- affine with L2 penalty --------------------------------------------------------------------


def test_check_affine_l2_backward_accepts_correct_backward(capsys):
    assert run(capsys, checks.check_affine_l2_backward, affine_l2_backward) == (
        True, "check_affine_l2_backward: correct")


def test_check_affine_l2_backward_says_not_yet_for_the_stub(capsys):
    ok, line = run(capsys, checks.check_affine_l2_backward, affine_l2_backward_stub)
    assert not ok and "check_affine_l2_backward: not yet: affine_l2_backward_stub" in line


def _with(dX=None, dW=None, db=None):
    def fn(dZ, X, W, b, lam):
        good = affine_l2_backward(dZ, X, W, b, lam)
        return tuple(g if f is None else f(dZ, X, W, b, lam)
                     for g, f in zip(good, (dX, dW, db), strict=True))
    return fn


@pytest.mark.parametrize("fn, message", [
    (_with(dW=lambda dZ, X, W, b, lam: X.T @ dZ),
     "the gradient with respect to W has relative error 0.035 against finite differences "
     "(must be < 1e-07): the penalty adds lam * W to dW"),
    (_with(dW=lambda dZ, X, W, b, lam: X.T @ dZ + 2 * lam * W), "is lam * W, not 2 * lam * W"),
    (_with(dW=lambda dZ, X, W, b, lam: X.T @ dZ / len(X) + lam * W), "no 1/n here"),
    (_with(dW=lambda dZ, X, W, b, lam: (dZ.T @ X).T.T), "dW has shape (3, 4), expected (4, 3) "
                                                        "(a missing or extra transpose?)"),
    (_with(dX=lambda dZ, X, W, b, lam: dZ @ W.T + lam * X), "the gradient with respect to X "
                                                            "has relative error"),
    (_with(db=lambda dZ, X, W, b, lam: dZ.mean(axis=0)), "the gradient with respect to b has "
                                                         "relative error 0.8"),
    (_with(db=lambda dZ, X, W, b, lam: dZ.sum(axis=0) + lam * b), "the penalty is on W only"),
    (lambda dZ, X, W, b, lam: X.T @ dZ + lam * W,
     "returned a ndarray of shape (4, 3), expected a tuple (dX, dW, db)"),
])
def test_check_affine_l2_backward_names_the_wrong_gradient(capsys, fn, message):
    ok, line = run(capsys, checks.check_affine_l2_backward, fn)
    assert not ok
    assert line.startswith("check_affine_l2_backward: wrong: ")
    assert message in line


# ---- question 3 and every check -----------------------------------------------------------------


def test_check_backprop_bug_accepts_only_the_forgotten_1_over_n(capsys):
    assert run(capsys, checks.check_backprop_bug, "b") == (True, "check_backprop_bug: correct")
    assert run(capsys, checks.check_backprop_bug, "(B)") == (True, "check_backprop_bug: correct")
    ok, line = run(capsys, checks.check_backprop_bug, "d")
    assert not ok and line.startswith("check_backprop_bug: wrong: (d) a too large eps")
    ok, line = run(capsys, checks.check_backprop_bug, None)
    assert not ok and line.startswith("check_backprop_bug: not yet:")
    ok, line = run(capsys, checks.check_backprop_bug, "e")
    assert not ok and "'e' is not one of the choices 'a', 'b', 'c', 'd'" in line


def test_checks_leave_the_global_seed_alone():
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    checks.check_sigmoid_backward(sigmoid_backward)
    checks.check_affine_l2_backward(affine_l2_backward)
    assert np.array_equal(np.random.rand(3), expected)


def test_checks_are_exported_at_package_level():
    import d2l_utils as d2l

    for name in ["check_sigmoid_backward", "check_affine_l2_backward", "check_backprop_bug"]:
        assert getattr(d2l, name) is getattr(checks, name)
