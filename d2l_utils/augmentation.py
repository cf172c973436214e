"""Data augmentation applied per batch, vectorized on ``nd`` arrays.

Introduced in chapters/09_regularization.ipynb.  Each transform takes a batch
X (B, C, H, W) and returns a new batch of the same shape; labels never change.
They draw from MXNet's generator (``d2l.set_seed`` fixes them) and run as a
handful of MXNet operators per batch, so they keep the in-memory loader fast.
Horizontal flips suit clothing (a shirt mirrored is a shirt); for digits they
are wrong (a mirrored 3 is not a 3).
"""

import numbers

from mxnet import nd

__all__ = ["random_shift", "random_flip_lr", "Augmented"]


def random_shift(X, max_shift=2):
    """Shift each image by its own random (dy, dx) in [-max_shift, max_shift], filling with 0.

    Introduced in chapters/09_regularization.ipynb.
    """
    if isinstance(max_shift, bool) or not isinstance(max_shift, numbers.Integral) \
            or max_shift < 0:
        raise ValueError(f"random_shift: max_shift must be an int >= 0, got {max_shift!r}")
    if X.ndim != 4:
        raise ValueError(f"random_shift: X must be (batch, channels, height, width), "
                         f"got shape {X.shape}")
    if max_shift == 0:
        return X.copy()
    B, C, H, W = X.shape
    s = int(max_shift)
    padded = nd.pad(X, mode="constant", pad_width=(0, 0, 0, 0, s, s, s, s))
    Wp = W + 2 * s
    dy = nd.random.randint(0, 2 * s + 1, shape=(B, 1, 1, 1), ctx=X.context)
    dx = nd.random.randint(0, 2 * s + 1, shape=(B, 1, 1, 1), ctx=X.context)
    index = nd.broadcast_add(_grid(X.shape, s, X.context), dy * Wp + dx)
    return nd.take(padded.reshape((-1,)), index.reshape((-1,))).reshape((B, C, H, W))


_GRIDS = {}


def _grid(shape, s, ctx):
    """int32 (B, C, H, W): where pixel (b, c, i, j) sits in the flattened padded batch."""
    key = (shape, s, ctx)
    if key not in _GRIDS:
        B, C, H, W = shape
        Hp, Wp = H + 2 * s, W + 2 * s
        image = nd.arange(B * C, ctx=ctx, dtype="int32").reshape((B, C, 1, 1)) * (Hp * Wp)
        rows = nd.arange(H, ctx=ctx, dtype="int32").reshape((1, 1, H, 1)) * Wp
        cols = nd.arange(W, ctx=ctx, dtype="int32").reshape((1, 1, 1, W))
        _GRIDS[key] = nd.broadcast_add(nd.broadcast_add(image, rows), cols)
    return _GRIDS[key]


def random_flip_lr(X):
    """Mirror each image left-right with probability 1/2.

    Introduced in chapters/09_regularization.ipynb.
    """
    if X.ndim != 4:
        raise ValueError(f"random_flip_lr: X must be (batch, channels, height, width), "
                         f"got shape {X.shape}")
    flip = nd.random.uniform(shape=(X.shape[0],), ctx=X.context) < 0.5
    return nd.where(flip, X.flip(axis=3), X)


class Augmented:
    """Wrap a data iterator so each training batch passes through ``transforms`` in order.

    ``Augmented(train_iter, random_shift, random_flip_lr)`` yields
    ``(t2(t1(X)), y)``; it is re-iterable and has the wrapped iterator's
    ``len``, so it goes straight into ``train_ch3``.  Augment training data
    only, never validation or test data.  Introduced in
    chapters/09_regularization.ipynb.
    """

    def __init__(self, data_iter, *transforms):
        if not transforms or not all(callable(t) for t in transforms):
            raise TypeError("Augmented: give at least one transform, each a function of a "
                            "batch X")
        self.data_iter, self.transforms = data_iter, transforms

    def __len__(self):
        return len(self.data_iter)

    def __iter__(self):
        for X, y in self.data_iter:
            for transform in self.transforms:
                X = transform(X)
            yield X, y
