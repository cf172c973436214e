"""try_gpu falls back to the CPU; set_seed makes Python, NumPy and MXNet repeat themselves."""

import random

import mxnet as mx
import numpy as np
import pytest
from mxnet import gluon, nd
from mxnet.gluon import nn

import d2l_utils as d2l


def test_try_gpu_returns_a_usable_context_on_this_machine():
    ctx = d2l.try_gpu()
    x = nd.ones((2, 3), ctx=ctx)
    assert x.context == ctx
    assert x.sum().asscalar() == 6.0
    expected = mx.gpu(0) if mx.context.num_gpus() > 0 else mx.cpu()
    assert ctx == expected


@pytest.mark.parametrize(("gpus", "i", "expected"), [
    (0, 0, mx.cpu()),
    (1, 0, mx.gpu(0)),
    (1, 1, mx.cpu()),
    (2, 1, mx.gpu(1)),
    (2, 2, mx.cpu()),
])
def test_try_gpu_picks_gpu_i_only_if_it_exists(monkeypatch, gpus, i, expected):
    monkeypatch.setattr(mx.context, "num_gpus", lambda: gpus)
    assert d2l.try_gpu(i) == expected
    assert d2l.num_gpus() == gpus


def test_try_gpu_falls_back_to_cpu_when_the_driver_fails(monkeypatch):
    def broken():
        raise mx.base.MXNetError("CUDA: no driver")
    monkeypatch.setattr(mx.context, "num_gpus", broken)
    assert d2l.num_gpus() == 0
    assert d2l.try_gpu() == mx.cpu()


@pytest.mark.parametrize("i", [-1, 1.0, "0", True])
def test_try_gpu_rejects_a_bad_index(i):
    with pytest.raises(ValueError, match="try_gpu: i must be"):
        d2l.try_gpu(i)


def _draws():
    net = nn.Dense(3, in_units=4)
    net.initialize(mx.init.Normal(sigma=1.0))
    loader = gluon.data.DataLoader(gluon.data.ArrayDataset(np.arange(8)), batch_size=8,
                                   shuffle=True)
    order = next(iter(loader)).asnumpy().tolist()
    return (random.random(), np.random.rand(), nd.random.uniform().asscalar(),
            net.weight.data().asnumpy().tolist(), order)


def test_set_seed_repeats_python_numpy_mxnet_init_and_shuffling():
    d2l.set_seed(42)
    first = _draws()
    d2l.set_seed(42)
    assert _draws() == first
    d2l.set_seed(43)
    other = _draws()
    for a, b in zip(first, other, strict=True):
        assert a != b


@pytest.mark.parametrize(("seed", "error"), [
    (1.5, ValueError), ("1", ValueError), (True, ValueError), (None, ValueError),
    (-1, ValueError), (2**32, ValueError),
])
def test_set_seed_rejects_a_bad_seed(seed, error):
    with pytest.raises(error, match="set_seed: seed must be"):
        d2l.set_seed(seed)


def test_set_seed_accepts_numpy_integers():
    d2l.set_seed(np.int64(7))
    a = np.random.rand()
    d2l.set_seed(7)
    assert np.random.rand() == a
