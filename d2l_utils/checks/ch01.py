"""Self-checks for the exercises of chapters/01_fashion_mnist.ipynb.

Each check prints one line, ``"<check>: correct"``, ``"<check>: wrong: ..."``
or, for an untouched stub, ``"<check>: not yet: ..."``, and returns a bool.
Random inputs come from a private generator, so the notebook's seed is untouched.
"""

import math

import numpy as np
from mxnet import nd
from mxnet.gluon.data.vision import transforms

from ._choice import _choice, _not_yet
from ._common import _verdict

_RNG_SEED = 2024


def _as_numpy(out):
    return out.asnumpy() if isinstance(out, nd.NDArray) else np.asarray(out)


def check_class_means(fn):
    """Check ``fn(X, y) -> (10, h, w) array``: row c is the mean image of class c (exercise 1).

    X: (n, h, w) uint8 images, y: (n,) labels 0..9 (NumPy, as
    ``load_fashion_mnist_arrays`` returns them).  Introduced in
    chapters/01_fashion_mnist.ipynb.
    """
    name = "check_class_means"
    rng = np.random.RandomState(_RNG_SEED)
    X = rng.randint(0, 256, size=(60, 4, 3)).astype(np.uint8)
    y = np.concatenate([np.arange(10), rng.randint(0, 10, size=50)]).astype(np.uint8)
    expected = np.stack([X[y == c].mean(axis=0) for c in range(10)])
    try:
        got = _as_numpy(fn(X, y))
    except NotImplementedError:
        return _not_yet(name, "make class_means(X, y) return the ten mean images")
    except Exception as err:  # student code: a verdict, not a traceback
        return _verdict(name, f"raised {type(err).__name__}: {err}"[:300])
    if got.shape != expected.shape:
        return _verdict(name, f"wrong shape {got.shape} for images of shape {X.shape[1:]}, "
                              f"expected {expected.shape}: one mean image per class")
    if not np.allclose(got, expected, rtol=1e-5, atol=1e-3):
        c = int(np.argmax(np.abs(got - expected).reshape(10, -1).max(axis=1)))
        return _verdict(name, f"the mean image of class {c} is wrong: average the images "
                              f"X[y == {c}] over axis 0 (the examples), as floats")
    return _verdict(name, None)


def check_to_tensor(fn):
    """Check ``fn(img) -> what transforms.ToTensor() returns`` (exercise 2).

    img: an NDArray (h, w, 1) of uint8, Gluon's HWC layout; the result must be a
    (1, h, w) float32 NDArray with values in [0, 1] (divided by 255).
    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    name = "check_to_tensor"
    rng = np.random.RandomState(_RNG_SEED)
    img = nd.array(rng.randint(0, 256, size=(5, 3, 1)), dtype="uint8")  # h != w on purpose
    expected = transforms.ToTensor()(img)
    try:
        out = fn(img.copy())
    except NotImplementedError:
        return _not_yet(name, "make to_tensor(img) return the (1, h, w) float32 image")
    except Exception as err:  # student code: a verdict, not a traceback
        return _verdict(name, f"raised {type(err).__name__}: {err}"[:300])
    if not isinstance(out, nd.NDArray):
        return _verdict(name, f"returned a {type(out).__name__}, expected an NDArray")
    got = out.asnumpy()
    if got.shape != expected.shape:
        hint = ("move the channel axis first: img.transpose((2, 0, 1)) turns HWC into CHW"
                if sorted(got.shape) == sorted(expected.shape) else "one channel, then h, w")
        return _verdict(name, f"shape {got.shape} for an image of shape {img.shape}, expected "
                              f"{expected.shape}: {hint}")
    if got.dtype != np.float32:
        return _verdict(name, f"dtype {got.dtype}, expected float32: use .astype('float32')")
    if got.max() > 1:
        return _verdict(name, f"values up to {got.max():g}; ToTensor scales bytes to [0, 1]: "
                              "divide by 255")
    if not np.allclose(got, expected.asnumpy(), atol=1e-6):
        return _verdict(name, "values differ from ToTensor's: divide the bytes by 255, and move "
                              "the channel axis with transpose((2, 0, 1))")
    return _verdict(name, None)


def check_num_updates(fn):
    """Check ``fn(num_examples, batch_size, num_epochs) -> number of SGD updates`` (exercise 3).

    The course's iterators keep the last, smaller batch, so one epoch is
    ``ceil(num_examples / batch_size)`` updates.  Introduced in
    chapters/01_fashion_mnist.ipynb.
    """
    name = "check_num_updates"
    for args in [(60000, 256, 1), (60000, 256, 10), (10, 5, 3), (10000, 1, 2), (100, 300, 4)]:
        try:
            got = fn(*args)
        except NotImplementedError:
            return _not_yet(name, "make num_updates(...) return the number of updates")
        except Exception as err:  # student code: a verdict, not a traceback
            return _verdict(name, f"raised {type(err).__name__}: {err}"[:300])
        n, b, e = args
        expected = math.ceil(n / b) * e
        if got != expected:
            hint = ""
            if got == (n // b) * e:
                hint = ": the last, smaller batch is kept, so round up (math.ceil)"
            elif got == e * n / b:
                hint = ": count whole batches; the last one is smaller, so round up"
            return _verdict(name, f"num_updates{args} is {got!r}, expected {expected}{hint}")
    return _verdict(name, None)


def check_more_epochs(answer):
    """Multiple choice (exercise 3): what do ten times more epochs do? Introduced in chapter 01."""
    return _choice("check_more_epochs", answer, "b", {
        "a": "the test set is held out: nothing guarantees that fitting the training set "
             "better helps on it; a model can start to memorise the training images",
        "c": "each epoch makes more updates on the training set, so the training loss keeps "
             "falling (slowly), it does not grow",
    })


def check_memory(train_bytes, resized_bytes):
    """Check the bytes of the training set as float32: 28x28, then resized to 224x224 (exercise 4).

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    name = "check_memory"
    if train_bytes is None or resized_bytes is None:
        return _not_yet(name, "set train_bytes and resized_bytes to numbers of bytes")
    for label, got, size in (("train_bytes", train_bytes, 28),
                             ("resized_bytes", resized_bytes, 224)):
        expected = 60000 * size * size * 4
        if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
            return _verdict(name, f"{label} must be a number, got {got!r}")
        if got != expected:
            hint = (": a float32 takes 4 bytes, not 1" if got * 4 == expected else
                    f": 60,000 images x {size} x {size} pixels x 4 bytes")
            return _verdict(name, f"{label} is {got:,}, expected {expected:,}{hint}")
    return _verdict(name, None)
