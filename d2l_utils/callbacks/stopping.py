"""Ending a run early: on a loss that is no longer finite, or when validation stops improving.

Introduced in chapters/03_softmax_from_scratch.ipynb (``StopOnDivergence``,
which ``train_ch3`` always installs) and chapters/09_regularization.ipynb
(``EarlyStopping``).
"""

import math

from ..arguments import check_number
from ..language import text
from .base import Callback

__all__ = ["EarlyStopping", "StopOnDivergence", "diverged_message"]


def diverged_message(epoch, train_loss):
    """Why ``train_ch3`` stopped when the training loss became nan or inf, and what to try."""
    return text(f"train_ch3: stopped after epoch {epoch}: the training loss is {train_loss} "
                "(not finite). Usual causes: a learning rate too large (try 10x smaller), or "
                "exp overflowing in a naive softmax (use a stable loss such as "
                "gluon.loss.SoftmaxCrossEntropyLoss).",
                f"train_ch3：在第 {epoch} 个迭代周期后停止：训练损失为 {train_loss}"
                "（不是有限值）。常见原因：学习率太大（试试小 10 倍的），或朴素 softmax 中的 "
                "exp 上溢（请用数值稳定的损失函数，例如 gluon.loss.SoftmaxCrossEntropyLoss）。")


class StopOnDivergence(Callback):
    """Stop, printing why, after an epoch whose mean training loss is nan or inf.

    ``train_ch3`` installs it after its epoch line and plot and before the
    caller's callbacks, which then see ``state.stop`` set.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """

    def on_epoch_end(self, state):
        train_loss = state.history.train_loss[-1]
        if not math.isfinite(train_loss):
            state.stop = diverged_message(state.epoch, train_loss)
            print(state.stop)


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
        check_number("EarlyStopping: patience", patience, int, 1)
        check_number("EarlyStopping: min_delta", min_delta, float, 0)
        self.patience, self.min_delta, self.restore_best = patience, min_delta, restore_best

    def on_train_begin(self, state):
        self.best_epoch, self.best_acc, self.stopped_epoch, self._best = None, None, None, None

    def _weights(self, state):
        if state.params is not None:
            return state.params
        return [p.data() for p in state.net.collect_params().values()]

    def on_epoch_end(self, state):
        if not state.history.valid_acc:
            raise ValueError(text("EarlyStopping needs validation data: pass valid_iter= to "
                                  "train_ch3",
                                  "EarlyStopping 需要验证数据：请给 train_ch3 传入 valid_iter="))
        acc = state.history.valid_acc[-1]
        if self.best_acc is None or acc > self.best_acc + self.min_delta:
            self.best_epoch, self.best_acc = state.epoch, acc
            self._best = [w.copy() for w in self._weights(state)]
        elif state.epoch - self.best_epoch >= self.patience and state.stop is None:
            self.stopped_epoch = state.epoch
            state.stop = text(f"early stopping after epoch {state.epoch}: validation accuracy "
                              f"has not improved for {self.patience} epochs (best "
                              f"{self.best_acc:.3f} at epoch {self.best_epoch})",
                              f"在第 {state.epoch} 个迭代周期后早停：验证准确率已经 "
                              f"{self.patience} 个迭代周期没有提高（最好的是第 "
                              f"{self.best_epoch} 个迭代周期的 {self.best_acc:.3f}）")
            print(state.stop)

    def on_train_end(self, state):
        if self.restore_best and self._best is not None:
            for w, best in zip(self._weights(state), self._best, strict=True):
                w[:] = best
