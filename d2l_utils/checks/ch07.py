"""Self-checks for the exercises of chapters/07_mlp_concise_gluon.ipynb.

Each ``check_*`` calls the student's function or inspects the student's net,
compares with an independent reference (a Gluon ``Dense`` layer's own output,
the parameter shapes Gluon creates), prints one verdict line and returns True
or False.  Random inputs come from a private NumPy generator, so a check never
moves the notebook's global seed.
"""

import math
import numbers

import mxnet as mx
import numpy as np
from mxnet import nd
from mxnet.gluon import nn

from ..language import text
from ._choice import _choice
from ._common import _attempt, _call, _describe, _while, _worst
from ._verdict import STUB, not_yet, verdict

_RNG_SEED = 2027
_TOL = 1e-5


def _dense_cases(rng):
    cases = []
    for units, shape in ((3, (5, 4)), (4, (2, 4)), (6, (3, 1, 2, 2))):
        layer = nn.Dense(units, in_units=int(np.prod(shape[1:])))
        layer.initialize()
        layer.weight.set_data(nd.array(rng.randn(*layer.weight.shape)))
        layer.bias.set_data(nd.array(rng.randn(units)))
        cases.append((layer, nd.array(rng.randn(*shape))))
    return cases


def check_dense_forward(fn):
    """Check ``fn(X, weight, bias) -> what nn.Dense computes`` (no activation).

    weight: (units, in_units) as Gluon stores it; bias: (units,); X: (n, ...)
    flattened to (n, in_units).  The result must equal the layer's own output,
    ``X W^T + b``.  Prints a verdict, returns a bool.
    Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_dense_forward"
    rng = np.random.RandomState(_RNG_SEED)
    for layer, X in _dense_cases(rng):
        W, b = layer.weight.data(), layer.bias.data()
        got, problem = _call(fn, X, W, b)
        if problem:
            if problem is STUB:
                return not_yet(name, text("fill in dense_forward(X, weight, bias) with nd.dot",
                                          "用 nd.dot 补全 dense_forward(X, weight, bias)"))
            if "dot" in problem.lower() or "shape" in problem.lower():
                problem += text(f" (X {X.shape}, weight {W.shape}: Gluon stores weight as "
                                "(units, in_units); flatten X and multiply by weight.T)",
                                f"（X {X.shape}，weight {W.shape}：Gluon 以 "
                                "(units, in_units) 存储 weight；请把 X 展平后乘以 weight.T）")
            return verdict(name, problem)
        expected = layer(X).asnumpy()
        if got.shape != expected.shape:
            return verdict(name, text(f"wrong shape {got.shape} for X {X.shape} and weight "
                                      f"{W.shape}, expected {expected.shape}: "
                                      "(examples, units)",
                                      f"对 X {X.shape} 和 weight {W.shape}，形状 {got.shape} "
                                      f"不对，应为 {expected.shape}：(examples, units)"))
        flat = X.asnumpy().reshape(X.shape[0], -1)
        if W.shape[0] == W.shape[1] and np.allclose(
                got, flat @ W.asnumpy() + b.asnumpy(), atol=_TOL):
            return verdict(name, text("this is X weight + b; Gluon's weight is "
                                      "(units, in_units), so the layer computes "
                                      "X weight^T + b",
                                      "这是 X weight + b；Gluon 的 weight 是 (units, in_units)，"
                                      "所以这一层计算的是 X weight^T + b"))
        i, err = _worst(got, expected)
        if err > _TOL * max(1.0, abs(float(expected[i]))):
            return verdict(name, text(f"max abs error {err:.3g} at {i} for X {X.shape}, "
                                      f"weight {W.shape}: got {got[i]:.6g}, expected "
                                      f"{expected[i]:.6g}",
                                      f"对 X {X.shape}、weight {W.shape}，在 {i} 处最大绝对"
                                      f"误差为 {err:.3g}：得到 {got[i]:.6g}，应为 "
                                      f"{expected[i]:.6g}"))
    return verdict(name, None)


def _layers(net):
    try:
        return list(net)
    except TypeError:
        return [net]


def check_source_net(net):
    """Check that ``net`` is the source material's 784-300-100-10 ReLU network in Gluon.

    net: an initialised Gluon block (``initialize`` called; the check feeds it
    a batch of two images).  Expected: three ``nn.Dense`` layers whose weights
    Gluon stores as (300, 784), (100, 300), (10, 100), ReLU after the two hidden
    layers and none after the last (it returns logits); 266,610 parameters.
    Prints a verdict, returns a bool.  Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_source_net"
    if net is None:
        return not_yet(name, text("build net = nn.HybridSequential() with three nn.Dense "
                                  "layers and call net.initialize()",
                                  "用三个 nn.Dense 层构建 net = nn.HybridSequential()，"
                                  "并调用 net.initialize()"))
    if not isinstance(net, nn.Block):
        return verdict(name, text(f"net must be a Gluon block, got {type(net).__name__}",
                                  f"net 必须是 Gluon 块，得到的是 {type(net).__name__}"))
    try:
        out = net(nd.zeros((2, 1, 28, 28)))
    except Exception as err:
        described = _describe(err)
        hint = (text(": call net.initialize() first", "：请先调用 net.initialize()")
                if "initializ" in described.lower() else "")
        return verdict(name, text(f"net(X) raised {described}{hint}"[:300],
                                  f"net(X) 抛出了 {described}{hint}"[:300]))
    if not isinstance(out, nd.NDArray) or out.shape != (2, 10):
        shown = getattr(out, 'shape', type(out).__name__)
        return verdict(name, text(f"net(X) must return (batch, 10) logits, got {shown}",
                                  f"net(X) 必须返回 (batch, 10) 的 logits，得到的是 {shown}"))
    layers = _layers(net)
    dense = [layer for layer in layers if isinstance(layer, nn.Dense)]
    shapes = [tuple(layer.weight.shape) for layer in dense]
    expected = [(300, 784), (100, 300), (10, 100)]
    if shapes != expected:
        return verdict(name, text(f"Dense weight shapes are {shapes}, expected {expected} "
                                  "((units, in_units): Dense(300), Dense(100), Dense(10))",
                                  f"Dense 的 weight 形状为 {shapes}，应为 {expected}"
                                  "（(units, in_units)：Dense(300)、Dense(100)、Dense(10)）"))
    acts = [getattr(getattr(layer, "act", None), "_act_type", None) for layer in dense]
    extra = [type(layer).__name__ for layer in layers if not isinstance(layer, nn.Dense)]
    hidden_relu = all(a == "relu" for a in acts[:2]) or (
        extra == ["Activation", "Activation"] and all(a is None for a in acts))
    if acts[2] is not None:
        return verdict(name, text(f"the last Dense layer has activation {acts[2]!r}; it must "
                                  "return logits (no activation): the loss applies the "
                                  "softmax",
                                  f"最后一个 Dense 层的激活函数是 {acts[2]!r}；它必须返回 "
                                  "logits（没有激活函数）：softmax 由损失函数来做"))
    if not hidden_relu:
        return verdict(name, text(f"the hidden layers' activations are {acts[:2]}, expected "
                                  "'relu' (nn.Dense(300, activation='relu'), ...)",
                                  f"隐藏层的激活函数是 {acts[:2]}，应为 'relu'"
                                  "（nn.Dense(300, activation='relu'), ...）"))
    return verdict(name, None)


_CAPACITY_ANSWER = "b"


def _capacity_hints():
    return {
        "a": text("underfitting shows as low training accuracy; here training accuracy keeps "
                  "rising",
                  "欠拟合表现为训练准确率低；而这里训练准确率一直在上升"),
        "c": text("a learning rate that is too large makes the training loss jump or diverge; "
                  "here training goes smoothly, only the test accuracy stops improving",
                  "学习率太大会让训练损失跳动或发散；这里训练很平稳，只是测试准确率不再提高"),
        "d": text("the two curves are measured differently, but that does not explain the gap: "
                  "the training curve is a running average taken during each epoch while the "
                  "weights change, the validation curve is evaluate_accuracy after the epoch; "
                  "measured after the epoch too, the training accuracy is even higher (the "
                  "chapter checks it)",
                  "两条曲线的测量方式确实不同，但这解释不了差距：训练曲线是每个迭代周期内、"
                  "权重不断变化时的滑动平均，验证曲线是迭代周期结束后的 evaluate_accuracy；"
                  "如果训练准确率也在迭代周期结束后测量，它甚至更高（本章检查过这一点）"),
    }


def check_capacity(answer):
    """Multiple choice: training accuracy keeps rising while test accuracy stalls. Why?

    a) the network is too small (underfitting); b) it is fitting details of the
    training examples that do not carry over to new images (overfitting);
    c) the learning rate is too large; d) the accuracy is measured wrongly.
    Prints a verdict, returns a bool.  Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    return _choice("check_capacity", answer, _CAPACITY_ANSWER, _capacity_hints())


def _best_epoch_cases():
    return [([0.70, 0.80, 0.85, 0.84], 3,
             text("the highest value is in epoch 3", "最高值在第 3 个迭代周期")),
            ([0.9, 0.8, 0.7], 1, text("the highest value is in the first epoch, epoch 1",
                                      "最高值在第一个迭代周期，即第 1 个迭代周期")),
            ([0.80, 0.83, 0.83, 0.82], 2, text("on a tie take the first (earliest) epoch",
                                               "并列时取第一个（最早的）迭代周期")),
            ([0.5], 1, text("a single epoch", "只有一个迭代周期"))]


def check_best_epoch(fn):
    """Check ``fn(valid_acc) -> the epoch (1-based) of the highest validation accuracy``.

    valid_acc: a list with one accuracy per epoch, as in ``History.valid_acc``.
    On ties the first such epoch.  Prints a verdict, returns a bool.
    Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_best_epoch"
    for accs, expected, why in _best_epoch_cases():
        got, problem = _attempt(fn, list(accs))
        if problem:
            return verdict(name, _while(f"best_epoch({accs})", problem),
                           text("fill in best_epoch(valid_acc)", "补全 best_epoch(valid_acc)"))
        if isinstance(got, bool) or not isinstance(got, numbers.Integral):
            return verdict(name, text(f"best_epoch({accs}) returned {got!r}; return an int "
                                      "(an epoch number)",
                                      f"best_epoch({accs}) 返回了 {got!r}；请返回一个 int"
                                      "（迭代周期的编号）"))
        if got != expected:
            if got == expected - 1:
                why = text("epochs count from 1 (the list's index 0 is epoch 1)",
                           "迭代周期从 1 开始计数（列表的下标 0 是第 1 个迭代周期）")
            return verdict(name, text(f"best_epoch({accs}) returned {got}, expected "
                                      f"{expected}: {why}",
                                      f"best_epoch({accs}) 返回了 {got}，应为 {expected}："
                                      f"{why}"))
    return verdict(name, None)


def check_cosine_lr(fn):
    """Check ``fn(step, max_update, base_lr, final_lr) -> the cosine schedule's rate``.

    Compared with ``mx.lr_scheduler.CosineScheduler(max_update, base_lr, final_lr)``
    at every step from 0 to ``max_update`` (its rate stays at ``final_lr``
    after that).  Prints a verdict, returns a bool.
    Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_cosine_lr"
    for max_update, base_lr, final_lr in ((10, 0.001, 0.0), (40, 0.5, 0.01)):
        schedule = mx.lr_scheduler.CosineScheduler(max_update=max_update, base_lr=base_lr,
                                                   final_lr=final_lr)
        for step in range(max_update + 1):
            expected = schedule(step)
            call = f"cosine_lr({step}, {max_update}, {base_lr}, {final_lr})"
            got, problem = _attempt(fn, step, max_update, base_lr, final_lr)
            if problem:
                return verdict(name, _while(call, problem),
                               text("fill in cosine_lr(step, max_update, base_lr, final_lr)",
                                    "补全 cosine_lr(step, max_update, base_lr, final_lr)"))
            if isinstance(got, bool) or not isinstance(got, numbers.Real):
                return verdict(name, text(f"returned {got!r}; return a number",
                                          f"返回了 {got!r}；请返回一个数"))
            ok = math.isclose(float(got), expected, rel_tol=1e-6, abs_tol=1e-12)
            if not ok:
                hint = (text(" (the rate starts at base_lr: cos(0) = 1)",
                             "（学习率从 base_lr 开始：cos(0) = 1）") if step == 0 else
                        text(" (it ends at final_lr: cos(pi) = -1)",
                             "（它在 final_lr 结束：cos(pi) = -1）") if step == max_update
                        else "")
                return verdict(name, text(f"{call} = {float(got):.6g}, CosineScheduler gives "
                                          f"{expected:.6g}{hint}",
                                          f"{call} = {float(got):.6g}，CosineScheduler 给出 "
                                          f"{expected:.6g}{hint}"))
    return verdict(name, None)
