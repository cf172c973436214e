"""Watching a run: TensorBoard logs and a progress bar, as ``train_ch3`` callbacks.

Introduced in chapters/11_training_in_practice.ipynb.  ``TensorBoardLogger``
writes what the first-edition TF1 script wrote with ``tf.summary`` (scalars for
loss and accuracy, histograms of every weight) plus the learning rate and the
gradients; ``tensorboard --logdir <runs>`` (``make tensorboard``) shows them.
``ProgressBar`` is a tqdm bar per epoch for command-line runs; notebooks keep
the live plot.
"""

from tqdm.auto import tqdm

from .arguments import check_number
from .safe_files import fault_point
from .training import Callback

__all__ = ["TensorBoardLogger", "ProgressBar", "named_parameters"]


def named_parameters(state):
    """[(name, NDArray data, NDArray grad or None)] of the model being trained.

    Gluon nets give their structural names ('0.weight', ...); a from-scratch
    model's ``params`` list gives 'params.0', ... (TensorBoard turns brackets into _).
    """
    if state.params is not None:
        return [(f"params.{i}", p, p.grad) for i, p in enumerate(state.params)]
    found = []
    for name, p in state.net._collect_params_with_prefix().items():
        grad = p.grad() if p.grad_req != "null" else None
        found.append((name, p.data(), grad))
    return found


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


class ProgressBar(Callback):
    """A tqdm bar per epoch with the running loss, then the epoch's loss and accuracies.

    ``steps_per_epoch``: ``len(train_iter)``.  The running loss is read from
    the device every ``refresh`` batches only, so the bar costs little.
    Introduced in chapters/11_training_in_practice.ipynb.
    """

    def __init__(self, steps_per_epoch, refresh=20, file=None):
        for name, value in (("steps_per_epoch", steps_per_epoch), ("refresh", refresh)):
            check_number(f"ProgressBar: {name}", value, int, 1)
        self.steps, self.refresh, self.file, self.bar = steps_per_epoch, refresh, file, None

    def on_epoch_begin(self, state):
        self.bar = tqdm(total=self.steps, desc=f"epoch {state.epoch + 1}/{state.num_epochs}",
                        unit="batch", file=self.file, leave=True)

    def on_batch_end(self, state):
        self.bar.update(1)
        if self.bar.n % self.refresh == 0:
            loss = state.loss_sum.asscalar() / state.batch_size
            self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)

    def on_epoch_end(self, state):
        h = state.history
        post = {"loss": f"{h.train_loss[-1]:.4f}", "train acc": f"{h.train_acc[-1]:.3f}"}
        for split in ("valid", "test"):
            if getattr(h, f"{split}_acc"):
                post[f"{split} acc"] = f"{getattr(h, f'{split}_acc')[-1]:.3f}"
        self.bar.set_postfix(post)
        self.bar.close()
