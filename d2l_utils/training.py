"""Training a classifier the first-edition way: sgd, train_ch3, predict_ch3.

Introduced in chapters/03_softmax_from_scratch.ipynb (from scratch, ``params``
and ``lr``) and chapters/04_softmax_concise_gluon.ipynb (``trainer``).
"""

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
    epoch, before each step), ``test_acc`` (after the epoch), ``seconds``
    (training plus evaluation, without plotting); ``figure``: the live plot's
    matplotlib Figure, or None.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    figure: object = field(default=None, repr=False)


def _check_train_args(net, loss, num_epochs, batch_size, params, lr, trainer):
    if not callable(net) or not callable(loss):
        raise TypeError("train_ch3: net and loss must be callables, "
                        f"got net={type(net).__name__}, loss={type(loss).__name__}")
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int) or num_epochs < 1:
        raise ValueError(f"train_ch3: num_epochs must be an int >= 1, got {num_epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"train_ch3: batch_size must be an int >= 1, got {batch_size!r}")
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
    if not isinstance(params, list | tuple) or not params:
        raise TypeError(f"train_ch3: params must be a non-empty list of NDArrays, got {params!r}")
    for i, p in enumerate(params):
        if not isinstance(p, nd.NDArray) or p.grad is None:
            raise ValueError(f"train_ch3: params[{i}] must be an NDArray with a gradient; "
                             "call attach_grad() on it first")


def _check_labels(y, num_classes):
    """Labels must index the net's outputs; one device read, on the first batch only."""
    low, high = y.min().asscalar(), y.max().asscalar()
    if low < 0 or high >= num_classes:
        raise ValueError(f"train_ch3: labels y range over [{low:g}, {high:g}] but net(X) has "
                         f"{num_classes} outputs; labels must be in [0, {num_classes - 1}]")


def train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size,
              params=None, lr=None, trainer=None, *, plot=None):
    """Train ``net`` for ``num_epochs`` and print loss and accuracies after each epoch.

    net(X) -> (batch, num_classes); loss(y_hat, y) -> (batch,) per-example
    losses; train_iter and test_iter yield (X, y) with y (batch,) labels and
    must be re-iterable (a DataLoader or a list).  Updates ``params`` with
    ``sgd(params, lr, batch_size)`` or, if given, calls
    ``trainer.step(batch_size)``.  Batches move to the context of ``params`` or
    of the Gluon net.  ``plot``: draw a live curve (default: only inside a
    Jupyter kernel).  Sums stay on the device; it is read once per epoch.
    Returns a ``History``.  Introduced in chapters/03_softmax_from_scratch.ipynb.
    """
    _check_train_args(net, loss, num_epochs, batch_size, params, lr, trainer)
    ctx = params[0].context if trainer is None else net_context(net)
    animator = None
    live = in_jupyter_kernel() if plot is None else plot
    if live:
        animator = Animator(xlabel='epoch', xlim=[1, num_epochs] if num_epochs > 1 else None,
                            legend=['train loss', 'train acc', 'test acc'],
                            fmts=('-o', 'm--s', 'g-.^'))
    history = History(figure=animator.fig if animator else None)
    timer, checked = Timer(), False
    for epoch in range(num_epochs):
        timer.start()
        metric = Accumulator(3)  # loss sum, correct predictions, examples
        for X, y in train_iter:
            if ctx is not None:
                X, y = X.as_in_context(ctx), y.as_in_context(ctx)
            with autograd.record():
                y_hat = net(X)
                if not checked:
                    check_scores(y_hat, y, "train_ch3")
                    _check_labels(y, y_hat.shape[1])
                    checked = True
                loss_sum = loss(y_hat, y).sum()
            loss_sum.backward()
            if trainer is None:
                sgd(params, lr, batch_size)
            else:
                trainer.step(batch_size)
            metric.add(loss_sum, correct_count(y_hat, y), y.shape[0])
        if metric[2] == 0:
            raise ValueError(f"train_ch3: train_iter yielded no batches in epoch {epoch + 1}; "
                             "pass a non-empty, re-iterable data iterator (a DataLoader or a "
                             "list of (X, y)), not a generator")
        test_acc = evaluate_accuracy(test_iter, net, ctx, name="test_iter")
        train_loss, train_acc = metric[0] / metric[2], metric[1] / metric[2]
        history.seconds.append(timer.stop())
        print(f'epoch {epoch + 1}, loss {train_loss:.4f}, train acc {train_acc:.3f}, '
              f'test acc {test_acc:.3f}')
        history.train_loss.append(train_loss)
        history.train_acc.append(train_acc)
        history.test_acc.append(test_acc)
        if animator:
            animator.add(epoch + 1, (train_loss, train_acc, test_acc))
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
