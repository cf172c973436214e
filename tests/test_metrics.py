"""Timer, Accumulator, accuracy and evaluate_accuracy: exact values, laziness, parity with d2l."""

import json
import subprocess
import sys
import textwrap
import time

import mxnet as mx
import numpy as np
import pytest
from d2l import mxnet as d2lref
from mxnet import nd
from mxnet.gluon import nn

import d2l_utils as d2l

CPU = mx.cpu()


def fake_clock(*ticks):
    values = iter(ticks)
    return lambda: next(values)


# ----------------------------------------------------------------------------- Timer
def test_timer_records_intervals_from_the_clock(monkeypatch):
    monkeypatch.setattr(time, "perf_counter", fake_clock(10.0, 10.5, 11.0, 12.0, 20.0, 20.25))
    timer = d2l.Timer()  # starts at 10.0
    assert timer.stop() == 0.5
    timer.start()
    assert timer.stop() == 1.0
    timer.start()
    assert timer.stop() == 0.25
    assert timer.times == [0.5, 1.0, 0.25]
    assert timer.sum() == 1.75
    assert timer.avg() == 1.75 / 3
    assert timer.cumsum() == [0.5, 1.5, 1.75]


def test_timer_matches_d2l_timer_on_the_same_clock(monkeypatch):
    ticks = (3.0, 3.125, 4.0, 4.5, 4.5, 7.75)
    monkeypatch.setattr(time, "perf_counter", fake_clock(*ticks))
    monkeypatch.setattr(time, "time", fake_clock(*ticks))  # what d2l's Timer reads
    ours, theirs = d2l.Timer(), d2lref.Timer()
    for timer in (ours, theirs):
        timer.stop()
        timer.start()
        timer.stop()
        timer.start()
        timer.stop()
    assert ours.times == theirs.times == [0.125, 0.5, 3.25]
    assert (ours.avg(), ours.sum(), ours.cumsum()) == (
        theirs.avg(), theirs.sum(), theirs.cumsum())


def test_timer_avg_without_an_interval_says_so():
    with pytest.raises(ValueError, match=r"Timer.avg: no interval recorded yet"):
        d2l.Timer().avg()


# ----------------------------------------------------------------------------- Accumulator
def test_accumulator_sums_numbers_exactly_and_resets():
    acc = d2l.Accumulator(3)
    acc.add(1, 2.5, 0)
    acc.add(3, 0.25, 10)
    assert [acc[0], acc[1], acc[2]] == [4.0, 2.75, 10.0]
    assert acc[:] == [4.0, 2.75, 10.0]
    acc.reset()
    assert acc[:] == [0.0, 0.0, 0.0]


def test_accumulator_sums_ndarrays_and_returns_python_floats():
    acc = d2l.Accumulator(2)
    acc.add(nd.array([1.5]), 2)
    acc.add(nd.array([2.0]).sum(), 3)
    acc.add(4, nd.array([5.0], dtype="int32"))
    assert acc[0] == 7.5 and type(acc[0]) is float
    assert acc[1] == 10.0 and type(acc[1]) is float
    acc.add(nd.array([0.5]), 0)  # adding after a read keeps the earlier total
    assert acc[0] == 8.0


def test_accumulator_add_never_waits_for_the_device(monkeypatch):
    reads = []
    for name in ("asscalar", "asnumpy", "wait_to_read"):
        original = getattr(nd.NDArray, name)
        monkeypatch.setattr(nd.NDArray, name, lambda self, *a, _o=original, _n=name, **k: (
            reads.append(_n), _o(self, *a, **k))[1])
    acc = d2l.Accumulator(1)
    acc.max_pending = 4  # also exercise folding pending values into one
    for v in range(10):
        acc.add(nd.array([v]))
    assert reads == []
    assert acc[0] == 45.0
    assert reads[0] == "asscalar"  # the read is where the device is waited for


def test_accumulator_matches_d2l_accumulator():
    ours, theirs = d2l.Accumulator(2), d2lref.Accumulator(2)
    for a, b in [(0.1, 3), (0.2, 5), (1e-3, 7)]:
        ours.add(a, b)
        theirs.add(a, b)
    assert ours[:] == theirs.data == [0.1 + 0.2 + 1e-3, 15.0]


def test_accumulator_rejects_wrong_counts_and_non_scalar_arrays():
    with pytest.raises(ValueError, match="Accumulator: n must be an int >= 1"):
        d2l.Accumulator(0)
    acc = d2l.Accumulator(2)
    with pytest.raises(ValueError, match="got 1 values for 2 sums"):
        acc.add(1)
    with pytest.raises(ValueError, match=r"one number, got shape \(3,\); reduce it first"):
        acc.add(nd.ones(3), 1)


# ----------------------------------------------------------------------------- accuracy
Y_HAT = nd.array([[0.1, 0.7, 0.2],
                  [0.8, 0.1, 0.1],
                  [0.2, 0.2, 0.6],
                  [0.3, 0.4, 0.3]])


@pytest.mark.parametrize("dtype", ["int32", "float32", "int64"])
def test_accuracy_is_the_fraction_of_correct_argmax(dtype):
    y = nd.array([1, 0, 1, 1], dtype=dtype)  # rows 0, 1, 3 right, row 2 wrong
    assert d2l.accuracy(Y_HAT, y) == 0.75
    assert type(d2l.accuracy(Y_HAT, y)) is float
    assert d2l.accuracy(Y_HAT, nd.array([2, 2, 0, 0], dtype=dtype)) == 0.0


def test_accuracy_rejects_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"labels y must have shape \(batch,\), got \(4, 1\)"):
        d2l.accuracy(Y_HAT, nd.array([[1], [0], [1], [1]]))
    with pytest.raises(ValueError, match=r"accuracy: y_hat has shape \(3, 3\) for 4 labels"):
        d2l.accuracy(Y_HAT[:3], nd.array([1, 0, 1, 1]))
    with pytest.raises(ValueError, match=r"y_hat has shape \(4,\) for 4 labels"):
        d2l.accuracy(nd.array([1, 0, 1, 1]), nd.array([1, 0, 1, 1]))


# ----------------------------------------------------------------------------- evaluate_accuracy
def linear_problem(seed=0, sizes=(16, 16, 7), d=8, k=5):
    """Weights (k, d), bias (k,) and batches [(X (B, d), y (B,))] as numpy."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(k, d)).astype(np.float32)
    b = rng.normal(size=k).astype(np.float32)
    batches = [(rng.normal(size=(n, d)).astype(np.float32), rng.integers(0, k, n))
               for n in sizes]
    return W, b, batches


def dense(W, b, ctx=CPU):
    net = nn.Dense(W.shape[0], in_units=W.shape[1])
    net.initialize(ctx=ctx)
    net.weight.set_data(nd.array(W))
    net.bias.set_data(nd.array(b))
    return net


def numpy_accuracy(W, b, batches):
    X = np.concatenate([X for X, _ in batches])
    y = np.concatenate([y for _, y in batches])
    return float(((X @ W.T + b).argmax(axis=1) == y).mean())


def nd_batches(batches, ctx=CPU):
    return [(nd.array(X, ctx=ctx), nd.array(y, ctx=ctx, dtype="int32")) for X, y in batches]


def test_evaluate_accuracy_on_a_gluon_net_and_a_function_equals_numpy():
    W, b, batches = linear_problem()
    expected = numpy_accuracy(W, b, batches)
    assert 0.1 < expected < 0.9  # a non-trivial value
    assert d2l.evaluate_accuracy(nd_batches(batches), dense(W, b)) == expected
    Wn, bn = nd.array(W), nd.array(b)
    assert d2l.evaluate_accuracy(nd_batches(batches), lambda X: nd.dot(X, Wn.T) + bn) == expected


def test_evaluate_accuracy_moves_batches_to_the_nets_context():
    W, b, batches = linear_problem()
    net = dense(W, b, ctx=mx.cpu(0))
    on_other_device = nd_batches(batches, ctx=mx.cpu(1))
    assert d2l.evaluate_accuracy(on_other_device, net) == numpy_accuracy(W, b, batches)


def test_evaluate_accuracy_splits_batches_over_a_list_of_contexts():
    W, b, batches = linear_problem()
    ctxs = [mx.cpu(0), mx.cpu(1)]
    net = dense(W, b, ctx=ctxs)
    result = d2l.evaluate_accuracy(nd_batches(batches), net, ctxs)
    assert result == d2l.evaluate_accuracy(nd_batches(batches), net, mx.cpu(1))
    assert result == numpy_accuracy(W, b, batches)


def test_evaluate_accuracy_fails_clearly_on_bad_input():
    W, b, batches = linear_problem()
    net = dense(W, b)
    with pytest.raises(ValueError, match="evaluate_accuracy: data_iter yielded no batches"):
        d2l.evaluate_accuracy([], net)
    with pytest.raises(ValueError, match=r"evaluate_accuracy: net\(X\) has shape \(16, 1\)"):
        d2l.evaluate_accuracy(nd_batches(batches), lambda X: X[:, :1])
    with pytest.raises(TypeError, match="evaluate_accuracy: ctx must be None, an mx.Context"):
        d2l.evaluate_accuracy(nd_batches(batches), net, ctx="cpu")


PARITY_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as onp
    from mxnet import np, npx
    from mxnet.gluon import nn
    from d2l import mxnet as d2l
    npx.set_np()
    data = onp.load(sys.argv[1])
    W, b = data["W"], data["b"]
    net = nn.Dense(W.shape[0], in_units=W.shape[1])
    net.initialize()
    net.weight.set_data(np.array(W))
    net.bias.set_data(np.array(b))
    batches = [(np.array(data[f"X{i}"]), np.array(data[f"y{i}"])) for i in range(3)]
    print(json.dumps({
        "accuracy": [d2l.accuracy(np.array(data["y_hat"]), np.array(data["y"])),
                     int(data["y"].size)],
        "evaluate_accuracy": d2l.evaluate_accuracy(net, batches),
    }))
""")


def test_accuracy_and_evaluate_accuracy_match_d2l_numpy_interface(tmp_path):
    """d2l 1.0.3 needs npx.set_np(), global state: it runs in a subprocess."""
    W, b, batches = linear_problem(seed=1)
    rng = np.random.default_rng(2)
    y_hat, y = rng.normal(size=(50, 7)).astype(np.float32), rng.integers(0, 7, 50)
    arrays = {"W": W, "b": b, "y_hat": y_hat, "y": y}
    for i, (X, labels) in enumerate(batches):
        arrays[f"X{i}"], arrays[f"y{i}"] = X, labels
    np.savez(tmp_path / "data.npz", **arrays)
    out = subprocess.run([sys.executable, "-c", PARITY_SCRIPT, str(tmp_path / "data.npz")],
                         capture_output=True, text=True, check=True, timeout=120)
    ref = json.loads(out.stdout)
    correct, n = ref["accuracy"]
    assert d2l.accuracy(nd.array(y_hat), nd.array(y)) == correct / n
    assert 0 < correct < n
    assert d2l.evaluate_accuracy(nd_batches(batches), dense(W, b)) == ref["evaluate_accuracy"]
