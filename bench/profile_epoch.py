"""Where an epoch's time goes: cProfile of one contender, and a per-batch breakdown.

    .venv/bin/python bench/profile_epoch.py b      # or c, mlp

Prints (1) the epoch cut into cumulative stages, each stage adding one step
of the training loop (data, forward, loss, backward, update, metrics) so the
difference is that step's cost, then the test evaluation; (2) the cost of one
trivial MXNet operator (a (10,) + (10,) add), the floor under every step; and
(3) cProfile's top functions over 3 epochs of ``train_ch3``.  MXNet runs
operators on its engine thread, so cProfile sees the time Python spends
handing them over (``_imperative_invoke``, ``backward``) and waiting for
results, not the kernels themselves.
"""

import cProfile
import pstats
import statistics
import sys
import time

import training
from mxnet import autograd, gluon, nd

import d2l_utils as d2l
from d2l_utils.metrics import Accumulator, correct_count

STAGES = ("data only", "+ forward", "+ loss", "+ backward", "+ update", "+ metrics")


def contender(name):
    """(net, loss, update) for 'b', 'c' or 'mlp', freshly initialised."""
    d2l.set_seed(training.SEED)
    if name == "b":
        net, loss, params = training.scratch_softmax()
        return net, loss, lambda: d2l.sgd(params, training.SOFTMAX_LR, training.BATCH_SIZE)
    hidden, lr = ((256,), training.MLP_LR) if name == "mlp" else ((), training.SOFTMAX_LR)
    net = training.gluon_net(hidden)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
    return net, gluon.loss.SoftmaxCrossEntropyLoss(), lambda: trainer.step(training.BATCH_SIZE)


def partial_epoch(train_iter, net, loss, update, stages):
    """One training pass doing only the first ``stages`` steps of each batch."""
    metric = Accumulator(3)
    for X, y in train_iter:
        if stages < 2:
            continue
        with autograd.record():
            y_hat = net(X)
            if stages >= 3:
                l_sum = loss(y_hat, y).sum()
        if stages >= 4:
            l_sum.backward()
        if stages >= 5:
            update()
        if stages >= 6:
            metric.add(l_sum, correct_count(y_hat, y), y.shape[0])
    metric[0]


def median_seconds(f, repeats=5):
    f()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        nd.waitall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def op_floor_us(calls=2000):
    """Microseconds per call of the cheapest MXNet operator, engine round trip included."""
    a = nd.ones(10)
    return median_seconds(lambda: [a + a for _ in range(calls)]) / calls * 1e6


def main(name):
    train_iter, test_iter = training.course_loaders()
    net, loss, update = contender(name)
    print(f"contender ({name}), one epoch cut into stages (median of 5, ms):")
    previous = 0.0
    for stages, label in enumerate(STAGES, start=1):
        t = median_seconds(lambda s=stages: partial_epoch(train_iter, net, loss, update, s))
        print(f"  {label:<12}{t * 1e3:8.1f}  (+{(t - previous) * 1e3:6.1f})")
        previous = t
    t = median_seconds(lambda: d2l.evaluate_accuracy(test_iter, net))
    print(f"  {'test eval':<12}{t * 1e3:8.1f}")
    print(f"one trivial operator: {op_floor_us():.1f} us; batches per epoch: "
          f"{len(train_iter)} train + {len(test_iter)} test")
    profiler = cProfile.Profile()
    profiler.enable()
    {"b": training.course_scratch, "c": training.course_gluon,
     "mlp": lambda loaders, n: training.course_gluon(loaders, n, hidden=(256,),
                                                    lr=training.MLP_LR)}[name](
        (train_iter, test_iter), 3)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("b", "c", "mlp"):
        sys.exit("usage: python bench/profile_epoch.py b|c|mlp")
    main(sys.argv[1])
