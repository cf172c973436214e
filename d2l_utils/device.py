"""Devices and seeds: where arrays live, and how runs are made repeatable.

Introduced in chapters/00_getting_started.ipynb.
"""

import random

import mxnet as mx
import numpy as np

from .arguments import check_number


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
    i = check_number("try_gpu: i", i, int, 0)
    return mx.gpu(i) if num_gpus() > i else mx.cpu()


def set_seed(seed):
    """Seed Python's ``random``, NumPy and MXNet (all devices) with one integer.

    After ``set_seed(s)`` the same code draws the same numbers: weight
    initialisation, ``nd.random.*``, and the shuffling of Gluon's DataLoader
    (which uses NumPy).  Introduced in chapters/00_getting_started.ipynb.
    """
    seed = check_number("set_seed: seed", seed, int, 0, 2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    mx.random.seed(seed)
