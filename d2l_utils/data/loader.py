"""Fashion-MNIST (and MNIST) in memory, and a fast mini-batch iterator.

The decoded set is converted once (uint8 -> float32 / 255, bit-for-bit what
Gluon's ``transforms.ToTensor`` computes) into one float32 buffer handed to
MXNet without a copy; each batch is then one ``nd.take`` for the images (the
labels are gathered once per epoch), so an epoch costs a few hundred small
MXNet ops and no Python work per sample.  Batches are fresh arrays: changing
one in place never changes the data set.

Introduced in chapters/01_fashion_mnist.ipynb.
"""

import math
import numbers

import mxnet as mx
import numpy as np
from mxnet import nd

from .locate import find_dataset
from .sources import read_split

__all__ = ["FASHION_MNIST_LABELS", "get_fashion_mnist_labels", "load_arrays",
           "load_fashion_mnist_arrays", "DataIter", "load_data", "load_data_fashion_mnist",
           "load_data_mnist"]

FASHION_MNIST_LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat",
                        "sandal", "shirt", "sneaker", "bag", "ankle boot")
_CHUNK = 4096  # images converted or resized per step, to bound temporary memory


def get_fashion_mnist_labels(labels):
    """Text labels for Fashion-MNIST class indices.

    ``labels``: an int, a sequence, a numpy array or an ``nd`` array of any
    shape with values in 0..9 (integer or float dtype).  Returns a flat list of
    str, e.g. ``get_fashion_mnist_labels([0, 9]) == ['t-shirt', 'ankle boot']``.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    if isinstance(labels, nd.NDArray):
        labels = labels.asnumpy()
    values = np.asarray(labels).reshape(-1)
    if not (np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating)):
        raise TypeError(f"labels: expected class indices 0..9, got dtype {values.dtype}")
    bad = [v for v in values.tolist()
           if not float(v).is_integer() or not 0 <= v < len(FASHION_MNIST_LABELS)]
    if bad:
        raise ValueError(f"labels: {bad[0]!r} is not a class index in 0..9")
    return [FASHION_MNIST_LABELS[int(v)] for v in values.tolist()]


# find_dataset's keyword arguments the loaders pass on (they always verify: verify=False)
_FIND_KWARGS = ("download", "mirrors", "cache_dir", "system_dirs", "progress", "timeout",
                "deadline")


def _check_find_kwargs(caller, find_kwargs):
    for key in find_kwargs:
        if key == "verify":
            raise TypeError(f"{caller}() does not take verify=: loading always verifies every "
                            "file (use find_dataset(verify=...) to only locate the data)")
        if key not in _FIND_KWARGS:
            raise TypeError(f"{caller}() got an unexpected keyword argument {key!r} (it passes "
                            f"only {', '.join(_FIND_KWARGS)} on to find_dataset)")


def _check_resize(resize):
    """None, or ``resize`` as (width, height) ints, like gluon's ``transforms.Resize``."""
    if resize is None:
        return None
    kinds = "None, an int or a (width, height) pair of ints"
    if isinstance(resize, numbers.Integral) and not isinstance(resize, bool):
        size = (resize, resize)
    elif isinstance(resize, (tuple, list)):
        if len(resize) != 2:
            raise ValueError(f"resize must be an int or a (width, height) pair, not "
                             f"{len(resize)} values: {resize!r}")
        size = tuple(resize)
    else:
        raise TypeError(f"resize must be {kinds}, not {type(resize).__name__} {resize!r}")
    for v in size:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"resize must be {kinds}, not {resize!r} "
                            f"(holds a {type(v).__name__})")
    if min(size) < 1:
        raise ValueError(f"resize must be positive, not {resize!r}")
    return int(size[0]), int(size[1])


def _locate(caller, dataset, root, find_kwargs):
    _check_find_kwargs(caller, find_kwargs)
    return find_dataset(dataset, root, verify=False, **find_kwargs)


def _arrays(caller, dataset, root, find_kwargs):
    location = _locate(caller, dataset, root, find_kwargs)
    return read_split(location, "train") + read_split(location, "test")


def load_arrays(dataset="fashion-mnist", root=None, **find_kwargs):
    """The four arrays of an IDX dataset, as numpy, straight from the files.

    Returns (X_train uint8 (60000, 28, 28), y_train uint8 (60000,),
    X_test uint8 (10000, 28, 28), y_test uint8 (10000,)), pixel values 0..255
    and class indices 0..9.  ``find_kwargs`` go to ``find_dataset`` (not
    ``verify``: the files are always verified).

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    return _arrays("load_arrays", dataset, root, find_kwargs)


def load_fashion_mnist_arrays(root=None, **find_kwargs):
    """Fashion-MNIST as numpy arrays: see ``load_arrays``.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    return _arrays("load_fashion_mnist_arrays", "fashion-mnist", root, find_kwargs)


def _as_float(images):
    """uint8 (N, h, w) -> NDArray float32 (N, 1, h, w) = images / 255, no extra copy."""
    n, h, w = images.shape
    out = np.empty((n, 1, h, w), dtype=np.float32)
    for i in range(0, n, _CHUNK):
        part = out[i:i + _CHUNK]
        part[...] = images[i:i + _CHUNK, None]
        part /= np.float32(255)
    return nd.from_numpy(out, zero_copy=True)


def _resized(images, size):
    """uint8 (N, 28, 28) -> numpy uint8 (N, 1, h, w) for ``size`` = (w, h), as gluon's Resize.

    ``nd.image.resize`` with interp=1 (bilinear, OpenCV's INTER_LINEAR) is what
    ``transforms.Resize`` runs.  Kept in numpy: this MXNet build caps an NDArray
    at 2^31 elements, and 60000 x 224 x 224 is 3.0e9.
    """
    w, h = size
    out = np.empty((len(images), 1, h, w), dtype=np.uint8)
    for i in range(0, len(images), _CHUNK):
        chunk = nd.array(images[i:i + _CHUNK, :, :, None], dtype="uint8")  # NHWC
        out[i:i + _CHUNK, 0] = nd.image.resize(chunk, size=(w, h), interp=1).asnumpy()[..., 0]
    return out


def _batch_size(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"batch_size must be a positive int, not {value!r}")
    return int(value)


class DataIter:
    """Mini-batches (X, y) of an in-memory image set.

    X: float32 (B, 1, h, w) with values in [0, 1]; y: float32 (B,) class
    indices.  float32 labels work with ``nd.pick``, ``gluon.loss.
    SoftmaxCrossEntropyLoss`` and a direct ``y_hat.argmax(axis=1) == y`` (MXNet
    compares only equal dtypes and argmax returns float32); 0..9 are exact.

    ``len(it)`` is the number of batches, the last one partial if N % B != 0.
    Each ``iter(it)`` is a new epoch.  With ``shuffle=True`` every epoch has a
    new order: drawn from NumPy's global generator (so ``set_seed`` makes it
    reproducible) or, with ``seed=``, from a private one, so the same seed gives
    the same sequence of orders.  Without shuffling the order is fixed.

    ``images``: an NDArray float32 (N, 1, h, w) already scaled to [0, 1] (the
    fast path: one ``nd.take`` per batch), or a numpy uint8 (N, 1, h, w) array,
    gathered and scaled per batch (for resized sets: 1/4 of the memory, and
    no 2^31-element NDArray limit).  ``labels``: NDArray or numpy (N,).
    ``subset(indices)`` is another iterator over some of the same examples
    (no copy of the images: see ``split_train_valid``).

    Introduced in chapters/01_fashion_mnist.ipynb.
    """

    def __init__(self, images, labels, batch_size, shuffle=False, seed=None, ctx=None):
        batch_size = _batch_size(batch_size)
        if images.shape[0] != labels.shape[0]:
            raise ValueError(f"{images.shape[0]} images but {labels.shape[0]} labels")
        in_numpy = isinstance(images, np.ndarray)
        if in_numpy and images.dtype != np.uint8:
            raise ValueError(f"numpy images must be uint8, not {images.dtype}")
        self.ctx = ctx if ctx is not None else mx.cpu() if in_numpy else images.context
        self.images = images if in_numpy else images.as_in_context(self.ctx)
        self.labels = nd.array(labels, ctx=self.ctx, dtype="float32")
        self.batch_size, self.shuffle = int(batch_size), shuffle
        self.num_examples = images.shape[0]
        self.indices = None  # all examples, in file order
        self._rng = np.random.default_rng(seed) if seed is not None else np.random

    @property
    def generator(self):
        """What shuffles: a ``np.random.Generator`` if built with ``seed=``, else the
        ``np.random`` module (its global state).  Checkpoints save and restore it."""
        return self._rng

    def subset(self, indices, *, shuffle=None, batch_size=None, seed=None):
        """An iterator over ``images[indices]``, sharing this one's arrays (no copy).

        ``indices``: distinct positions into this iterator's examples (numpy
        ints).  ``shuffle`` and ``batch_size`` default to this iterator's.
        Introduced in chapters/05_hyperparameters.ipynb.
        """
        indices = np.asarray(indices)
        if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
            raise ValueError(f"subset: indices must be a 1-D array of ints, got {indices!r}")
        if len(indices) == 0 or indices.min() < 0 or indices.max() >= self.num_examples:
            raise ValueError(f"subset: indices must be non-empty and in [0, "
                             f"{self.num_examples - 1}]")
        if len(np.unique(indices)) != len(indices):
            raise ValueError("subset: indices must be distinct")
        view = object.__new__(DataIter)
        view.__dict__.update(self.__dict__)
        base = self.indices if self.indices is not None else np.arange(self.num_examples)
        view.indices, view.num_examples = base[indices], len(indices)
        view.shuffle = self.shuffle if shuffle is None else bool(shuffle)
        if batch_size is not None:
            view.batch_size = _batch_size(batch_size)
        if seed is not None:
            view._rng = np.random.default_rng(seed)
        return view

    def __len__(self):
        return math.ceil(self.num_examples / self.batch_size)

    def __iter__(self):
        n, b = self.num_examples, self.batch_size
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        if self.indices is not None:
            order = self.indices[order]
        order_nd = nd.array(order, ctx=self.ctx)
        labels = nd.take(self.labels, order_nd)  # this epoch's own copy: one op, not one per batch
        for i in range(0, n, b):
            if isinstance(self.images, np.ndarray):
                X = nd.array(self.images[order[i:i + b]], ctx=self.ctx, dtype="uint8")
                X = X.astype("float32") / 255
            else:
                X = nd.take(self.images, order_nd[i:i + b])
            yield X, labels[i:i + b]

    def __repr__(self):
        return (f"DataIter({self.num_examples} examples, batch_size={self.batch_size}, "
                f"{len(self)} batches, shuffle={self.shuffle}, X {self.images.shape[1:]})")


def _load(caller, dataset, batch_size, resize, root, seed, ctx, find_kwargs):
    _batch_size(batch_size)  # every argument is checked before the data is read
    size = _check_resize(resize)
    location = _locate(caller, dataset, root, find_kwargs)
    iters = []
    for split in ("train", "test"):
        images, labels = read_split(location, split)
        X = _as_float(images) if size is None else _resized(images, size)
        del images  # keep only one copy of the images around
        iters.append(DataIter(X, labels, batch_size, shuffle=split == "train", seed=seed, ctx=ctx))
    return tuple(iters)


def load_data(dataset, batch_size, resize=None, root=None, *, seed=None, ctx=None,
              **find_kwargs):
    """(train_iter, test_iter) over an IDX dataset ('fashion-mnist', 'mnist' or a spec).

    The training iterator reshuffles every epoch (``seed=`` fixes the sequence of
    orders), the test iterator keeps the file order.  Batches: X float32
    (B, 1, 28, 28), y float32 (B,), see ``DataIter``.  Memory: 4 bytes a pixel,
    188 MB + 31 MB for Fashion-MNIST.

    ``resize``: an int, or ``(width, height)`` exactly as gluon's
    ``transforms.Resize`` takes it (so ``resize=(32, 40)`` gives X of shape
    (B, 1, 40, 32)).  Images are resized once, in memory, with the bilinear
    ``nd.image.resize`` (interp=1) that ``Resize`` runs, so batches equal
    ``Resize(resize)`` + ``ToTensor()``.  The resized set is held in numpy
    as uint8, N*h*w bytes (224x224: 3.0 GB train + 0.5 GB test; float32 would
    be 4x), and each batch is gathered and scaled to float32 as it is yielded.
    At 224 the one-off resize takes about half a minute on 2 CPU cores.

    ``ctx``: where the data and the batches live (default CPU).
    ``find_kwargs``: passed to ``find_dataset`` (e.g. ``download=False``; not
    ``verify``: the files are always verified).  Bad arguments raise TypeError
    or ValueError naming them, before any data is read.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    return _load("load_data", dataset, batch_size, resize, root, seed, ctx, find_kwargs)


def load_data_fashion_mnist(batch_size, resize=None, root=None, *, seed=None, ctx=None,
                            **find_kwargs):
    """(train_iter, test_iter) over Fashion-MNIST, as in d2lzh; see ``load_data``.

    Batches: X float32 (B, 1, 28, 28) in [0, 1] (or (B, 1, h, w) with
    ``resize=(w, h)``), y float32 (B,) class indices 0..9; 235 training batches
    and 40 test batches at batch_size 256.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    return _load("load_data_fashion_mnist", "fashion-mnist", batch_size, resize, root, seed,
                 ctx, find_kwargs)


def load_data_mnist(batch_size, resize=None, root=None, *, seed=None, ctx=None, **find_kwargs):
    """(train_iter, test_iter) over MNIST digits, same format; see ``load_data``.

    Introduced in chapters/01_fashion_mnist.ipynb (exercises).
    """
    return _load("load_data_mnist", "mnist", batch_size, resize, root, seed, ctx, find_kwargs)
