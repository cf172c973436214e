"""TensorBoard logs of a run: scalars every epoch, weight and gradient histograms.

Introduced in chapters/11_training_in_practice.ipynb.  ``TensorBoardLogger``
writes what the first-edition TF1 script wrote with ``tf.summary`` (scalars for
loss and accuracy, histograms of every weight) plus the learning rate and the
gradients; ``tensorboard --logdir <runs>`` (``make tensorboard``) shows them.
"""

from ..arguments import check_number
from ..monitoring import named_parameters
from ..safe_files import fault_point
from .base import Callback

__all__ = ["TensorBoardLogger"]


class TensorBoardLogger(Callback):
    """Log scalars every epoch and histograms every ``histogram_every`` epochs to ``logdir``.

    Scalars: ``loss/train``, ``accuracy/train``, ``accuracy/valid`` and
    ``accuracy/test`` (when the run has them), ``learning_rate``; the x-axis is
    the epoch.  Histograms: ``weights/<name>`` and ``gradients/<name>`` (the
    gradient of the last batch's mean loss, the one the update used) for every
    parameter.  Uses tensorboardX's ``SummaryWriter``.

    Each epoch goes into its own event file, on disk when the epoch ends.
    Resuming: TensorBoard is told to drop any step logged before from the
    first epoch trained on (``purge_step``), so epochs redone after a crash
    appear once.  With
    a ``Checkpoint``, list the logger first: an epoch is then on disk in the
    logs before it is in a checkpoint, so no resumed epoch is missing from them.
    Introduced in chapters/11_training_in_practice.ipynb.
    """

    def __init__(self, logdir, histogram_every=1):
        histogram_every = check_number("TensorBoardLogger: histogram_every", histogram_every,
                                       int, 1)
        try:
            from tensorboardX import SummaryWriter
        except ImportError as err:
            raise ImportError("TensorBoardLogger needs tensorboardX: it is in the course's "
                              "pins, so run `make install` (or pip install tensorboardX)") from err
        self.logdir, self.histogram_every = str(logdir), histogram_every
        self._writer_class, self.writer = SummaryWriter, None

    def on_epoch_begin(self, state):
        # One event file per epoch, closed at the epoch's end: tensorboardX's flush() does
        # not wait for its writer thread, close() does, so a closed epoch is on disk.
        # purge_step: TensorBoard drops any step from this epoch on that an earlier,
        # killed run logged, so an epoch redone after a resume appears once.
        self.close()
        self.writer = self._writer_class(self.logdir, purge_step=state.epoch + 1,
                                         filename_suffix=f".epoch{state.epoch + 1:04d}")

    def on_epoch_end(self, state):
        h, epoch, w = state.history, state.epoch, self.writer
        w.add_scalar("loss/train", h.train_loss[-1], epoch)
        w.add_scalar("accuracy/train", h.train_acc[-1], epoch)
        for split in ("valid", "test"):
            values = getattr(h, f"{split}_acc")
            if values:
                w.add_scalar(f"accuracy/{split}", values[-1], epoch)
        w.add_scalar("learning_rate", h.lr[-1], epoch)
        if epoch % self.histogram_every == 0:
            for name, data, grad in named_parameters(state):
                w.add_histogram(f"weights/{name}", data.asnumpy(), epoch)
                if grad is not None:
                    w.add_histogram(f"gradients/{name}", grad.asnumpy() / state.batch_size,
                                    epoch)
        self.close()
        fault_point("logged", epoch)

    def on_train_end(self, state):
        self.close()

    def close(self):
        """Write out and close the log file (also after an error, so nothing is lost)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
