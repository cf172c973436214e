"""The base class of ``train_ch3``'s extensions.

Introduced in chapters/05_hyperparameters.ipynb.
"""

__all__ = ["Callback"]


class Callback:
    """Base class of the loop's extensions: override the hooks you need.

    ``on_train_begin(state)`` before the first epoch, ``on_epoch_begin(state)``
    before each epoch, ``on_batch_end(state)`` after each update,
    ``on_epoch_end(state)`` after each epoch's metrics are in
    ``state.history``, ``on_train_end(state)`` at the end (also after an
    early stop).  Set ``state.stop = "reason"`` to stop.  ``state`` is the
    loop's ``TrainState``.  Introduced in chapters/05_hyperparameters.ipynb.
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
