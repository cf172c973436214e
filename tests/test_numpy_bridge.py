"""NumpyMLP trains through autograd and train_ch3 with our backward, and matches the
same net written in MXNet; autograd_mlp_grads is a faithful layer-by-layer reference."""

import contextlib
import io

import numpy as np
import pytest
from mxnet import autograd, gluon, nd

import d2l_utils as d2l
from d2l_utils import numpy_bridge as B
from d2l_utils import numpy_net as N


def problem(sizes=(6, 5, 4), n=7, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = N.init_mlp(sizes, seed=seed, dtype=dtype)
    for k in params:  # non-zero biases, so bias gradients are exercised
        params[k] = params[k] + rng.standard_normal(params[k].shape).astype(dtype) * 0.1
    return params, rng.standard_normal((n, sizes[0])).astype(dtype), rng.integers(0, sizes[-1], n)


@pytest.mark.parametrize("sizes", [(6, 5, 4), (6, 5, 5, 3)])
def test_autograd_mlp_grads_match_one_full_autograd_pass_and_our_backward(sizes):
    params, X, y = problem(sizes)
    loss, ref = B.autograd_mlp_grads(params, X, y)
    net, weights = B.mxnet_mlp(params)
    Xn = nd.array(X, dtype="float64")
    Xn.attach_grad()
    with autograd.record():
        full = gluon.loss.SoftmaxCrossEntropyLoss()(net(Xn), nd.array(y, dtype="float64")).mean()
    full.backward()
    assert loss == pytest.approx(full.asscalar(), rel=1e-12)
    for k, w in zip(params, weights, strict=True):
        np.testing.assert_allclose(ref[k], w.grad.asnumpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ref["X"], Xn.grad.asnumpy(), rtol=1e-12, atol=1e-15)
    ours_loss, ours = N.loss_and_grads(params, X, y)
    assert set(ours) == set(ref)
    assert ours_loss == pytest.approx(loss, rel=1e-12)
    for k in ref:
        np.testing.assert_allclose(ours[k], ref[k], rtol=1e-9, atol=1e-14, err_msg=k)


def test_numpy_mlp_forward_loss_and_gradients_match_the_mxnet_net():
    params, X, y = problem((12, 8, 5), n=9, dtype=np.float32)
    Xn, yn = nd.array(X.reshape(9, 1, 3, 4)), nd.array(y)  # images are flattened
    net = B.NumpyMLP(params)
    ref_net, weights = B.mxnet_mlp(params)
    with autograd.record():
        losses = B.numpy_softmax_cross_entropy(net(Xn), yn)
        total = losses.sum()
    total.backward()
    with autograd.record():
        ref_losses = gluon.loss.SoftmaxCrossEntropyLoss()(ref_net(Xn), yn)
        ref_total = ref_losses.sum()
    ref_total.backward()
    assert losses.shape == (9,)
    np.testing.assert_allclose(losses.asnumpy(), ref_losses.asnumpy(), rtol=1e-5)
    for k, w in zip(params, weights, strict=True):
        ours = net.collect_params()[f"numpy_mlp_{k}"].grad().asnumpy()
        np.testing.assert_allclose(ours, w.grad.asnumpy(), rtol=1e-4, atol=1e-5, err_msg=k)


def test_numpy_mlp_holds_copies_of_the_given_parameters():
    params = N.init_mlp((4, 3, 2), seed=1)
    net = B.NumpyMLP(params)
    got = net.numpy_params()
    assert all(np.array_equal(got[k], params[k]) for k in params)
    assert repr(net) == "NumpyMLP(W1 (4, 3), b1 (3,), W2 (3, 2), b2 (2,))"
    with pytest.raises(ValueError, match="keys W1, b1"):
        B.NumpyMLP({"W1": params["W1"]})


def test_train_ch3_trains_the_numpy_mlp_exactly_like_the_mxnet_one():
    """One epoch of train_ch3 with a Trainer: same batches, same updates, same weights."""
    rng = np.random.default_rng(2)
    X = rng.random((96, 1, 4, 4)).astype(np.float32)
    y = (X.reshape(96, -1).sum(axis=1) > 8).astype(np.float32)
    batches = [(nd.array(X[i:i + 32]), nd.array(y[i:i + 32])) for i in range(0, 96, 32)]
    params = N.init_mlp((16, 8, 2), seed=3)
    net = B.NumpyMLP(params)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
    ref_net, weights = B.mxnet_mlp(params)
    with contextlib.redirect_stdout(io.StringIO()):
        history = d2l.train_ch3(net, batches, batches, B.numpy_softmax_cross_entropy, 3, 32,
                                trainer=trainer, plot=False)
        ref = d2l.train_ch3(ref_net, batches, batches, gluon.loss.SoftmaxCrossEntropyLoss(), 3,
                            32, weights, 0.5, plot=False)
    got = net.numpy_params()
    for k, w in zip(params, weights, strict=True):
        assert not np.array_equal(got[k], params[k])  # it did train
        np.testing.assert_allclose(got[k], w.asnumpy(), rtol=1e-4, atol=1e-5, err_msg=k)
    np.testing.assert_allclose(history.train_loss, ref.train_loss, rtol=1e-4)
    assert history.train_loss[-1] < history.train_loss[0]
