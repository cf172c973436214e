"""Regularization: weight penalties, dropout from scratch, early stopping.

Introduced in chapters/09_regularization.ipynb.  The penalties and dropout are
the book's from-scratch versions (first edition, sections 3.12 and 3.13);
``EarlyStopping`` is a ``train_ch3`` callback, so the loop stays one loop.
"""

import numbers

from mxnet import autograd, nd

from .training import Callback

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
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
        raise ValueError(f"dropout: rate must be a number in [0, 1], got {rate!r}")
    if not autograd.is_training() or rate == 0:
        return X
    if rate == 1:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) > rate
    return mask * X / (1.0 - rate)


class EarlyStopping(Callback):
    """Stop when the validation accuracy has not improved for ``patience`` epochs.

    Keeps the best epoch's parameters in memory (copies on the device) and
    puts them back when training ends, so the model you are left with is the
    best one seen, not the last.  Prints one line when it stops.  ``best_epoch``, ``best_acc`` and
    ``stopped_epoch`` (None if it ran every epoch) say what happened; the
    History's ``stopped`` gives the reason.  Needs ``valid_iter`` in
    ``train_ch3``.  ``min_delta``: how much better counts as better.
    Introduced in chapters/09_regularization.ipynb.
    """

    def __init__(self, patience=3, min_delta=0.0, restore_best=True):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be an int >= 1, got {patience!r}")
        if not isinstance(min_delta, numbers.Real) or min_delta < 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        self.patience, self.min_delta, self.restore_best = patience, min_delta, restore_best

    def on_train_begin(self, state):
        self.best_epoch, self.best_acc, self.stopped_epoch, self._best = None, None, None, None

    def _weights(self, state):
        if state.params is not None:
            return state.params
        return [p.data() for p in state.net.collect_params().values()]

    def on_epoch_end(self, state):
        if not state.history.valid_acc:
            raise ValueError("EarlyStopping needs validation data: pass valid_iter= to "
                             "train_ch3")
        acc = state.history.valid_acc[-1]
        if self.best_acc is None or acc > self.best_acc + self.min_delta:
            self.best_epoch, self.best_acc = state.epoch, acc
            self._best = [w.copy() for w in self._weights(state)]
        elif state.epoch - self.best_epoch >= self.patience and state.stop is None:
            self.stopped_epoch = state.epoch
            state.stop = (f"early stopping after epoch {state.epoch}: validation accuracy "
                          f"has not improved for {self.patience} epochs (best "
                          f"{self.best_acc:.3f} at epoch {self.best_epoch})")
            print(state.stop)

    def on_train_end(self, state):
        if self.restore_best and self._best is not None:
            for w, best in zip(self._weights(state), self._best, strict=True):
                w[:] = best
