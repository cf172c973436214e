"""Self-checks for the exercises of chapters/01_fashion_mnist.ipynb.

Each check prints one verdict line (``_verdict``) and returns a bool.
Random inputs come from a private generator, so the notebook's seed is untouched.
"""

import math

import numpy as np
from mxnet import nd
from mxnet.gluon.data.vision import transforms

from ..language import text
from ._choice import _choice
from ._common import _attempt
from ._verdict import not_yet, verdict

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
    got, problem = _attempt(lambda: _as_numpy(fn(X, y)))
    if problem:
        return verdict(name, problem, text("make class_means(X, y) return the ten mean images",
                                           "让 class_means(X, y) 返回十个类别的平均图像"))
    if got.shape != expected.shape:
        return verdict(name, text(f"wrong shape {got.shape} for images of shape "
                                  f"{X.shape[1:]}, expected {expected.shape}: one mean image "
                                  "per class",
                                  f"对形状为 {X.shape[1:]} 的图像，形状 {got.shape} 不对，"
                                  f"应为 {expected.shape}：每个类别一张平均图像"))
    if not np.allclose(got, expected, rtol=1e-5, atol=1e-3):
        c = int(np.argmax(np.abs(got - expected).reshape(10, -1).max(axis=1)))
        return verdict(name, text(f"the mean image of class {c} is wrong: average the images "
                                  f"X[y == {c}] over axis 0 (the examples), as floats",
                                  f"类别 {c} 的平均图像不对：把图像 X[y == {c}] 沿 axis 0"
                                  "（样本）以浮点数求平均"))
    return verdict(name, None)


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
    out, problem = _attempt(fn, img.copy())
    if problem:
        return verdict(name, problem,
                       text("make to_tensor(img) return the (1, h, w) float32 image",
                            "让 to_tensor(img) 返回 (1, h, w) 的 float32 图像"))
    if not isinstance(out, nd.NDArray):
        return verdict(name, text(f"returned a {type(out).__name__}, expected an NDArray",
                                  f"返回了 {type(out).__name__}，应返回 NDArray"))
    got = out.asnumpy()
    if got.shape != expected.shape:
        hint = (text("move the channel axis first: img.transpose((2, 0, 1)) turns HWC into CHW",
                     "把通道轴移到最前：img.transpose((2, 0, 1)) 把 HWC 变成 CHW")
                if sorted(got.shape) == sorted(expected.shape) else
                text("one channel, then h, w", "先是一个通道，然后是 h、w"))
        return verdict(name, text(f"shape {got.shape} for an image of shape {img.shape}, "
                                  f"expected {expected.shape}: {hint}",
                                  f"对形状为 {img.shape} 的图像，形状 {got.shape} 不对，"
                                  f"应为 {expected.shape}：{hint}"))
    if got.dtype != np.float32:
        return verdict(name, text(f"dtype {got.dtype}, expected float32: use "
                                  ".astype('float32')",
                                  f"dtype 为 {got.dtype}，应为 float32：请用 .astype('float32')"))
    if got.max() > 1:
        return verdict(name, text(f"values up to {got.max():g}; ToTensor scales bytes to "
                                  "[0, 1]: divide by 255",
                                  f"数值最大到 {got.max():g}；ToTensor 把字节缩放到 [0, 1]："
                                  "请除以 255"))
    if not np.allclose(got, expected.asnumpy(), atol=1e-6):
        return verdict(name, text("values differ from ToTensor's: divide the bytes by 255, and "
                                  "move the channel axis with transpose((2, 0, 1))",
                                  "数值与 ToTensor 的不同：把字节除以 255，并用 "
                                  "transpose((2, 0, 1)) 移动通道轴"))
    return verdict(name, None)


def check_num_updates(fn):
    """Check ``fn(num_examples, batch_size, num_epochs) -> number of SGD updates`` (exercise 3).

    The course's iterators keep the last, smaller batch, so one epoch is
    ``ceil(num_examples / batch_size)`` updates.  Introduced in
    chapters/01_fashion_mnist.ipynb.
    """
    name = "check_num_updates"
    for args in [(60000, 256, 1), (60000, 256, 10), (10, 5, 3), (10000, 1, 2), (100, 300, 4)]:
        got, problem = _attempt(fn, *args)
        if problem:
            return verdict(name, problem, text("make num_updates(...) return the number of "
                                               "updates", "让 num_updates(...) 返回更新的次数"))
        n, b, e = args
        expected = math.ceil(n / b) * e
        if got != expected:
            hint = ""
            if got == (n // b) * e:
                hint = text(": the last, smaller batch is kept, so round up (math.ceil)",
                            "：最后那个较小的批量也保留，所以要向上取整（math.ceil）")
            elif got == e * n / b:
                hint = text(": count whole batches; the last one is smaller, so round up",
                            "：要数完整的批量个数；最后一个批量较小，所以要向上取整")
            return verdict(name, text(f"num_updates{args} is {got!r}, expected {expected}{hint}",
                                      f"num_updates{args} 为 {got!r}，应为 {expected}{hint}"))
    return verdict(name, None)


def check_more_epochs(answer):
    """Multiple choice (exercise 3): what do ten times more epochs do? Introduced in chapter 01."""
    return _choice("check_more_epochs", answer, "b", {
        "a": text("the test set is held out: nothing guarantees that fitting the training set "
                  "better helps on it; a model can start to memorise the training images",
                  "测试数据集不参与训练：把训练数据集拟合得更好并不保证在测试数据集上也更好；"
                  "模型可能开始记住训练图像"),
        "c": text("each epoch makes more updates on the training set, so the training loss "
                  "keeps falling (slowly), it does not grow",
                  "每个迭代周期都在训练数据集上做更多次更新，所以训练损失会继续（缓慢地）"
                  "下降，而不会上升"),
    })


def check_memory(train_bytes, resized_bytes):
    """Check the bytes of the training set as float32: 28x28, then resized to 224x224 (exercise 4).

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    name = "check_memory"
    if train_bytes is None or resized_bytes is None:
        return not_yet(name, text("set train_bytes and resized_bytes to numbers of bytes",
                                  "把 train_bytes 和 resized_bytes 设为字节数"))
    for label, got, size in (("train_bytes", train_bytes, 28),
                             ("resized_bytes", resized_bytes, 224)):
        expected = 60000 * size * size * 4
        if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
            return verdict(name, text(f"{label} must be a number, got {got!r}",
                                      f"{label} 必须是一个数，得到的是 {got!r}"))
        if got != expected:
            hint = (text(": a float32 takes 4 bytes, not 1",
                         "：一个 float32 占 4 个字节，不是 1 个")
                    if got * 4 == expected else
                    text(f": 60,000 images x {size} x {size} pixels x 4 bytes",
                         f"：60,000 张图像 x {size} x {size} 个像素 x 4 个字节"))
            return verdict(name, text(f"{label} is {got:,}, expected {expected:,}{hint}",
                                      f"{label} 为 {got:,}，应为 {expected:,}{hint}"))
    return verdict(name, None)
