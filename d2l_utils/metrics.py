"""Measuring a classifier: timers, running sums and accuracy.

Introduced in chapters/03_softmax_from_scratch.ipynb.  MXNet runs operators
asynchronously; the helpers here keep sums as NDArrays and read them (one
device sync) only when asked, so measuring does not slow training down.
"""

import time

import mxnet as mx
import numpy as np
from mxnet import gluon, nd

from .arguments import check_number


class Timer:
    """Record several running times (seconds); starts on creation.

    MXNet is asynchronous: call ``nd.waitall()`` (or read a result) before
    ``stop()`` when timing MXNet code.  Introduced in
    chapters/01_fashion_mnist.ipynb.
    """

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start (or restart) the current interval."""
        self.tik = time.perf_counter()

    def stop(self):
        """End the current interval, record it and return its length in seconds."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        """Mean of the recorded intervals."""
        if not self.times:
            raise ValueError("Timer.avg: no interval recorded yet; call stop() first")
        return sum(self.times) / len(self.times)

    def sum(self):
        """Total of the recorded intervals."""
        return sum(self.times)

    def cumsum(self):
        """Running totals of the recorded intervals, as a list."""
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """Running sums of ``n`` quantities, e.g. (loss sum, correct predictions, examples).

    ``add`` takes numbers or size-1 NDArrays (all NDArrays on one device).
    NDArrays are only collected: no operator runs and nothing waits for the
    device until ``acc[i]`` is read, which sums them with one ``nd.add_n``
    and returns a Python float.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """

    max_pending = 256  # collected NDArrays per sum before they are folded into one

    def __init__(self, n):
        check_number("Accumulator: n", n, int, 1)
        self.data = [0.0] * n
        self._pending = [[] for _ in range(n)]

    def add(self, *args):
        """Add one value to each of the ``n`` sums (exactly ``n`` values)."""
        if len(args) != len(self.data):
            raise ValueError(
                f"Accumulator.add: got {len(args)} values for {len(self.data)} sums")
        for i, b in enumerate(args):
            if isinstance(b, nd.NDArray):
                if b.size != 1:
                    raise ValueError(
                        f"Accumulator.add: NDArray values must hold one number, got shape "
                        f"{b.shape}; reduce it first, e.g. l.sum()")
                pending = self._pending[i]
                pending.append(b.detach())
                if len(pending) >= self.max_pending:  # fold, still without waiting
                    self._pending[i] = [nd.add_n(*pending)]
            else:
                self.data[i] += float(b)

    def reset(self):
        """Set every sum back to 0."""
        self.data = [0.0] * len(self.data)
        self._pending = [[] for _ in self.data]

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return [self[i] for i in range(len(self.data))[idx]]
        if self._pending[idx]:
            total = nd.add_n(*self._pending[idx])
            self.data[idx] += float(total.asscalar())
            self._pending[idx] = []
        return self.data[idx]


def check_scores(y_hat, y, caller, what="net(X)"):
    """Fail early unless ``y_hat`` is (batch, num_classes) scores for labels ``y`` (batch,).

    Raises ValueError naming ``caller`` and ``what``.  Only shapes are read, so
    this does not wait for the device.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """
    if y.ndim != 1:
        raise ValueError(
            f"{caller}: labels y must have shape (batch,), got {y.shape}; "
            "the data iterator should yield (X, y) with one integer label per example")
    if y_hat.ndim != 2 or y_hat.shape[0] != y.shape[0] or y_hat.shape[1] < 2:
        raise ValueError(
            f"{caller}: {what} has shape {y_hat.shape} for {y.shape[0]} labels; it must be "
            f"({y.shape[0]}, num_classes) scores with num_classes >= 2 (for images: flatten "
            "them and end the net with one output per class)")


def correct_count(y_hat, y):
    """Number of rows where ``argmax(y_hat)`` equals ``y``, as a lazy (1,) NDArray.

    y_hat: (batch, num_classes); y: (batch,) labels, any dtype.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """
    return (y_hat.argmax(axis=1) == y.astype('float32', copy=False)).sum()


def accuracy(y_hat, y):
    """Fraction of correct predictions in one batch, as a Python float.

    y_hat: (batch, num_classes) scores or probabilities; y: (batch,) labels.
    First-edition semantics (a fraction, not d2l 1.0's count): the mean of
    ``y_hat.argmax(axis=1) == y``, divided in Python so 6 of 50 gives 0.12
    exactly.  Introduced in chapters/03_softmax_from_scratch.ipynb.
    """
    check_scores(y_hat, y, "accuracy", what="y_hat")
    return float(correct_count(y_hat, y).asscalar()) / y.shape[0]


def net_context(net):
    """The context of a Gluon block's first parameter; None for functions or no parameters.

    Introduced in chapters/04_softmax_concise_gluon.ipynb.
    """
    if isinstance(net, gluon.Block):
        for param in net.collect_params().values():
            return param.list_ctx()[0]
    return None


def _context_list(ctx, net):
    if ctx is None:
        return [net_context(net)]
    if isinstance(ctx, mx.Context):
        return [ctx]
    if isinstance(ctx, list | tuple) and ctx and all(isinstance(c, mx.Context) for c in ctx):
        return list(ctx)
    raise TypeError(
        f"evaluate_accuracy: ctx must be None, an mx.Context or a non-empty list of them, "
        f"got {ctx!r}")


def evaluate_accuracy(data_iter, net, ctx=None, *, name="data_iter"):
    """Accuracy of ``net`` over every (X, y) batch of ``data_iter``, as a Python float.

    X: a batch of inputs (batch, ...); y: (batch,) integer labels; net(X) must
    be (batch, num_classes).  ``ctx`` is where to run: an ``mx.Context`` or a
    list of them (the batch is split across them); by default the context of a
    Gluon net's parameters, or wherever the batch already is for a plain
    function.  Reads the device once, at the end.  First-edition argument
    order; d2lzh's default is ``ctx=[mx.cpu()]``, which on a CPU gives the
    same number (tests/test_d2lzh_parity.py), and the book's
    ``evaluate_accuracy(test_iter, net, ctx)`` of section 5.5 runs on ``ctx``.
    Introduced in chapters/03_softmax_from_scratch.ipynb.
    """
    ctxs = _context_list(ctx, net)
    metric = Accumulator(2)  # correct predictions, examples
    for X, y in data_iter:
        if len(ctxs) == 1:
            parts = [(X, y)] if ctxs[0] is None else [
                (X.as_in_context(ctxs[0]), y.as_in_context(ctxs[0]))]
        else:
            parts = zip(gluon.utils.split_and_load(X, ctxs, even_split=False),
                        gluon.utils.split_and_load(y, ctxs, even_split=False), strict=True)
        for X_part, y_part in parts:
            y_hat = net(X_part)
            if metric[1] == 0:
                check_scores(y_hat, y_part, "evaluate_accuracy")
            count = correct_count(y_hat, y_part)
            metric.add(count if len(ctxs) == 1 else count.as_in_context(ctxs[0]), 0)
        metric.add(0, y.shape[0])
    if metric[1] == 0:
        raise ValueError(
            f"evaluate_accuracy: {name} yielded no batches; pass a non-empty, re-iterable "
            "data iterator (a DataLoader or a list of (X, y)), not an exhausted generator")
    return metric[0] / metric[1]
