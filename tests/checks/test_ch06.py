"""Chapter 06's self-checks accept correct answers, say "not yet" to stubs and name mistakes."""

import numpy as np
import pytest
from mxnet import nd
from verdicts import run, stub

from d2l_utils.checks import ch06 as checks

# ---- sigmoid' ------------------------------------------------------------------------------


def sigmoid_grad(X):
    s = nd.sigmoid(X)
    return s * (1 - s)


def sigmoid_grad_exp(X):
    e = nd.exp(-X)
    return e / (1 + e) ** 2


def test_check_sigmoid_grad_accepts_both_formulas(capsys):
    for fn in (sigmoid_grad, sigmoid_grad_exp):
        assert run(capsys, checks.check_sigmoid_grad, fn) == (True, "check_sigmoid_grad: correct")


@pytest.mark.parametrize("fn, message", [
    (stub, "check_sigmoid_grad: not yet: fill in sigmoid_grad(X)"),
    (nd.sigmoid, "this is sigmoid(X) itself"),
    (lambda X: nd.sigmoid(X) * (1 + nd.sigmoid(X)), "at x = "),
    (lambda X: (nd.sigmoid(X) * (1 - nd.sigmoid(X))).sum(), "wrong shape (1,)"),
    (lambda X: sigmoid_grad(X).asnumpy(), "returned a numpy.ndarray, expected an mxnet NDArray"),
])
def test_check_sigmoid_grad_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_sigmoid_grad, fn)
    assert not ok and line.startswith("check_sigmoid_grad: ")
    assert message in line


def test_check_sigmoid_grad_reports_where_it_is_wrong(capsys):
    ok, line = run(capsys, checks.check_sigmoid_grad, lambda X: sigmoid_grad(X) * (X > 0))
    assert not ok
    assert "at x = -0.1 it returns 0, expected 0.249376 (max abs error 0.249)" in line


# ---- leaky ReLU ------------------------------------------------------------------------------


def leaky_relu(X, alpha):
    return nd.maximum(X, alpha * X)


def leaky_relu_where(X, alpha):
    return nd.where(X > 0, X, alpha * X)


def leaky_relu_in_place(X, alpha):
    X[:] = nd.maximum(X, alpha * X)
    return X


@pytest.mark.parametrize("fn", [leaky_relu, leaky_relu_where])
@pytest.mark.parametrize("alpha", [0.1, 0.01])
def test_check_leaky_relu_accepts_correct_versions(capsys, fn, alpha):
    assert run(capsys, checks.check_leaky_relu, fn, alpha) == (True, "check_leaky_relu: correct")


@pytest.mark.parametrize("fn, message", [
    (stub, "check_leaky_relu: not yet: fill in leaky_relu(X, alpha)"),
    (lambda X, a: nd.relu(X), "this is the plain ReLU"),
    (lambda X, a: nd.maximum(X, 0.01 * X), "at x = -4 it returns -0.04, expected -0.4"),
    (leaky_relu_in_place, "it changes its input in place"),
    (lambda X, a: nd.array(np.maximum(X.asnumpy(), a * X.asnumpy())),
     "autograd cannot differentiate it"),
    (lambda X, a: nd.maximum(X, a * X.detach()), "the autograd gradient is not: at x = -4"),
])
def test_check_leaky_relu_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_leaky_relu, fn, 0.1)
    assert not ok and line.startswith("check_leaky_relu: ")
    assert message in line


def test_check_leaky_relu_rejects_a_bad_alpha():
    with pytest.raises(ValueError, match="alpha must be in"):
        checks.check_leaky_relu(leaky_relu, alpha=1.5)


# ---- parameter count ---------------------------------------------------------------------------


def count(sizes):
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def test_check_param_count_accepts_the_formula(capsys):
    assert run(capsys, checks.check_param_count, count) == (True, "check_param_count: correct")


@pytest.mark.parametrize("fn, message", [
    (stub, "check_param_count: not yet: fill in count_mlp_params(sizes)"),
    (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:], strict=True)),
     "for [784, 10] you counted the weights only (7840)"),
    (lambda s: float(count(s)), "returned 7850.0 for [784, 10], expected an int"),
    (lambda s: count(s) + s[0], "for [784, 10] you return 8634, Gluon creates 7850"),
    (lambda s: s[5], "raised IndexError: list index out of range"),
])
def test_check_param_count_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_param_count, fn)
    assert not ok and line.startswith("check_param_count: ")
    assert message in line


# ---- zero initialisation ---------------------------------------------------------------------


def test_check_zero_init(capsys):
    assert run(capsys, checks.check_zero_init, "c") == (True, "check_zero_init: correct")
    assert run(capsys, checks.check_zero_init, " C ")[0]
    for answer, message in [(None, "check_zero_init: not yet: set answer to one of"),
                            ("b", "they get no gradient at all"),
                            ("e", "is not one of the choices"),
                            ("ab", "is not one of the choices")]:
        ok, line = run(capsys, checks.check_zero_init, answer)
        assert not ok and message in line


def test_zero_init_answer_is_what_training_does():
    """The claim behind answer (c), checked: with W = 0 only the output bias gets a gradient."""
    from mxnet import autograd
    from mxnet.gluon import loss as gloss

    rng = np.random.RandomState(0)
    X, y = nd.array(rng.rand(8, 784)), nd.array(rng.randint(0, 10, 8))
    params = [nd.zeros((784, 256)), nd.zeros(256), nd.zeros((256, 10)), nd.zeros(10)]
    for p in params:
        p.attach_grad()
    with autograd.record():
        H = nd.relu(nd.dot(X, params[0]) + params[1])
        loss = gloss.SoftmaxCrossEntropyLoss()(nd.dot(H, params[2]) + params[3], y).sum()
    loss.backward()
    assert [float(p.grad.abs().max().asscalar()) > 0 for p in params] == [False, False, False,
                                                                          True]


def test_checks_leave_the_global_seed_alone():
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    checks.check_sigmoid_grad(sigmoid_grad)
    checks.check_leaky_relu(leaky_relu)
    checks.check_param_count(count)
    assert np.array_equal(np.random.rand(3), expected)


# ---- the parameters of a 784-h-10 MLP ------------------------------------------------------


def mlp_params(num_hiddens, scale=0.01):
    params = [nd.random.normal(scale=scale, shape=(784, num_hiddens)), nd.zeros(num_hiddens),
              nd.random.normal(scale=scale, shape=(num_hiddens, 10)), nd.zeros(10)]
    for p in params:
        p.attach_grad()
    return params


def no_grad(num_hiddens):
    return [nd.random.normal(scale=0.01, shape=(784, num_hiddens)), nd.zeros(num_hiddens),
            nd.random.normal(scale=0.01, shape=(num_hiddens, 10)), nd.zeros(10)]


def test_check_mlp_params_accepts_the_chapters_initialisation(capsys):
    assert run(capsys, checks.check_mlp_params, mlp_params) == (True,
                                                                "check_mlp_params: correct")


@pytest.mark.parametrize("fn, message", [
    (stub, "check_mlp_params: not yet: fill in mlp_params(num_hiddens)"),
    (lambda h: mlp_params(h)[:3], "return the list [W1, b1, W2, b2]"),
    (lambda h: mlp_params(h)[::-1], "the shapes are"),
    (lambda h: [p.T for p in mlp_params(h)], "the shapes are"),
    (lambda h: [p.asnumpy() for p in mlp_params(h)], "must be an mxnet NDArray"),
    (lambda h: mlp_params(h, scale=1.0), "W1 has standard deviation"),
    (lambda h: [p + 1 for p in mlp_params(h)], "the biases must start at zero"),
    (lambda h: [nd.full((784, h), 0.01), nd.zeros(h), nd.full((h, 10), 0.01), nd.zeros(10)],
     "standard deviation"),
    (no_grad, "call attach_grad()"),
    (lambda h: mlp_params(256), "for num_hiddens=64 the shapes are"),
])
def test_check_mlp_params_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_mlp_params, fn)
    assert not ok and line.startswith("check_mlp_params: ")
    assert message in line
