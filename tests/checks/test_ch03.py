"""Chapter 03's self-checks accept right answers and name the mistake in wrong ones."""

import numpy as np
import pytest
from mxnet import nd

from d2l_utils.checks import ch03 as checks

# ---- exercise 1: evaluate_loss --------------------------------------------------------


def evaluate_loss_right(data_iter, net, loss):
    l_sum, n = 0.0, 0
    for X, y in data_iter:
        l_sum += loss(net(X), y).sum().asscalar()
        n += y.size
    return l_sum / n


def evaluate_loss_nd(data_iter, net, loss):
    total = nd.concat(*[loss(net(X), y) for X, y in data_iter], dim=0)
    return total.mean()  # an NDArray of one number is fine


def evaluate_loss_sum(data_iter, net, loss):
    return sum(loss(net(X), y).sum().asscalar() for X, y in data_iter)


def evaluate_loss_mean_of_means(data_iter, net, loss):
    means = [loss(net(X), y).mean().asscalar() for X, y in data_iter]
    return sum(means) / len(means)


def evaluate_loss_fixed_batch(data_iter, net, loss):
    sums = [loss(net(X), y).sum().asscalar() for X, y in data_iter]
    return sum(sums) / (len(sums) * 16)


def evaluate_loss_first_batch(data_iter, net, loss):
    for X, y in data_iter:
        return loss(net(X), y).mean().asscalar()


def evaluate_loss_last_batch(data_iter, net, loss):
    for X, y in data_iter:
        l_sum, n = loss(net(X), y).sum().asscalar(), y.size
    return l_sum / n


def evaluate_loss_negated(data_iter, net, loss):
    return -evaluate_loss_right(data_iter, net, loss)


def evaluate_loss_vector(data_iter, net, loss):
    return nd.concat(*[loss(net(X), y) for X, y in data_iter], dim=0)


def evaluate_loss_stub(data_iter, net, loss):
    raise NotImplementedError


def evaluate_loss_typo(data_iter, net, loss):
    return undefined_name  # noqa: F821


@pytest.mark.parametrize("fn", [evaluate_loss_right, evaluate_loss_nd])
def test_evaluate_loss_accepts_right_answers(fn, capsys):
    assert checks.check_evaluate_loss(fn) is True
    assert capsys.readouterr().out == "check_evaluate_loss: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (evaluate_loss_sum, "returned the summed loss; divide it by the number of examples"),
    (evaluate_loss_mean_of_means, "averaged the per-batch means"),
    (evaluate_loss_fixed_batch, "the last batch has only 2 examples"),
    (evaluate_loss_first_batch, "used only the first batch"),
    (evaluate_loss_last_batch, "kept only the last batch"),
    (evaluate_loss_negated, "the sign is flipped"),
    (evaluate_loss_vector, "returned an NDArray of shape (50,)"),
    (evaluate_loss_typo, "raised NameError: name 'undefined_name' is not defined"),
])
def test_evaluate_loss_names_the_mistake(fn, hint, capsys):
    assert checks.check_evaluate_loss(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_evaluate_loss: wrong: ") and hint in out, out


def test_evaluate_loss_stub_is_not_yet(capsys):
    assert checks.check_evaluate_loss(evaluate_loss_stub) is False
    assert capsys.readouterr().out.startswith("check_evaluate_loss: not yet: ")


# ---- exercise 2: learning rates ------------------------------------------------------


def test_learning_rates_right_answer(capsys):
    assert checks.check_learning_rates(0.1, "b") is True
    assert checks.check_learning_rates(0.1, " B ") is True
    assert capsys.readouterr().out == "check_learning_rates: correct\n" * 2


@pytest.mark.parametrize("lr, cause, hint", [
    (0.01, "b", "at lr = 0.01 the steps are small"),
    (0.5, "b", "compare the training loss"),
    (1, "b", "train_ch3 stops after the first epoch"),
    (0.3, "b", "lowest_loss_lr=0.3 is not one of (0.01, 0.1, 0.5, 1)"),
    (0.1, "a", "the loss did not stall, it became nan"),
    (0.1, "c", "the same images train fine at lr = 0.1"),
    (0.1, "d", "sgd always divides by batch_size"),
    (0.1, "e", "'e' is not one of the choices"),
])
def test_learning_rates_wrong_answers_get_a_hint(lr, cause, hint, capsys):
    assert checks.check_learning_rates(lr, cause) is False
    out = capsys.readouterr().out
    assert out.startswith("check_learning_rates: wrong: ") and hint in out, out


def test_learning_rates_unanswered_is_not_yet(capsys):
    assert checks.check_learning_rates(None, None) is False
    assert checks.check_learning_rates(0.1, None) is False
    assert capsys.readouterr().out.count("check_learning_rates: not yet: ") == 2


# ---- exercise 3: one-hot cross-entropy -----------------------------------------------


def ce_one_hot_right(y_hat, Y):
    return -(Y * y_hat).sum(axis=1).log()


def ce_one_hot_pick(y_hat, Y):
    return -nd.pick(y_hat, Y.argmax(axis=1)).log()


def ce_one_hot_textbook(y_hat, Y):  # -sum_j y_j log y_hat_j: 0 * log 0 = nan
    return -(Y * y_hat.log()).sum(axis=1)


def ce_one_hot_total(y_hat, Y):
    return -(Y * y_hat).sum().log()


def ce_one_hot_axis0(y_hat, Y):
    return -(Y * y_hat).sum(axis=0).log()


def ce_one_hot_no_minus(y_hat, Y):
    return (Y * y_hat).sum(axis=1).log()


def ce_one_hot_mean(y_hat, Y):
    return -(Y * y_hat).sum(axis=1).log() / Y.shape[1]


def ce_one_hot_numpy(y_hat, Y):
    return -np.log((Y.asnumpy() * y_hat.asnumpy()).sum(axis=1))


def ce_one_hot_stub(y_hat, Y):
    raise NotImplementedError


@pytest.mark.parametrize("fn", [ce_one_hot_right, ce_one_hot_pick])
def test_one_hot_cross_entropy_accepts_right_answers(fn, capsys):
    assert checks.check_cross_entropy_one_hot(fn) is True
    assert capsys.readouterr().out == "check_cross_entropy_one_hot: correct\n"


@pytest.mark.parametrize("fn, hint", [
    (ce_one_hot_textbook, "0 * log(0) = 0 * -inf = nan"),
    (ce_one_hot_total, "returned shape (1,), expected (2,)"),
    (ce_one_hot_axis0, "returned shape (3,), expected (2,)"),
    (ce_one_hot_no_minus, "the sign is flipped"),
    (ce_one_hot_mean, "use sum(axis=1), not mean(axis=1)"),
    (ce_one_hot_numpy, "expected an mxnet NDArray"),
])
def test_one_hot_cross_entropy_names_the_mistake(fn, hint, capsys):
    assert checks.check_cross_entropy_one_hot(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("check_cross_entropy_one_hot: wrong: ") and hint in out, out


def test_one_hot_cross_entropy_stub_is_not_yet(capsys):
    assert checks.check_cross_entropy_one_hot(ce_one_hot_stub) is False
    assert capsys.readouterr().out.startswith("check_cross_entropy_one_hot: not yet: ")


# ---- exercise 4: more epochs ---------------------------------------------------------


@pytest.mark.parametrize("answer, verdict", [
    ("b", "check_more_epochs: correct"),
    ("a", "check_more_epochs: wrong: (a) look at the check after the training cell"),
    ("c", "check_more_epochs: wrong: (c) with a small enough learning rate"),
    ("d", "check_more_epochs: wrong: (d) a linear model draws straight boundaries"),
    ("z", "check_more_epochs: wrong: 'z' is not one of the choices"),
    (None, "check_more_epochs: not yet: set answer to one of 'a', 'b', 'c', 'd'"),
])
def test_more_epochs(answer, verdict, capsys):
    assert checks.check_more_epochs(answer) is (answer == "b")
    assert capsys.readouterr().out.startswith(verdict)


def test_the_checks_do_not_move_the_global_seeds():
    np.random.seed(0)
    expected = np.random.rand()
    np.random.seed(0)
    checks.check_evaluate_loss(evaluate_loss_right)
    checks.check_cross_entropy_one_hot(ce_one_hot_right)
    assert np.random.rand() == expected
