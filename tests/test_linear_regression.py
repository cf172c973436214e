"""data_iter, linreg, squared_loss: the book's definitions, and clear errors for bad input."""

import random

import numpy as np
import pytest
from mxnet import nd

import d2l_utils as d2l


def test_linreg_is_xw_plus_b_and_squared_loss_is_half_the_squared_error():
    X, w, b = nd.array([[1, 2], [3, 4]]), nd.array([[1], [-1]]), nd.array([0.5])
    y_hat = d2l.linreg(X, w, b)
    assert y_hat.asnumpy().tolist() == [[-0.5], [-0.5]]
    loss = d2l.squared_loss(y_hat, nd.array([0.5, 1.5]))  # labels (n,) against (n, 1)
    assert loss.shape == (2, 1) and loss.asnumpy().ravel().tolist() == [0.5, 2.0]
    with pytest.raises(ValueError, match="squared_loss: y_hat has shape"):
        d2l.squared_loss(y_hat, nd.zeros(3))


def test_data_iter_is_a_fresh_random_pass_each_call_and_repeats_with_the_seed():
    features, labels = nd.arange(20).reshape((10, 2)), nd.arange(10)
    random.seed(5)
    first = [y.asnumpy().tolist() for _, y in d2l.data_iter(4, features, labels)]
    random.seed(5)
    again = [y.asnumpy().tolist() for _, y in d2l.data_iter(4, features, labels)]
    assert first == again and [len(b) for b in first] == [4, 4, 2]
    for X, y in d2l.data_iter(3, features, labels):
        np.testing.assert_array_equal(X.asnumpy()[:, 0], 2 * y.asnumpy())  # rows stay paired


@pytest.mark.parametrize("args, message", [
    ((0, nd.zeros((4, 2)), nd.zeros(4)), "batch_size must be an int >= 1"),
    ((2, nd.zeros((4, 2)), nd.zeros(3)), "4 features but 3 labels"),
])
def test_data_iter_rejects_bad_arguments_when_called(args, message):
    with pytest.raises(ValueError, match=message):
        d2l.data_iter(*args)
