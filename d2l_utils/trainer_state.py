"""A Gluon Trainer's state (momentum, Adam's moments, update counts) in files that cannot
run code: the arrays with ``nd.save``, the numbers in JSON.

MXNet's ``Trainer.save_states`` writes a pickle, and loading a pickle runs whatever
code it names: resuming from a run folder a classmate handed over would run their
code.  Gluon has no other public way to read or set the optimizer's state, so this
module goes through ``save_states``/``load_states`` themselves: it unpickles only
the file ``save_states`` has just written in this process, and on loading it builds
the ``(states, optimizer)`` pair from checked arrays and numbers and hands it to
``load_states`` as a pickle made here.  What that relies on (the pickle holds
``(states, optimizer)``, states is ``{index: None | NDArray | tuple}``, Adam counts
steps in ``optimizer._index_update_count``) is tested in
tests/test_checkpoints_trainer.py against ``save_states`` itself.
Introduced in chapters/11_training_in_practice.ipynb.
"""

import json
import os
import pickle
import tempfile

import mxnet as mx
from mxnet import nd

from .arguments import check_number

__all__ = ["ARRAYS", "META", "LEGACY", "save_trainer_state", "read_trainer_state",
           "load_trainer_state", "optimizer_states", "parameter_order", "TrainerStateError"]

ARRAYS, META, LEGACY = "trainer.params", "trainer.json", "trainer.states"
FORMAT = 1


class TrainerStateError(ValueError):
    """The saved optimizer state is missing, damaged or from another optimizer."""


def _flatten(state, key, arrays):
    if state is None:
        return None
    if isinstance(state, nd.NDArray):
        arrays[key] = state
        return key
    if isinstance(state, tuple | list):
        return [_flatten(s, f"{key}.{i}", arrays) for i, s in enumerate(state)]
    raise TypeError(f"cannot save an optimizer state of type {type(state).__name__}")


def _unflatten(spec, arrays):
    if spec is None:
        return None
    if isinstance(spec, str) and spec in arrays:
        return arrays[spec]
    if isinstance(spec, list):
        return tuple(_unflatten(s, arrays) for s in spec)
    raise TrainerStateError(f"names no saved array: {spec!r}")


def _plain(value):
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def optimizer_states(trainer, folder=None):
    """``(states, optimizer)``: the trainer's per-parameter states {index: None | NDArray |
    tuple} and a copy of its optimizer, read through ``save_states``, Gluon's public way.

    ``folder``: where the temporary file goes (default: the system's temporary folder).
    """
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-states-")
    os.close(fd)
    try:
        trainer.save_states(tmp)
        with open(tmp, "rb") as f:
            return pickle.load(f)  # MXNet's own file of a moment ago
    finally:
        os.unlink(tmp)


def parameter_order(trainer, names):
    """The name (``names[parameter]``) of each of the trainer's parameters, by state index.

    The optimizer state is indexed by the parameter's place in the trainer, and a
    Trainer given a ParameterDict sorts it by the prefixed names ('dense10_bias' before
    'dense9_bias'), which depend on how many layers the process built before: the same
    network can have another order in the next process.  Gluon 1.9 has no public
    accessor for that order, so this reads ``Trainer._params``
    (tests/test_checkpoints_trainer.py pins it).
    """
    return [names.get(p, p.name) for p in trainer._params]


def save_trainer_state(trainer, folder, names=None):
    """Write ``trainer``'s optimizer state into ``folder`` as trainer.params + trainer.json.

    ``names``: {Parameter: stable name} (the network's structural names), saved with
    the state so that it resumes onto the right parameters whatever their order.
    """
    states, optimizer = optimizer_states(trainer, folder)
    arrays = {}
    spec = [[index, _flatten(state, f"s{index}", arrays)] for index, state in states.items()]
    scheduler = optimizer.lr_scheduler
    meta = {"format": FORMAT, "optimizer": type(optimizer).__name__.lower(),
            "num_update": optimizer.num_update,
            "update_counts": [[device, sorted(counts.items())] for device, counts
                              in optimizer._all_index_update_counts.items()],
            "learning_rate": optimizer.lr,
            "lr_scheduler": None if scheduler is None else
            {k: v for k, v in vars(scheduler).items() if _plain(v)},
            "states": spec,
            "params": None if names is None else parameter_order(trainer, names)}
    nd.save(os.path.join(folder, ARRAYS), arrays)
    with open(os.path.join(folder, META), "w") as f:
        json.dump(meta, f)


def read_trainer_state(folder, trainer, names=None):
    """The state saved in ``folder``, checked against ``trainer``'s optimizer, ready for
    ``load_trainer_state``; TrainerStateError says what is wrong.  Changes nothing.

    ``names`` as for ``save_trainer_state``: the saved states go to the parameters of
    the same names, wherever the trainer puts them."""
    if not os.path.exists(os.path.join(folder, META)) \
            and os.path.exists(os.path.join(folder, LEGACY)):
        raise TrainerStateError(
            f"its optimizer state is {LEGACY}, MXNet's pickle format, written by an older "
            "version of the course; loading a pickle can run any code, so it is not loaded. "
            "Train anew in another run folder (the weights alone still load for predict)")
    try:
        with open(os.path.join(folder, META)) as f:
            meta = json.load(f)
        arrays = nd.load(os.path.join(folder, ARRAYS))
    except (OSError, ValueError, mx.base.MXNetError) as err:
        raise TrainerStateError(f"its optimizer state cannot be read ({_reason(err)})") from None
    if arrays == []:  # nd.save of an empty dict (plain SGD has no state) reads back as []
        arrays = {}
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(arrays, dict):
        raise TrainerStateError(f"{META} is not an optimizer state of format {FORMAT}")
    try:
        check_number(f"{META}: num_update", meta.get("num_update"), int, 0)
        check_number(f"{META}: learning_rate", meta.get("learning_rate"), float, 0)
        counts = {check_number("device", d, int, 0):
                  {check_number("index", i, int, 0): check_number("count", c, int, 0)
                   for i, c in pairs} for d, pairs in meta.get("update_counts")}
        states = {check_number("index", i, int, 0): _unflatten(s, arrays)
                  for i, s in meta.get("states")}
    except (TypeError, ValueError) as err:  # TrainerStateError is a ValueError
        raise TrainerStateError(f"{META} is damaged ({err})") from None
    name = type(trainer.optimizer).__name__.lower()
    if meta.get("optimizer") != name:
        raise TrainerStateError(f"its optimizer state is {meta.get('optimizer')!r}'s, but the "
                                f"trainer uses {name!r}")
    if names is not None and meta.get("params") is not None:
        counts, states = _reordered(meta["params"], parameter_order(trainer, names), counts,
                                    states)
    return meta, counts, states


def _reordered(saved, current, counts, states):
    """``counts`` and ``states`` moved from the saved parameter order to the current one."""
    if not isinstance(saved, list) or sorted(map(str, saved)) != sorted(current):
        raise TrainerStateError(f"its optimizer state is for the parameters {saved}, but the "
                                f"trainer has {current}")
    index = {old: current.index(name) for old, name in enumerate(saved)}
    try:
        return ({device: {index[i]: c for i, c in pairs.items()}
                 for device, pairs in counts.items()},
                {index[i]: state for i, state in states.items()})
    except KeyError as err:
        raise TrainerStateError(f"{META} is damaged (no parameter {err})") from None


def load_trainer_state(trainer, saved):
    """Load ``saved`` (from ``read_trainer_state``) into ``trainer``."""
    meta, counts, states = saved
    optimizer = trainer.optimizer
    optimizer.num_update = meta["num_update"]
    optimizer._all_index_update_counts = counts or {0: {}}
    optimizer._index_update_count = optimizer._all_index_update_counts[min(
        optimizer._all_index_update_counts)]
    scheduler = optimizer.lr_scheduler
    if scheduler is None:
        optimizer.set_learning_rate(meta["learning_rate"])
    else:
        for key, value in (meta.get("lr_scheduler") or {}).items():
            if hasattr(scheduler, key) and _plain(value) \
                    and type(getattr(scheduler, key)) is type(value):
                setattr(scheduler, key, value)
    fd, tmp = tempfile.mkstemp(prefix="d2l-trainer-")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((states, optimizer), f)  # made here from checked arrays and numbers
        trainer.load_states(tmp)
    finally:
        os.unlink(tmp)


def _reason(err):
    """One line for an exception; MXNet's messages start with a C++ traceback."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()] or [""]
    text = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return f"{type(err).__name__}: {text[:200]}"
