"""Chapter 08's speed question: the MLP 784-128-10 with our NumPy backward against MXNet.

Three contenders, one network (784-128-10, ReLU, He-scale initial weights from
the same seed), one loop (``d2l.train_ch3``), one loader, batch 256, SGD lr 0.5:

* ``numpy``: ``d2l.NumpyMLP``, forward and backward in NumPy (chapter 08), the
  loss ``d2l.numpy_softmax_cross_entropy``, a Gluon ``Trainer`` for the update;
* ``scratch``: the same net in MXNet ``nd`` ops (``numpy_bridge.mxnet_mlp``),
  autograd, ``d2l.sgd``;
* ``gluon``: ``Dense(128, relu)`` + ``Dense(10)``, hybridized, ``Trainer``.

An epoch is a training pass plus the test evaluation (end to end).  Rounds
rotate the order; medians over every epoch of every round are reported.  Run
alone with ``python bench/numpy_mlp.py`` (3 rounds x 3 contenders x 3 epochs:
27 epochs, about a minute of CPU time), or as part of ``make bench``.
"""

import argparse
import sys

import report
from mxnet import gluon, init
from mxnet.gluon import nn
from training import _course_train, course_loaders

import d2l_utils as d2l
from d2l_utils import numpy_bridge
from d2l_utils import numpy_net as N

SIZES, LR, SEED = (784, 128, 10), 0.5, 0
CONTENDERS = ("numpy", "scratch", "gluon")
LABELS = {"numpy": "NumPy (chapter 08)", "scratch": "MXNet scratch",
          "gluon": "Gluon hybridized"}


def run(name, loaders, epochs):
    """One run of contender ``name``: {"seconds": [per epoch], "test_acc": float}."""
    d2l.set_seed(SEED)
    params = N.init_mlp(SIZES, seed=SEED)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    if name == "numpy":
        net = d2l.NumpyMLP(params)
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
        return _course_train(net, loaders, d2l.numpy_softmax_cross_entropy, epochs,
                             trainer=trainer)
    if name == "scratch":
        net, weights = numpy_bridge.mxnet_mlp(params)
        return _course_train(net, loaders, loss, epochs, params=weights, lr=LR)
    if name == "gluon":
        net = nn.HybridSequential()
        net.add(nn.Dense(SIZES[1], activation="relu"), nn.Dense(SIZES[2]))
        net.initialize(init.Xavier())
        net.hybridize()
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
        return _course_train(net, loaders, loss, epochs, trainer=trainer)
    raise ValueError(f"run: unknown contender {name!r}, expected one of {CONTENDERS}")


def rotations(rounds, names=CONTENDERS):
    """Run order: round r starts with contender r (mod len), so each goes first as often."""
    if rounds < 1:
        raise ValueError(f"rotations: rounds must be >= 1, got {rounds}")
    return [list(names[r % len(names):]) + list(names[:r % len(names)]) for r in range(rounds)]


def measure_rotated(run_one, names, rounds, epochs, loaders=None, verbose=True):
    """{name: report.summarize_runs(...)}: ``run_one(name, loaders, epochs)`` for every
    contender in ``names``, ``rounds`` times in rotated order (also bench/augmentation.py)."""
    loaders = loaders or course_loaders()
    runs = {name: [] for name in names}
    for r, order in enumerate(rotations(rounds, names)):
        for name in order:
            runs[name].append(run_one(name, loaders, epochs))
            if verbose:
                print(f"  round {r + 1}: {name:<9} {sum(runs[name][-1]['seconds']):6.1f} s",
                      flush=True)
    return {name: report.summarize_runs(r) for name, r in runs.items()}


def measure(rounds=3, epochs=3, loaders=None, verbose=True):
    """{contender: report.summarize_runs(...)} over ``rounds`` rotated rounds."""
    return measure_rotated(run, CONTENDERS, rounds, epochs, loaders, verbose)


def format_line(summary):
    """One line: each contender's median s/epoch, and how many times NumPy's time it is."""
    numpy_s = summary["numpy"]["epoch_s"]
    parts = [f"{LABELS['numpy']} {numpy_s:.3f} s"]
    parts += [f"{LABELS[k]} {summary[k]['epoch_s']:.3f} s "
              f"(NumPy/this {numpy_s / summary[k]['epoch_s']:.1f}x)" for k in ("scratch", "gluon")]
    return ("MLP 784-128-10, s/epoch end to end (median): " + ", ".join(parts))


def run_alone(doc, measure_fn, format_fn, argv=None):
    """A contender script's command line: --rounds, --epochs, then its one line."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    if min(args.rounds, args.epochs) < 1:
        parser.error("--rounds and --epochs must be >= 1")
    print(format_fn(measure_fn(args.rounds, args.epochs)))
    return 0


def main(argv=None):
    return run_alone(__doc__, measure, format_line, argv)


if __name__ == "__main__":
    sys.exit(main())
