"""Linear regression from scratch, the first edition's helpers: data_iter, linreg, squared_loss.

Book sections 3.2 (linear regression from scratch), 3.12 (weight decay) and
7.3 (``train_ch7``'s model and loss).  The course's chapter
02_softmax_regression.ipynb meets the squared loss (its optional L2/L1/Huber
part); chapter 09_regularization.ipynb reuses the weight-decay experiment's
idea on Fashion-MNIST.  ``sgd`` lives in ``training.py``.
"""

import random

from mxnet import nd

from .arguments import check_number


def data_iter(batch_size, features, labels):
    """Yield (X, y) mini-batches of ``features`` (n, d) and ``labels`` (n,), in a random order.

    The book's generator (section 3.2): Python's ``random.shuffle`` orders the
    indices (so ``random.seed`` or ``d2l.set_seed`` repeats it), each batch is
    ``features.take(j), labels.take(j)`` and the last one holds the remaining
    n % batch_size examples.  A generator: one pass, call it again for the
    next epoch.  Unlike the book it checks its arguments first (the book's
    version yields nothing for batch_size 0 and fails inside ``take`` for
    mismatched lengths).
    """
    batch_size = check_number("data_iter: batch_size", batch_size, int, 1)
    if len(features) != len(labels):
        raise ValueError(f"data_iter: {len(features)} features but {len(labels)} labels; "
                         "pass one label per example (row)")
    return _batches(batch_size, features, labels)


def _batches(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        j = nd.array(indices[i: min(i + batch_size, num_examples)])
        yield features.take(j), labels.take(j)


def linreg(X, w, b):
    """The linear model ``X w + b``: X (n, d), w (d, 1), b (1,) -> (n, 1).

    Book section 3.2; ``train_ch7`` (section 7.3) trains it.
    """
    return nd.dot(X, w) + b


def squared_loss(y_hat, y):
    """Per-example squared loss ``(y_hat - y)**2 / 2``, shaped like ``y_hat``.

    y is reshaped to ``y_hat.shape`` first, so labels (n,) against
    predictions (n, 1) give (n, 1), not an (n, n) broadcast.  Book section 3.2;
    the course's chapter 02_softmax_regression.ipynb compares it with
    cross-entropy.
    """
    if y.size != y_hat.size:
        raise ValueError(f"squared_loss: y_hat has shape {y_hat.shape} and y {y.shape}; "
                         "they must hold the same number of values (one label per prediction)")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
