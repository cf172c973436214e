"""Book sections 3.8-3.10: activation functions, the multilayer perceptron from scratch and Gluon.

The book's code with ``import d2l_utils as d2l``; 1 epoch instead of the
book's 5.  Sections 3.9 and 3.10 need the real Fashion-MNIST.
"""

import numpy as np
import pytest
from helpers import printed
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l

# The book programs train (`make check` skips them; `make test` runs them).
pytestmark = [pytest.mark.usefixtures("fresh_figures"), pytest.mark.slow]


def test_3_8_activation_functions_and_their_gradients():
    x = nd.arange(-8.0, 8.0, 0.1)
    x.attach_grad()
    with autograd.record():
        y = x.relu()
    d2l.xyplot(x, y, 'relu')
    y.backward()
    d2l.xyplot(x, x.grad, 'grad of relu')
    with autograd.record():
        y = x.sigmoid()
    d2l.xyplot(x, y, 'sigmoid')
    y.backward()
    d2l.xyplot(x, x.grad, 'grad of sigmoid')
    ax = d2l.plt.gca()
    assert ax.get_ylabel() == 'grad of sigmoid(x)' and ax.get_xlabel() == 'x'
    assert list(d2l.plt.gcf().get_size_inches()) == [5, 2.5]
    relu, relu_grad, sigmoid, sigmoid_grad = (line.get_ydata() for line in ax.get_lines())
    xs = x.asnumpy()
    np.testing.assert_allclose(relu, np.maximum(xs, 0))
    np.testing.assert_allclose(relu_grad, xs > 0)
    s = 1 / (1 + np.exp(-xs))
    np.testing.assert_allclose(sigmoid, s, rtol=1e-5)
    np.testing.assert_allclose(sigmoid_grad, s * (1 - s), rtol=1e-4, atol=1e-7)
    assert sigmoid_grad.max() <= 0.25  # the book: the gradient peaks at 0.25, at x = 0


def test_3_9_mlp_from_scratch_learns_in_one_epoch(real_fashion_mnist, capsys):
    d2l.set_seed(0)
    batch_size = 256
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    num_inputs, num_outputs, num_hiddens = 784, 10, 256
    W1 = nd.random.normal(scale=0.01, shape=(num_inputs, num_hiddens))
    b1 = nd.zeros(num_hiddens)
    W2 = nd.random.normal(scale=0.01, shape=(num_hiddens, num_outputs))
    b2 = nd.zeros(num_outputs)
    params = [W1, b1, W2, b2]
    for param in params:
        param.attach_grad()

    def relu(X):
        return nd.maximum(X, 0)

    def net(X):
        X = X.reshape((-1, num_inputs))
        H = relu(nd.dot(X, W1) + b1)
        return nd.dot(H, W2) + b2

    loss = gloss.SoftmaxCrossEntropyLoss()
    num_epochs, lr = 1, 0.5
    d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, params, lr)
    assert printed(capsys.readouterr().out, r"test acc ([\d.]+)")[0] > 0.7


def test_3_10_concise_mlp_learns_in_one_epoch(real_fashion_mnist, capsys):
    d2l.set_seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    batch_size = 256
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    loss = gloss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
    num_epochs = 1
    d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, None, None, trainer)
    assert printed(capsys.readouterr().out, r"test acc ([\d.]+)")[0] > 0.7
