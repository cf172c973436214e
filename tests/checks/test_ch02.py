"""The exercise self-checks accept correct answers and name the mistake in wrong ones."""

import numpy as np
import pytest
from mxnet import nd

from d2l_utils.checks import ch02 as checks

# ---- implementations a student might write ------------------------------------------


def softmax_unstable(X):
    X_exp = X.exp()
    return X_exp / X_exp.sum(axis=1, keepdims=True)


def softmax_stable(X):
    X_exp = (X - X.max(axis=1, keepdims=True)).exp()
    return X_exp / X_exp.sum(axis=1, keepdims=True)


def softmax_wrong_axis(X):
    X_exp = X.exp()
    return X_exp / X_exp.sum(axis=0, keepdims=True)


def softmax_total_sum(X):
    X_exp = X.exp()
    return X_exp / X_exp.sum()


def softmax_batch_max(X):
    X_exp = (X - X.max()).exp()
    return X_exp / X_exp.sum(axis=1, keepdims=True)


def softmax_in_place(X):
    X -= X.max(axis=1, keepdims=True)
    X_exp = X.exp()
    return X_exp / X_exp.sum(axis=1, keepdims=True)


def softmax_flat(X):
    return nd.softmax(X.reshape((-1,)))


def softmax_numpy(X):
    x = np.exp(X.asnumpy())
    return x / x.sum(axis=1, keepdims=True)


def softmax_not_normalised(X):
    return X.exp()


def cross_entropy_pick(y_hat, y):
    return -nd.pick(y_hat, y).log()


def cross_entropy_one_hot(y_hat, y):
    return -(nd.one_hot(y, y_hat.shape[1]) * y_hat.log()).sum(axis=1)


def cross_entropy_no_minus(y_hat, y):
    return nd.pick(y_hat, y).log()


def cross_entropy_mean(y_hat, y):
    return -nd.pick(y_hat, y).log().mean()


def cross_entropy_all_classes(y_hat, y):
    return -y_hat.log().sum(axis=1)


def cross_entropy_via_numpy(y_hat, y):
    p = y_hat.asnumpy()[np.arange(y_hat.shape[0]), y.asnumpy().astype(int)]
    return nd.array(-np.log(p))


def huber(y_hat, y, delta):
    r = (y_hat - y).abs()
    return nd.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))


def huber_linear_no_delta(y_hat, y, delta):
    r = (y_hat - y).abs()
    return nd.where(r <= delta, 0.5 * r**2, r - 0.5)


def huber_linear_no_half(y_hat, y, delta):
    r = (y_hat - y).abs()
    return nd.where(r <= delta, 0.5 * r**2, delta * (r - delta))


def huber_quadratic_no_half(y_hat, y, delta):
    r = (y_hat - y).abs()
    return nd.where(r <= delta, r**2, delta * (r - 0.5 * delta))


def huber_swapped(y_hat, y, delta):
    r = (y_hat - y).abs()
    return nd.where(r > delta, 0.5 * r**2, delta * (r - 0.5 * delta))


def huber_gluon_scaling(y_hat, y, delta):
    return huber(y_hat, y, delta) / delta


def huber_mean(y_hat, y, delta):
    return huber(y_hat, y, delta).mean()


def huber_detached(y_hat, y, delta):
    return nd.array(huber(y_hat, y, delta).asnumpy())


def run(capsys, check, fn, *args):
    """Run a check; return its verdict and the one line it printed."""
    ok = check(fn, *args)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return ok, lines[0]


# ---- softmax ---------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [softmax_unstable, softmax_stable, lambda X: nd.softmax(X)])
def test_check_softmax_accepts_correct_softmax(capsys, fn):
    assert run(capsys, checks.check_softmax, fn) == (True, "check_softmax: correct")


@pytest.mark.parametrize("fn", [softmax_stable, lambda X: nd.softmax(X, axis=1)])
def test_check_stable_softmax_accepts_stable_softmax(capsys, fn):
    assert run(capsys, checks.check_stable_softmax, fn) == (True, "check_stable_softmax: correct")


@pytest.mark.parametrize("check", [checks.check_softmax, checks.check_stable_softmax])
@pytest.mark.parametrize("fn, message", [
    (softmax_wrong_axis, "you normalised over axis 0 (the examples)"),
    (softmax_total_sum, "the whole matrix does: divide each row by its own sum"),
    (softmax_flat, "wrong shape (6,) for input of shape (2, 3), expected (2, 3)"),
    (softmax_numpy, "returned a numpy.ndarray, expected an mxnet NDArray"),
    (softmax_not_normalised, "doesn't sum to 1 per row: row 0 sums to 30.1929"),
    (softmax_in_place, "it changes its input in place"),
    (lambda X: 1 / 0, "raised ZeroDivisionError: division by zero"),
    (lambda X: X.exp() / X.exp().sum(axis=1),  # keepdims forgotten
     "raised MXNetError: Check failed: l == 1 || r == 1: operands could not be broadcast together"
     " with shapes [2,3] [2]"),
    (lambda X: 0.5, "returned a float, expected an mxnet NDArray"),
])
def test_softmax_checks_name_the_mistake(capsys, check, fn, message):
    ok, line = run(capsys, check, fn)
    assert not ok
    assert line.startswith(f"{check.__name__}: wrong: ")
    assert message in line


def test_check_stable_softmax_rejects_overflowing_softmax(capsys):
    ok, line = run(capsys, checks.check_stable_softmax, softmax_unstable)
    assert not ok
    assert "returns nan or inf for large logits, input [[ 1000.,     0., -1000.]," in line
    assert "subtract each row's own maximum" in line


def test_check_stable_softmax_rejects_one_max_for_the_whole_batch(capsys):
    ok, line = run(capsys, checks.check_stable_softmax, softmax_batch_max)
    assert not ok
    assert "returns nan or inf for large logits, input [[ 1000.,   999.]," in line


def test_check_softmax_reports_the_worst_error(capsys):
    ok, line = run(capsys, checks.check_softmax, lambda X: nd.softmax(X * 1.01))
    assert not ok
    assert line.startswith("check_softmax: wrong: max abs error ")
    assert "at row 0 of input [[1., 2., 3.]," in line


# ---- cross-entropy -----------------------------------------------------------------------


@pytest.mark.parametrize("fn", [cross_entropy_pick, cross_entropy_one_hot])
def test_check_cross_entropy_accepts_both_formulas(capsys, fn):
    assert run(capsys, checks.check_cross_entropy, fn) == (True, "check_cross_entropy: correct")


@pytest.mark.parametrize("fn, message", [
    (cross_entropy_no_minus, "the minus sign is missing"),
    (cross_entropy_mean, "wrong shape (1,) for 4 examples, expected (4,): one loss per example"),
    (cross_entropy_all_classes, "max abs error 4.61 at example 2 (y_hat = [0.8, 0.1, 0.1], y = 0):"
                                " got 4.82831, expected 0.223144"),
    (cross_entropy_via_numpy, "autograd cannot differentiate it: the result is not connected"),
])
def test_check_cross_entropy_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_cross_entropy, fn)
    assert not ok
    assert line.startswith("check_cross_entropy: wrong: ")
    assert message in line


# ---- Huber ---------------------------------------------------------------------------------


@pytest.mark.parametrize("delta", [1.0, 2.0, 0.5])
def test_check_huber_accepts_classical_huber(capsys, delta):
    assert run(capsys, checks.check_huber, huber, delta) == (True, "check_huber: correct")


def test_classical_huber_values_match_the_course_notes():
    # delta = 1: 0.5 r^2 inside, |r| - 0.5 outside (the course notes' Huber loss).
    r = nd.array([-3.0, -1.0, -0.5, 0.0, 0.5, 2.0])
    expected = np.array([2.5, 0.5, 0.125, 0.0, 0.125, 1.5])
    assert np.array_equal(huber(r, nd.zeros_like(r), 1.0).asnumpy(), expected)
    assert np.array_equal(checks._huber_reference(r, nd.zeros_like(r), 1.0).asnumpy(), expected)
    # delta = 2 at r = 3: 2 * (3 - 1) = 4, twice Gluon's |r| - rho/2 = 2.
    assert checks._huber_reference(nd.array([3.0]), nd.array([0.0]), 2.0).asscalar() == 4.0


@pytest.mark.parametrize("fn, delta, message", [
    (huber_linear_no_delta, 2.0, "the linear branch (|y_hat - y| > delta) is wrong: max abs error"
                                 " 18.5 at y_hat - y = 20: got 19.5, expected 38"),
    (huber_linear_no_half, 1.0, "the linear branch (|y_hat - y| > delta) is wrong"),
    (huber_quadratic_no_half, 1.0, "the quadratic branch (|y_hat - y| <= delta) is wrong"),
    (huber_swapped, 1.0, "both branches are wrong (are the cases swapped?)"),
    (huber_gluon_scaling, 2.0, "this is Gluon's HuberLoss(rho=delta) convention, divided by delta"),
    (huber_mean, 1.0, "wrong shape (1,), expected (9,) (the shape of y_hat): one loss per element"),
    (huber_detached, 1.0, "autograd cannot differentiate it: the result is not connected"),
])
def test_check_huber_names_the_mistake(capsys, fn, delta, message):
    ok, line = run(capsys, checks.check_huber, fn, delta)
    assert not ok
    assert line.startswith("check_huber: wrong: ")
    assert message in line


def test_check_huber_rejects_a_non_positive_delta():
    with pytest.raises(ValueError, match="check_huber: delta must be positive, got 0"):
        checks.check_huber(huber, delta=0)


# ---- every check ------------------------------------------------------------------------------


def test_checks_leave_the_global_seeds_alone():
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    checks.check_softmax(softmax_stable)
    checks.check_stable_softmax(softmax_stable)
    checks.check_cross_entropy(cross_entropy_pick)
    checks.check_huber(huber)
    assert np.array_equal(np.random.rand(3), expected)


def test_checks_are_exported_at_package_level():
    import d2l_utils as d2l

    for name in ["check_softmax", "check_stable_softmax", "check_cross_entropy", "check_huber"]:
        assert getattr(d2l, name) is getattr(checks, name)
