"""Augmentation: shapes, value range, labels unchanged, and each transform checked
against a per-image NumPy reference."""

import numpy as np
import pytest
from mxnet import nd

import d2l_utils as d2l
from d2l_utils.augmentation import Augmented, random_flip_lr, random_shift
from d2l_utils.data import DataIter


def batch(B=64, C=1, H=6, W=5, seed=0):
    rng = np.random.default_rng(seed)
    return nd.array(rng.uniform(0.1, 1, size=(B, C, H, W)))


def shifted(img, dy, dx):
    """NumPy reference: img moved by (dy, dx), zeros where nothing comes in."""
    out = np.zeros_like(img)
    H, W = img.shape[-2:]
    src = img[..., max(0, -dy):H - max(0, dy), max(0, -dx):W - max(0, dx)]
    out[..., max(0, dy):max(0, dy) + src.shape[-2], max(0, dx):max(0, dx) + src.shape[-1]] = src
    return out


def test_each_image_is_shifted_by_its_own_offset_within_the_bound():
    X = batch(C=2)
    d2l.set_seed(1)
    Y = random_shift(X, max_shift=2).asnumpy()
    assert Y.shape == X.shape and Y.dtype == np.float32
    offsets = set()
    for x, y in zip(X.asnumpy(), Y, strict=True):
        matches = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                   if np.array_equal(shifted(x, dy, dx), y)]
        assert len(matches) == 1, "not a shift of the image"
        offsets.add(matches[0])
    assert len(offsets) > 10  # images get different shifts


def test_shifts_keep_the_value_range_and_zero_shift_is_a_copy():
    X = batch()
    Y = random_shift(X, 3).asnumpy()
    assert Y.min() >= 0 and Y.max() <= X.asnumpy().max()
    same = random_shift(X, 0)
    assert same is not X and (same == X).min().asscalar() == 1


def test_flips_mirror_about_half_the_images_and_leave_the_rest():
    X = batch(B=400)
    d2l.set_seed(2)
    Y = random_flip_lr(X).asnumpy()
    x = X.asnumpy()
    flipped = [np.array_equal(b, a[..., ::-1]) for a, b in zip(x, Y, strict=True)]
    kept = [np.array_equal(b, a) for a, b in zip(x, Y, strict=True)]
    assert all(f or k for f, k in zip(flipped, kept, strict=True))
    assert 0.4 < np.mean(flipped) < 0.6


def test_the_same_seed_gives_the_same_augmentation():
    X = batch()
    d2l.set_seed(3)
    a = random_flip_lr(random_shift(X)).asnumpy()
    d2l.set_seed(3)
    b = random_flip_lr(random_shift(X)).asnumpy()
    assert np.array_equal(a, b)


def test_augmented_iterator_changes_images_never_labels():
    X = np.arange(40 * 36, dtype=np.float32).reshape(40, 1, 6, 6) / 1440
    y = np.arange(40) % 10
    data = DataIter(nd.array(X), y, batch_size=16)
    aug = Augmented(data, random_shift, random_flip_lr)
    assert len(aug) == len(data) == 3
    for (Xa, ya), (Xo, yo) in zip(aug, data, strict=True):
        assert (ya == yo).min().asscalar() == 1
        assert Xa.shape == Xo.shape
    assert sum(1 for _ in aug) == 3  # re-iterable


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: random_shift(batch(), -1), ValueError, "max_shift must be an int >= 0"),
    (lambda: random_shift(nd.ones((2, 3, 3)), 1), ValueError, r"got shape \(2, 3, 3\)"),
    (lambda: random_flip_lr(nd.ones((4, 4))), ValueError, "random_flip_lr: X must be"),
    (lambda: Augmented([]), TypeError, "at least one transform"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_shift_larger_than_the_image_moves_it_out_and_leaves_zeros():
    X = nd.ones((200, 1, 6, 5))
    d2l.set_seed(4)
    sums = random_shift(X, max_shift=10).sum(axis=(1, 2, 3)).asnumpy()
    assert set(np.unique(sums)) <= set(range(31)) and (sums == 0).any() and (sums == 30).any()
