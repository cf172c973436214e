"""Training a classifier the first-edition way: sgd, train_ch3, predict_ch3.

``train_ch3`` is the course's one training loop.  Introduced in
chapters/03_softmax_from_scratch.ipynb (from scratch, ``params`` and ``lr``)
and chapters/04_softmax_concise_gluon.ipynb (``trainer``).  Later chapters
extend it without copying it: ``valid_iter`` (held-out data, chapter 05) and
``callbacks`` (early stopping, checkpoints, logging, progress bars), small
objects whose ``on_*`` methods the loop calls at fixed points.
"""

import math
from dataclasses import dataclass, field

from mxnet import autograd, nd

from .data import get_fashion_mnist_labels
from .metrics import (
    Accumulator,
    Timer,
    check_scores,
    correct_count,
    evaluate_accuracy,
    net_context,
)
from .plotting import Animator, in_jupyter_kernel, show_images


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


class Callback:
    """Base class of the loop's extensions: override the hooks you need.

    ``on_train_begin(state)`` before the first epoch, ``on_epoch_begin(state)``
    before each epoch, ``on_batch_end(state)`` after each update,
    ``on_epoch_end(state)`` after each epoch's metrics are in
    ``state.history``, ``on_train_end(state)`` at the end (also after an
    early stop).  Set ``state.stop = "reason"`` to stop.  Introduced in
    chapters/05_hyperparameters.ipynb.
    """

    def on_train_begin(self, state):
        pass

    def on_epoch_begin(self, state):
        pass

    def on_batch_end(self, state):
        pass

    def on_epoch_end(self, state):
        pass

    def on_train_end(self, state):
        pass


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"train_ch3: {name} must be an int >= 1, got {value!r}")


def _check_lr(lr):
    if isinstance(lr, bool) or not isinstance(lr, int | float):
        raise TypeError(f"train_ch3: lr must be a number, got {type(lr).__name__} {lr!r}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"train_ch3: lr must be a finite number > 0, got {lr!r}")


def _check_train_args(net, loss, num_epochs, batch_size, params, lr, trainer, callbacks):
    if not callable(net) or not callable(loss):
        raise TypeError("train_ch3: net and loss must be callables, "
                        f"got net={type(net).__name__}, loss={type(loss).__name__}")
    _positive_int("num_epochs", num_epochs)
    _positive_int("batch_size", batch_size)
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
    _check_lr(lr)
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


def _diverged(epoch, train_loss):
    return (f"train_ch3: stopped after epoch {epoch}: the training loss is {train_loss} "
            "(not finite). Usual causes: a learning rate too large (try 10x smaller), or "
            "exp overflowing in a naive softmax (use a stable loss such as "
            "gluon.loss.SoftmaxCrossEntropyLoss).")


def _live_plot(num_epochs, test_iter, valid_iter, classify):
    legend = ['train loss'] + ['train acc'] * classify + ['valid acc'] * (valid_iter is not None) \
        + ['test acc'] * (test_iter is not None)
    animator = Animator(xlabel='epoch', xlim=[1, num_epochs] if num_epochs > 1 else None,
                        legend=legend, fmts=('-o', 'm--s', 'g-.^', 'c:v'))
    animator.show()  # before the first log line, so the log stays one block under the plot
    return animator


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
    live = in_jupyter_kernel() if plot is None else plot
    animator = _live_plot(num_epochs, test_iter, valid_iter, classify) if live else None
    history = History(figure=animator.fig if animator else None)
    state = TrainState(net, params, trainer, history, num_epochs, scratch_lr=lr)
    for cb in callbacks:
        cb.on_train_begin(state)
    timer, checked = Timer(), False
    while state.epoch < num_epochs and state.stop is None:
        for cb in callbacks:
            cb.on_epoch_begin(state)
        timer.start()
        metric = Accumulator(3)  # loss sum, correct predictions, examples
        low = high = None  # label range over the epoch, kept on the device
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
            metric.add(loss_sum, correct_count(y_hat, y) if classify else 0, y.shape[0])
            if classify:
                y_min, y_max = y.min(), y.max()
                low = y_min if low is None else nd.minimum(low, y_min)
                high = y_max if high is None else nd.maximum(high, y_max)
            state.step += 1
            state.loss_sum, state.batch_size = loss_sum, y.shape[0]
            for cb in callbacks:
                cb.on_batch_end(state)
        if metric[2] == 0:
            raise ValueError(f"train_ch3: train_iter yielded no batches in epoch "
                             f"{state.epoch + 1}; pass a non-empty, re-iterable data iterator "
                             "(a DataLoader or a list of (X, y)), not a generator")
        if classify:
            _check_label_range(low.asscalar(), high.asscalar(), y_hat.shape[1],
                               f"in epoch {state.epoch + 1}")
        state.epoch += 1
        train_loss = metric[0] / metric[2]
        accs = {"train": metric[1] / metric[2]} if classify else {}
        for name, data in (("valid", valid_iter), ("test", test_iter)):
            if data is not None:
                accs[name] = evaluate_accuracy(data, net, ctx, name=f"{name}_iter")
                getattr(history, f"{name}_acc").append(accs[name])
        history.seconds.append(timer.stop())
        history.train_loss.append(train_loss)
        history.train_acc.append(accs.get("train", math.nan))
        history.lr.append(state.lr)
        if verbose:
            print(f'epoch {state.epoch}, loss {train_loss:.4f}'
                  + ''.join(f', {name} acc {acc:.3f}' for name, acc in accs.items()))
        if animator:
            animator.add(state.epoch, (train_loss, *accs.values()))
        if not math.isfinite(train_loss):
            state.stop = _diverged(state.epoch, train_loss)
            print(state.stop)
        for cb in callbacks:
            cb.on_epoch_end(state)
    history.stopped = state.stop
    for cb in callbacks:
        cb.on_train_end(state)
    return history


def predict_ch3(net, test_iter, n=6):
    """Show the first ``n`` images of ``test_iter``, titled 'true\\npredicted'; return the axes.

    Introduced in chapters/03_softmax_from_scratch.ipynb.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"predict_ch3: n must be an int >= 1, got {n!r}")
    batch = next(iter(test_iter), None)
    if batch is None:
        raise ValueError("predict_ch3: test_iter yielded no batches")
    X, y = batch
    ctx = net_context(net)
    y_hat = net(X if ctx is None else X.as_in_context(ctx))
    check_scores(y_hat, y, "predict_ch3")
    n = min(n, y.shape[0])
    trues = get_fashion_mnist_labels(y[:n])
    preds = get_fashion_mnist_labels(y_hat[:n].argmax(axis=1))
    titles = [true + '\n' + pred for true, pred in zip(trues, preds, strict=True)]
    return show_images(X[:n], 1, n, titles=titles)
