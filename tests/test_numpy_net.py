"""Every hand-written forward and backward of numpy_net agrees with MXNet (autograd,
nd.softmax, Gluon's loss) and with centered finite differences."""

import numpy as np
import pytest
from mxnet import autograd, gluon, nd

from d2l_utils import numpy_net as N
from d2l_utils.gradcheck import check_gradient, numerical_gradient, relative_error

RTOL = 1e-10  # float64 on both sides


def nd64(a):
    return nd.array(a, dtype="float64")


def autograd_grads(fn, *arrays, head=None):
    """Gradients of sum(head * fn(*arrays)) w.r.t. every array, by MXNet autograd, float64."""
    xs = [nd64(a) for a in arrays]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        out = fn(*xs)
    out.backward(None if head is None else nd64(head))
    return out.asnumpy(), [x.grad.asnumpy() for x in xs]


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_affine_forward_and_backward_match_autograd(rng):
    X, W, b = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    dZ = rng.standard_normal((5, 3))
    Z, cache = N.affine_forward(X, W, b)
    ref_Z, ref_grads = autograd_grads(lambda X, W, b: nd.dot(X, W) + b, X, W, b, head=dZ)
    np.testing.assert_allclose(Z, ref_Z, rtol=RTOL)
    for ours, ref in zip(N.affine_backward(dZ, cache), ref_grads, strict=True):
        assert ours.shape == ref.shape
        np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=1e-12)


def test_relu_backward_matches_autograd_exactly(rng):
    Z = rng.standard_normal((6, 5))
    Z[0, 0] = 0.0  # the kink: both use 0
    dA = rng.standard_normal((6, 5))
    A, cache = N.relu_forward(Z)
    ref_A, (ref_dZ,) = autograd_grads(nd.relu, Z, head=dA)
    assert np.array_equal(A, ref_A)
    assert np.array_equal(N.relu_backward(dA, cache), ref_dZ)


def test_softmax_matches_mxnet_and_survives_large_logits(rng):
    Z = rng.standard_normal((4, 7)) * 3
    np.testing.assert_allclose(N.softmax(Z), nd.softmax(nd64(Z)).asnumpy(), rtol=RTOL)
    big = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    P = N.softmax(big)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-15)


def test_softmax_cross_entropy_matches_gluon_and_autograd(rng):
    Z, y = rng.standard_normal((6, 4)) * 2, np.array([0, 3, 1, 1, 2, 3])
    loss, cache = N.softmax_cross_entropy(Z, y)
    gluon_loss = gluon.loss.SoftmaxCrossEntropyLoss()
    ref_loss, (ref_dZ, _) = autograd_grads(lambda Z, y: gluon_loss(Z, y).mean(), Z, y)
    assert loss == pytest.approx(float(ref_loss), rel=RTOL)
    np.testing.assert_allclose(N.softmax_cross_entropy_backward(cache), ref_dZ, rtol=1e-9,
                               atol=1e-15)
    # Per-example weights: the gradient of the summed loss has no 1/n.
    np.testing.assert_allclose(N.softmax_cross_entropy_backward(cache, scale=np.ones(6)),
                               6 * ref_dZ, rtol=1e-9, atol=1e-15)


def test_softmax_cross_entropy_is_finite_for_large_logits():
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=np.float32)
    loss, cache = N.softmax_cross_entropy(Z, np.array([1, 1]))
    assert loss == pytest.approx(1000.0)
    assert np.isfinite(N.softmax_cross_entropy_backward(cache)).all()


def test_softmax_cross_entropy_gradient_matches_finite_differences(rng):
    Z, y = rng.standard_normal((3, 5)), np.array([4, 0, 2])
    numeric = numerical_gradient(lambda: N.softmax_cross_entropy(Z, y)[0], Z)
    assert relative_error(N.softmax_cross_entropy_backward(N.softmax_cross_entropy(Z, y)[1]),
                          numeric) < 1e-8


def small_problem(sizes=(5, 5, 3), n=4, seed=3):
    rng = np.random.default_rng(seed)
    params = N.init_mlp(sizes, seed=seed, dtype=np.float64)
    return params, rng.standard_normal((n, sizes[0])), rng.integers(0, sizes[-1], n)


@pytest.mark.parametrize("sizes", [(5, 5, 3), (6, 4, 4, 3), (4, 3)])
def test_mlp_gradients_pass_the_finite_difference_check(sizes):
    params, X, y = small_problem(sizes)
    errors = check_gradient(lambda p: N.loss_and_grads(p, X, y), params)
    assert list(errors) == list(params)
    assert max(errors.values()) < 1e-7, errors


def test_every_mlp_gradient_matches_autograd_on_the_same_weights():
    params, X, y = small_problem((6, 5, 4), n=7)
    loss, grads = N.loss_and_grads(params, X, y)
    xs = {k: nd64(v) for k, v in params.items()}
    Xn = nd64(X)
    for v in [*xs.values(), Xn]:
        v.attach_grad()
    with autograd.record():
        Z1 = nd.dot(Xn, xs["W1"]) + xs["b1"]
        A1 = nd.relu(Z1)
        Z2 = nd.dot(A1, xs["W2"]) + xs["b2"]
        ref_loss = gluon.loss.SoftmaxCrossEntropyLoss()(Z2, nd64(y)).mean()
    ref_loss.backward()
    assert loss == pytest.approx(ref_loss.asscalar(), rel=RTOL)
    for k in params:
        np.testing.assert_allclose(grads[k], xs[k].grad.asnumpy(), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(grads["X"], Xn.grad.asnumpy(), rtol=1e-9, atol=1e-14)
    assert set(grads) == {"W1", "b1", "W2", "b2", "Z2", "A1", "Z1", "X"}


def test_init_mlp_he_scale_seed_and_global_seed():
    np.random.seed(5)
    expected = np.random.rand(2)
    np.random.seed(5)
    p = N.init_mlp((784, 128, 10), seed=1)
    assert np.array_equal(np.random.rand(2), expected)  # private generator
    assert {k: v.shape for k, v in p.items()} == {"W1": (784, 128), "b1": (128,),
                                                  "W2": (128, 10), "b2": (10,)}
    assert p["W1"].dtype == np.float32 and not p["b1"].any()
    assert p["W1"].std() == pytest.approx(np.sqrt(2 / 784), rel=0.02)
    assert N.init_mlp((784, 128, 10), scale=0.01, seed=1)["W2"].std() == pytest.approx(0.01,
                                                                                     rel=0.1)
    assert np.array_equal(N.init_mlp(seed=1)["W1"], p["W1"])


@pytest.mark.parametrize("kwargs, message", [
    ({"sizes": (784,)}, "sizes must be at least two layer widths"),
    ({"sizes": (784, 0, 10)}, "sizes\\[1\\] must be an int >= 1, got 0"),
    ({"scale": -1.0}, "scale must be 'he' or a positive number"),
    ({"scale": "xavier"}, "scale must be 'he' or a positive number"),
])
def test_init_mlp_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        N.init_mlp(**kwargs)


def test_bad_input_is_explained():
    params, X, y = small_problem()
    with pytest.raises(ValueError, match=r"X must be a 2-D numpy array.*flatten images"):
        N.mlp_forward(params, X.reshape(4, 5, 1))
    with pytest.raises(ValueError, match=r"X \(4, 5\), W \(6, 5\) and b \(5,\) do not fit"):
        N.affine_forward(X, np.zeros((6, 5)), np.zeros(5))
    with pytest.raises(ValueError, match=r"class indices 0..2, got values in \[0, 3\]"):
        N.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"must have shape \(2,\)"):
        N.softmax_cross_entropy(np.zeros((2, 3)), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="keys W1, b1, ..., W2, b2"):
        N.mlp_forward({"W1": 0, "b1": 0, "W2": 0, "c2": 0}, X)


def test_predict_is_the_argmax_of_the_logits():
    params, X, _ = small_problem()
    assert np.array_equal(N.predict(params, X), N.mlp_forward(params, X)[0].argmax(axis=1))
