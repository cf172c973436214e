"""The sweep line of make bench: 8 softmax trainings of 10 epochs, course against first edition.

Chapter 05 tunes hyperparameters by training many short runs one after the
other, so what a sweep costs is what matters.  Both sides train the same
configurations (``SWEEP_LRS`` at batch 256, the from-scratch net of chapter
3.6, every run seeded with the same value, so the two sides see the same
weights and batches and must reach the same accuracies):

* course: ``d2l.sweep`` over ``d2l.train_ch3`` on ``d2l.load_data_fashion_mnist``
  (chapter 05's path);
* first edition: d2lzh's ``train_ch3`` on Gluon ``FashionMNIST`` + ``ToTensor`` +
  ``DataLoader`` (4 workers), ``.asscalar()`` after every batch (bench/training.py (a)).

A run is ``num_epochs`` training passes over the 60000 images plus the test
evaluation after each, timed from building the model to the last accuracy.
The two runs of a configuration go back to back, in alternating order, so
drift on the machine hits both sides alike.  ``report.summarize_sweep`` turns
the runs into totals and the ratio.
"""

import contextlib
import io
import time

import training

import d2l_utils as d2l

SWEEP_LRS = (0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3)  # 8 configurations, none diverges


def course_run(loaders, lr, num_epochs):
    """One configuration through ``d2l.sweep`` + ``d2l.train_ch3``: {lr, seconds, test_acc}."""
    def make_run(lr):
        d2l.set_seed(training.SEED)
        net, loss, params = training.scratch_softmax()
        return d2l.train_ch3(net, *loaders, loss, num_epochs, training.BATCH_SIZE, params, lr,
                             verbose=False, plot=False)

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        results = d2l.sweep([{"lr": lr}], make_run)
    seconds = time.perf_counter() - start
    return {"lr": lr, "seconds": seconds, "test_acc": float(results["test_acc"][0])}


def first_edition_run(gluon_loaders, lr, num_epochs):
    """One configuration as bench/training.py (a) runs it: {lr, seconds, test_acc}."""
    start = time.perf_counter()
    d2l.set_seed(training.SEED)
    net, loss, params = training.scratch_softmax()
    _, accs = training.d2lzh_train_ch3(net, *gluon_loaders, loss, num_epochs,
                                       training.BATCH_SIZE, params, lr)
    return {"lr": lr, "seconds": time.perf_counter() - start, "test_acc": float(accs[-1])}


def measure(loaders, gluon_loaders, num_epochs=10, lrs=SWEEP_LRS, log=print):
    """Both sweeps over ``lrs``: {"course": [runs], "first_edition": [runs]}, in lrs order."""
    runs = {"course": [], "first_edition": []}
    contenders = {"course": lambda lr: course_run(loaders, lr, num_epochs),
                  "first_edition": lambda lr: first_edition_run(gluon_loaders, lr, num_epochs)}
    for i, lr in enumerate(lrs):
        order = list(contenders) if i % 2 == 0 else list(reversed(contenders))
        for name in order:
            runs[name].append(contenders[name](lr))
            run = runs[name][-1]
            log(f"  sweep lr {lr:<5g} {name:<14}{run['seconds']:6.1f} s, "
                f"test acc {run['test_acc']:.4f}")
    return runs
