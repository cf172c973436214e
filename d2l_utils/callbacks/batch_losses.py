"""Recording the loss of every batch, for the learning-rate experiments.

Introduced in chapters/05_hyperparameters.ipynb.
"""

import numpy as np
from mxnet import nd

from .base import Callback

__all__ = ["BatchLosses"]


class BatchLosses(Callback):
    """A ``train_ch3`` callback that records the mean loss of every batch.

    The losses stay on the device during training and are read once at the
    end, so recording costs no synchronisation per batch.  After training,
    ``losses`` is a numpy array with one value per parameter update (nan or
    inf where training blew up).  Introduced in chapters/05_hyperparameters.ipynb.
    """

    def __init__(self):
        self._pending = []
        self.losses = np.zeros(0, dtype=np.float32)

    def on_train_begin(self, state):
        self._pending = []

    def on_batch_end(self, state):
        self._pending.append(state.loss_sum.reshape((1,)) / state.batch_size)

    def on_train_end(self, state):
        if self._pending:
            self.losses = nd.concat(*self._pending, dim=0).asnumpy()
        self._pending = []
