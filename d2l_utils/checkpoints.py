"""Checkpoints: save a run every few epochs, keep the last few and the best, resume exactly.

Introduced in chapters/11_training_in_practice.ipynb.  A checkpoint is a folder
``<run>/epoch-0007/`` holding the parameters (``save_parameters`` for a Gluon
net, ``nd.save`` of the list for a from-scratch model), the trainer's state
(``trainer.save_states``: momentum, Adam's moments, the update count) and
``state.json`` (epoch, step, the history so far, and the NumPy, Python and
data-iterator random states).  It is written into a hidden temporary folder
and renamed into place, so a run killed while saving leaves the previous
checkpoints intact and never a half-written one.

MXNet's own generator cannot be saved, so ``Checkpoint`` reseeds it at the
start of every epoch from ``seed`` and the epoch number: a run resumed at an
epoch boundary then ends with the same parameters, bit for bit, as the same
run uninterrupted (on one machine).
"""

import json
import os
import random
import re
import shutil
import tempfile

import mxnet as mx
import numpy as np
from mxnet import gluon, nd

from .training import Callback

__all__ = ["CheckpointError", "Checkpoint", "list_checkpoints", "latest_checkpoint",
           "best_checkpoint", "load_checkpoint"]

_NAME = re.compile(r"epoch-(\d{4,})$")
_HISTORY = ("train_loss", "train_acc", "test_acc", "valid_acc", "lr", "seconds")


class CheckpointError(Exception):
    """A checkpoint that is missing, damaged or does not fit the model; says what to do."""


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


def best_checkpoint(folder):
    """Path of the checkpoint with the best monitored accuracy, or None."""
    try:
        with open(os.path.join(folder, "best.json")) as f:
            path = os.path.join(folder, json.load(f)["checkpoint"])
    except (OSError, ValueError, KeyError):
        return None
    return path if os.path.isdir(path) else None


def _write_json(path, data):
    """Write JSON atomically: a temporary file in the same folder, then a rename."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _rng_state(data_iters):
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {"numpy": [kind, keys.tolist(), pos, has_gauss, cached],
            "python": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
            "data_iters": [it._rng.bit_generator.state if isinstance(it._rng, np.random.Generator)
                           else None for it in data_iters]}


def _set_rng_state(saved, data_iters):
    kind, keys, pos, has_gauss, cached = saved["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), pos, has_gauss, cached))
    version, internal, gauss = saved["python"]
    random.setstate((version, tuple(internal), gauss))
    for it, state in zip(data_iters, saved["data_iters"], strict=True):
        if state is not None:
            it._rng.bit_generator.state = state


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

    Checks every parameter's name and shape first and raises CheckpointError
    naming the parameter and both shapes; nothing is loaded then.  Restores
    the random states (NumPy, Python, ``data_iters``).  Returns the saved
    ``state.json`` as a dict (``epoch``, ``step``, ``history``...).
    Introduced in chapters/11_training_in_practice.ipynb.
    """
    gluon_net = isinstance(net, gluon.Block)
    if gluon_net == (params is not None):
        raise ValueError("load_checkpoint: pass either a Gluon net or a list params, not both")
    try:
        with open(os.path.join(path, "state.json")) as f:
            meta = json.load(f)
        weights = nd.load(os.path.join(path, "params"))
    except (OSError, ValueError, mx.base.MXNetError) as err:
        raise CheckpointError(f"{path}: not a readable checkpoint ({type(err).__name__}: "
                              f"{str(err).splitlines()[0]}); pick another with "
                              "latest_checkpoint/best_checkpoint or train anew") from None
    saved = ({k: v.shape for k, v in weights.items()} if isinstance(weights, dict)
             else {f"params[{i}]": v.shape for i, v in enumerate(weights)})
    _check_fits(path, saved, _shapes_of(net, params))
    if gluon_net:
        net.load_parameters(os.path.join(path, "params"), ctx=_ctx(net))
    else:
        for p, w in zip(params, weights, strict=True):
            p[:] = w.as_in_context(p.context)
    if trainer is not None:
        trainer.load_states(os.path.join(path, "trainer.states"))
    _set_rng_state(meta["rng"], data_iters)
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
    ``seed=``, whose shuffling state is saved too.  Introduced in
    chapters/11_training_in_practice.ipynb.
    """

    def __init__(self, folder, every=1, keep=3, monitor=None, resume=True, seed=0,
                 data_iters=()):
        for name, value in (("every", every), ("keep", keep)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Checkpoint: {name} must be an int >= 1, got {value!r}")
        if monitor not in (None, "valid_acc", "test_acc", "train_acc"):
            raise ValueError(f"Checkpoint: monitor must be 'valid_acc', 'test_acc' or "
                             f"'train_acc', got {monitor!r}")
        self.folder, self.every, self.keep, self.monitor = os.fspath(folder), every, keep, monitor
        self.resume, self.seed, self.data_iters = resume, seed, list(data_iters)
        self.resumed_from = None

    def on_train_begin(self, state):
        os.makedirs(self.folder, exist_ok=True)
        for name in os.listdir(self.folder):  # left by a run killed while saving
            if name.startswith(".tmp-"):
                shutil.rmtree(os.path.join(self.folder, name), ignore_errors=True)
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
        key = self.monitor or next(k for k in ("valid_acc", "test_acc", "train_acc")
                                   if getattr(history, k))
        return key, getattr(history, key)[-1]

    def save(self, state):
        """Write the checkpoint of ``state`` atomically; prune; update best.json."""
        name = f"epoch-{state.epoch:04d}"
        tmp = tempfile.mkdtemp(dir=self.folder, prefix=f".tmp-{name}-")
        try:
            if state.params is None:
                state.net.save_parameters(os.path.join(tmp, "params"))
            else:
                nd.save(os.path.join(tmp, "params"), list(state.params))
            if state.trainer is not None:
                state.trainer.save_states(os.path.join(tmp, "trainer.states"))
            history = {k: list(getattr(state.history, k)) for k in _HISTORY}
            key, value = self._monitored(state.history)
            meta = {"epoch": state.epoch, "step": state.step, "history": history,
                    "monitor": key, "value": value, "rng": _rng_state(self.data_iters)}
            with open(os.path.join(tmp, "state.json"), "w") as f:
                json.dump(meta, f)
            final = os.path.join(self.folder, name)
            if os.path.isdir(final):  # the same epoch saved again (a re-run): replace it
                shutil.rmtree(final)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._update_best(name, key, value)
        self._prune()

    def _update_best(self, name, key, value):
        best = best_checkpoint(self.folder)
        if best is not None:
            with open(os.path.join(best, "state.json")) as f:
                if json.load(f)["value"] >= value:
                    return
        _write_json(os.path.join(self.folder, "best.json"),
                    {"checkpoint": name, "monitor": key, "value": value})

    def _prune(self):
        best = best_checkpoint(self.folder)
        for _, path in list_checkpoints(self.folder)[:-self.keep]:
            if path != best:
                shutil.rmtree(path)
