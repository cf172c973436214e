"""check_gradient and compare: finite differences that agree with MXNet autograd, and
printed lines that hold no machine-dependent digits."""

import numpy as np
import pytest
from mxnet import autograd, nd

from d2l_utils import gradcheck


def quadratic(params):
    """f = sum(A x * x) / 2 + b . x with A symmetric: gradient A x + b, exactly."""
    A, x, b = params["A"], params["x"], params["b"]
    return 0.5 * x @ A @ x + b @ x, {"A": 0.5 * np.outer(x, x), "x": A @ x + b, "b": x}


@pytest.fixture
def quad_params():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((4, 4))
    return {"A": M + M.T, "x": rng.standard_normal(4), "b": rng.standard_normal(4)}


def test_relative_error_is_scale_free_and_zero_for_zeros():
    g = np.array([1.0, -2.0, 3.0])
    assert gradcheck.relative_error(g, g) == 0.0
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error(4 * g, g) == pytest.approx(0.75)  # forgotten 1/batch, n = 4
    assert gradcheck.relative_error(1e-9 * 4 * g, 1e-9 * g) == pytest.approx(0.75)
    assert gradcheck.relative_error(-g, g) == pytest.approx(2.0)


def test_numerical_gradient_matches_the_exact_gradient_and_restores_x(quad_params):
    x = quad_params["x"]
    before = x.copy()
    numeric = gradcheck.numerical_gradient(lambda: quadratic(quad_params)[0], x)
    assert np.array_equal(x, before)
    exact = quadratic(quad_params)[1]["x"]
    assert gradcheck.relative_error(numeric, exact) < 1e-9


def test_check_gradient_passes_correct_gradients_and_catches_wrong_ones(quad_params):
    errors = gradcheck.check_gradient(quadratic, quad_params)
    assert list(errors) == ["A", "x", "b"]
    assert max(errors.values()) < 1e-8

    def doubled_b(params):
        loss, grads = quadratic(params)
        return loss, dict(grads, b=2 * grads["b"])

    errors = gradcheck.check_gradient(doubled_b, quad_params)
    assert errors["b"] == pytest.approx(0.5, abs=1e-6)
    assert errors["A"] < 1e-8 and errors["x"] < 1e-8


def test_check_gradient_agrees_with_mxnet_autograd():
    """A loss written with MXNet float64 ops, differentiated by autograd, passes the check."""
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    params = {"W": rng.standard_normal((5, 3)), "b": rng.standard_normal(3)}

    def f(p):
        W, b = nd.array(p["W"], dtype="float64"), nd.array(p["b"], dtype="float64")
        W.attach_grad()
        b.attach_grad()
        with autograd.record():
            Z = nd.dot(nd.array(X, dtype="float64"), W) + b
            loss = -nd.pick(nd.log_softmax(Z), nd.array(y, dtype="float64")).mean()
        loss.backward()
        return loss.asscalar(), {"W": W.grad, "b": b.grad}  # NDArrays are accepted

    errors = gradcheck.check_gradient(f, params)
    assert max(errors.values()) < 1e-7


def test_check_gradient_explains_bad_input(quad_params):
    with pytest.raises(TypeError, match=r"params\['x'\] is float32; finite differences need "
                                        "float64"):
        gradcheck.check_gradient(quadratic, dict(quad_params, x=quad_params["x"].astype("f4")))
    with pytest.raises(ValueError, match=r"the gradient of 'A' has shape \(4,\) but 'A' has "
                                         r"shape \(4, 4\).*transpose"):
        gradcheck.check_gradient(lambda p: (0.0, {"A": np.zeros(4), "x": 0, "b": 0}),
                                 quad_params)
    with pytest.raises(KeyError, match="f returned no gradient for 'b'"):
        gradcheck.check_gradient(lambda p: (0.0, {"A": p["A"], "x": p["x"]}), quad_params)
    with pytest.raises(TypeError, match="params must be a non-empty dict"):
        gradcheck.check_gradient(quadratic, [quad_params["x"]])
    with pytest.raises(ValueError, match="eps must be > 0"):
        gradcheck.check_gradient(quadratic, quad_params, eps=0)


def test_report_gradient_check_prints_facts_and_the_error_only_on_failure(capsys):
    assert gradcheck.report_gradient_check({"W1": 3.2e-10, "b1": 0.0}) is True
    assert capsys.readouterr().out.splitlines() == ["W1  relative error < 1e-07: True",
                                                    "b1  relative error < 1e-07: True"]
    assert gradcheck.report_gradient_check({"W1": 3.2e-10, "b1": 0.7512}) is False
    assert capsys.readouterr().out.splitlines()[1] == ("b1  relative error < 1e-07: False  "
                                                       "(error 0.75)")


def test_compare_reports_exact_allclose_and_the_largest_difference(capsys):
    ref = np.array([[1.0, -2.0], [3.0, 4.0]])
    same = gradcheck.compare("dW", ref.copy(), nd.array(ref), exact=True)
    assert (same.exact, same.allclose, same.max_abs_diff, same.max_rel_diff) == (True, True, 0, 0)
    close = gradcheck.compare("dW", ref + 1e-7, ref, exact=True)
    assert not close.exact and close.allclose
    assert close.max_abs_diff == pytest.approx(1e-7) and close.max_rel_diff == pytest.approx(2.5e-8)
    far = gradcheck.compare("db", ref * 1.01, ref)
    assert not far.allclose and far.max_rel_diff == pytest.approx(0.01)
    assert capsys.readouterr().out.splitlines() == [
        "dW   (2, 2)       exact: True   allclose: True   max|diff|/max|ref| < 1e-05: True",
        "dW   (2, 2)       exact: False  allclose: True   max|diff|/max|ref| < 1e-05: True",
        "db   (2, 2)       allclose: False  max|diff|/max|ref| < 1e-05: False"]


def test_compare_needs_one_shape():
    with pytest.raises(ValueError, match=r"compare\('dX'\): ours has shape \(2,\), the "
                                         r"reference \(3,\)"):
        gradcheck.compare("dX", np.zeros(2), np.zeros(3))
    with pytest.raises(TypeError, match="expected a numpy array or an MXNet NDArray, got list"):
        gradcheck.compare("dX", [1.0], np.zeros(1))
