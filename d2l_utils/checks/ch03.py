"""Self-checks for the exercises of chapters/03_softmax_from_scratch.ipynb.

Each ``check_*`` calls the student's function on fixed inputs (or reads a
multiple-choice answer), compares with an independent reference (NumPy,
``nd.pick``), prints one verdict line (``_verdict``) and returns True or False.
"""

import math

import numpy as np
from mxnet import nd

from ..language import TextMap, text
from ._choice import _choice
from ._common import _attempt, _call, _fmt
from ._verdict import not_yet, verdict

# ---- exercise 1: the mean loss over a whole dataset ------------------------------------

def _loss_data():
    """A fixed linear net, its per-example loss and 50 examples in batches of 16, 16, 16, 2.

    The last batch is small and its losses are much larger than the others', so
    averaging per-batch means gives a clearly different number than averaging
    over the examples.
    """
    rng = np.random.RandomState(3)
    X = rng.randn(50, 4).astype(np.float32)
    y = rng.randint(0, 3, size=50).astype(np.float32)
    W = nd.array(rng.randn(4, 3).astype(np.float32))
    X[48:] *= 3  # the last batch: confident and wrong predictions, large losses
    y[48:] = (nd.dot(nd.array(X[48:]), W).argmax(axis=1).asnumpy() + 1) % 3

    def net(X):
        return nd.softmax(nd.dot(X, W), axis=1)

    def loss(y_hat, y):
        return -nd.pick(y_hat, y).clip(1e-12, 1).log()

    batches = [(nd.array(X[i:i + 16]), nd.array(y[i:i + 16])) for i in range(0, 50, 16)]
    per_example = np.concatenate([loss(net(Xb), yb).asnumpy() for Xb, yb in batches])
    return net, loss, batches, per_example


def check_evaluate_loss(fn):
    """Check ``fn(data_iter, net, loss)``: the mean per-example loss over all of ``data_iter``.

    It must return a number (a Python float, or an NDArray holding one).
    """
    name = "check_evaluate_loss"
    net, loss, batches, per_example = _loss_data()
    out, problem = _attempt(fn, batches, net, loss)
    if problem:
        return verdict(name, problem, text("write the loop over data_iter, then run this cell "
                                           "again",
                                           "写出遍历 data_iter 的循环，然后再运行这个单元格"))
    if isinstance(out, nd.NDArray):
        if out.size != 1:
            return verdict(name, text(f"returned an NDArray of shape {out.shape}; return one "
                                      "number, the mean loss over every example",
                                      f"返回了形状为 {out.shape} 的 NDArray；请返回一个数，"
                                      "即所有样本的平均损失"))
        out = out.asscalar()
    try:
        got = float(out)
    except (TypeError, ValueError):
        return verdict(name, text(f"returned {type(out).__name__} {out!r}, expected a number",
                                  f"返回了 {type(out).__name__} {out!r}，应返回一个数"))
    expected = float(per_example.mean())
    if math.isclose(got, expected, rel_tol=1e-4):
        return verdict(name, None)
    sums = [float(per_example[i:i + 16].sum()) for i in range(0, 50, 16)]
    sizes = [min(16, 50 - i) for i in range(0, 50, 16)]
    known = {
        sum(sums): text("returned the summed loss; divide it by the number of examples",
                        "返回的是损失之和；请除以样本数"),
        float(np.mean([s / n for s, n in zip(sums, sizes, strict=True)])):
            text("averaged the per-batch means, which over-weights the small last batch; add "
                 "up the losses and the number of examples (y.size) and divide once at the end",
                 "对每个批量的均值求了平均，这会过分看重最后那个小批量；请累加损失和样本数"
                 "（y.size），最后只除一次"),
        sum(sums) / (16 * len(sums)):
            text("divided by (number of batches x batch size), but the last batch has only 2 "
                 "examples; count the examples with y.size",
                 "除以了（批量个数 x 批量大小），但最后一个批量只有 2 个样本；"
                 "请用 y.size 数样本"),
        sums[0] / 16: text("used only the first batch; loop over every batch of data_iter",
                           "只用了第一个批量；请遍历 data_iter 的每个批量"),
        sums[-1] / 2: text("kept only the last batch; add each batch's loss to a running sum",
                           "只保留了最后一个批量；请把每个批量的损失累加到一个总和上"),
        -expected: text("the sign is flipped: the loss is already positive, do not negate it",
                        "符号反了：损失本身已经是正的，不要再取负"),
    }
    for value, hint in known.items():
        if math.isclose(got, value, rel_tol=1e-4):
            return verdict(name, hint)
    return verdict(name, text(f"returned {got:.6g}, expected the mean loss {expected:.6g} "
                              f"over {len(per_example)} examples",
                              f"返回了 {got:.6g}，应为 {len(per_example)} 个样本上的"
                              f"平均损失 {expected:.6g}"))


# ---- exercise 2: learning rates, and nan at lr = 1 -------------------------------------

LR_OPTIONS = (0.01, 0.1, 0.5, 1)
NAN_CAUSES = TextMap(lambda: {
    "a": text("lr = 1 is too small a step to make progress in three epochs",
              "lr = 1 的步长太小，三个迭代周期内没有进展"),
    "b": text("the steps are so large that the logits grow until exp overflows in our naive "
              "softmax; inf / inf is nan, and train_ch3 stops",
              "步长太大，logits 不断增大，直到我们朴素的 softmax 中的 exp 上溢；"
              "inf / inf 是 nan，于是 train_ch3 停止"),
    "c": text("the images contain nan pixels that only matter at lr = 1",
              "图像中含有 nan 像素，只在 lr = 1 时才起作用"),
    "d": text("with lr = 1 sgd no longer divides the gradient by the batch size",
              "lr = 1 时 sgd 不再把梯度除以批量大小"),
})


def check_learning_rates(lowest_loss_lr, nan_cause):
    """Check exercise 2: which lr of ``LR_OPTIONS`` has the lowest training loss after
    three epochs, and which letter of ``NAN_CAUSES`` explains the stop at lr = 1."""
    name = "check_learning_rates"
    if lowest_loss_lr is None or nan_cause is None:
        return not_yet(name, text(f"set lowest_loss_lr to one of {LR_OPTIONS} and nan_cause "
                                  f"to one of {sorted(NAN_CAUSES)}",
                                  f"把 lowest_loss_lr 设为 {LR_OPTIONS} 之一，把 nan_cause "
                                  f"设为 {sorted(NAN_CAUSES)} 之一"))
    if lowest_loss_lr not in LR_OPTIONS:
        return verdict(name, text(f"lowest_loss_lr={lowest_loss_lr!r} is not one of "
                                  f"{LR_OPTIONS}",
                                  f"lowest_loss_lr={lowest_loss_lr!r} 不是 {LR_OPTIONS} 之一"))
    lr_hints = {
        0.01: text("at lr = 0.01 the steps are small: after three epochs the loss is still far "
                   "above the others'; compare the loss column of each run",
                   "lr = 0.01 时步长很小：三个迭代周期后损失仍远高于其他学习率；"
                   "请比较每次运行的 loss 列"),
        0.5: text("lr = 0.5 may reach a good test accuracy, but compare the training loss: the "
                  "large steps overshoot, and its loss stays higher than at a smaller lr",
                  "lr = 0.5 也许能达到不错的测试准确率，但请比较训练损失：步长太大会越过"
                  "最优点，它的损失一直比较小学习率时更高"),
        1: text("at lr = 1 the loss becomes nan and train_ch3 stops after the first epoch",
                "lr = 1 时损失变成 nan，train_ch3 在第一个迭代周期后就停止了"),
    }
    if lowest_loss_lr != 0.1:
        return verdict(name, lr_hints[lowest_loss_lr])
    cause_hints = {
        "a": text("a larger lr takes larger steps, not smaller ones; the loss did not stall, "
                  "it became nan",
                  "更大的 lr 迈的步子更大，而不是更小；损失并没有停滞，而是变成了 nan"),
        "c": text("the same images train fine at lr = 0.1; look at what the large steps do to "
                  "W",
                  "同样的图像在 lr = 0.1 时训练正常；看看大步长对 W 做了什么"),
        "d": text("sgd always divides by batch_size; look at what the large steps do to the "
                  "logits",
                  "sgd 总是除以 batch_size；看看大步长对 logits 做了什么"),
    }
    return _choice(name, nan_cause, "b", cause_hints)


# ---- exercise 3: cross-entropy with one-hot labels -------------------------------------

def _one_hot_cases():
    rng = np.random.RandomState(5)
    logits = rng.randn(6, 4) * 2
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    cases = [(np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), np.array([0, 2])),
             (p, rng.randint(0, 4, size=6)),
             # a zero probability in a class that is not the label: 0 * log 0 must not count
             (np.array([[0.0, 0.25, 0.75], [0.5, 0.5, 0.0]]), np.array([2, 1]))]
    return [(nd.array(y_hat), nd.one_hot(nd.array(y), y_hat.shape[1]), y)
            for y_hat, y in cases]


def check_cross_entropy_one_hot(fn):
    """Check ``fn(y_hat, Y)``: the per-example cross-entropy for one-hot labels ``Y``.

    y_hat: (batch, classes) probabilities; Y: (batch, classes) with a single 1
    per row.  Must equal ``-log(pick(y_hat, y))``, shape (batch,).
    """
    name = "check_cross_entropy_one_hot"
    for y_hat, Y, y in _one_hot_cases():
        got, problem = _call(fn, y_hat, Y)
        if problem:
            return verdict(name, problem, text("write the loss with Y and y_hat, then run "
                                               "this cell again",
                                               "用 Y 和 y_hat 写出损失，然后再运行这个单元格"))
        expected = -np.log(y_hat.asnumpy()[np.arange(len(y)), y])
        at = text(f"for y_hat {_fmt(y_hat.asnumpy())} and labels {y.tolist()}",
                  f"（y_hat 为 {_fmt(y_hat.asnumpy())}，标签为 {y.tolist()}）")
        if got.shape != expected.shape:
            return verdict(name, text(f"returned shape {got.shape}, expected {expected.shape}: "
                                      "one loss per example; sum over the classes only, "
                                      "sum(axis=1)",
                                      f"返回的形状为 {got.shape}，应为 {expected.shape}："
                                      "每个样本一个损失；只对类别求和，sum(axis=1)"))
        if np.isnan(got).any():
            return verdict(name, text(f"returns nan {at}: a probability of 0 in a class that "
                                      "is not the label gives 0 * log(0) = 0 * -inf = nan; "
                                      "pick the true class's probability first, "
                                      "(Y * y_hat).sum(axis=1), then take the log",
                                      f"返回了 nan{at}：非标签类别上的概率 0 会得到 "
                                      "0 * log(0) = 0 * -inf = nan；请先取出真实类别的概率 "
                                      "(Y * y_hat).sum(axis=1)，再取对数"))
        if np.allclose(got, -expected, rtol=1e-4):
            return verdict(name, text(f"the sign is flipped {at}: the loss is minus the log",
                                      f"符号反了{at}：损失是对数取负"))
        k = y_hat.shape[1]
        if np.allclose(got, expected / k, rtol=1e-4):
            return verdict(name, text("divided by the number of classes: use sum(axis=1), not "
                                      "mean(axis=1), over the classes",
                                      "除以了类别数：对类别请用 sum(axis=1)，而不是 "
                                      "mean(axis=1)"))
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
            return verdict(name, text(f"got {_fmt(got)}, expected {_fmt(expected)} {at}",
                                      f"得到 {_fmt(got)}，应为 {_fmt(expected)}{at}"))
    return verdict(name, None)


# ---- exercise 4: more epochs (conceptual) ----------------------------------------------

MORE_EPOCHS = TextMap(lambda: {
    "a": text("training loss and test accuracy keep improving as fast as in the first epochs",
              "训练损失和测试准确率继续像最初几个迭代周期那样快速改善"),
    "b": text("the training loss keeps falling, ever more slowly; the test accuracy levels off "
              "and may even drop a little once the model starts to fit the training images' "
              "quirks",
              "训练损失继续下降，但越来越慢；测试准确率趋于平稳，一旦模型开始拟合训练图像的"
              "特殊之处，甚至可能略有下降"),
    "c": text("the training loss starts to rise again after ten epochs",
              "十个迭代周期后训练损失又开始上升"),
    "d": text("the test accuracy climbs to 100% if we only train long enough",
              "只要训练得足够久，测试准确率就会升到 100%"),
})


def check_more_epochs(answer):
    """Check exercise 4: what 50 epochs instead of 10 do (a letter of ``MORE_EPOCHS``)."""
    hints = {
        "a": text("look at the check after the training cell: the loss fell far less in later "
                  "epochs than in the first ones",
                  "看看训练单元格之后的检查：后面的迭代周期里损失下降得远比最初几个少"),
        "c": text("with a small enough learning rate each epoch lowers the training loss a "
                  "little; it is the test accuracy that can get worse",
                  "学习率足够小时，每个迭代周期都会让训练损失降低一点；可能变差的是测试准确率"),
        "d": text("a linear model draws straight boundaries between classes; shirts and "
                  "T-shirts overlap, so some test images stay wrong however long we train",
                  "线性模型在类别之间画出的是直线边界；衬衫和 T 恤有重叠，所以无论训练多久，"
                  "总有一些测试图像会分错"),
    }
    return _choice("check_more_epochs", answer, "b", hints)
