"""Training a classifier the first-edition way: sgd and train_ch3.

``train_ch3`` is the course's one training loop.  Introduced in
chapters/03_softmax_from_scratch.ipynb (from scratch, ``params`` and ``lr``)
and chapters/04_softmax_concise_gluon.ipynb (``trainer``).  Later chapters
extend it without copying it: ``valid_iter`` (held-out data, chapter 05) and
``callbacks`` (d2l_utils.callbacks: early stopping, checkpoints, logging,
progress bars), small objects whose ``on_*`` methods the loop calls at fixed
points.  The epoch line and the live plot are such callbacks too, installed
by ``train_ch3`` itself.  ``predict_ch3`` is in ``evaluation`` (importable
from here).
"""

import math
from dataclasses import dataclass, field

from mxnet import autograd, nd

from .arguments import check_number
from .callbacks.base import Callback
from .callbacks.reporting import reporters
from .callbacks.stopping import StopOnDivergence
from .evaluation import predict_ch3
from .metrics import (
    Accumulator,
    Timer,
    check_scores,
    evaluate_accuracy,
    net_context,
)

__all__ = ["Callback", "History", "TrainState", "predict_ch3", "sgd", "train_ch3"]


def sgd(params, lr, batch_size):
    """Minibatch SGD step in place: ``param[:] = param - lr * param.grad / batch_size``.

    params: NDArrays with gradients attached (``attach_grad``) and computed
    (``l.backward()`` on the batch's summed loss).  Each update runs as one
    fused MXNet operator (``nd.sgd_update``) instead of four, which matters
    when a batch takes well under a millisecond.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """
    for param in params:
        nd.sgd_update(param, param.grad, lr=lr, rescale_grad=1.0 / batch_size, out=param)


@dataclass
class History:
    """Per-epoch results of ``train_ch3``: lists with one float per epoch.

    ``train_loss`` (mean loss per example), ``train_acc`` (measured during the
    epoch, before each step; nan for a regression), ``test_acc`` and ``valid_acc`` (after the epoch;
    empty when that iterator was not given), ``lr`` (the learning rate at the
    epoch's end), ``seconds`` (training plus evaluation, without plotting);
    ``stopped``: why training ended early (None if it ran every epoch);
    ``figure``: the live plot's matplotlib Figure, or None.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    valid_acc: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    stopped: str | None = None
    figure: object = field(default=None, repr=False)


@dataclass
class TrainState:
    """What the loop knows, handed to every callback.

    ``epoch``: epochs finished so far (a callback's ``on_train_begin`` may set
    it to resume); ``step``: parameter updates so far; ``loss_sum`` and
    ``batch_size``: the last batch's summed loss (an NDArray, not yet read)
    and size; ``stop``: set it to a reason (str) to end training after the
    current epoch; ``scratch_lr``: the from-scratch path's ``lr``.
    Introduced in chapters/05_hyperparameters.ipynb.
    """

    net: object
    params: list | None
    trainer: object
    history: History
    num_epochs: int
    epoch: int = 0
    step: int = 0
    loss_sum: object = None
    batch_size: int = 0
    stop: str | None = None
    scratch_lr: float | None = None

    @property
    def lr(self):
        """The current learning rate: the trainer's (schedules included), else ``scratch_lr``."""
        return self.trainer.learning_rate if self.trainer is not None else self.scratch_lr


def _check_train_args(net, loss, num_epochs, batch_size, params, lr, trainer, callbacks):
    if not callable(net) or not callable(loss):
        raise TypeError("train_ch3: net and loss must be callables, "
                        f"got net={type(net).__name__}, loss={type(loss).__name__}")
    check_number("train_ch3: num_epochs", num_epochs, int, 1)
    check_number("train_ch3: batch_size", batch_size, int, 1)
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"train_ch3: callbacks must be d2l.Callback objects, got {cb!r}")
    if trainer is not None:
        if params is not None or lr is not None:
            raise ValueError("train_ch3: pass either params and lr (from scratch) or trainer "
                             "(Gluon), not both; the trainer holds its own learning rate")
        if not hasattr(trainer, "step"):
            raise TypeError(f"train_ch3: trainer must be a gluon.Trainer, got {trainer!r}")
        return
    if params is None:
        raise ValueError("train_ch3: params and trainer are both None; pass params=[W, b] "
                         "and lr for the from-scratch path, or trainer=gluon.Trainer(...)")
    if lr is None:
        raise ValueError("train_ch3: lr is None; the from-scratch path (params) needs a "
                         "learning rate, e.g. lr=0.1")
    check_number("train_ch3: lr", lr, float, above=0)
    if not isinstance(params, list | tuple) or not params:
        raise TypeError(f"train_ch3: params must be a non-empty list of NDArrays, got {params!r}")
    for i, p in enumerate(params):
        if not isinstance(p, nd.NDArray) or p.grad is None:
            raise ValueError(f"train_ch3: params[{i}] must be an NDArray with a gradient; "
                             "call attach_grad() on it first")


def _check_label_range(low, high, num_classes, when):
    if low < 0 or high >= num_classes:
        raise ValueError(f"train_ch3: labels y range over [{low:g}, {high:g}] {when} but net(X) "
                         f"has {num_classes} outputs; labels must be in [0, {num_classes - 1}]")


class _EpochPredictions:
    """The epoch's predicted classes and labels, kept on the device and compared once at
    its end: one operator per batch (argmax) instead of eight, which is a quarter of a
    small model's step.  Every 256 batches they are joined into one array each."""

    fold_every = 256

    def __init__(self):
        self.predicted, self.labels = [], []

    def add(self, y_hat, y):
        self.predicted.append(y_hat.argmax(axis=1))
        self.labels.append(y if y.dtype == self.predicted[-1].dtype else y.astype("float32"))
        if len(self.predicted) >= self.fold_every:
            self._fold()

    def _fold(self):
        """Join each list into one array, in place: a second call does nothing."""
        for name in ("predicted", "labels"):
            arrays = getattr(self, name)
            if len(arrays) > 1:
                setattr(self, name, [nd.concat(*arrays, dim=0)])

    def label_range(self):
        self._fold()
        return self.labels[0].min().asscalar(), self.labels[0].max().asscalar()

    def correct(self):
        self._fold()
        return float((self.predicted[0] == self.labels[0]).sum().asscalar())


def _curves(test_iter, valid_iter, classify):
    """The History lists the epoch line and the live plot show, in their order."""
    return ["train_loss"] + ["train_acc"] * classify + ["valid_acc"] * (valid_iter is not None) \
        + ["test_acc"] * (test_iter is not None)


def train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size,
              params=None, lr=None, trainer=None, *, valid_iter=None, callbacks=(),
              plot=None, verbose=True, ctx=None, classify=True):
    """Train ``net`` for ``num_epochs`` and print loss and accuracies after each epoch.

    net(X) -> (batch, num_classes); loss(y_hat, y) -> (batch,) per-example
    losses; train_iter, test_iter (may be None) and valid_iter yield (X, y)
    with y (batch,) labels and must be re-iterable (a DataLoader or a list).
    Updates ``params`` with ``sgd(params, lr, batch_size)`` or, if given,
    calls ``trainer.step(batch_size)``.  Batches move to the context of
    ``params`` or of the Gluon net.  ``plot``: draw a live curve (default:
    only inside a Jupyter kernel); ``verbose``: print one line per epoch.
    ``callbacks``: ``Callback`` objects (early stopping, checkpoints, ...).
    Sums stay on the device and are read once per epoch; labels outside the
    net's classes are an error.  If the training loss becomes nan or inf, it
    prints why, stops and returns what it has.  Returns a ``History``.
    ``ctx``: where batches and evaluation run (default: the context of
    ``params`` or of the Gluon net), as the book's ``train_ch5`` takes it.
    ``classify=False`` trains a regression (book chapter 7's ``train_ch7``):
    no accuracy, no score or label checks, and no test or validation set.
    Introduced in chapters/03_softmax_from_scratch.ipynb; ``valid_iter`` and
    ``callbacks`` in chapters/05_hyperparameters.ipynb; ``ctx`` and
    ``classify`` for the book's ``train_ch5`` and ``train_ch7``.
    """
    callbacks = list(callbacks)
    _check_train_args(net, loss, num_epochs, batch_size, params, lr, trainer, callbacks)
    if not classify and (test_iter is not None or valid_iter is not None):
        raise ValueError("train_ch3: classify=False (a regression) measures no accuracy; "
                         "pass test_iter=None and valid_iter=None")
    if ctx is None:
        ctx = params[0].context if trainer is None else net_context(net)
    callbacks = [*reporters(_curves(test_iter, valid_iter, classify), verbose, plot),
                 StopOnDivergence(), *callbacks]
    history = History()
    state = TrainState(net, params, trainer, history, num_epochs, scratch_lr=lr)
    for cb in callbacks:
        cb.on_train_begin(state)
    timer, checked = Timer(), False
    while state.epoch < num_epochs and state.stop is None:
        for cb in callbacks:
            cb.on_epoch_begin(state)
        timer.start()
        metric = Accumulator(2)  # loss sum, examples
        predictions = _EpochPredictions()
        for X, y in train_iter:
            if ctx is not None:
                X, y = X.as_in_context(ctx), y.as_in_context(ctx)
            with autograd.record():
                y_hat = net(X)
                if classify and not checked:  # fail fast, with one device read, on batch 1
                    check_scores(y_hat, y, "train_ch3")
                    _check_label_range(y.min().asscalar(), y.max().asscalar(),
                                       y_hat.shape[1], "in the first batch")
                    checked = True
                loss_sum = loss(y_hat, y).sum()
            loss_sum.backward()
            if trainer is None:
                sgd(params, lr, batch_size)
            else:
                trainer.step(batch_size)
            metric.add(loss_sum, y.shape[0])
            if classify:
                predictions.add(y_hat, y)
            state.step += 1
            state.loss_sum, state.batch_size = loss_sum, y.shape[0]
            for cb in callbacks:
                cb.on_batch_end(state)
        if metric[1] == 0:
            raise ValueError(f"train_ch3: train_iter yielded no batches in epoch "
                             f"{state.epoch + 1}; pass a non-empty, re-iterable data iterator "
                             "(a DataLoader or a list of (X, y)), not a generator")
        if classify:
            _check_label_range(*predictions.label_range(), y_hat.shape[1],
                               f"in epoch {state.epoch + 1}")
        state.epoch += 1
        train_loss = metric[0] / metric[1]
        accs = {"train": predictions.correct() / metric[1]} if classify else {}
        for name, data in (("valid", valid_iter), ("test", test_iter)):
            if data is not None:
                accs[name] = evaluate_accuracy(data, net, ctx, name=f"{name}_iter")
                getattr(history, f"{name}_acc").append(accs[name])
        history.seconds.append(timer.stop())
        history.train_loss.append(train_loss)
        history.train_acc.append(accs.get("train", math.nan))
        history.lr.append(state.lr)
        for cb in callbacks:
            cb.on_epoch_end(state)
    history.stopped = state.stop
    for cb in callbacks:
        cb.on_train_end(state)
    return history
