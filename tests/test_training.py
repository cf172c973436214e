"""sgd, train_ch3 and predict_ch3: hand-computed steps, both training paths, clear errors."""

import re

import mxnet as mx
import numpy as np
import pytest
from helpers import batches, cross_entropy, gluon_model, scratch_model, separable
from matplotlib import pyplot as plt
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l

LINE = re.compile(r"epoch (\d+), loss (\d+\.\d{4}), train acc (\d\.\d{3}), test acc (\d\.\d{3})")


@pytest.fixture(autouse=True)
def no_figures_left():
    plt.close("all")
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- sgd
def test_sgd_steps_in_place_by_lr_times_grad_over_batch_size():
    w = nd.array([1.0, 2.0])
    w.attach_grad()
    with autograd.record():
        loss = (w * nd.array([4.0, 8.0])).sum()
    loss.backward()  # grad = [4, 8]
    same = w
    d2l.sgd([w], lr=0.5, batch_size=2)
    assert w is same
    assert w.asnumpy().tolist() == [0.0, 0.0]  # 1 - 0.5 * 4 / 2, 2 - 0.5 * 8 / 2
    assert w.grad.asnumpy().tolist() == [4.0, 8.0]


def test_sgd_matches_the_book_formula_on_autograd_gradients():
    rng = np.random.default_rng(0)
    W, b = nd.array(rng.normal(size=(5, 3))), nd.array(rng.normal(size=3))
    X = nd.array(rng.normal(size=(7, 5)))
    for p in (W, b):
        p.attach_grad()
    with autograd.record():
        loss = (nd.dot(X, W) + b).exp().sum()
    loss.backward()
    # d/dW sum(exp(XW + b)) = X^T exp(XW + b); d/db = column sums of exp(XW + b)
    E = np.exp(X.asnumpy() @ W.asnumpy() + b.asnumpy())
    np.testing.assert_allclose(W.grad.asnumpy(), X.asnumpy().T @ E, rtol=1e-5)
    expected = [p.asnumpy() - 0.1 * p.grad.asnumpy() / 7 for p in (W, b)]
    d2l.sgd([W, b], 0.1, 7)
    for p, e in zip((W, b), expected, strict=True):
        np.testing.assert_allclose(p.asnumpy(), e, rtol=1e-6, atol=1e-7)


# ----------------------------------------------------------------------------- a small problem


@pytest.fixture
def problem():
    X, y = separable()
    return batches(X[:512], y[:512], 32), batches(X[512:], y[512:], 32)


def check_printed(out, history, num_epochs):
    lines = out.strip().split("\n")
    assert len(lines) == num_epochs
    for i, line in enumerate(lines):
        m = LINE.fullmatch(line)
        assert m, line
        assert m.groups() == (str(i + 1), f"{history.train_loss[i]:.4f}",
                              f"{history.train_acc[i]:.3f}", f"{history.test_acc[i]:.3f}")


def test_train_ch3_from_scratch_learns_a_separable_problem(problem, capsys):
    train_iter, test_iter = problem
    net, params = scratch_model()
    history = d2l.train_ch3(net, train_iter, test_iter, cross_entropy, 5, 32, params, 0.5)
    assert len(history.train_loss) == len(history.train_acc) == len(history.test_acc) == 5
    assert len(history.seconds) == 5 and all(s > 0 for s in history.seconds)
    assert history.test_acc[-1] >= 0.95 and history.train_acc[-1] >= 0.95
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.figure is None  # no live plot outside a Jupyter kernel by default
    assert plt.get_fignums() == []
    check_printed(capsys.readouterr().out, history, 5)


@pytest.mark.parametrize("hybridize", [True, False])
def test_train_ch3_with_a_gluon_trainer_learns_a_separable_problem(problem, capsys, hybridize):
    train_iter, test_iter = problem
    net, trainer = gluon_model(hybridize=hybridize)
    history = d2l.train_ch3(net, train_iter, test_iter, gloss.SoftmaxCrossEntropyLoss(), 4, 32,
                            None, None, trainer)
    assert history.test_acc[-1] >= 0.95 and history.train_acc[-1] >= 0.95
    assert history.train_loss[-1] < history.train_loss[0]
    check_printed(capsys.readouterr().out, history, 4)


def softmax_np(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_one_epoch_of_one_batch_equals_the_hand_computed_step(capsys):
    """Loss and train accuracy are measured before the step, test accuracy after it."""
    X, y = separable(n=48, seed=3)
    (train,), test = batches(X[:32], y[:32], 32), batches(X[32:], y[32:], 8)
    net, (W, b) = scratch_model(seed=1)
    W0, b0 = W.asnumpy().astype(np.float64), b.asnumpy().astype(np.float64)
    history = d2l.train_ch3(net, [train], test, cross_entropy, 1, 32, [W, b], 0.5)
    Xn, yn = X[:32].astype(np.float64), y[:32]
    P = softmax_np(Xn @ W0 + b0)
    G = P - np.eye(4)[yn]  # gradient of the summed cross-entropy w.r.t. the scores
    W1, b1 = W0 - 0.5 * Xn.T @ G / 32, b0 - 0.5 * G.sum(axis=0) / 32
    np.testing.assert_allclose(W.asnumpy(), W1, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(b.asnumpy(), b1, rtol=1e-5, atol=1e-7)
    assert history.train_loss[0] == pytest.approx(-np.log(P[np.arange(32), yn]).mean(), rel=1e-5)
    assert history.train_acc[0] == np.mean(P.argmax(axis=1) == yn)
    assert history.test_acc[0] == np.mean((X[32:] @ W1 + b1).argmax(axis=1) == y[32:])
    capsys.readouterr()


def test_scratch_and_gluon_paths_take_the_same_steps():
    X, y = separable(n=96, seed=4)
    train, test = batches(X[:64], y[:64], 16), batches(X[64:], y[64:], 16)
    net, (W, b) = scratch_model(seed=2)
    gnet, trainer = gluon_model(lr=0.3, hybridize=True)
    gnet(train[0][0])  # finish deferred initialisation, then copy the scratch weights
    gnet[0].weight.set_data(W.T)
    gnet[0].bias.set_data(b)
    h1 = d2l.train_ch3(net, train, test, cross_entropy, 3, 16, [W, b], 0.3)
    h2 = d2l.train_ch3(gnet, train, test, gloss.SoftmaxCrossEntropyLoss(), 3, 16,
                       trainer=trainer)
    np.testing.assert_allclose(gnet[0].weight.data().asnumpy(), W.T.asnumpy(), rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(h1.train_loss, h2.train_loss, rtol=1e-4)
    assert h1.test_acc == h2.test_acc


def test_train_ch3_moves_batches_to_the_parameters_context(capsys):
    X, y = separable(n=96, seed=5)
    train, test = batches(X[:64], y[:64], 16, ctx=mx.cpu(1)), batches(X[64:], y[64:], 16)
    net, params = scratch_model(ctx=mx.cpu(0))
    history = d2l.train_ch3(net, train, test, cross_entropy, 2, 16, params, 0.5)
    assert params[0].context == mx.cpu(0)
    gnet, trainer = gluon_model(ctx=mx.cpu(1))
    d2l.train_ch3(gnet, train, test, gloss.SoftmaxCrossEntropyLoss(), 2, 16, trainer=trainer)
    assert gnet[0].weight.list_ctx() == [mx.cpu(1)]
    assert len(history.test_acc) == 2
    capsys.readouterr()


def test_train_ch3_ctx_moves_batches_and_evaluation_to_that_context(capsys, monkeypatch):
    X, y = separable(n=96, seed=5)
    train, test = batches(X[:64], y[:64], 16), batches(X[64:], y[64:], 16)
    gnet, trainer = gluon_model(ctx=mx.cpu(1))
    seen = []
    real_evaluate = d2l.training.evaluate_accuracy

    def evaluate(data, net, ctx, **kwargs):
        seen.append(ctx)
        return real_evaluate(data, net, ctx, **kwargs)

    monkeypatch.setattr(d2l.training, "evaluate_accuracy", evaluate)
    moved = []
    forward = gnet.forward
    monkeypatch.setattr(gnet, "forward", lambda X: moved.append(X.context) or forward(X))
    d2l.train_ch3(gnet, train, test, gloss.SoftmaxCrossEntropyLoss(), 1, 16, trainer=trainer,
                  ctx=mx.cpu(1))
    assert seen == [mx.cpu(1)] and set(moved) == {mx.cpu(1)}
    capsys.readouterr()


def test_train_ch3_classify_false_trains_a_regression_without_accuracy(capsys):
    d2l.set_seed(0)
    X = nd.random.normal(shape=(64, 3))
    y = nd.dot(X, nd.array([[1.0], [-2.0], [0.5]])).reshape((-1,)) + 0.3
    data = [(X[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    w, b = nd.zeros((3, 1)), nd.zeros(1)
    w.attach_grad()
    b.attach_grad()
    history = d2l.train_ch3(lambda X: d2l.linreg(X, w, b), data, None, d2l.squared_loss, 30, 16,
                            [w, b], 0.1, classify=False)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("epoch 1, loss ") and "acc" not in out[0] and len(out) == 30
    assert history.train_loss[-1] < 1e-3 * history.train_loss[0]
    assert all(np.isnan(history.train_acc)) and history.test_acc == []
    np.testing.assert_allclose(w.asnumpy().ravel(), [1, -2, 0.5], atol=0.01)
    with pytest.raises(ValueError, match="classify=False .* pass test_iter=None"):
        d2l.train_ch3(lambda X: d2l.linreg(X, w, b), data, data, d2l.squared_loss, 1, 16,
                      [w, b], 0.1, classify=False)


def test_train_ch3_accepts_float32_labels(capsys):
    X, y = separable(n=96, seed=6)
    train = batches(X[:64], y[:64], 16, label_dtype="float32")
    test = batches(X[64:], y[64:], 16, label_dtype="float32")
    net, params = scratch_model()
    history = d2l.train_ch3(net, train, test, cross_entropy, 3, 16, params, 0.5)
    assert history.test_acc[-1] >= 0.9
    capsys.readouterr()


def test_train_ch3_plot_true_keeps_one_figure_with_the_three_curves(problem, capsys):
    train_iter, test_iter = problem
    net, params = scratch_model()
    history = d2l.train_ch3(net, train_iter, test_iter, cross_entropy, 3, 32, params, 0.5,
                            plot=True)
    assert plt.get_fignums() == [history.figure.number]
    loss_ax, acc_ax = history.figure.axes  # the loss and the accuracies on their own y axes
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["train loss"]
    assert [t.get_text() for t in acc_ax.get_legend().get_texts()] == [
        "train acc", "test acc"]
    assert [list(line.get_ydata()) for line in loss_ax.get_lines()] == [history.train_loss]
    curves = [list(line.get_ydata()) for line in acc_ax.get_lines()]
    assert curves == [history.train_acc, history.test_acc]
    assert list(loss_ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in (loss_ax, acc_ax)] == [
        ("epoch", "loss"), ("epoch", "accuracy")]
    capsys.readouterr()


# ----------------------------------------------------------------------------- errors
@pytest.fixture
def tiny():
    X, y = separable(n=32, seed=7)
    net, params = scratch_model()
    return net, params, batches(X, y, 16)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "params and trainer are both None"),
    ({"params": "P"}, "lr is None"),
    ({"params": "P", "lr": 0.1, "trainer": "T"}, "either params and lr .* or trainer"),
    ({"lr": 0.1, "trainer": "T"}, "either params and lr .* or trainer"),
    ({"params": "P", "lr": 0.1, "num_epochs": 0}, "num_epochs must be an int >= 1, got 0"),
    ({"params": "P", "lr": 0.1, "batch_size": 0}, "batch_size must be an int >= 1, got 0"),
])
def test_train_ch3_rejects_bad_arguments_before_training(tiny, kwargs, message, capsys):
    net, params, data = tiny
    _, trainer = gluon_model()
    args = {"num_epochs": 1, "batch_size": 16}
    args.update({k: {"P": params, "T": trainer}.get(v, v) if isinstance(v, str) else v
                 for k, v in kwargs.items()})
    before = params[0].copy()
    with pytest.raises(ValueError, match="train_ch3: .*" + message):
        d2l.train_ch3(net, data, data, cross_entropy, **args)
    assert (params[0] == before).min().asscalar() == 1  # nothing was trained
    assert capsys.readouterr().out == ""


def test_train_ch3_needs_gradients_on_params(tiny):
    net, params, data = tiny
    with pytest.raises(ValueError, match=r"params\[1\] must be an NDArray with a gradient"):
        d2l.train_ch3(net, data, data, cross_entropy, 1, 16, [params[0], nd.zeros(4)], 0.1)


@pytest.mark.parametrize(("bad_net", "message"), [
    (lambda net: (lambda X: net(X).reshape((-1,))), r"shape \(64,\) for 16 labels"),
    (lambda net: (lambda X: nd.concat(net(X), net(X), dim=0)), r"shape \(32, 4\) for 16 lab"),
    (lambda net: (lambda X: net(X)[:, :1]), r"shape \(16, 1\) .* num_classes >= 2"),
])
def test_train_ch3_checks_the_nets_output_shape_on_the_first_batch(tiny, bad_net, message):
    net, params, data = tiny
    with pytest.raises(ValueError, match=r"train_ch3: net\(X\) has .*" + message):
        d2l.train_ch3(bad_net(net), data, data, cross_entropy, 1, 16, params, 0.1)


def test_train_ch3_checks_labels_on_the_first_batch(tiny):
    net, params, data = tiny
    X, y = data[0]
    with pytest.raises(ValueError, match=r"train_ch3: labels y must have shape \(batch,\)"):
        d2l.train_ch3(net, [(X, y.reshape((-1, 1)))], data, cross_entropy, 1, 16, params, 0.1)
    with pytest.raises(ValueError, match=r"labels y range over \[0, 4\] in the first batch "
                                         r"but net\(X\) has 4 out"):
        d2l.train_ch3(net, [(X, nd.concat(y[:-1], nd.array([4], dtype="int32"), dim=0))],
                      data, cross_entropy, 1, 16, params, 0.1)


def test_train_ch3_rejects_empty_and_exhausted_iterators(tiny, capsys):
    net, params, data = tiny
    with pytest.raises(ValueError, match="train_ch3: train_iter yielded no batches in epoch 1"):
        d2l.train_ch3(net, [], data, cross_entropy, 1, 16, params, 0.1)
    with pytest.raises(ValueError, match="evaluate_accuracy: test_iter yielded no batches"):
        d2l.train_ch3(net, data, [], cross_entropy, 1, 16, params, 0.1)
    with pytest.raises(ValueError, match="train_iter yielded no batches in epoch 2.*not a gen"):
        d2l.train_ch3(net, (b for b in data), data, cross_entropy, 2, 16, params, 0.1)
    assert capsys.readouterr().out.count("epoch 1,") == 1  # the generator's first epoch ran


# ----------------------------------------------------------------------------- predict_ch3
def test_predict_ch3_titles_true_then_predicted_labels():
    y = nd.array([0, 1, 2, 3, 4, 5, 6, 7], dtype="float32")
    X = nd.random.uniform(shape=(8, 1, 28, 28))
    predicted = (y + 1) % 10

    def net(X):  # one-hot scores for (label + 1) mod 10, in the order of the batch
        return nd.one_hot(predicted[:X.shape[0]], 10)
    axes = d2l.predict_ch3(net, [(X, y)])
    assert [ax.get_title() for ax in axes] == [
        "t-shirt\ntrouser", "trouser\npullover", "pullover\ndress", "dress\ncoat",
        "coat\nsandal", "sandal\nshirt"]
    np.testing.assert_array_equal(axes[5].get_images()[0].get_array(), X[5, 0].asnumpy())
    assert len(d2l.predict_ch3(net, [(X, y)], n=20)) == 8  # at most one batch


def test_predict_ch3_runs_a_gluon_net_on_its_context_and_fails_clearly():
    net = nn.Dense(10)
    net.initialize(ctx=mx.cpu(1))
    X, y = nd.zeros((4, 1, 28, 28)), nd.array([9, 9, 9, 9])
    axes = d2l.predict_ch3(net, [(X, y)], n=2)  # zero weights and input: every score ties
    assert [ax.get_title() for ax in axes] == ["ankle boot\nt-shirt"] * 2
    with pytest.raises(ValueError, match="predict_ch3: test_iter yielded no batches"):
        d2l.predict_ch3(net, [])
    with pytest.raises(ValueError, match="predict_ch3: n must be an int >= 1"):
        d2l.predict_ch3(net, [(X, y)], n=0)


# ----------------------------------------------------------------------------- real Fashion-MNIST
@pytest.fixture(scope="module")
def fashion_iters(real_fashion_mnist):
    return d2l.load_data_fashion_mnist(256, root=real_fashion_mnist.location.folder, seed=0)


def test_concise_gluon_softmax_reaches_080_on_fashion_mnist(fashion_iters, capsys):
    train_iter, test_iter = fashion_iters
    d2l.set_seed(0)
    net = nn.HybridSequential()
    net.add(nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    net.hybridize()
    loss = gloss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    history = d2l.train_ch3(net, train_iter, test_iter, loss, 5, 256, None, None, trainer)
    assert history.test_acc[-1] >= 0.80
    check_printed(capsys.readouterr().out, history, 5)
    axes = d2l.predict_ch3(net, test_iter)
    titles = [ax.get_title() for ax in axes]
    assert len(titles) == 6 and all(t.count("\n") == 1 for t in titles)
    assert sum(t.split("\n")[0] == t.split("\n")[1] for t in titles) >= 3  # mostly right


def test_train_accuracy_over_many_batches_counts_every_prediction():
    """The epoch's predictions are compared once, at its end, after being joined every 256
    batches: with lr 0 the weights never move, so train_acc is the plain accuracy."""
    X, y = separable(n=600)
    data = batches(X, y, 2)  # 300 batches
    net, trainer = gluon_model(lr=0.0)
    history = d2l.train_ch3(net, data, None, gloss.SoftmaxCrossEntropyLoss(), 1, 2,
                            trainer=trainer, verbose=False, plot=False)
    assert history.train_acc == [d2l.evaluate_accuracy(data, net)]


def test_a_label_out_of_range_after_many_batches_is_named_with_its_epoch():
    X, y = separable(n=600)
    y[-1] = 4  # the net has 4 outputs: classes 0..3
    net, trainer = gluon_model()
    with pytest.raises(ValueError, match=r"labels y range over \[0, 4\] in epoch 1 but"):
        d2l.train_ch3(net, batches(X, y, 2), None, gloss.SoftmaxCrossEntropyLoss(), 1, 2,
                      trainer=trainer, verbose=False, plot=False)
