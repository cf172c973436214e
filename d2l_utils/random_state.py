"""The random states a checkpoint saves, as JSON: NumPy's (which shuffles the data), Python's,
and those of data iterators with their own generator.

Introduced in chapters/11_training_in_practice.ipynb (exact resume).
"""

import random

import numpy as np

__all__ = ["get_random_state", "check_random_state", "set_random_state"]


def get_random_state(data_iters=()):
    """The current states as JSON-ready lists and dicts."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    version, internal, gauss = random.getstate()
    return {"numpy": [kind, keys.tolist(), pos, has_gauss, cached],
            "python": [version, list(internal), gauss],
            "data_iters": [it.generator.bit_generator.state
                           if isinstance(it.generator, np.random.Generator) else None
                           for it in data_iters]}


def check_random_state(saved, data_iters=None):
    """``saved`` as the objects the generators take, each tried on a spare generator first.

    Raises ValueError, TypeError or KeyError for a damaged state (nothing is changed);
    with ``data_iters`` the number of saved iterator states must match.
    """
    kind, keys, pos, has_gauss, cached = saved["numpy"]
    numpy_state = (kind, np.array(keys, dtype=np.uint32), pos, has_gauss, cached)
    np.random.RandomState().set_state(numpy_state)
    version, internal, gauss = saved["python"]
    python_state = (version, tuple(internal), gauss)
    random.Random().setstate(python_state)
    iter_states = saved["data_iters"]
    if not isinstance(iter_states, list):
        raise ValueError("data_iters is not a list")
    if data_iters is not None:
        if len(iter_states) != len(data_iters):
            raise ValueError(f"it holds the random states of {len(iter_states)} data "
                             f"iterators, but {len(data_iters)} were given")
        for it, state in zip(data_iters, iter_states, strict=True):
            if state is not None:
                type(it.generator.bit_generator)().state = state
    return numpy_state, python_state, iter_states


def set_random_state(checked, data_iters=()):
    """Restore the states ``check_random_state`` returned."""
    numpy_state, python_state, iter_states = checked
    for it, state in zip(data_iters, iter_states, strict=True):
        if state is not None:
            it.generator.bit_generator.state = state
    np.random.set_state(numpy_state)
    random.setstate(python_state)
