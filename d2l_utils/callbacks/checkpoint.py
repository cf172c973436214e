"""The callback that saves a run every few epochs and resumes it: ``Checkpoint``.

The checkpoint format (one folder per epoch, written atomically; reading,
checking and loading) is in ``d2l_utils.checkpoints``.  Introduced in
chapters/11_training_in_practice.ipynb.
"""

import json
import os
import shutil
import tempfile

import mxnet as mx
from mxnet import nd

from ..arguments import check_number
from ..checkpoints import (
    HISTORY,
    MONITORS,
    CheckpointError,
    best_checkpoint,
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    parameter_names,
)
from ..random_state import get_random_state
from ..safe_files import fault_point, fsync_folder, fsync_tree, normal_mode
from ..trainer_state import _reason, save_trainer_state
from .base import Callback

__all__ = ["Checkpoint"]


class Checkpoint(Callback):
    """Save the run into ``folder`` every ``every`` epochs; keep the last ``keep`` and the best.

    ``monitor``: the History list that decides "best" (higher is better):
    'valid_acc', 'test_acc' or 'train_acc'; by default valid_acc if the run
    has validation data, else test_acc, else train_acc.  ``resume=True``
    continues from the latest checkpoint in ``folder`` if there is one
    (parameters, trainer state, epoch, step, history, and the NumPy, Python
    and ``data_iters`` random states), so
    ``train_ch3(..., num_epochs=10, callbacks=[Checkpoint(run)])`` run twice
    trains 10 epochs in all.  ``data_iters``: iterators with their own
    ``seed=``, whose shuffling state is saved too.  With a TensorBoardLogger,
    list the logger first, so an epoch is logged before it is saved.

    ``seed``: MXNet's own generator (dropout, ``nd.random``) cannot be saved.
    With an int, ``Checkpoint`` reseeds MXNet's global generator at the start
    of every epoch from ``seed`` and the epoch number, so a run resumed at an
    epoch boundary ends with the same parameters, bit for bit, as the same run
    uninterrupted (on one machine), even when it draws from that generator.
    None (the default) leaves MXNet's generator alone: resuming is then bit for
    bit only for runs that draw no MXNet random numbers while training.
    Introduced in chapters/11_training_in_practice.ipynb.
    """

    def __init__(self, folder, every=1, keep=3, monitor=None, resume=True, seed=None,
                 data_iters=()):
        every = check_number("Checkpoint: every", every, int, 1)
        keep = check_number("Checkpoint: keep", keep, int, 1)
        if monitor not in (None, *MONITORS):
            raise ValueError(f"Checkpoint: monitor must be 'valid_acc', 'test_acc' or "
                             f"'train_acc', got {monitor!r}")
        if seed is not None:
            seed = check_number("Checkpoint: seed", seed, int, 0)
        self.folder, self.every, self.keep, self.monitor = os.fspath(folder), every, keep, monitor
        self.resume, self.seed, self.data_iters = resume, seed, list(data_iters)
        self.resumed_from = None

    def clean(self):
        """Create ``folder``; remove what a killed save left (``.tmp-*``)."""
        if os.path.exists(self.folder) and not os.path.isdir(self.folder):
            raise CheckpointError(f"{self.folder} is a file, not a folder of checkpoints; "
                                  "move it away or train in another folder")
        os.makedirs(self.folder, mode=normal_mode(folder=True), exist_ok=True)
        for name in os.listdir(self.folder):
            path = os.path.join(self.folder, name)
            if name.startswith(".tmp-"):
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)

    def on_train_begin(self, state):
        self.clean()
        latest = latest_checkpoint(self.folder) if self.resume else None
        if latest is None:
            return
        meta = load_checkpoint(latest, state.net if state.params is None else None,
                               state.params, state.trainer, self.data_iters,
                               restore_random_state=True)
        state.epoch, state.step = meta["epoch"], meta["step"]
        for key in HISTORY:
            getattr(state.history, key)[:] = meta["history"][key]
        self.resumed_from = latest
        print(f"resumed from {os.path.basename(latest)} (epoch {state.epoch}, "
              f"step {state.step})")

    def on_epoch_begin(self, state):
        if self.seed is not None:
            mx.random.seed(self.seed * 100003 + state.epoch)

    def on_epoch_end(self, state):
        if state.epoch % self.every == 0 or state.epoch == state.num_epochs \
                or state.stop is not None:
            self.save(state)

    def _monitored(self, history):
        key = self.monitor or next(k for k in MONITORS if getattr(history, k))
        return key, getattr(history, key)[-1]

    def save(self, state):
        """Write the checkpoint of ``state`` atomically, then prune the old ones.

        Raises OSError when the disk is full or read-only (MXNet's own write
        errors included); the checkpoints saved before are then untouched.
        """
        name = f"epoch-{state.epoch:04d}"
        os.makedirs(self.folder, mode=normal_mode(folder=True), exist_ok=True)
        tmp = tempfile.mkdtemp(dir=self.folder, prefix=f".tmp-{name}-")
        try:
            if state.params is None:
                state.net.save_parameters(os.path.join(tmp, "params"))
            else:
                nd.save(os.path.join(tmp, "params"), list(state.params))
            fault_point("saving", state.epoch)
            if state.trainer is not None:
                save_trainer_state(state.trainer, tmp, None if state.params is not None
                                   else parameter_names(state.net))
            history = {k: list(getattr(state.history, k)) for k in HISTORY}
            key, value = self._monitored(state.history)
            meta = {"epoch": state.epoch, "step": state.step, "history": history,
                    "monitor": key, "value": value,
                    "rng": get_random_state(self.data_iters)}
            with open(os.path.join(tmp, "state.json"), "w") as f:
                json.dump(meta, f)
            fsync_tree(tmp)  # data on disk before the name: a power cut leaves no empty files
            fault_point("written", state.epoch)
            final = os.path.join(self.folder, name)
            if os.path.isdir(final):  # the same epoch saved again (a re-run): replace it
                os.replace(final, tmp + "-replaced")
            os.replace(tmp, final)
            fsync_folder(self.folder)
        except mx.base.MXNetError as err:  # MXNet's C++ file errors, e.g. a full disk
            shutil.rmtree(tmp, ignore_errors=True)
            raise OSError(f"could not write a checkpoint into {self.folder} "
                          f"({_reason(err)})") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(tmp + "-replaced", ignore_errors=True)
        fault_point("renamed", state.epoch)
        self._prune(state.epoch)

    def _prune(self, epoch):
        best = best_checkpoint(self.folder)
        for _, path in list_checkpoints(self.folder)[:-self.keep]:
            if path != best:  # out of the list first (atomic), then deleted
                doomed = os.path.join(self.folder, ".tmp-pruned-" + os.path.basename(path))
                os.replace(path, doomed)
                fault_point("pruning", epoch)
                shutil.rmtree(doomed)
