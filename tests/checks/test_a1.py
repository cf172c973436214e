"""Appendix A1's self-checks pass right answers and name the mistake in wrong ones."""

import numpy as np
import pytest
from mxnet import gluon, nd
from mxnet.gluon import nn

from d2l_utils.checks import a1

# ---- exercise 1: keep_prob -> nn.Dropout(rate) ---------------------------------------


def dropout_stub(keep_prob):
    raise NotImplementedError


def dropout_right(keep_prob):
    return nn.Dropout(rate=1 - keep_prob)


def dropout_keep_prob_as_rate(keep_prob):
    return nn.Dropout(keep_prob)


def dropout_fixed_half(keep_prob):
    return nn.Dropout(0.5)


def dropout_dense(keep_prob):
    return nn.Dense(10)


def dropout_returns_rate(keep_prob):
    return 1 - keep_prob


def dropout_crashes(keep_prob):
    return nn.Dropout(rate=keep_prob - 2)


def test_dropout_accepts_the_translation(capsys):
    assert a1.check_dropout(dropout_right)
    assert capsys.readouterr().out == "check_dropout: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (dropout_keep_prob_as_rate, "Gluon's rate is the probability to DROP"),
    (dropout_fixed_half, "drops 0.50 of the values, expected 0.20"),
    (dropout_dense, "returned a Dense, expected a gluon.nn.Dropout"),
    (dropout_returns_rate, "returned a float, expected a gluon.nn.Dropout"),
    (dropout_crashes, "wrong: "),
])
def test_dropout_names_the_mistake(fn, hint, capsys):
    assert a1.check_dropout(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_dropout: wrong: ") and hint in out, out
    assert "Traceback" not in out and out.count("\n") == 1


# ---- exercise 2: tf.nn.l2_loss with nd -----------------------------------------------


def l2_stub(w):
    raise NotImplementedError


def l2_right(w):
    return (w ** 2).sum() / 2


def l2_via_norm(w):
    return nd.norm(w) ** 2 / 2


def l2_no_half(w):
    return (w ** 2).sum()


def l2_norm(w):
    return nd.norm(w)


def l2_mean(w):
    return (w ** 2).mean() / 2


def l2_per_element(w):
    return w ** 2 / 2


def l2_numpy(w):
    return float((w.asnumpy() ** 2).sum() / 2)


def l2_detached(w):
    return nd.array([(w.asnumpy() ** 2).sum() / 2])


def l2_half_detached(w):
    return (w * w.detach()).sum() / 2  # the right value, half the gradient


def l2_in_place(w):
    w *= w
    return w.sum() / 2


@pytest.mark.parametrize("fn", [l2_right, l2_via_norm])
def test_l2_loss_accepts_right_versions(fn, capsys):
    assert a1.check_l2_loss(fn)
    assert capsys.readouterr().out == "check_l2_loss: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (l2_no_half, "twice tf.nn.l2_loss: TF1 halves it"),
    (l2_norm, "has no square root"),
    (l2_mean, "a mean over the elements"),
    (l2_per_element, "one number, the sum over all elements"),
    (l2_numpy, "expected an mxnet NDArray"),
    (l2_detached, "not connected to its input"),
    (l2_half_detached, "gradient is not w itself"),
    (l2_in_place, "changes its input in place"),
])
def test_l2_loss_names_the_mistake(fn, hint, capsys):
    assert a1.check_l2_loss(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_l2_loss: wrong: ") and hint in out, out


def test_stubs_are_not_yet_never_wrong(capsys):
    assert a1.check_dropout(dropout_stub) is False
    assert a1.check_l2_loss(l2_stub) is False
    assert a1.check_sparse_loss(None) is False
    assert capsys.readouterr().out.splitlines() == [
        "check_dropout: not yet: replace `raise NotImplementedError` with your code",
        "check_l2_loss: not yet: replace `raise NotImplementedError` with your code",
        "check_sparse_loss: not yet: set answer to one of 'a', 'b', 'c', 'd'"]


def test_l2_loss_reference_is_tf1s_definition():
    """tf.nn.l2_loss([3, 4]) is (9 + 16) / 2 = 12.5 (TF1 documentation: sum(t ** 2) / 2)."""
    assert l2_right(nd.array([3.0, 4.0])).asscalar() == 12.5


# ---- exercise 3: the Gluon loss for sparse_softmax_cross_entropy_with_logits --------


def test_sparse_loss_answer_and_hints(capsys):
    assert a1.check_sparse_loss("a") and a1.check_sparse_loss(" A ")
    assert capsys.readouterr().out == "check_sparse_loss: correct\n" * 2
    for answer, hint in [("b", "one-hot form"), ("c", "log-probabilities"),
                         ("d", "sigmoid per class"),
                         ("e", "is not one of the choices"), (1, "is not one of the choices")]:
        assert a1.check_sparse_loss(answer) is False
        out = capsys.readouterr().out
        assert out.startswith("check_sparse_loss: wrong: ") and hint in out, (answer, out)


def test_sparse_loss_answer_is_what_gluon_computes():
    """The letter the check accepts is the loss that equals TF1's sparse formula,
    -log softmax(logits)[label], computed here in float64 NumPy."""
    rng = np.random.RandomState(0)
    logits, labels = rng.randn(6, 10) * 3, rng.randint(0, 10, size=6)
    shifted = logits - logits.max(axis=1, keepdims=True)
    tf1 = -(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))[np.arange(6), labels]
    losses = {"a": gluon.loss.SoftmaxCrossEntropyLoss(),
              "c": gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)}
    agree = {k: np.allclose(f(nd.array(logits), nd.array(labels)).asnumpy(), tf1,
                            rtol=1e-4, atol=1e-5) for k, f in losses.items()}
    assert agree == {"a": True, "c": False}
    assert a1.SPARSE_LOSS_CHOICES["a"] == "gluon.loss.SoftmaxCrossEntropyLoss()"
