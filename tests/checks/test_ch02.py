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


def logsumexp(X):  # as in the notebook
    m = X.max(axis=1, keepdims=True)
    return m + (X - m).exp().sum(axis=1, keepdims=True).log()


def softmax_lse(X):  # the intended answer to exercise 1
    return (X - logsumexp(X)).exp()


def softmax_numpy_round_trip(X):
    return nd.array(softmax_stable(X).asnumpy())


def softmax_detached(X):
    return softmax_stable(X).detach()


def softmax_denominator_detached(X):
    X_exp = (X - X.max(axis=1, keepdims=True)).exp()
    return X_exp / X_exp.sum(axis=1, keepdims=True).detach()


def softmax_no_keepdims(X):
    return X.exp() / X.exp().sum(axis=1)


def softmax_max_no_keepdims(X):
    X_exp = (X - X.max(axis=1)).exp()
    return X_exp / X_exp.sum(axis=1, keepdims=True)


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


def huber_ignores_delta(y_hat, y, delta):
    return huber(y_hat, y, 1.0)


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
# Variants that must pass, and known-wrong ones with the hint they get.

SOFTMAX_RIGHT = {
    "exp / sum (first edition)": (softmax_unstable, [checks.check_softmax]),
    "subtract row max": (softmax_stable, [checks.check_softmax, checks.check_stable_softmax]),
    "exp(X - logsumexp(X))": (softmax_lse, [checks.check_softmax, checks.check_stable_softmax]),
    "nd.softmax": (lambda X: nd.softmax(X), [checks.check_softmax, checks.check_stable_softmax]),
    "nd.log_softmax().exp()": (lambda X: nd.log_softmax(X).exp(),
                               [checks.check_softmax, checks.check_stable_softmax]),
}


@pytest.mark.parametrize("name", SOFTMAX_RIGHT)
def test_softmax_checks_accept_every_right_variant(capsys, name):
    fn, accepting = SOFTMAX_RIGHT[name]
    for check in accepting:
        assert run(capsys, check, fn) == (True, f"{check.__name__}: correct")


SOFTMAX_WRONG = [
    (softmax_wrong_axis, "you normalised over axis 0 (the examples)"),
    (softmax_total_sum, "the whole matrix does: divide each row by its own sum"),
    (softmax_flat, "wrong shape (6,) for input of shape (2, 3), expected (2, 3)"),
    (softmax_numpy, "returned a numpy.ndarray, expected an mxnet NDArray"),
    (softmax_not_normalised, "doesn't sum to 1 per row: row 0 sums to 30.1929"),
    (softmax_in_place, "it changes its input in place"),
    (lambda X: 1 / 0, "raised ZeroDivisionError: division by zero"),
    (softmax_no_keepdims, "does not broadcast against the (n, q) logits; write "
                          "X.sum(axis=1, keepdims=True)"),
    (softmax_max_no_keepdims, "a row reduction without keepdims=True has shape (n,)"),
    (lambda X: 0.5, "returned a float, expected an mxnet NDArray"),
    (softmax_numpy_round_trip, "autograd cannot differentiate it: the result is not connected "
                               "to its input"),
    (softmax_detached, "autograd cannot differentiate it: the result is not connected"),
    (softmax_denominator_detached, "values are right but the autograd gradient is not: "
                                   "d/dX[2, 0] of sum(w * softmax(X)) is 0.0264642, "
                                   "expected 0.341747; is a step detached from X"),
]


@pytest.mark.parametrize("check", [checks.check_softmax, checks.check_stable_softmax])
@pytest.mark.parametrize("fn, message", SOFTMAX_WRONG)
def test_softmax_checks_name_the_mistake(capsys, check, fn, message):
    ok, line = run(capsys, check, fn)
    assert not ok
    assert line.startswith(f"{check.__name__}: wrong: ")
    assert message in line


def test_the_tolerance_grows_with_the_logits_but_not_for_moderate_ones(capsys):
    # float32 rounding of x - logsumexp(x) near 1000 is ~6e-5; near 1 it is ~1e-7,
    # so an error of 1e-4 in a moderate row is still a mistake.
    ok, line = run(capsys, checks.check_softmax, lambda X: nd.softmax(X) * (1 + 1e-4))
    assert not ok and "doesn't sum to 1 per row: row 1 sums to 1.0001" in line
    x = np.array([[1000.0, 0.0], [1.0, 2.0]])
    assert checks._prob_tol(x)[0, 0] > 1e-4 > checks._prob_tol(x)[1, 0]


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


def test_classical_huber_values_match_hand_computed_ones():
    # delta = 1: 0.5 r^2 inside, |r| - 0.5 outside.
    r = nd.array([-3.0, -1.0, -0.5, 0.0, 0.5, 2.0])
    expected = np.array([2.5, 0.5, 0.125, 0.0, 0.125, 1.5])
    assert np.array_equal(huber(r, nd.zeros_like(r), 1.0).asnumpy(), expected)
    assert np.array_equal(checks._huber_reference(r, nd.zeros_like(r), 1.0).asnumpy(), expected)
    # delta = 2 at r = 3: 2 * (3 - 1) = 4, twice Gluon's |r| - rho/2 = 2.
    assert checks._huber_reference(nd.array([3.0]), nd.array([0.0]), 2.0).asscalar() == 4.0


HUBER_WRONG = [
    (huber_ignores_delta, 1.0, "with delta=0.5: it ignores delta: it returns the loss for "
                               "delta = 1"),
    (huber_ignores_delta, 2.0, "with delta=2: it ignores delta"),
    (huber_linear_no_delta, 2.0, "with delta=2: the linear branch (|y_hat - y| > delta) is wrong:"
                                 " max abs error 18.5 at y_hat - y = 20: got 19.5, expected 38"),
    (huber_linear_no_delta, 1.0, "with delta=0.5: the linear branch (|y_hat - y| > delta) is "
                                 "wrong"),
    (huber_linear_no_half, 1.0, "with delta=1: the linear branch (|y_hat - y| > delta) is wrong"),
    (huber_quadratic_no_half, 1.0, "with delta=1: the quadratic branch (|y_hat - y| <= delta) is "
                                   "wrong"),
    (huber_swapped, 1.0, "with delta=1: both branches are wrong (are the cases swapped?)"),
    (huber_gluon_scaling, 2.0, "with delta=2: this is Gluon's HuberLoss(rho=delta) convention, "
                               "divided by delta"),
    (huber_gluon_scaling, 1.0, "with delta=0.5: this is Gluon's HuberLoss(rho=delta) convention"),
    (huber_mean, 1.0, "wrong shape (1,), expected (9,) (the shape of y_hat): one loss per element"),
    (huber_detached, 1.0, "autograd cannot differentiate it: the result is not connected"),
]


@pytest.mark.parametrize("fn, delta, message", HUBER_WRONG)
def test_check_huber_names_the_mistake(capsys, fn, delta, message):
    ok, line = run(capsys, checks.check_huber, fn, delta)
    assert not ok
    assert line.startswith("check_huber: wrong: ")
    assert message in line


@pytest.mark.parametrize("delta, error, message", [
    (0, ValueError, "check_huber: delta must be positive and finite, got 0"),
    (-1.0, ValueError, "delta must be positive and finite, got -1.0"),
    (float("inf"), ValueError, "delta must be positive and finite, got inf"),
    (float("nan"), ValueError, "delta must be positive and finite, got nan"),
    ("1", TypeError, "check_huber: delta must be a number (int or float), got str '1'"),
    (None, TypeError, "delta must be a number (int or float), got NoneType None"),
    (True, TypeError, "delta must be a number (int or float), got bool True"),
    (nd.array([1.0]), TypeError, "delta must be a number (int or float), got NDArray"),
])
def test_check_huber_rejects_a_bad_delta_naming_it(delta, error, message):
    with pytest.raises(error) as info:
        checks.check_huber(huber, delta=delta)
    assert message in str(info.value)


def test_check_huber_accepts_integer_and_numpy_deltas(capsys):
    assert run(capsys, checks.check_huber, huber, 2) == (True, "check_huber: correct")
    assert run(capsys, checks.check_huber, huber, np.float32(0.5)) == (True, "check_huber: correct")


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


# ---- stubs and the conceptual questions ------------------------------------------------------


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check, args, line", [
    (checks.check_softmax, (stub,), "check_softmax: not yet: fill in the body of your softmax"),
    (checks.check_stable_softmax, (stub,), "check_stable_softmax: not yet: fill in the body"),
    (checks.check_cross_entropy, (stub,), "check_cross_entropy: not yet: fill in the body"),
    (checks.check_huber, (stub, 2.0), "check_huber: not yet: fill in the body of huber"),
    (checks.check_huge_label_set, (None,), "check_huge_label_set: not yet: set answer to one of"),
    (checks.check_squared_loss_for_classification, (None,),
     "check_squared_loss_for_classification: not yet: set answer to one of"),
])
def test_a_stub_gets_not_yet_never_a_traceback(capsys, check, args, line):
    ok, printed = run(capsys, check, *args)
    assert not ok and printed.startswith(line)


@pytest.mark.parametrize("check, right, wrong", [
    (checks.check_huge_label_set, "b", {"a": "the softmax has no limit on q",
                                        "c": "one-hot vectors are the math's notation"}),
    (checks.check_squared_loss_for_classification, "a",
     {"b": "the trouble is the confidently wrong case", "c": "vanishing gradient"}),
])
def test_conceptual_questions_accept_the_answer_and_explain_the_others(capsys, check, right, wrong):
    assert run(capsys, check, right) == (True, f"{check.__name__}: correct")
    for letter, hint in wrong.items():
        ok, line = run(capsys, check, letter)
        assert not ok and line.startswith(f"{check.__name__}: wrong: ({letter}) ") and hint in line
    ok, line = run(capsys, check, "e")
    assert not ok and "'e' is not one of the choices 'a', 'b', 'c'" in line
