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

The ``Checkpoint`` callback that writes them during training is in
``d2l_utils.callbacks`` (also importable from here).
"""

import json
import math
import os
import re

import mxnet as mx
from mxnet import gluon, nd

from .arguments import check_number
from .random_state import check_random_state, set_random_state
from .trainer_state import (
    TrainerStateError,
    _reason,
    load_trainer_state,
    read_trainer_state,
)

__all__ = ["CheckpointError", "list_checkpoints", "structural_parameters", "latest_checkpoint",
           "best_checkpoint", "load_checkpoint", "read_state"]

NAME = re.compile(r"epoch-(\d{4,})$")
HISTORY = ("train_loss", "train_acc", "test_acc", "valid_acc", "lr", "seconds")
MONITORS = ("valid_acc", "test_acc", "train_acc")


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
             for name in os.listdir(folder) if (m := NAME.match(name))]
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
        m = NAME.search(os.path.basename(os.path.normpath(path)))
        epoch = check_number("epoch", meta.get("epoch"), int, 0)
        if m and int(m.group(1)) != epoch:
            raise ValueError(f"state.json says epoch {epoch}")
        check_number("step", meta.get("step"), int, 0)
        if meta.get("monitor") not in MONITORS:
            raise ValueError(f"monitor is {meta.get('monitor')!r}")
        value = meta.get("value")
        if not (isinstance(value, float) and math.isnan(value)):
            check_number("value", value, float)
        history = meta.get("history")
        for key in HISTORY:
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


def structural_parameters(net):
    """{name: Parameter} of a Gluon block under the names ``save_parameters`` writes ('0.weight').

    MXNet 1.9 has no public API for these names (``collect_params()`` gives the
    prefixed 'dense0_weight'; Gluon 2.0's gives the structural ones): this reads
    ``Block._collect_params_with_prefix``, the method ``save_parameters`` itself
    uses.  tests/test_checkpoints.py checks that the names equal a saved file's keys.
    """
    return net._collect_params_with_prefix()


def parameter_names(net):
    """{Parameter: structural name} of a Gluon block: how a checkpoint names the trainer's
    parameters (``trainer_state``)."""
    return {p: name for name, p in structural_parameters(net).items()}


def _shapes_of(net, params):
    """{name: shape} of the model: Gluon's structural names, or params[i]."""
    if net is not None and isinstance(net, gluon.Block):
        return {name: p.shape for name, p in structural_parameters(net).items()}
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


def load_checkpoint(path, net=None, params=None, trainer=None, data_iters=(), *,
                    restore_random_state=False):
    """Load a checkpoint folder into a Gluon ``net`` or a list ``params`` (and ``trainer``).

    Reads and checks everything first: every parameter's name and shape (a
    CheckpointError names the parameter and both shapes), ``state.json`` and,
    with a ``trainer``, the optimizer state; nothing is loaded when anything
    is wrong.  ``restore_random_state=True`` (what resuming needs) also sets
    the global NumPy and Python generators and those of ``data_iters`` back to
    the saved states; by default no generator is touched.
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
        trainer_state = None if trainer is None else read_trainer_state(
            path, trainer, parameter_names(net) if gluon_net else None)
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
    if restore_random_state:
        set_random_state(random_state, data_iters)
    return meta


def _ctx(net):
    for p in net.collect_params().values():
        try:
            return p.list_ctx()
        except RuntimeError:  # deferred initialisation: no context yet
            return None
    return None


def __getattr__(name):
    # ``from d2l_utils.checkpoints import Checkpoint`` keeps working; imported on demand
    # because d2l_utils.callbacks.checkpoint imports this module.
    if name == "Checkpoint":
        from .callbacks.checkpoint import Checkpoint
        return Checkpoint
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
