"""Chapter 09's cost question: how much does per-batch augmentation slow training?

One network (784-256-10, ReLU, Gluon, hybridized), one loop (``d2l.train_ch3``),
one loader, batch 256, SGD lr 0.5, two contenders:

* ``plain``: the course's in-memory loader as it is;
* ``augmented``: the same loader wrapped in ``d2l.Augmented(train_iter,
  d2l.random_shift, d2l.random_flip_lr)`` (chapter 09), a few ``nd`` operators
  per batch.

An epoch is a training pass plus the test evaluation (end to end).  Rounds
rotate the order; medians over every epoch of every round are reported, with
their ratio (augmented/plain: how many times slower an epoch gets).  Run alone
with ``python bench/augmentation.py`` or as part of ``make bench``.
"""

import sys

from mxnet import gluon
from numpy_mlp import measure_rotated, run_alone
from training import _course_train, gluon_net

import d2l_utils as d2l

CONTENDERS = ("plain", "augmented")
LR, SEED = 0.5, 0


def run(name, loaders, epochs):
    """One run of contender ``name``: {"seconds": [per epoch], "test_acc": float}."""
    if name not in CONTENDERS:
        raise ValueError(f"run: unknown contender {name!r}, expected one of {CONTENDERS}")
    train_iter, test_iter = loaders
    if name == "augmented":
        train_iter = d2l.Augmented(train_iter, d2l.random_shift, d2l.random_flip_lr)
    d2l.set_seed(SEED)
    net = gluon_net((256,))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    return _course_train(net, (train_iter, test_iter), loss, epochs, trainer=trainer)


def measure(rounds=3, epochs=3, loaders=None, verbose=True):
    """{contender: report.summarize_runs(...)} over ``rounds`` rotated rounds."""
    return measure_rotated(run, CONTENDERS, rounds, epochs, loaders, verbose)


def format_line(summary):
    """One line: both medians and how many times slower augmentation makes an epoch."""
    plain, augmented = summary["plain"]["epoch_s"], summary["augmented"]["epoch_s"]
    return (f"MLP 784-256-10, s/epoch end to end (median): plain loader {plain:.3f} s, "
            f"with random_shift + random_flip_lr (chapter 09) {augmented:.3f} s "
            f"(augmented/plain {augmented / plain:.2f}x)")


def main(argv=None):
    return run_alone(__doc__, measure, format_line, argv)


if __name__ == "__main__":
    sys.exit(main())
