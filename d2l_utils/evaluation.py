"""Where a trained classifier errs: its predictions on a few images, a confusion matrix
and the misclassified examples.

Introduced in chapters/03_softmax_from_scratch.ipynb (``predict_ch3``) and
chapters/04_softmax_concise_gluon.ipynb.  ``confusion_matrix`` and
``misclassified`` run the net over a data iterator batch by batch, read each
batch's predictions once, and return NumPy arrays, so the results can be
printed, plotted or compared.
"""

import numpy as np

from .arguments import check_number
from .data import get_fashion_mnist_labels
from .images import show_images
from .metrics import check_scores, net_context
from .plotting import use_svg_display

# pyplot is imported in the functions that draw: plotting.py says why.

__all__ = ["predict_ch3", "confusion_matrix", "show_confusion_matrix", "misclassified"]


def predict_ch3(net, test_iter, n=6):
    """Show the first ``n`` images of ``test_iter``, titled 'true\\npredicted'; return the axes.

    Introduced in chapters/03_softmax_from_scratch.ipynb.
    """
    check_number("predict_ch3: n", n, int, 1)
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


def _batches(data_iter, net, caller, name):
    """Yield ``(X, y, y_hat)`` per batch as NumPy arrays (y and predictions as int64)."""
    ctx = net_context(net)
    seen = False
    for X, y in data_iter:
        y_hat = net(X if ctx is None else X.as_in_context(ctx))
        check_scores(y_hat, y, caller)
        seen = True
        yield X, y.asnumpy().astype(np.int64), y_hat
    if not seen:
        raise ValueError(f"{caller}: {name} yielded no batches; pass a non-empty, re-iterable "
                         "data iterator (a DataLoader or a list of (X, y))")


def _check_labels(labels, num_classes, caller):
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{caller}: labels range over [{labels.min()}, {labels.max()}] but the "
                         f"net has {num_classes} outputs; labels must be in "
                         f"[0, {num_classes - 1}]")


def confusion_matrix(net, data_iter, *, name="data_iter"):
    """Counts of (true class, predicted class) pairs over every example of ``data_iter``.

    net(X) -> (batch, num_classes) scores or probabilities; data_iter yields
    (X, y) with y (batch,) integer labels.  Returns an int64 NumPy array
    ``cm`` of shape (num_classes, num_classes): ``cm[i, j]`` is the number of
    examples of class i that the net predicts as class j (its argmax).  So the
    diagonal holds the correct predictions, ``cm.trace() / cm.sum()`` is the
    accuracy, and each row sums to the number of examples of that class.
    Introduced in chapters/04_softmax_concise_gluon.ipynb.
    """
    cm = None
    for _, y, y_hat in _batches(data_iter, net, "confusion_matrix", name):
        k = y_hat.shape[1]
        if cm is None:
            cm = np.zeros((k, k), dtype=np.int64)
        elif cm.shape[0] != k:
            raise ValueError(f"confusion_matrix: net(X) has {k} outputs for this batch but "
                             f"{cm.shape[0]} for the first one")
        _check_labels(y, k, "confusion_matrix")
        pred = y_hat.argmax(axis=1).asnumpy().astype(np.int64)
        cm += np.bincount(y * k + pred, minlength=k * k).reshape(k, k)
    return cm


def show_confusion_matrix(cm, labels=None, figsize=(4.6, 4.0), cmap="Blues"):
    """Draw ``cm`` (from ``confusion_matrix``) as a grid of counts; return the axes.

    Rows are the true classes, columns the predicted ones, both named by
    ``labels`` (default: the Fashion-MNIST class names for 10 classes, else
    the class indices).  Each cell shows its count; the colour shows the
    count as a fraction of its row (the true class), so the diagonal reads as
    per-class accuracy and bright off-diagonal cells are frequent mistakes.
    Introduced in chapters/04_softmax_concise_gluon.ipynb.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] < 2:
        raise ValueError(f"show_confusion_matrix: cm must be a square (k, k) matrix with k >= 2, "
                         f"got shape {cm.shape}; compute it with d2l.confusion_matrix")
    k = cm.shape[0]
    if labels is None:
        labels = get_fashion_mnist_labels(range(k)) if k == 10 else [str(i) for i in range(k)]
    if len(labels) != k:
        raise ValueError(f"show_confusion_matrix: {len(labels)} labels for {k} classes")
    use_svg_display()
    rows = cm.sum(axis=1, keepdims=True)
    frac = cm / np.maximum(rows, 1)
    from matplotlib import pyplot as plt
    fig, ax = plt.subplots(figsize=figsize)
    ax.imshow(frac, cmap=cmap, vmin=0, vmax=1)
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if frac[i, j] > 0.5 else "black")
    ax.set_xticks(range(k), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(k), labels, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.tight_layout()
    return ax


def misclassified(net, data_iter, n=10, *, name="data_iter"):
    """The first ``n`` examples of ``data_iter`` that ``net`` gets wrong, in iterator order.

    Returns ``(images, true, predicted)``: images as a NumPy array (m, ...)
    with m <= n (fewer if the data has fewer mistakes), and the true and
    predicted class indices as int64 arrays (m,).  Show them with
    ``d2l.show_images`` and ``d2l.get_fashion_mnist_labels``.  Introduced in
    chapters/04_softmax_concise_gluon.ipynb.
    """
    check_number("misclassified: n", n, int, 1)
    images, true, pred = [], [], []
    for X, y, y_hat in _batches(data_iter, net, "misclassified", name):
        _check_labels(y, y_hat.shape[1], "misclassified")
        p = y_hat.argmax(axis=1).asnumpy().astype(np.int64)
        wrong = np.flatnonzero(p != y)[:n - len(true)]
        if wrong.size:
            images.append(X.asnumpy()[wrong])
            true.extend(y[wrong])
            pred.extend(p[wrong])
        if len(true) == n:
            break
    shape = images[0].shape[1:] if images else X.shape[1:]
    images = np.concatenate(images) if images else np.zeros((0, *shape), dtype=np.float32)
    return images, np.array(true, dtype=np.int64), np.array(pred, dtype=np.int64)
