"""Checkpoints: save a run every few epochs, keep the last few and the best, resume exactly.

Introduced in chapters/11_training_in_practice.ipynb.  A checkpoint is a folder
``<run>/epoch-0007/`` holding the parameters (``save_parameters`` for a Gluon
net, ``nd.save`` of the list for a from-scratch model), the trainer's state
(``trainer.params`` and ``trainer.json``: momentum, Adam's moments, the update
counts; never a pickle, see ``trainer_state``) and ``state.json`` (epoch, step,
the history so far, the monitored accuracy, and the NumPy, Python and
data-iterator random states).  It is written into a hidden temporary folder,
fsynced and renamed into place, so a run killed while saving leaves the
previous checkpoints intact and never a half-written one.  There is no index
file: the latest and the best checkpoint are read off the checkpoints
themselves, so no crash can leave an index that disagrees with them.

MXNet's own generator cannot be saved, so ``Checkpoint`` reseeds it at the
start of every epoch from ``seed`` and the epoch number: a run resumed at an
epoch boundary then ends with the same parameters, bit for bit, as the same
run uninterrupted (on one machine).
"""

import json
import math
import os
import re
import shutil
import tempfile

import mxnet as mx
from mxnet import gluon, nd

from .arguments import check_number
from .random_state import check_random_state, get_random_state, set_random_state
from .safe_files import fault_point, fsync_folder, fsync_tree, normal_mode
from .trainer_state import (
    TrainerStateError,
    _reason,
    load_trainer_state,
    read_trainer_state,
    save_trainer_state,
)
from .training import Callback

__all__ = ["CheckpointError", "Checkpoint", "list_checkpoints", "latest_checkpoint",
           "best_checkpoint", "load_checkpoint", "read_state"]

_NAME = re.compile(r"epoch-(\d{4,})$")
_HISTORY = ("train_loss", "train_acc", "test_acc", "valid_acc", "lr", "seconds")
_MONITORS = ("valid_acc", "test_acc", "train_acc")


class CheckpointError(Exception):
    """A checkpoint that is missing, damaged or does not fit the model; says what to do."""


def _remedy(path):
    return (f"delete {path} to go back to the checkpoint before it, or train anew in "
            "another folder")


def list_checkpoints(folder):
    """Complete checkpoints in ``folder`` as [(epoch, path)], oldest first ([] if none)."""
    if not os.path.isdir(folder):
        return []
    found = [(int(m.group(1)), os.path.join(folder, name))
             for name in os.listdir(folder) if (m := _NAME.match(name))]
    return sorted(found)


def latest_checkpoint(folder):
    """Path of the newest checkpoint in ``folder``, or None."""
    found = list_checkpoints(folder)
    return found[-1][1] if found else None


def read_state(path):
    """The checked ``state.json`` of checkpoint ``path``; CheckpointError if it is damaged."""
    try:
        with open(os.path.join(path, "state.json")) as f:
            meta = json.load(f)
        if not isinstance(meta, dict):
            raise ValueError(f"state.json holds {type(meta).__name__}, not an object")
        m = _NAME.search(os.path.basename(os.path.normpath(path)))
        epoch = check_number("epoch", meta.get("epoch"), int, 0)
        if m and int(m.group(1)) != epoch:
            raise ValueError(f"state.json says epoch {epoch}")
        check_number("step", meta.get("step"), int, 0)
        if meta.get("monitor") not in _MONITORS:
            raise ValueError(f"monitor is {meta.get('monitor')!r}")
        value = meta.get("value")
        if not (isinstance(value, float) and math.isnan(value)):
            check_number("value", value, float)
        history = meta.get("history")
        for key in _HISTORY:
            values = history[key]
            if not isinstance(values, list) or len(values) > epoch:
                raise ValueError(f"history {key} is not a list of at most {epoch} numbers")
            for v in values:
                if not (isinstance(v, float) and not math.isfinite(v)):
                    check_number(f"history {key}", v, float)
        check_random_state(meta["rng"])
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise CheckpointError(f"{path}: not a readable checkpoint ({_reason(err)}); "
                              f"{_remedy(path)}") from None
    return meta


def best_checkpoint(folder):
    """Path of the checkpoint with the best monitored accuracy (the earliest of equals), or None.

    Read off every checkpoint's ``state.json``; a damaged one is a CheckpointError.
    """
    found = [(_score(read_state(path)["value"]), -epoch, path)
             for epoch, path in list_checkpoints(folder)]
    return max(found)[2] if found else None


def _score(value):
    return -math.inf if math.isnan(value) else value


def _shapes_of(net, params):
    """{name: shape} of the model: Gluon's structural names, or params[i]."""
    if net is not None and isinstance(net, gluon.Block):
        return {name: p.shape for name, p in net._collect_params_with_prefix().items()}
    return {f"params[{i}]": p.shape for i, p in enumerate(params)}


def _check_fits(path, saved, model):
    """Raise CheckpointError naming the first parameter whose name or shape differs."""
    for name, shape in model.items():
        if name not in saved:
            raise CheckpointError(f"{path}: has no parameter {name!r} (it has: "
                                  f"{', '.join(saved)}); it was saved from another network")
        fits = len(shape) == len(saved[name]) and all(  # 0: a dimension Gluon has not inferred
            d in (0, s) for d, s in zip(shape, saved[name], strict=True))
        if not fits:
            raise CheckpointError(f"{path}: parameter {name!r} has shape {saved[name]} in the "
                                  f"checkpoint but {tuple(shape)} in the network; build the "
                                  "network the checkpoint was trained with")
    extra = sorted(set(saved) - set(model))
    if extra:
        raise CheckpointError(f"{path}: parameters {extra} are not in the network; it was "
                              "saved from another network")


def load_checkpoint(path, net=None, params=None, trainer=None, data_iters=()):
    """Load a checkpoint folder into a Gluon ``net`` or a list ``params`` (and ``trainer``).

    Reads and checks everything first: every parameter's name and shape (a
    CheckpointError names the parameter and both shapes), ``state.json`` and,
    with a ``trainer``, the optimizer state; nothing is loaded when anything
    is wrong.  Restores the random states (NumPy, Python, ``data_iters``).
    Returns the saved ``state.json`` as a dict (``epoch``, ``step``, ``history``...).
    Introduced in chapters/11_training_in_practice.ipynb.
    """
    gluon_net = isinstance(net, gluon.Block)
    if gluon_net == (params is not None):
        raise ValueError("load_checkpoint: pass either a Gluon net or a list params, not both")
    meta = read_state(path)
    try:
        random_state = check_random_state(meta["rng"], list(data_iters))
    except (ValueError, TypeError, KeyError) as err:
        raise CheckpointError(f"{path}: {err}") from None
    try:
        trainer_state = None if trainer is None else read_trainer_state(path, trainer)
    except TrainerStateError as err:
        raise CheckpointError(f"{path}: {err}") from None
    try:
        weights = nd.load(os.path.join(path, "params"))
    except (OSError, mx.base.MXNetError) as err:
        raise CheckpointError(f"{path}: not a readable checkpoint ({_reason(err)}); "
                              f"{_remedy(path)}") from None
    saved = ({k: v.shape for k, v in weights.items()} if isinstance(weights, dict)
             else {f"params[{i}]": v.shape for i, v in enumerate(weights)})
    _check_fits(path, saved, _shapes_of(net, params))
    if gluon_net:
        net.load_parameters(os.path.join(path, "params"), ctx=_ctx(net))
    else:
        for p, w in zip(params, weights, strict=True):
            p[:] = w.as_in_context(p.context)
    if trainer is not None:
        load_trainer_state(trainer, trainer_state)
    set_random_state(random_state, data_iters)
    return meta


def _ctx(net):
    for p in net.collect_params().values():
        try:
            return p.list_ctx()
        except RuntimeError:  # deferred initialisation: no context yet
            return None
    return None


class Checkpoint(Callback):
    """Save the run into ``folder`` every ``every`` epochs; keep the last ``keep`` and the best.

    ``monitor``: the History list that decides "best" (higher is better):
    'valid_acc', 'test_acc' or 'train_acc'; by default valid_acc if the run
    has validation data, else test_acc, else train_acc.  ``resume=True``
    continues from the latest checkpoint in ``folder`` if there is one
    (parameters, trainer state, epoch, step, history, random states), so
    ``train_ch3(..., num_epochs=10, callbacks=[Checkpoint(run)])`` run twice
    trains 10 epochs in all.  ``data_iters``: iterators with their own
    ``seed=``, whose shuffling state is saved too.  With a TensorBoardLogger,
    list the logger first, so an epoch is logged before it is saved.
    Introduced in chapters/11_training_in_practice.ipynb.
    """

    def __init__(self, folder, every=1, keep=3, monitor=None, resume=True, seed=0,
                 data_iters=()):
        every = check_number("Checkpoint: every", every, int, 1)
        keep = check_number("Checkpoint: keep", keep, int, 1)
        if monitor not in (None, *_MONITORS):
            raise ValueError(f"Checkpoint: monitor must be 'valid_acc', 'test_acc' or "
                             f"'train_acc', got {monitor!r}")
        self.folder, self.every, self.keep, self.monitor = os.fspath(folder), every, keep, monitor
        self.resume, self.seed, self.data_iters = resume, seed, list(data_iters)
        self.resumed_from = None

    def clean(self):
        """Create ``folder``; remove what a killed save left (``.tmp-*``) and old index files."""
        if os.path.exists(self.folder) and not os.path.isdir(self.folder):
            raise CheckpointError(f"{self.folder} is a file, not a folder of checkpoints; "
                                  "move it away or train in another folder")
        os.makedirs(self.folder, mode=normal_mode(folder=True), exist_ok=True)
        for name in os.listdir(self.folder):
            path = os.path.join(self.folder, name)
            if name.startswith(".tmp-") or name == "best.json":  # best.json: older versions
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
                               state.params, state.trainer, self.data_iters)
        state.epoch, state.step = meta["epoch"], meta["step"]
        for key in _HISTORY:
            getattr(state.history, key)[:] = meta["history"][key]
        self.resumed_from = latest
        print(f"resumed from {os.path.basename(latest)} (epoch {state.epoch}, "
              f"step {state.step})")

    def on_epoch_begin(self, state):
        mx.random.seed(self.seed * 100003 + state.epoch)

    def on_epoch_end(self, state):
        if state.epoch % self.every == 0 or state.epoch == state.num_epochs \
                or state.stop is not None:
            self.save(state)

    def _monitored(self, history):
        key = self.monitor or next(k for k in _MONITORS if getattr(history, k))
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
                save_trainer_state(state.trainer, tmp)
            history = {k: list(getattr(state.history, k)) for k in _HISTORY}
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
