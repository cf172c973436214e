"""Self-checks for the exercises of chapters/A1_tf1_to_mxnet.ipynb (TF1 -> MXNet/Gluon).

Each prints one verdict line (``_verdict``) and returns True or False.
A student's stub (``raise NotImplementedError``, or an answer left at None)
gets a "not yet" line, never "wrong" and never a traceback.
"""

import numpy as np
from mxnet import autograd, nd
from mxnet.gluon import nn

from ..language import text
from ._choice import _choice
from ._common import _attempt, _call, _describe, _fmt, _gradient
from ._verdict import verdict

_RNG_SEED = 2024
# Dropout is checked on this many elements: the dropped fraction's standard deviation is
# below 0.0013 for every keep_prob, so a tolerance of 0.01 is more than 7 of them.
_DROPOUT_SIZE = (400, 400)
_DROPOUT_TOL = 0.01


def _todo():
    return text("replace `raise NotImplementedError` with your code",
                "把 `raise NotImplementedError` 换成你的代码")


def _dropout_problem(fn, keep_prob):
    block, problem = _attempt(fn, keep_prob)
    if problem:
        return problem
    if not isinstance(block, nn.Dropout):
        return text(f"returned a {type(block).__name__}, expected a gluon.nn.Dropout block "
                    "(build it with nn.Dropout(rate=...))",
                    f"返回了 {type(block).__name__}，应返回 gluon.nn.Dropout 块"
                    "（用 nn.Dropout(rate=...) 构造）")
    x = nd.ones(_DROPOUT_SIZE)
    try:
        outside = block(x)
        with autograd.record():
            inside = block(x)
    except Exception as err:
        return text(f"calling the block raised {_describe(err)}",
                    f"调用这个块时抛出了 {_describe(err)}")
    if not np.array_equal(outside.asnumpy(), x.asnumpy()):
        return text("outside autograd.record() the block must pass its input through "
                    "unchanged",
                    "在 autograd.record() 之外，这个块必须原样输出它的输入")
    kept = inside.asnumpy()
    dropped = float((kept == 0).mean())
    if abs(dropped - keep_prob) < _DROPOUT_TOL and abs(keep_prob - 0.5) > 2 * _DROPOUT_TOL:
        return text(f"for keep_prob={keep_prob} it drops {dropped:.2f} of the values, i.e. "
                    f"keep_prob itself: Gluon's rate is the probability to DROP a value, TF1's "
                    f"keep_prob the probability to KEEP it, so rate = 1 - keep_prob",
                    f"keep_prob={keep_prob} 时它丢弃了 {dropped:.2f} 的数值，也就是 keep_prob "
                    "本身：Gluon 的 rate 是“丢弃”一个数值的概率，TF1 的 keep_prob 是“保留”"
                    "它的概率，所以 rate = 1 - keep_prob")
    if abs(dropped - (1 - keep_prob)) > _DROPOUT_TOL:
        return text(f"for keep_prob={keep_prob} it drops {dropped:.2f} of the values, expected "
                    f"{1 - keep_prob:.2f} (rate = 1 - keep_prob)",
                    f"keep_prob={keep_prob} 时它丢弃了 {dropped:.2f} 的数值，应为 "
                    f"{1 - keep_prob:.2f}（rate = 1 - keep_prob）")
    survivors = kept[kept != 0]
    if not np.allclose(survivors, 1 / keep_prob, rtol=1e-5):
        return text(f"kept values are {_fmt(np.unique(survivors)[:3])}, expected "
                    f"1/keep_prob = {1 / keep_prob:.4g} (inverted dropout, as tf.nn.dropout)",
                    f"保留下来的数值是 {_fmt(np.unique(survivors)[:3])}，应为 "
                    f"1/keep_prob = {1 / keep_prob:.4g}（倒置丢弃法，与 tf.nn.dropout 相同）")
    return None


def check_dropout(fn):
    """Exercise 1: ``fn(keep_prob)`` returns the Gluon block for ``tf.nn.dropout(x, keep_prob)``.

    Checked for keep_prob 0.8, 0.9 and 0.5: the result is an ``nn.Dropout``;
    outside ``autograd.record()`` it returns its input unchanged; inside, it
    zeroes a fraction 1 - keep_prob (within 0.01, on 160,000 values) and scales
    the others by 1/keep_prob.  Draws from MXNet's random generator.
    Introduced in chapters/A1_tf1_to_mxnet.ipynb.
    """
    name = "check_dropout"
    for keep_prob in (0.8, 0.9, 0.5):
        problem = _dropout_problem(fn, keep_prob)
        if problem:
            return verdict(name, problem, _todo())
    return verdict(name, None)


def _l2_problem(fn, w):
    x = w.copy()
    got, problem = _call(fn, x)
    if problem:
        return problem
    if not np.array_equal(w.asnumpy(), x.asnumpy()):
        return text("it changes its input in place; compute a new array",
                    "它原地修改了输入；请计算一个新数组")
    a = w.asnumpy().astype(np.float64)
    expected = (a ** 2).sum() / 2
    if got.size != 1:
        return text(f"returned shape {got.shape} for an input of shape {a.shape}: "
                    "tf.nn.l2_loss is one number, the sum over all elements",
                    f"对形状为 {a.shape} 的输入返回的形状为 {got.shape}："
                    "tf.nn.l2_loss 是一个数，即对所有元素求和")
    value = float(got.reshape(-1)[0])
    tol = 1e-5 * max(1.0, expected)
    if abs(value - expected) <= tol:
        pass
    elif abs(value - 2 * expected) <= 2 * tol:
        return text("this is sum(w**2), twice tf.nn.l2_loss: TF1 halves it, "
                    "l2_loss(w) = sum(w**2) / 2",
                    "这是 sum(w**2)，是 tf.nn.l2_loss 的两倍：TF1 取了一半，"
                    "l2_loss(w) = sum(w**2) / 2")
    elif abs(value - np.sqrt(2 * expected)) <= tol:
        return text("this is the norm ||w||; tf.nn.l2_loss has no square root: sum(w**2) / 2",
                    "这是范数 ||w||；tf.nn.l2_loss 没有开平方：sum(w**2) / 2")
    elif abs(value - expected / a.size) <= tol or abs(value - 2 * expected / a.size) <= tol:
        return text("this is a mean over the elements; tf.nn.l2_loss sums: sum(w**2) / 2",
                    "这是对元素求平均；tf.nn.l2_loss 是求和：sum(w**2) / 2")
    else:
        return text(f"for w = {_fmt(a)} got {value:.6g}, expected sum(w**2) / 2 = "
                    f"{expected:.6g}",
                    f"对 w = {_fmt(a)} 得到 {value:.6g}，应为 sum(w**2) / 2 = {expected:.6g}")
    grad, problem = _gradient(fn, w)
    if problem:
        return problem
    if not np.allclose(grad, a, rtol=1e-5, atol=1e-6):
        return text("values are right but the autograd gradient is not w itself; keep every "
                    "step in nd operations",
                    "数值正确，但 autograd 的梯度不是 w 本身；请让每一步都使用 nd 运算")
    return None


def check_l2_loss(fn):
    """Exercise 2: ``fn(w)`` computes ``tf.nn.l2_loss(w)`` with nd: ``sum(w**2) / 2``.

    ``w``: an NDArray of any shape; the result: one number (shape (1,) or ())
    within a relative 1e-5, whose autograd gradient is ``w`` (which is why
    Trainer's ``wd`` equals a penalty ``wd * l2_loss(w)``).  Sum without the
    half, the norm and a mean are named.
    Introduced in chapters/A1_tf1_to_mxnet.ipynb.
    """
    rng = np.random.RandomState(_RNG_SEED)
    cases = [nd.array([[1.0, -2.0], [3.0, 0.5]]), nd.array([3.0, 4.0]),
             nd.array(rng.randn(5, 7))]
    for w in cases:
        problem = _l2_problem(fn, w)
        if problem:
            return verdict("check_l2_loss", problem, _todo())
    return verdict("check_l2_loss", None)


SPARSE_LOSS_CHOICES = {
    "a": "gluon.loss.SoftmaxCrossEntropyLoss()",
    "b": "gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)",
    "c": "gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)",
    "d": "gluon.loss.SigmoidBinaryCrossEntropyLoss()",
}


def check_sparse_loss(answer):
    """Exercise 3: which Gluon loss is ``tf.nn.sparse_softmax_cross_entropy_with_logits``?

    ``answer``: a letter from ``SPARSE_LOSS_CHOICES``.
    Introduced in chapters/A1_tf1_to_mxnet.ipynb.
    """
    return _choice("check_sparse_loss", answer, "a", {
        "b": text("the one-hot form, softmax_cross_entropy_with_logits: "
                  "sparse_label=False expects labels of shape (n, classes); the sparse form "
                  "takes class indices",
                  "是 one-hot 形式，即 softmax_cross_entropy_with_logits："
                  "sparse_label=False 要求标签的形状为 (n, classes)；稀疏形式接收的是"
                  "类别下标"),
        "c": text("expects log-probabilities (from_logits=True skips the log-softmax); "
                  "TF1's function takes logits",
                  "要求输入对数概率（from_logits=True 会跳过 log-softmax）；TF1 的函数"
                  "接收的是 logits"),
        "d": text("a sigmoid per class (independent yes/no labels), not a softmax over "
                  "the classes",
                  "对每个类别分别做 sigmoid（相互独立的是/否标签），而不是对所有类别"
                  "做 softmax")})
