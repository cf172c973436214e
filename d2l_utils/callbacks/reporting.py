"""What a run shows while it trains: the epoch line, the live plot and a progress bar.

``train_ch3`` installs ``EpochLog`` (``verbose=True``) and ``LivePlot``
(``plot``; by default inside a Jupyter kernel) itself; ``ProgressBar`` is for
command-line runs.  Introduced in chapters/03_softmax_from_scratch.ipynb (the
line and the plot) and chapters/11_training_in_practice.ipynb (the bar).
"""

from ..arguments import check_number
from ..plotting import Animator, in_jupyter_kernel
from .base import Callback

__all__ = ["EpochLog", "LivePlot", "ProgressBar", "epoch_accuracies", "reporters"]


def epoch_accuracies(history, train=True):
    """{'train': ..., 'valid': ..., 'test': ...}: the accuracies the last epoch measured.

    ``train=False`` leaves out the training accuracy (a regression has none);
    a split is in only if it was measured in the last epoch (its list is as
    long as ``train_loss``).
    """
    epochs = len(history.train_loss)
    accs = {"train": history.train_acc[-1]} if train else {}
    for split in ("valid", "test"):
        values = getattr(history, f"{split}_acc")
        if values and len(values) == epochs:
            accs[split] = values[-1]
    return accs


class EpochLog(Callback):
    """Print ``epoch N, loss ..., train acc ..., valid acc ..., test acc ...`` after each epoch.

    ``accuracy=False``: the loss only (a regression).  ``seconds=True`` adds
    ``, time ... sec`` (the epoch's training plus evaluation), the line of the
    book's ``train_ch5`` (section 5.5).  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """

    def __init__(self, accuracy=True, seconds=False):
        self.accuracy, self.seconds = accuracy, seconds

    def on_epoch_end(self, state):
        h = state.history
        accs = epoch_accuracies(h, self.accuracy)
        time = f', time {h.seconds[-1]:.1f} sec' if self.seconds else ''
        print(f'epoch {state.epoch}, loss {h.train_loss[-1]:.4f}'
              + ''.join(f', {name} acc {acc:.3f}' for name, acc in accs.items()) + time)


class LivePlot(Callback):
    """Draw the training curves, one point per epoch, in a figure updated in place.

    ``curves``: History attributes, in the order of the legend, e.g.
    ``('train_loss', 'train_acc', 'test_acc')``.  The figure is shown before
    the first epoch, so lines printed during training stay one block under it;
    ``state.history.figure`` is its matplotlib Figure.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """

    def __init__(self, curves):
        self.curves, self.animator = tuple(curves), None

    def on_train_begin(self, state):
        num_epochs = state.num_epochs
        self.animator = Animator(xlabel='epoch', xlim=[1, num_epochs] if num_epochs > 1 else None,
                                 legend=[c.replace('_', ' ') for c in self.curves],
                                 fmts=('-o', 'm--s', 'g-.^', 'c:v'))
        self.animator.show()
        state.history.figure = self.animator.fig

    def on_epoch_end(self, state):
        h = state.history
        self.animator.add(state.epoch, tuple(getattr(h, c)[-1] for c in self.curves))


def reporters(curves, verbose=True, plot=None):
    """The callbacks ``train_ch3`` installs before the caller's: the epoch line, the plot.

    ``plot=None``: plot only inside a Jupyter kernel.
    """
    found = [EpochLog(accuracy="train_acc" in curves)] if verbose else []
    if in_jupyter_kernel() if plot is None else plot:
        found.append(LivePlot(curves))  # shown in on_train_begin, so above the log lines
    return found


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
        # tqdm.auto here, not at import: in a kernel it loads ipywidgets (0.05 s), which
        # every `import d2l_utils` would pay although no chapter shows a bar in a notebook
        from tqdm.auto import tqdm
        self.bar = tqdm(total=self.steps, desc=f"epoch {state.epoch + 1}/{state.num_epochs}",
                        unit="batch", file=self.file, leave=True)

    def on_batch_end(self, state):
        self.bar.update(1)
        if self.bar.n % self.refresh == 0:
            loss = state.loss_sum.asscalar() / state.batch_size
            self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)

    def on_epoch_end(self, state):
        h = state.history
        post = {"loss": f"{h.train_loss[-1]:.4f}"}
        post.update({f"{split} acc": f"{acc:.3f}"
                     for split, acc in epoch_accuracies(h).items()})
        self.bar.set_postfix(post)
        self.bar.close()
