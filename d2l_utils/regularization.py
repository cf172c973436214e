"""Regularization: weight penalties, dropout from scratch, early stopping.

Introduced in chapters/09_regularization.ipynb.  The penalties and dropout are
the book's from-scratch versions (first edition, sections 3.12 and 3.13);
``EarlyStopping``, a ``train_ch3`` callback, is in ``d2l_utils.callbacks``
(importable from here too).
"""

from mxnet import autograd, nd

from .arguments import check_number
from .callbacks.stopping import EarlyStopping

__all__ = ["l2_penalty", "l1_penalty", "dropout", "EarlyStopping"]


def l2_penalty(w):
    """``(w ** 2).sum() / 2``, whose gradient is ``w`` (``tf.nn.l2_loss``).

    Add ``lambd * l2_penalty(w)`` to each example's loss for weight decay.
    Introduced in chapters/09_regularization.ipynb.
    """
    return (w ** 2).sum() / 2


def l1_penalty(w):
    """``|w|.sum()``, whose gradient is ``sign(w)``: pushes small weights to exactly 0.

    Introduced in chapters/09_regularization.ipynb.
    """
    return w.abs().sum()


def dropout(X, rate):
    """Inverted dropout: zero each element with probability ``rate``, scale the rest by
    ``1 / (1 - rate)`` so the expected value is unchanged.

    Active only while training (inside ``autograd.record()``, where
    ``autograd.is_training()`` is True); at prediction time it returns ``X``
    unchanged, so predictions are deterministic.  ``rate`` in [0, 1].
    Introduced in chapters/09_regularization.ipynb.
    """
    check_number("dropout: rate", rate, float, 0, 1)
    if not autograd.is_training() or rate == 0:
        return X
    if rate == 1:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) > rate
    return mask * X / (1.0 - rate)
