"""Devices and seeds: where arrays live, and how runs are made repeatable.

Introduced in chapters/00_getting_started.ipynb.
"""

import random

import mxnet as mx
import numpy as np


def num_gpus():
    """Number of GPUs MXNet can use; 0 on a CPU-only build or without a driver.

    Introduced in chapters/00_getting_started.ipynb.
    """
    try:
        return mx.context.num_gpus()
    except mx.base.MXNetError:  # a CUDA build on a machine without a usable driver
        return 0


def try_gpu(i=0):
    """Return ``mx.gpu(i)`` if that GPU exists, otherwise ``mx.cpu()``.

    Pass the result as ``ctx=`` to ``nd.array``, ``net.initialize`` or
    ``evaluate_accuracy``.  Introduced in chapters/00_getting_started.ipynb.
    """
    if isinstance(i, bool) or not isinstance(i, int) or i < 0:
        raise ValueError(f"try_gpu: i must be a GPU index >= 0, got {i!r}")
    return mx.gpu(i) if num_gpus() > i else mx.cpu()


def set_seed(seed):
    """Seed Python's ``random``, NumPy and MXNet (all devices) with one integer.

    After ``set_seed(s)`` the same code draws the same numbers: weight
    initialisation, ``nd.random.*``, and the shuffling of Gluon's DataLoader
    (which uses NumPy).  Introduced in chapters/00_getting_started.ipynb.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"set_seed: seed must be an int, got {type(seed).__name__} {seed!r}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"set_seed: seed must be in [0, 2**32), got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    mx.random.seed(seed)
