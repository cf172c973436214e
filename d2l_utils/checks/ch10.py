"""Self-checks for the exercises of chapters/10_optimization.ipynb.

``check_momentum`` and ``check_adam`` run the student's update on random
weights and random gradients, step by step next to ``gluon.Trainer`` (the
reference, see ``d2l_utils.optim.gluon_steps``), and name the first state or
parameter that differs, with a hint when the mistake is a known one (wrong
sign, no bias correction, swapped decay, an update that is not in place).
``check_init_std`` checks a multiple-choice answer.  Each prints one verdict
line and returns True or False.  Random inputs come from a private generator.
"""

import numpy as np

from .. import optim
from ..language import text
from ._choice import _choice
from ._common import _attempt
from ._verdict import verdict

_TOL = 1e-5  # absolute, on weights, states and gradients of size ~1 (float32)
_LR = 0.05


def _state_names(name):
    return {'momentum': (text('v (velocity)', 'v（速度）'),),
            'adam': (text('m (first moment)', 'm（一阶矩）'),
                     text('v (second moment)', 'v（二阶矩）'))}[name]


def _signature(name):
    return {
        'momentum': text("states: one velocity v per parameter (zeros at first); hp: {'lr', "
                         "'momentum'}; v <- momentum * v - lr * g; p <- p + v, in place",
                         "states：每个参数一个速度 v（初始为零）；hp：{'lr', 'momentum'}；"
                         "v <- momentum * v - lr * g；p <- p + v，原地更新"),
        'adam': text("states: one pair (m, v) per parameter (zeros at first); hp: {'lr', "
                     "'beta1', 'beta2', 'epsilon', 't'}, t = steps taken so far (0 at first, "
                     "add 1 first)",
                     "states：每个参数一对 (m, v)（初始为零）；hp：{'lr', 'beta1', 'beta2', "
                     "'epsilon', 't'}，t = 已经走过的步数（初始为 0，每步先加 1）"),
    }[name]


def _run(name, fn, weights, grads):
    """The student's trajectory, or (None, problem)."""
    return _attempt(optim.scratch_steps, fn, name, weights, grads, _LR)


def _pairs(name, states):
    """Per parameter, the tuple of its state arrays."""
    return [tuple(s) if name == 'adam' else (s,) for s in states]


def _first_mismatch(name, ours, ref):
    """(step, what, error) of the first difference beyond _TOL, or None."""
    for step, ((p1, s1), (p2, s2)) in enumerate(zip(ours, ref, strict=True), start=1):
        for i, (a_states, b_states, a, b) in enumerate(
                zip(_pairs(name, s1), _pairs(name, s2), p1, p2, strict=True)):
            for label, x, y in zip(_state_names(name), a_states, b_states, strict=True):
                err = float(np.abs(x - y).max()) if np.isfinite(x).all() else np.inf
                if err > _TOL:
                    return step, text(f"state {label} of parameter {i}",
                                      f"参数 {i} 的状态 {label}"), err
            err = float(np.abs(a - b).max()) if np.isfinite(a).all() else np.inf
            if err > _TOL:
                return step, text(f"parameter {i}", f"参数 {i}"), err
    return None


# ---- known mistakes: (hint, the wrong update) ---------------------------------------


def _momentum_plus(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v + hp['lr'] * p.grad
        p[:] += v


def _momentum_forgets(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = -hp['lr'] * p.grad
        p[:] += v


def _momentum_dampened(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v - (1 - hp['momentum']) * hp['lr'] * p.grad
        p[:] += v


def _momentum_d2l(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v + p.grad
        p[:] -= hp['lr'] * v


def _adam_no_correction(params, states, hp):
    hp['t'] += 1
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = hp['beta1'] * m + (1 - hp['beta1']) * p.grad
        v[:] = hp['beta2'] * v + (1 - hp['beta2']) * p.grad.square()
        p[:] -= hp['lr'] * m / (v.sqrt() + hp['epsilon'])


def _adam_swapped(params, states, hp):
    hp['t'] += 1
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t']
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = (1 - b1) * m + b1 * p.grad
        v[:] = (1 - b2) * v + b2 * p.grad.square()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + hp['epsilon'])


def _adam_late_t(params, states, hp):
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t'] + 1
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b2 * v + (1 - b2) * p.grad.square()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + hp['epsilon'])
    # forgets hp['t'] += 1: every step is corrected as if it were the first


def _adam_abs(params, states, hp):
    hp['t'] += 1
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t']
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b2 * v + (1 - b2) * p.grad.abs()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + hp['epsilon'])


def _known(name):
    """(hint, the wrong update) for each known mistake in ``name``'s update."""
    return {
        'momentum': [
            (text("the velocity adds +lr * g, so the parameters climb the gradient: use "
                  "v <- momentum * v - lr * g",
                  "速度加上了 +lr * g，于是参数沿梯度向上爬：请用 v <- momentum * v - lr * g"),
             _momentum_plus),
            (text("the velocity ignores its previous value (this is plain SGD): keep "
                  "momentum * v in v <- momentum * v - lr * g",
                  "速度忽略了它之前的值（这就是普通的 SGD）：请在 v <- momentum * v - lr * g "
                  "中保留 momentum * v"),
             _momentum_forgets),
            (text("the gradient is scaled by (1 - momentum) (a dampened, EMA-style momentum); "
                  "Gluon's velocity adds the full -lr * g",
                  "梯度被乘上了 (1 - momentum)（一种带阻尼的、指数加权移动平均式的动量）；"
                  "Gluon 的速度加的是完整的 -lr * g"),
             _momentum_dampened),
            (text("this is the other common convention (v <- momentum * v + g; "
                  "p <- p - lr * v): the parameters agree, but this exercise stores Gluon's "
                  "velocity v <- momentum * v - lr * g (it includes the learning rate and the "
                  "sign)",
                  "这是另一种常见约定（v <- momentum * v + g；p <- p - lr * v）：参数一致，"
                  "但本练习保存的是 Gluon 的速度 v <- momentum * v - lr * g（它包含学习率和"
                  "符号）"),
             _momentum_d2l),
        ],
        'adam': [
            (text("missing bias correction: divide m by (1 - beta1**t) and v by "
                  "(1 - beta2**t) before the step; without it the first steps are too large "
                  "(at t = 1 by (1 - beta1) / sqrt(1 - beta2), about 3.2x for 0.9, 0.999)",
                  "缺少偏差修正：更新之前把 m 除以 (1 - beta1**t)，把 v 除以 (1 - beta2**t)；"
                  "没有它，最初几步的步长太大（t = 1 时大 (1 - beta1) / sqrt(1 - beta2) 倍，"
                  "对 0.9、0.999 约为 3.2x）"),
             _adam_no_correction),
            (text("wrong decay: beta and 1 - beta are swapped; the new gradient gets weight "
                  "(1 - beta1) in m and (1 - beta2) in v",
                  "衰减不对：beta 和 1 - beta 弄反了；新梯度在 m 中的权重是 (1 - beta1)，"
                  "在 v 中是 (1 - beta2)"),
             _adam_swapped),
            (text("hp['t'] never grows: add 1 to hp['t'] at the start of every step (it counts "
                  "the steps taken), so the bias correction fades",
                  "hp['t'] 从不增长：在每一步开始时给 hp['t'] 加 1（它记录已走过的步数），"
                  "这样偏差修正才会逐渐消失"),
             _adam_late_t),
            (text("v averages |g|, not g**2: the second moment is the mean of squared "
                  "gradients",
                  "v 平均的是 |g|，而不是 g**2：二阶矩是梯度平方的均值"),
             _adam_abs),
        ],
    }[name]


def _hint(name, ours, weights, grads, finite):
    for hint, wrong in _known(name):
        theirs, _ = _run(name, wrong, weights, grads)
        if theirs is not None and _first_mismatch(name, ours, theirs) is None:
            return hint
    step, states = ours[0][0], ours[0][1]
    if all(not np.any(np.concatenate([np.ravel(x) for x in s]))
           for s in _pairs(name, states)):
        return text("the states are still zero after the first step: update them in place "
                    "(v[:] = ..., not v = ...), since the caller keeps the same arrays",
                    "第一步之后状态仍然是零：请原地更新它们（v[:] = ...，而不是 v = ...），"
                    "因为调用者保留的是同一批数组")
    if np.allclose(step[0], weights[0]):
        return text("the parameters did not move: update them in place (p[:] -= ..., not "
                    "p = ...)",
                    "参数没有变化：请原地更新它们（p[:] -= ...，而不是 p = ...）")
    if not finite:
        return text("the result is nan or inf: is something divided by zero (1 - beta**0, "
                    "t = 0)?",
                    "结果是 nan 或 inf：是否有什么除以了零（1 - beta**0，t = 0）？")
    return text(f"expected: {_signature(name)}", f"应为：{_signature(name)}")


def _check_update(check, name, fn):
    weights, grads = optim.random_problem(shapes=((3, 4), (4,)), num_steps=6, seed=10)
    ours, problem = _run(name, fn, weights, grads)
    if problem:
        return verdict(check, problem, text("the function still raises NotImplementedError; "
                                            f"write its body ({_signature(name)})",
                                            "函数仍然抛出 NotImplementedError；请写出它的"
                                            f"函数体（{_signature(name)}）"))
    ref = optim.gluon_steps(name, weights, grads, _LR)
    miss = _first_mismatch(name, ours, ref)
    if miss is None:
        return verdict(check, None)
    step, what, err = miss
    err_text = (text("nan or inf", "nan 或 inf") if not np.isfinite(err) else
                text(f"max abs error {err:.3g}", f"最大绝对误差 {err:.3g}"))
    hint = _hint(name, ours, weights, grads, np.isfinite(err))
    return verdict(check, text(f"at step {step}, {what} differs from gluon.Trainer's "
                               f"({err_text}): {hint}",
                               f"第 {step} 步时，{what} 与 gluon.Trainer 的不同"
                               f"（{err_text}）：{hint}"))


def check_momentum(fn):
    """Check ``fn(params, states, hp)``, one step of SGD with momentum, against Gluon.

    params: NDArrays with ``.grad``; states: one velocity per parameter;
    hp: {'lr', 'momentum'}.  Six steps on random gradients must match
    ``gluon.Trainer(..., 'sgd', {'momentum': 0.9})`` within 1e-5; otherwise the
    first differing state or parameter is named.  Introduced in
    chapters/10_optimization.ipynb.
    """
    return _check_update("check_momentum", 'momentum', fn)


def check_adam(fn):
    """Check ``fn(params, states, hp)``, one Adam step, against Gluon's 'adam'.

    states: one (m, v) pair per parameter; hp: {'lr', 'beta1', 'beta2',
    'epsilon', 't'} with t the steps taken so far.  Six steps on random
    gradients must match ``gluon.Trainer`` within 1e-5.  Introduced in
    chapters/10_optimization.ipynb.
    """
    return _check_update("check_adam", 'adam', fn)


def _init_choices():
    return {
        'a': text("0.01 whatever the width: too small, the signal shrinks by a constant factor "
                  "per layer",
                  "不管宽度多少都用 0.01：太小了，信号每经过一层就缩小一个常数倍"),
        'b': None,
        'c': text("sqrt(1/n_in) keeps the variance for a linear or tanh layer, but ReLU zeroes "
                  "half the inputs: the variance halves at each layer",
                  "sqrt(1/n_in) 能让线性层或 tanh 层保持方差，但 ReLU 会把一半的输入变成零："
                  "方差每层减半"),
        'd': text("1/n_in is a variance, not a standard deviation: its square root is needed",
                  "1/n_in 是方差，不是标准差：需要取它的平方根"),
    }


def check_init_std(answer):
    """Multiple choice: the weight std that keeps activations steady through ReLU layers.

    Options: (a) 0.01, (b) sqrt(2 / n_in), (c) sqrt(1 / n_in), (d) 1 / n_in.
    Introduced in chapters/10_optimization.ipynb.
    """
    return _choice("check_init_std", answer, "b",
                   {k: why for k, why in _init_choices().items() if why is not None})



# ---- exercise 4: batch normalization folded into the Dense layer before it ----------



def _fold_signature():
    return text("fold_batch_norm(weight, bias, gamma, beta, running_mean, running_var, eps) "
                "-> (weight, bias), numpy arrays; weight is (out, in) as in nn.Dense",
                "fold_batch_norm(weight, bias, gamma, beta, running_mean, running_var, eps) "
                "-> (weight, bias)，均为 numpy 数组；weight 的形状是 (out, in)，与 nn.Dense "
                "相同")


def _fold_problem(seed=11, n_in=5, n_out=4, eps=0.1):
    """A Dense layer, a BatchNorm with random running statistics, and inputs."""
    from mxnet import nd
    from mxnet.gluon import nn

    rng = np.random.default_rng(seed)
    dense, bn = nn.Dense(n_out, in_units=n_in), nn.BatchNorm(in_channels=n_out, epsilon=eps)
    dense.initialize()
    bn.initialize()
    arrays = {'weight': rng.normal(size=(n_out, n_in)), 'bias': rng.normal(size=n_out),
              'gamma': rng.uniform(0.5, 2, n_out), 'beta': rng.normal(size=n_out),
              'running_mean': rng.normal(size=n_out), 'running_var': rng.uniform(0.2, 3, n_out)}
    arrays = {k: v.astype('float32') for k, v in arrays.items()}
    for layer, names in ((dense, ('weight', 'bias')),
                         (bn, ('gamma', 'beta', 'running_mean', 'running_var'))):
        for name in names:
            getattr(layer, name).set_data(nd.array(arrays[name]))
    X = rng.normal(size=(7, n_in)).astype('float32')
    expected = bn(dense(nd.array(X))).asnumpy()  # outside autograd.record(): prediction mode
    return arrays, eps, X, expected


def check_fold_batch_norm(fn):
    """Check ``fn``, which folds a prediction-mode BatchNorm into the Dense layer before it.

    ``fn(weight, bias, gamma, beta, running_mean, running_var, eps)`` gets numpy
    arrays (``weight`` (out, in) as in ``nn.Dense``) and must return the
    ``(weight, bias)`` of one Dense layer whose output equals
    ``BatchNorm(Dense(x))`` in prediction mode, within 1e-4.  Introduced in
    chapters/10_optimization.ipynb.
    """
    check = "check_fold_batch_norm"
    arrays, eps, X, expected = _fold_problem()
    out, problem = _attempt(fn, *(arrays[k].copy() for k in ('weight', 'bias', 'gamma', 'beta',
                                                             'running_mean', 'running_var')),
                            eps)
    if problem:
        return verdict(check, problem, text("the function still raises NotImplementedError; "
                                            f"write its body ({_fold_signature()})",
                                            "函数仍然抛出 NotImplementedError；请写出它的"
                                            f"函数体（{_fold_signature()}）"))
    try:
        W, b = (np.asarray(a, dtype='float64') for a in out)
    except (TypeError, ValueError):
        return verdict(check, text(f"returned {type(out).__name__}, expected a pair "
                                   "(weight, bias)",
                                   f"返回了 {type(out).__name__}，应返回一对 (weight, bias)"))
    n_out, n_in = arrays['weight'].shape
    if W.shape != (n_out, n_in) or b.shape != (n_out,):
        return verdict(check, text(f"weight {W.shape} and bias {b.shape}: expected "
                                   f"({n_out}, {n_in}) and ({n_out},), the Dense layer's "
                                   "shapes",
                                   f"weight 为 {W.shape}，bias 为 {b.shape}：应为 "
                                   f"({n_out}, {n_in}) 和 ({n_out},)，即 Dense 层的形状"))
    got = X @ W.T + b
    err = float(np.abs(got - expected).max())
    if err <= 1e-4:
        return verdict(check, None)
    scale = arrays['gamma'] / np.sqrt(arrays['running_var'] + eps)
    if np.allclose(W, arrays['weight'] * scale[:, None], atol=1e-4):
        hint = text("the weight is right; the bias must be gamma * (bias - running_mean) / "
                    "sqrt(running_var + eps) + beta",
                    "weight 是对的；bias 必须是 gamma * (bias - running_mean) / "
                    "sqrt(running_var + eps) + beta")
    elif np.allclose(W, arrays['weight'] * (arrays['gamma'] / np.sqrt(arrays['running_var'])
                                            )[:, None], atol=1e-4):
        hint = text("eps is missing: divide by sqrt(running_var + eps), as BatchNorm does",
                    "缺少 eps：要像 BatchNorm 那样除以 sqrt(running_var + eps)")
    elif np.allclose(W, arrays['weight'] * (arrays['gamma'] / (arrays['running_var'] + eps)
                                            )[:, None], atol=1e-4):
        hint = text("running_var is a variance: divide by its square root, "
                    "sqrt(running_var + eps)",
                    "running_var 是方差：要除以它的平方根 sqrt(running_var + eps)")
    else:
        hint = text("each output unit j is scaled by gamma_j / sqrt(running_var_j + eps): "
                    "scale row j of the weight (shape (out, in)) and shift the bias to match",
                    "每个输出单元 j 被缩放 gamma_j / sqrt(running_var_j + eps) 倍：缩放 weight"
                    "（形状 (out, in)）的第 j 行，并相应地平移 bias")
    return verdict(check, text(f"the folded layer's outputs differ from BatchNorm(Dense(x)) "
                               f"in prediction mode (max abs error {err:.3g}): {hint}",
                               f"折叠后的层的输出与预测模式下的 BatchNorm(Dense(x)) 不同"
                               f"（最大绝对误差 {err:.3g}）：{hint}"))
