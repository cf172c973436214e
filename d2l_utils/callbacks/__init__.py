"""Every extension of the training loop, ``train_ch3``: small objects whose ``on_*`` methods
the loop calls at fixed points (see ``Callback``).

- ``base``: ``Callback``, the class to subclass;
- ``reporting``: ``EpochLog`` (the line per epoch) and ``LivePlot`` (the curves), which
  ``train_ch3`` installs itself, and ``ProgressBar`` for command-line runs;
- ``stopping``: ``StopOnDivergence`` (always installed) and ``EarlyStopping``;
- ``batch_losses``: ``BatchLosses``, the loss of every batch;
- ``tensorboard_logger``: ``TensorBoardLogger``;
- ``checkpoint``: ``Checkpoint``, save and resume (the file format is ``d2l_utils.checkpoints``).

Introduced in chapters/05_hyperparameters.ipynb.
"""

from .base import Callback
from .batch_losses import BatchLosses
from .checkpoint import Checkpoint
from .reporting import EpochLog, LivePlot, ProgressBar
from .stopping import EarlyStopping, StopOnDivergence
from .tensorboard_logger import TensorBoardLogger

__all__ = ["Callback", "BatchLosses", "Checkpoint", "EarlyStopping", "EpochLog", "LivePlot",
           "ProgressBar", "StopOnDivergence", "TensorBoardLogger"]
