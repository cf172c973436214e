"""Data augmentation applied per batch, vectorized on ``nd`` arrays.

Introduced in chapters/09_regularization.ipynb.  Each transform takes a batch
X (B, C, H, W) and returns a new batch of the same shape; labels never change.
They draw from MXNet's generator (``d2l.set_seed`` fixes them) and run as a
handful of MXNet operators per batch, so they keep the in-memory loader fast.
Horizontal flips suit clothing (a shirt mirrored is a shirt); for digits they
are wrong (a mirrored 3 is not a 3).
"""

from mxnet import nd

from .arguments import check_number

__all__ = ["random_shift", "random_flip_lr", "Augmented"]


def random_shift(X, max_shift=2):
    """Shift each image by its own random (dy, dx) in [-max_shift, max_shift], filling with 0.

    Introduced in chapters/09_regularization.ipynb.
    """
    max_shift = check_number("random_shift: max_shift", max_shift, int, 0)
    if X.ndim != 4:
        raise ValueError(f"random_shift: X must be (batch, channels, height, width), "
                         f"got shape {X.shape}")
    if max_shift == 0:
        return X.copy()
    # One convolution moves every image: image b gets its own (2s+1)x(2s+1) kernel with a
    # single 1 in it, at the offset drawn for b (all its channels alike), and the
    # zero padding of the convolution fills what comes in from outside.  Multiplying by
    # 1 and adding 0 is exact, so the result is a copy of shifted pixels, bit for bit;
    # it is about 10x faster than gathering with nd.pad + nd.take.
    B, C, H, W = X.shape
    k = 2 * int(max_shift) + 1
    where = nd.random.randint(0, k * k, shape=(B,), ctx=X.context)
    kernels = nd.one_hot(nd.repeat(where, repeats=C), k * k, dtype=X.dtype)
    moved = nd.Convolution(X.reshape((1, B * C, H, W)), kernels.reshape((B * C, 1, k, k)),
                           kernel=(k, k), pad=(k // 2, k // 2), num_filter=B * C,
                           num_group=B * C, no_bias=True)
    return moved.reshape((B, C, H, W))


def random_flip_lr(X):
    """Mirror each image left-right with probability 1/2.

    Introduced in chapters/09_regularization.ipynb.
    """
    if X.ndim != 4:
        raise ValueError(f"random_flip_lr: X must be (batch, channels, height, width), "
                         f"got shape {X.shape}")
    flip = nd.random.uniform(shape=(X.shape[0],), ctx=X.context) < 0.5
    # A slice with step -1 mirrors the width axis several times faster than X.flip(axis=3).
    mirrored = nd.slice(X, begin=(None,) * 4, end=(None,) * 4, step=(1, 1, 1, -1))
    return nd.where(flip, mirrored, X)


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
