"""Self-checks for the exercises of chapters/02_softmax_regression.ipynb.

Each ``check_*`` function calls the student's function on fixed and random
inputs, compares it with an independent reference (``nd.softmax``, Gluon's
losses, MXNet autograd), prints one verdict line (``_verdict``) and returns
True or False.
Random inputs come from a private NumPy generator, so a check never moves the
notebook's global seed.
"""

import numpy as np
from mxnet import gluon, nd

from ..language import text
from ._choice import _choice
from ._common import _call, _fmt, _gradient, _worst
from ._verdict import STUB, verdict

_RNG_SEED = 2024
_PROB_TOL = 1e-5  # float32 probabilities in [0, 1] from moderate logits
# exp(x - logsumexp(x)) rounds x - logsumexp(x) to float32: an error of a few ulp of |x|,
# about 6e-5 near 1000, which is then the relative error of the probability.
_ULP_FACTOR = 8 * float(np.finfo(np.float32).eps)
_REL_TOL = 1e-4  # losses and gradients, relative to their size


def _stable_hint():
    return text("exp overflows (or underflows) in float32; subtract each row's own maximum "
                "(X.max(axis=1, keepdims=True)) before calling exp",
                "exp 在 float32 中上溢（或下溢）；调用 exp 之前先减去每一行自己的最大值"
                "（X.max(axis=1, keepdims=True)）")


def _keepdims_hint():
    return text("a row reduction without keepdims=True has shape (n,), which does not "
                "broadcast against the (n, q) logits; write X.sum(axis=1, keepdims=True) "
                "(and X.max(axis=1, keepdims=True)) so it has shape (n, 1)",
                "不带 keepdims=True 的按行归约的形状是 (n,)，无法与 (n, q) 的 logits 广播；"
                "请写 X.sum(axis=1, keepdims=True)（以及 X.max(axis=1, keepdims=True)），"
                "使其形状为 (n, 1)")


def _prob_tol(x):
    """Tolerance for probabilities computed in float32 from logits x (one per row)."""
    return _PROB_TOL + _ULP_FACTOR * np.abs(x).max(axis=1, keepdims=True)


def _softmax_cases(rng, large):
    cases = [nd.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
             nd.array([[-1.0, 0.5, 2.0, 0.0]]),
             nd.array(rng.randn(5, 10) * 3)]
    if large:
        cases += [nd.array([[1000.0, 0.0, -1000.0], [50.0, 1000.0, 999.0]]),
                  nd.array([[-1000.0, -1000.0, -1000.0]]),
                  nd.array([[1000.0, 999.0], [-1000.0, -1001.0]]),
                  nd.array(rng.randn(4, 10) * 300)]
    return cases


def _softmax_problem(fn, X):
    x = X.asnumpy().copy()
    got, problem = _call(fn, X)
    if problem:
        if problem is not STUB and "could not be broadcast" in problem:
            return f"{problem} ... {_keepdims_hint()}"
        return problem
    at = text(f"for input {_fmt(x)}", f"（输入为 {_fmt(x)}）")
    if not np.array_equal(X.asnumpy(), x):
        return text("it changes its input in place (e.g. X -= ...); compute a new array "
                    "(X = X - ...) so the caller's logits stay intact",
                    "它原地修改了输入（例如 X -= ...）；请计算一个新数组（X = X - ...），"
                    "让调用者的 logits 保持不变")
    expected = nd.softmax(X, axis=1).asnumpy()
    if got.shape != expected.shape:
        return text(f"wrong shape {got.shape} for input of shape {x.shape}, expected "
                    f"{expected.shape}: one probability per class (column) for each "
                    "example (row)",
                    f"对形状为 {x.shape} 的输入，形状 {got.shape} 不对，应为 {expected.shape}："
                    "每个样本（行）的每个类别（列）各一个概率")
    if not np.isfinite(got).all():
        if np.abs(x).max() > 80:
            return text(f"returns nan or inf for large logits, input {_fmt(x)}: "
                        f"{_stable_hint()}",
                        f"logits 很大时返回 nan 或 inf，输入为 {_fmt(x)}：{_stable_hint()}")
        return text(f"returns nan or inf {at}", f"返回了 nan 或 inf{at}")
    if (got < 0).any():
        return text(f"returns negative probabilities {at}: {_fmt(got)}",
                    f"返回了负的概率{at}：{_fmt(got)}")
    tol = _prob_tol(x)
    rows = got.sum(axis=1)
    if (np.abs(rows - 1) > tol[:, 0]).any():
        if x.shape[0] > 1 and np.abs(got.sum(axis=0) - 1).max() <= _PROB_TOL:
            return text("rows don't sum to 1 but columns do: you normalised over axis 0 "
                        "(the examples); sum over the classes, axis=1 with keepdims=True",
                        "各列之和为 1，各行之和却不是：你沿 axis 0（样本）做了归一化；"
                        "请对类别求和，即 axis=1 并加 keepdims=True")
        if abs(got.sum() - 1) <= _PROB_TOL and x.shape[0] > 1:
            return text("rows don't sum to 1, the whole matrix does: divide each row by its "
                        "own sum (sum(axis=1, keepdims=True)), not by the total",
                        "整个矩阵之和为 1，各行之和却不是：请让每一行除以它自己的和"
                        "（sum(axis=1, keepdims=True)），而不是除以总和")
        i = int(np.argmax(np.abs(rows - 1) - tol[:, 0]))
        return text(f"doesn't sum to 1 per row: row {i} sums to {rows[i]:.6g} {at}",
                    f"每行之和不为 1：第 {i} 行之和为 {rows[i]:.6g}{at}")
    if (np.abs(got - expected) > tol).any():
        (i, j), err = _worst(np.where(np.abs(got - expected) > tol, got, 0),
                             np.where(np.abs(got - expected) > tol, expected, 0))
        return text(f"max abs error {err:.3g} at row {i} of input {_fmt(x)}: "
                    f"got {_fmt(got[i])}, expected {_fmt(expected[i])}",
                    f"输入 {_fmt(x)} 的第 {i} 行最大绝对误差为 {err:.3g}："
                    f"得到 {_fmt(got[i])}，应为 {_fmt(expected[i])}")
    return None


def _softmax_gradient_problem(fn, X, weights):
    """Compare autograd's gradient of sum(weights * fn(X)) with the softmax's Jacobian.

    The plain sum of a softmax is constant (every row sums to 1), so its gradient
    is zero whatever fn does; random weights make every entry of the Jacobian count.
    """
    grad, problem = _gradient(lambda x: fn(x) * weights, X)
    if problem:
        return problem
    s, w = nd.softmax(X, axis=1).asnumpy(), weights.asnumpy()
    expected = s * (w - (s * w).sum(axis=1, keepdims=True))
    if not np.allclose(grad, expected, rtol=_REL_TOL, atol=_PROB_TOL):
        (i, j), _ = _worst(grad, expected)
        return text(f"values are right but the autograd gradient is not: d/dX[{i}, {j}] of "
                    f"sum(w * softmax(X)) is {grad[i, j]:.6g}, expected {expected[i, j]:.6g}; "
                    "is a step detached from X (.detach(), or a trip through NumPy)? "
                    "Keep every step in nd operations",
                    f"数值正确，但 autograd 的梯度不对：sum(w * softmax(X)) 的 "
                    f"d/dX[{i}, {j}] 为 {grad[i, j]:.6g}，应为 {expected[i, j]:.6g}；"
                    "是否有某一步与 X 断开了（.detach()，或经过了 NumPy）？"
                    "请让每一步都使用 nd 运算")
    return None


def _check_softmax(name, fn, large):
    rng = np.random.RandomState(_RNG_SEED)
    for X in _softmax_cases(rng, large):
        problem = _softmax_problem(fn, X)
        if problem:
            return verdict(name, problem, text("fill in the body of your softmax",
                                               "请补全你的 softmax 的函数体"))
    rng = np.random.RandomState(_RNG_SEED + 1)  # the same gradient case for both checks
    X, weights = nd.array(rng.randn(3, 4) * 2), nd.array(rng.randn(3, 4))
    return verdict(name, _softmax_gradient_problem(fn, X, weights))


def check_softmax(fn):
    """Check ``fn(X) -> softmax over each row`` on moderate logits.

    X has shape (n, q) (n examples, q classes, float32); the result must have
    shape (n, q), be non-negative and sum to 1 in each row, and match
    ``nd.softmax(X, axis=1)`` within float32 rounding (a tolerance that grows
    with the size of the logits, so ``exp(X - logsumexp(X))`` passes); and
    autograd must differentiate it like the softmax (a result detached from X,
    e.g. through NumPy, fails).  Logits stay below 30 here, so the unstable
    ``exp(X) / exp(X).sum(axis=1, keepdims=True)`` passes; see
    ``check_stable_softmax`` for large logits.  Prints a verdict, returns a bool.
    Introduced in chapters/02_softmax_regression.ipynb.
    """
    return _check_softmax("check_softmax", fn, large=False)


def check_stable_softmax(fn):
    """Like ``check_softmax``, plus logits of +-1000 and rows far apart in size.

    A softmax that subtracts each row's maximum before ``exp`` passes; one that
    overflows (nan for a logit of 1000) or subtracts one maximum for the whole
    batch fails.  Prints a verdict, returns a bool.
    Introduced in chapters/02_softmax_regression.ipynb.
    """
    return _check_softmax("check_stable_softmax", fn, large=True)


def _cross_entropy_problem(fn, y_hat, y):
    got, problem = _call(fn, y_hat, y)
    if problem:
        return problem
    # Gluon's loss on log-probabilities is -log y_hat[i, y_i]: an independent reference.
    expected = gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)(nd.log(y_hat), y).asnumpy()
    n = y_hat.shape[0]
    if got.shape != expected.shape:
        return text(f"wrong shape {got.shape} for {n} examples, expected ({n},): one loss per "
                    "example, -log of its true class's probability (average later, in "
                    "training)",
                    f"对 {n} 个样本，形状 {got.shape} 不对，应为 ({n},)：每个样本一个损失，"
                    "即其真实类别概率的 -log（求平均留到之后的训练中）")
    if not np.isfinite(got).all():
        return text(f"returns nan or inf for y_hat = {_fmt(y_hat.asnumpy())}, "
                    f"y = {_fmt(y.asnumpy())}",
                    f"对 y_hat = {_fmt(y_hat.asnumpy())}、y = {_fmt(y.asnumpy())} "
                    "返回了 nan 或 inf")
    if (got < -_PROB_TOL).any() and np.allclose(got, -expected, rtol=_REL_TOL, atol=_PROB_TOL):
        return text("the losses have the wrong sign (negative): cross-entropy is MINUS the log "
                    "of the true class's probability; the minus sign is missing",
                    "损失的符号反了（为负）：交叉熵是真实类别概率的对数取“负”；"
                    "缺少了负号")
    i, err = _worst(got, expected)
    if err > _REL_TOL * max(1.0, abs(float(expected[i]))):
        k = i[0]
        return text(f"max abs error {err:.3g} at example {k} "
                    f"(y_hat = {_fmt(y_hat.asnumpy()[k])}, y = {y.asnumpy()[k]:g}): "
                    f"got {got[i]:.6g}, expected {expected[i]:.6g}",
                    f"样本 {k}（y_hat = {_fmt(y_hat.asnumpy()[k])}，y = {y.asnumpy()[k]:g}）"
                    f"的最大绝对误差为 {err:.3g}：得到 {got[i]:.6g}，应为 {expected[i]:.6g}")
    grad, problem = _gradient(fn, y_hat, y)
    if problem:
        return problem
    one_hot = nd.one_hot(y, y_hat.shape[1]).asnumpy()
    expected_grad = -one_hot / y_hat.asnumpy()
    if not np.allclose(grad, expected_grad, rtol=_REL_TOL, atol=_PROB_TOL):
        (i, j), err = _worst(grad, expected_grad)
        return text(f"values are right but the autograd gradient is not: "
                    f"d loss / d y_hat[{i}, {j}] is {grad[i, j]:.6g}, expected "
                    f"-1{{y={j}}} / y_hat = {expected_grad[i, j]:.6g}",
                    f"数值正确，但 autograd 的梯度不对：d loss / d y_hat[{i}, {j}] 为 "
                    f"{grad[i, j]:.6g}，应为 -1{{y={j}}} / y_hat = {expected_grad[i, j]:.6g}")
    return None


def check_cross_entropy(fn):
    """Check ``fn(y_hat, y) -> per-example cross-entropy``.

    y_hat: (n, q) predicted probabilities (rows of a softmax); y: (n,) class
    indices (float32 or int32, as ``nd.pick`` takes them).  The result must have
    shape (n,) with entries ``-log y_hat[i, y[i]]`` (compared with Gluon's
    ``SoftmaxCrossEntropyLoss(from_logits=True)`` on ``log y_hat``), and its
    autograd gradient w.r.t. y_hat must be ``-one_hot(y) / y_hat``.
    Prints a verdict, returns a bool.
    Introduced in chapters/02_softmax_regression.ipynb.
    """
    rng = np.random.RandomState(_RNG_SEED)
    cases = [(nd.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.8, 0.1, 0.1], [0.25, 0.5, 0.25]]),
              nd.array([0, 2, 0, 1])),
             (nd.softmax(nd.array([[20.0, 0.0, 0.0]])), nd.array([0], dtype="int32")),
             (nd.softmax(nd.array(rng.randn(6, 10) * 2)),
              nd.array(rng.randint(0, 10, size=6), dtype="int32"))]
    for y_hat, y in cases:
        problem = _cross_entropy_problem(fn, y_hat, y)
        if problem:
            return verdict("check_cross_entropy", problem,
                           text("fill in the body of your function", "请补全你的函数体"))
    return verdict("check_cross_entropy", None)


def _huber_reference(y_hat, y, delta):
    """Classical Huber loss element by element, from Gluon's HuberLoss.

    Gluon's ``HuberLoss(rho)`` is ``r**2 / (2 rho)`` for ``|r| < rho`` and
    ``|r| - rho / 2`` otherwise, averaged over non-batch axes: the classical
    loss divided by rho.  Rows of one element turn off the averaging.
    """
    gluon_huber = gluon.loss.HuberLoss(rho=delta)
    per_element = gluon_huber(y_hat.reshape((-1, 1)), y.reshape((-1, 1)))
    return (delta * per_element).reshape(y_hat.shape)


def _huber_problem(fn, y_hat, y, delta):
    got, problem = _call(fn, y_hat, y, delta)
    if problem:
        return problem
    expected = _huber_reference(y_hat, y, delta).asnumpy()
    if got.shape != expected.shape:
        return text(f"wrong shape {got.shape}, expected {expected.shape} (the shape of "
                    "y_hat): one loss per element, no averaging",
                    f"形状 {got.shape} 不对，应为 {expected.shape}（y_hat 的形状）："
                    "每个元素一个损失，不求平均")
    r = (y_hat - y).asnumpy()
    if not np.isfinite(got).all():
        return text(f"returns nan or inf for y_hat - y = {_fmt(r)}",
                    f"对 y_hat - y = {_fmt(r)} 返回了 nan 或 inf")

    def close(a, b):
        return np.allclose(a, b, rtol=_REL_TOL, atol=_PROB_TOL)

    if delta != 1 and close(got, expected / delta):
        return text("this is Gluon's HuberLoss(rho=delta) convention, divided by delta; this "
                    "check uses the classical one: 0.5 r**2 for |r| <= delta, "
                    "delta (|r| - delta/2) otherwise",
                    "这是 Gluon 的 HuberLoss(rho=delta) 的约定，即除以了 delta；本自测使用"
                    "经典约定：|r| <= delta 时为 0.5 r**2，否则为 delta (|r| - delta/2)")
    if delta != 1 and close(got, _huber_reference(y_hat, y, 1.0).asnumpy()):
        return text("it ignores delta: it returns the loss for delta = 1; use the delta "
                    "argument in the test |r| <= delta and in the linear branch "
                    "delta (|r| - delta/2)",
                    "它忽略了 delta：返回的是 delta = 1 时的损失；请在判断 |r| <= delta 和"
                    "线性分支 delta (|r| - delta/2) 中使用参数 delta")
    tol = _REL_TOL * np.maximum(1.0, np.abs(expected))
    bad = np.abs(got - expected) > tol
    if bad.any():
        quadratic = np.abs(r) <= delta
        i, err = _worst(np.where(bad, got, 0), np.where(bad, expected, 0))
        where = text(f"max abs error {err:.3g} at y_hat - y = {r[i]:g}: "
                     f"got {got[i]:.6g}, expected {expected[i]:.6g}",
                     f"在 y_hat - y = {r[i]:g} 处最大绝对误差为 {err:.3g}："
                     f"得到 {got[i]:.6g}，应为 {expected[i]:.6g}")
        if not bad[quadratic].any():
            return text(f"the linear branch (|y_hat - y| > delta) is wrong: {where}",
                        f"线性分支（|y_hat - y| > delta）不对：{where}")
        if not bad[~quadratic].any():
            return text(f"the quadratic branch (|y_hat - y| <= delta) is wrong: {where}",
                        f"二次分支（|y_hat - y| <= delta）不对：{where}")
        return text(f"both branches are wrong (are the cases swapped?): {where}",
                    f"两个分支都不对（是否把两种情况弄反了？）：{where}")
    grad, problem = _gradient(fn, y_hat, y, delta)
    if problem:
        return problem
    expected_grad = np.clip(r, -delta, delta)
    if not close(grad, expected_grad):
        i, err = _worst(grad, expected_grad)
        return text(f"values are right but the autograd gradient is not: at "
                    f"y_hat - y = {r[i]:g} it is {grad[i]:.6g}, expected "
                    f"clip(r, -delta, delta) = {expected_grad[i]:.6g}",
                    f"数值正确，但 autograd 的梯度不对：在 y_hat - y = {r[i]:g} 处为 "
                    f"{grad[i]:.6g}，应为 clip(r, -delta, delta) = {expected_grad[i]:.6g}")
    return None


def _check_delta(delta):
    if isinstance(delta, bool) or not isinstance(delta, int | float | np.integer | np.floating):
        raise TypeError(text(f"check_huber: delta must be a number (int or float), got "
                             f"{type(delta).__name__} {delta!r}; e.g. "
                             "check_huber(huber, delta=2.0)",
                             f"check_huber：delta 必须是一个数（int 或 float），得到的是 "
                             f"{type(delta).__name__} {delta!r}；例如 "
                             "check_huber(huber, delta=2.0)"))
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(text(f"check_huber: delta must be positive and finite, got "
                              f"{delta!r}; e.g. check_huber(huber, delta=2.0)",
                              f"check_huber：delta 必须是有限的正数，得到的是 {delta!r}；"
                              "例如 check_huber(huber, delta=2.0)"))
    return float(delta)


def check_huber(fn, delta=1.0):
    """Check ``fn(y_hat, y, delta) -> Huber loss per element`` (classical convention).

    y_hat, y: NDArrays of one shape; the result has that shape, with
    ``0.5 * r**2`` where ``|r| <= delta`` and ``delta * (|r| - delta / 2)``
    elsewhere (r = y_hat - y).  With delta = 1 this equals Gluon's
    ``HuberLoss(rho=1)`` element by element; for other delta Gluon's loss is
    this one divided by delta.  The autograd gradient w.r.t. y_hat must be
    ``clip(r, -delta, delta)``.  The check uses the given delta first, then
    0.5, 1 and 2, so a function that ignores delta fails whatever delta is
    passed.  delta must be a positive finite number (TypeError or ValueError
    otherwise).  Prints a verdict (naming the delta that failed), returns a bool.
    Introduced in chapters/02_softmax_regression.ipynb.
    """
    delta = _check_delta(delta)
    rng = np.random.RandomState(_RNG_SEED)
    for d in dict.fromkeys([delta, 0.5, 1.0, 2.0]):
        residuals = np.array([-3.0, -1.5, -1.0, -0.5, 0.0, 0.25, 1.0, 2.0, 10.0]) * d
        y = np.linspace(-2.0, 2.0, residuals.size)
        cases = [(nd.array(y + residuals), nd.array(y)),
                 (nd.array(rng.randn(4, 5) * 2 * d), nd.array(rng.randn(4, 5)))]
        for y_hat, y in cases:
            problem = _huber_problem(fn, y_hat, y, d)
            if problem:
                if problem is not STUB:
                    problem = text(f"with delta={d:g}: {problem}", f"当 delta={d:g} 时：{problem}")
                return verdict("check_huber", problem,
                               text("fill in the body of huber(y_hat, y, delta)",
                                    "请补全 huber(y_hat, y, delta) 的函数体"))
    return verdict("check_huber", None)


def check_huge_label_set(answer):
    """Multiple choice (exercise 4): softmax regression with q = 100,000 classes.

    Introduced in chapters/02_softmax_regression.ipynb.
    """
    return _choice("check_huge_label_set", answer, "b", {
        "a": text("the softmax has no limit on q; the cost is what grows: W is d x q and the "
                  "denominator sums q exponentials for every example",
                  "softmax 对 q 没有上限；增长的是开销：W 是 d x q 的，而且每个样本的分母"
                  "都要对 q 个指数求和"),
        "c": text("one-hot vectors are the math's notation; the code keeps integer labels, and "
                  "nd.pick reads one entry per row whatever q is",
                  "one-hot 向量是数学上的记法；代码里保留的是整数标签，无论 q 多大，"
                  "nd.pick 每行只读取一个元素"),
    })


def check_squared_loss_for_classification(answer):
    """Multiple choice (exercise 5): when is the squared loss on probabilities a bad choice?

    Introduced in chapters/02_softmax_regression.ipynb.
    """
    return _choice("check_squared_loss_for_classification", answer, "a", {
        "b": text("when the model is right and confident, every loss is small; the trouble is "
                  "the confidently wrong case, where the softmax saturates",
                  "模型预测正确且很有把握时，任何损失都很小；麻烦在于很有把握却预测错误的"
                  "情形，此时 softmax 饱和"),
        "c": text("the squared loss is defined for any q; the issue is its vanishing gradient "
                  "when the softmax saturates on a wrong class",
                  "平方损失对任意 q 都有定义；问题在于 softmax 在错误类别上饱和时它的"
                  "梯度消失"),
    })
