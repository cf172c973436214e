"""Chapter 10's self-checks accept correct updates and name the mistake in known-wrong ones."""

import re

import numpy as np
import pytest

from d2l_utils import optim
from d2l_utils.checks import ch10 as checks

# ---- updates a student might write ----------------------------------------------------


def momentum_not_yet(params, states, hp):
    raise NotImplementedError


def momentum_rebinds(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v = hp['momentum'] * v - hp['lr'] * p.grad  # noqa: PLW2901 (the mistake under test)
        p[:] += v


def momentum_typo(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v - hp['learning_rate'] * p.grad
        p[:] += v


def momentum_half_lr(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v - 0.5 * hp['lr'] * p.grad
        p[:] += v


def adam_textbook(params, states, hp):
    """The d2l form with the counter incremented first: correct."""
    hp['t'] += 1
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = hp['beta1'] * m + (1 - hp['beta1']) * p.grad
        v[:] = hp['beta2'] * v + (1 - hp['beta2']) * p.grad ** 2
        m_hat = m / (1 - hp['beta1'] ** hp['t'])
        v_hat = v / (1 - hp['beta2'] ** hp['t'])
        p[:] -= hp['lr'] * m_hat / (v_hat.sqrt() + hp['epsilon'])


def adam_gluon_form(params, states, hp):
    """Bias correction folded into the learning rate, as MXNet does: also correct."""
    hp['t'] += 1
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t']
    lr = hp['lr'] * (1 - b2 ** t) ** 0.5 / (1 - b1 ** t)
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b2 * v + (1 - b2) * p.grad.square()
        p[:] -= lr * m / (v.sqrt() + hp['epsilon'])


def adam_t_after(params, states, hp):
    """The counter used before it is incremented: 1 - beta**0 = 0 on the first step."""
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = hp['beta1'] * m + (1 - hp['beta1']) * p.grad
        v[:] = hp['beta2'] * v + (1 - hp['beta2']) * p.grad.square()
        m_hat = m / (1 - hp['beta1'] ** hp['t'])
        v_hat = v / (1 - hp['beta2'] ** hp['t'])
        p[:] -= hp['lr'] * m_hat / (v_hat.sqrt() + hp['epsilon'])
    hp['t'] += 1


def adam_beta1_for_v(params, states, hp):
    hp['t'] += 1
    b1, t = hp['beta1'], hp['t']
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b1 * v + (1 - b1) * p.grad.square()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b1 ** t)).sqrt() + hp['epsilon'])


# ---- verdicts ---------------------------------------------------------------------------


def _verdict(check, fn, capsys):
    ok = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # one line, never a traceback
    return ok, out


@pytest.mark.parametrize("fn", [optim.momentum_update])
def test_check_momentum_accepts_a_correct_update(fn, capsys):
    ok, out = _verdict(checks.check_momentum, fn, capsys)
    assert ok and out == "check_momentum: correct\n"


@pytest.mark.parametrize("fn", [optim.adam_update, adam_textbook, adam_gluon_form])
def test_check_adam_accepts_correct_updates_in_either_form(fn, capsys):
    ok, out = _verdict(checks.check_adam, fn, capsys)
    assert ok and out == "check_adam: correct\n"


@pytest.mark.parametrize("fn, expected", [
    (momentum_not_yet, "not yet: the function still raises NotImplementedError"),
    (checks._momentum_plus, "step 1, state v \\(velocity\\) of parameter 0 differs.*climb"),
    (checks._momentum_forgets, "step 2, state v .*plain SGD"),
    (checks._momentum_dampened, "step 1, state v .*\\(1 - momentum\\)"),
    (checks._momentum_d2l, "step 1, state v .*other common convention"),
    (momentum_rebinds, "step 1, state v .*still zero.*in place"),
    (momentum_typo, "raised KeyError: 'learning_rate'"),
    (momentum_half_lr, "step 1, state v \\(velocity\\) of parameter 0 differs.*expected: "
                       "states: one velocity"),
])
def test_check_momentum_names_the_mistake(fn, expected, capsys):
    ok, out = _verdict(checks.check_momentum, fn, capsys)
    assert not ok
    assert out.startswith("check_momentum: ")
    assert re.search(expected, out), out


@pytest.mark.parametrize("fn, expected", [
    (checks._adam_no_correction, "step 1, parameter 0 differs.*missing bias correction.*"
                                 "first steps are too large"),
    (checks._adam_swapped, "step 1, state m \\(first moment\\).*swapped"),
    (checks._adam_late_t, "step 2, parameter 0 .*hp\\['t'\\] never grows"),
    (checks._adam_abs, "step 1, state v \\(second moment\\).*squared"),
    (adam_t_after, "step 1, parameter 0 differs .*nan or inf.*divided by zero"),
    (adam_beta1_for_v, "step 1, state v \\(second moment\\) of parameter 0 differs"),
])
def test_check_adam_names_the_first_mismatching_state_and_the_mistake(fn, expected, capsys):
    ok, out = _verdict(checks.check_adam, fn, capsys)
    assert not ok
    assert re.search(expected, out), out


def test_an_unwritten_adam_is_not_yet_with_its_signature(capsys):
    assert not checks.check_adam(momentum_not_yet)  # any stub: it raises NotImplementedError
    out = capsys.readouterr().out
    assert out.startswith("check_adam: not yet: the function still raises NotImplementedError")
    assert "'beta1', 'beta2', 'epsilon', 't'" in out


def test_check_init_std(capsys):
    assert checks.check_init_std("b")
    assert capsys.readouterr().out == "check_init_std: correct\n"
    assert not checks.check_init_std("c")
    assert "ReLU zeroes half" in capsys.readouterr().out
    assert not checks.check_init_std(None)
    assert "not yet" in capsys.readouterr().out
    assert not checks.check_init_std("e")
    assert "not one of" in capsys.readouterr().out


def test_checks_are_reexported():
    import d2l_utils as d2l

    assert d2l.checks.check_adam is checks.check_adam


# ---- exercise 4: folding batch normalization --------------------------------------------


def fold_right(weight, bias, gamma, beta, mean, var, eps):
    scale = gamma / np.sqrt(var + eps)
    return weight * scale[:, None], (bias - mean) * scale + beta


def fold_no_eps(weight, bias, gamma, beta, mean, var, eps):
    scale = gamma / np.sqrt(var)
    return weight * scale[:, None], (bias - mean) * scale + beta


def fold_bias_unshifted(weight, bias, gamma, beta, mean, var, eps):
    scale = gamma / np.sqrt(var + eps)
    return weight * scale[:, None], bias * scale + beta


def fold_variance(weight, bias, gamma, beta, mean, var, eps):
    scale = gamma / (var + eps)
    return weight * scale[:, None], (bias - mean) * scale + beta


def fold_not_yet(*args):
    raise NotImplementedError


def fold_columns(weight, bias, gamma, beta, mean, var, eps):
    scale = gamma / np.sqrt(var + eps)
    return weight.T * scale, (bias - mean) * scale + beta


def test_check_fold_batch_norm_accepts_the_fold(capsys):
    ok, out = _verdict(checks.check_fold_batch_norm, fold_right, capsys)
    assert ok and out == "check_fold_batch_norm: correct\n"


@pytest.mark.parametrize("fn, expected", [
    (fold_not_yet, "not yet: the function still raises NotImplementedError"),
    (fold_no_eps, "eps is missing"),
    (fold_bias_unshifted, "the weight is right; the bias"),
    (fold_variance, "divide by its square root"),
    (fold_columns, "weight \\(5, 4\\).*expected \\(4, 5\\)"),
    (lambda *a: None, "expected a pair"),
])
def test_check_fold_batch_norm_names_the_mistake(fn, expected, capsys):
    ok, out = _verdict(checks.check_fold_batch_norm, fn, capsys)
    assert not ok
    assert re.search(expected, out), out


def test_adam_without_bias_correction_takes_larger_first_steps():
    """The hint's direction: at t = 1 the uncorrected step is (1 - b1) / sqrt(1 - b2) times
    the corrected one, about 3.2x for 0.9, 0.999 (Kingma and Ba, section 3)."""
    weights, grads = optim.random_problem(shapes=((3,),), num_steps=1, seed=3)
    start = weights[0]
    corrected = optim.scratch_steps(optim.adam_update, 'adam', weights, grads, 0.01)
    uncorrected = optim.scratch_steps(checks._adam_no_correction, 'adam', weights, grads, 0.01)
    ratio = np.abs(uncorrected[0][0][0] - start) / np.abs(corrected[0][0][0] - start)
    assert np.allclose(ratio, 0.1 / np.sqrt(0.001), rtol=1e-3), ratio
