"""Chapter 04's self-checks accept right answers and name the mistake in wrong ones."""

import json
import os
from pathlib import Path

import pytest
from mxnet import gluon, nd

from d2l_utils.checks import ch04 as checks

LOSS = gluon.loss.SoftmaxCrossEntropyLoss
DENSE_LOSS = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)

# ---- exercise 1: sparse_label=False ---------------------------------------------------


def one_hot_right(logits, y):
    return DENSE_LOSS(logits, nd.one_hot(y, logits.shape[1]))


def one_hot_sparse_anyway(logits, y):  # the same numbers by another road: fine
    return LOSS()(logits, y)


def one_hot_double_softmax(logits, y):
    return DENSE_LOSS(nd.softmax(logits), nd.one_hot(y, logits.shape[1]))


def one_hot_depth_10(logits, y):
    return DENSE_LOSS(logits, nd.one_hot(y, 10))


def one_hot_labels_as_is(logits, y):
    return DENSE_LOSS(logits, y)


def one_hot_mean(logits, y):
    return DENSE_LOSS(logits, nd.one_hot(y, logits.shape[1])).mean()


def one_hot_stub(logits, y):
    raise NotImplementedError


@pytest.mark.parametrize("fn", [one_hot_right, one_hot_sparse_anyway])
def test_one_hot_loss_accepts_right_answers(fn, capsys):
    assert checks.check_one_hot_loss(fn) is True
    assert capsys.readouterr().out == "check_one_hot_loss: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (one_hot_double_softmax, "pass net(X)'s logits, not softmax(logits)"),
    (one_hot_depth_10, "works for 10 classes but for 3 classes it raised"),
    (one_hot_labels_as_is, "the labels must be one-hot, shape (batch, classes)"),
    (one_hot_mean, "returned shape (1,) for 10 classes, expected (5,)"),
])
def test_one_hot_loss_names_the_mistake(fn, hint, capsys):
    assert checks.check_one_hot_loss(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_one_hot_loss: wrong: ") and hint in out, out


def test_one_hot_loss_stub_is_not_yet(capsys):
    assert checks.check_one_hot_loss(one_hot_stub) is False
    assert capsys.readouterr().out.startswith("check_one_hot_loss: not yet: ")


# ---- exercise 2: number of parameters -------------------------------------------------


def num_params_stub(num_inputs, num_classes):
    raise NotImplementedError


@pytest.mark.parametrize("fn", [lambda d, q: (d + 1) * q, lambda d, q: d * q + q])
def test_num_params_accepts_right_answers(fn, capsys):
    assert checks.check_num_params(fn) is True
    assert capsys.readouterr().out == "check_num_params: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (lambda d, q: d * q, "forgot the biases: one per class"),
    (lambda d, q: d + q, "multiply, not add"),
    (lambda d, q: (d + 1) * (q + 1), "one bias per class, none per input"),
    (lambda d, q: d * q + 1, "the bias is a vector"),
    (lambda d, q: 7850, "num_params(2, 3) returned 7850, expected 9"),
    (lambda d, q: d / 0, "raised ZeroDivisionError"),
])
def test_num_params_names_the_mistake(fn, hint, capsys):
    assert checks.check_num_params(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_num_params: wrong: ") and hint in out, out


def test_num_params_stub_is_not_yet(capsys):
    assert checks.check_num_params(num_params_stub) is False
    assert capsys.readouterr().out.startswith("check_num_params: not yet: ")


# ---- exercise 3: squared loss ---------------------------------------------------------


@pytest.mark.parametrize("answer, verdict", [
    ("b", "check_squared_loss: correct"),
    ("a", "check_squared_loss: wrong: (a) both are smallest at the right answer"),
    ("c", "check_squared_loss: wrong: (c) (y_hat - y)^2 is defined for any numbers"),
    ("d", "check_squared_loss: wrong: (d) the cost per example is about the same"),
    ("x", "check_squared_loss: wrong: 'x' is not one of the choices"),
    (None, "check_squared_loss: not yet: set answer to one of"),
])
def test_squared_loss(answer, verdict, capsys):
    assert checks.check_squared_loss(answer) is (answer == "b")
    assert capsys.readouterr().out.startswith(verdict)


def test_squared_loss_answer_b_is_what_autograd_says():
    """The claim behind the right answer: at a confidently wrong softmax the squared loss's
    gradient w.r.t. the logits is tiny, the cross-entropy's is not."""
    from mxnet import autograd
    o = nd.array([[8.0, 0.0]])  # softmax ~ (1, 0), label 1: confidently wrong
    y = nd.array([[0.0, 1.0]])
    grads = {}
    for name, loss in {"squared": lambda p: ((p - y) ** 2).sum(),
                       "cross-entropy": lambda p: -(y * p.log()).sum()}.items():
        x = o.copy()
        x.attach_grad()
        with autograd.record():
            value = loss(nd.softmax(x))
        value.backward()
        grads[name] = x.grad.abs().max().asscalar()
    assert grads["squared"] < 0.01 < 0.9 < grads["cross-entropy"]


# ---- exercise 4: export into a folder --------------------------------------------------


def _ops(folder):
    graph = json.loads(Path(folder, "softmax-symbol.json").read_text())
    return [node["op"] for node in graph["nodes"]]


def exported_right(net, folder):
    net.hybridize()
    net(nd.zeros((1, 1, 28, 28)))
    net.export(os.path.join(folder, "softmax"))
    return sorted({op for op in _ops(folder) if op != "null"})


def exported_with_null(net, folder):
    exported_right(net, folder)
    return sorted(set(_ops(folder)))


def exported_into_cwd(net, folder):
    net.hybridize()
    net(nd.zeros((1, 1, 28, 28)))
    net.export("softmax")
    return sorted({op for op in _ops(".") if op != "null"})


def exported_nothing(net, folder):
    return ["FullyConnected"]


def exported_without_hybridize(net, folder):
    net.export(os.path.join(folder, "softmax"))
    return []


def exported_stub(net, folder):
    raise NotImplementedError


def test_exported_operators_accepts_the_right_answer(capsys):
    assert checks.check_exported_operators(exported_right) is True
    assert capsys.readouterr().out == "check_exported_operators: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (exported_with_null, "'null' nodes are the graph's inputs and parameters"),
    (exported_into_cwd, "into the current folder; pass a path inside folder"),
    (exported_nothing, "nothing was exported into folder"),
    (exported_without_hybridize, "raised"),
])
def test_exported_operators_names_the_mistake(fn, hint, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert checks.check_exported_operators(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_exported_operators: wrong: ") and hint in out, out
    assert os.listdir(tmp_path) == []  # the check cleans up what the wrong answer wrote


def test_exported_operators_stub_is_not_yet(capsys):
    assert checks.check_exported_operators(exported_stub) is False
    assert capsys.readouterr().out.startswith("check_exported_operators: not yet: ")
