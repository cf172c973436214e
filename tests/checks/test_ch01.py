"""Chapter 01's self-checks: right answers pass, known-wrong ones get a specific hint."""

import math

import numpy as np
import pytest
from mxnet import nd
from verdicts import run, stub

from d2l_utils.checks import ch01


def class_means(X, y):
    return np.stack([X[y == c].mean(axis=0) for c in range(10)])


def class_means_nd(X, y):
    return nd.array(class_means(X, y))


def to_tensor(img):
    return img.transpose((2, 0, 1)).astype("float32") / 255


@pytest.mark.parametrize("check, args, verdict", [
    (ch01.check_class_means, (class_means,), "check_class_means: correct"),
    (ch01.check_class_means, (class_means_nd,), "check_class_means: correct"),
    (ch01.check_to_tensor, (to_tensor,), "check_to_tensor: correct"),
    (ch01.check_num_updates, (lambda n, b, e: math.ceil(n / b) * e,), "check_num_updates: correct"),
    (ch01.check_num_updates, (lambda n, b, e: -(-n // b) * e,), "check_num_updates: correct"),
    (ch01.check_more_epochs, ("b",), "check_more_epochs: correct"),
    (ch01.check_memory, (60000 * 28 * 28 * 4, 60000 * 224 * 224 * 4), "check_memory: correct"),
])
def test_right_answers_pass(capsys, check, args, verdict):
    assert run(capsys, check, *args) == (True, verdict)


@pytest.mark.parametrize("check, args, message", [
    (ch01.check_class_means, (stub,), "check_class_means: not yet"),
    (ch01.check_class_means, (lambda X, y: np.stack([X[y == c].mean() for c in range(10)]),),
     "wrong: wrong shape (10,) for images of shape (4, 3), expected (10, 4, 3)"),
    (ch01.check_class_means, (lambda X, y: class_means(X, y)[::-1],),
     "wrong: the mean image of class 3 is wrong"),
    (ch01.check_class_means, (lambda X, y: np.stack([X[y == c].sum(axis=0) // (y == c).sum()
                                                     for c in range(10)]),),
     "wrong: the mean image of class"),
    (ch01.check_to_tensor, (stub,), "check_to_tensor: not yet"),
    (ch01.check_to_tensor, (lambda img: img.astype("float32") / 255,),
     "wrong: shape (5, 3, 1) for an image of shape (5, 3, 1), expected (1, 5, 3): move the "
     "channel axis first"),
    (ch01.check_to_tensor, (lambda img: img.transpose((2, 0, 1)).astype("float32"),),
     "wrong: values up to 2"),
    (ch01.check_to_tensor, (lambda img: img.transpose((2, 0, 1)) / 255,),
     "wrong: dtype uint8, expected float32"),
    (ch01.check_to_tensor, (lambda img: img.reshape((1, 5, 3)).astype("float32") / 255 + 1e-3,),
     "wrong: values differ from ToTensor's"),
    (ch01.check_to_tensor, (lambda img: to_tensor(img).asnumpy(),),
     "wrong: returned a ndarray, expected an NDArray"),
    (ch01.check_num_updates, (stub,), "check_num_updates: not yet"),
    (ch01.check_num_updates, (lambda n, b, e: (n // b) * e,),
     "wrong: num_updates(60000, 256, 1) is 234, expected 235: the last, smaller batch is kept, "
     "so round up (math.ceil)"),
    (ch01.check_num_updates, (lambda n, b, e: n / b * e,), "count whole batches"),
    (ch01.check_num_updates, (lambda n, b, e: math.ceil(n / b),),
     "wrong: num_updates(60000, 256, 10) is 235, expected 2350"),
    (ch01.check_more_epochs, (None,), "check_more_epochs: not yet"),
    (ch01.check_more_epochs, ("a",), "wrong: (a) the test set is held out"),
    (ch01.check_more_epochs, ("c",), "wrong: (c) each epoch makes more updates"),
    (ch01.check_memory, (None, 1), "check_memory: not yet"),
    (ch01.check_memory, (60000 * 28 * 28, 60000 * 224 * 224),
     "wrong: train_bytes is 47,040,000, expected 188,160,000: a float32 takes 4 bytes, not 1"),
    (ch01.check_memory, (60000 * 28 * 28 * 4, 224 * 224 * 4),
     "wrong: resized_bytes is 200,704, expected 12,042,240,000: 60,000 images x 224 x 224"),
    (ch01.check_memory, ("188160000", 1), "wrong: train_bytes must be a number"),
])
def test_wrong_answers_get_a_specific_hint(capsys, check, args, message):
    ok, line = run(capsys, check, *args)
    assert not ok
    assert message in line


def test_checks_leave_the_global_seed_alone():
    np.random.seed(3)
    expected = np.random.rand(2)
    np.random.seed(3)
    ch01.check_class_means(class_means)
    ch01.check_to_tensor(to_tensor)
    assert np.array_equal(np.random.rand(2), expected)
