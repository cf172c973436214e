"""confusion_matrix and misclassified agree with a plain NumPy computation of the same net."""

import numpy as np
import pytest
from matplotlib import pyplot as plt
from mxnet import gluon, init, nd
from mxnet.gluon import nn

import d2l_utils as d2l


@pytest.fixture(autouse=True)
def clean_pyplot():
    plt.close("all")
    yield
    plt.close("all")


def linear_problem(seed=0, n=203, d=6, k=4, batch=32):
    """A fixed linear net on random data, as (net, batches, X, y, W, b) in NumPy too."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d).astype(np.float32)
    y = rng.randint(0, k, size=n)
    W = rng.randn(d, k).astype(np.float32)
    b = rng.randn(k).astype(np.float32)
    Wn, bn = nd.array(W), nd.array(b)

    def net(X):
        return nd.dot(X, Wn) + bn

    batches = [(nd.array(X[i:i + batch]), nd.array(y[i:i + batch]))
               for i in range(0, n, batch)]
    return net, batches, X, y, W, b


def numpy_confusion(X, y, W, b):
    pred = np.argmax(X @ W + b, axis=1)
    k = W.shape[1]
    cm = np.zeros((k, k), dtype=np.int64)
    for t, p in zip(y, pred, strict=True):
        cm[t, p] += 1
    return cm, pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_confusion_matrix_matches_numpy_and_evaluate_accuracy(seed):
    net, batches, X, y, W, b = linear_problem(seed)
    cm = d2l.confusion_matrix(net, batches)
    expected, _ = numpy_confusion(X, y, W, b)
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == len(y)
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(y, minlength=W.shape[1]))
    assert cm.trace() / cm.sum() == pytest.approx(d2l.evaluate_accuracy(batches, net))


def test_confusion_matrix_of_a_gluon_net_on_fashion_mnist_rows_are_the_class_counts():
    _, test_iter = d2l.load_data_fashion_mnist(1000)
    d2l.set_seed(0)
    net = nn.Dense(10)
    net.initialize(init.Normal(sigma=0.01))
    cm = d2l.confusion_matrix(net, test_iter)
    assert cm.shape == (10, 10)
    np.testing.assert_array_equal(cm.sum(axis=1), np.full(10, 1000))  # 1000 per class
    assert cm.trace() / cm.sum() == pytest.approx(d2l.evaluate_accuracy(test_iter, net))


def test_misclassified_returns_the_first_mistakes_in_order():
    net, batches, X, y, W, b = linear_problem(3)
    _, pred = numpy_confusion(X, y, W, b)
    wrong = np.flatnonzero(pred != y)
    assert len(wrong) > 40  # random weights: most predictions are wrong
    for n in (1, 5, 40, len(wrong) + 10):
        images, true, predicted = d2l.misclassified(net, batches, n)
        idx = wrong[:n]
        np.testing.assert_array_equal(images, X[idx])
        np.testing.assert_array_equal(true, y[idx])
        np.testing.assert_array_equal(predicted, pred[idx])


def test_misclassified_of_a_perfect_net_is_empty():
    X = nd.array(np.eye(3, dtype=np.float32))
    batches = [(X, nd.array([0, 1, 2]))]
    images, true, predicted = d2l.misclassified(lambda X: X, batches, 5)
    assert images.shape == (0, 3) and true.shape == (0,) and predicted.shape == (0,)


def test_bad_input_gets_a_message_naming_the_problem():
    net, batches, *_ = linear_problem()
    with pytest.raises(ValueError, match=r"labels range over \[0, 7\] but the net has 4 outputs"):
        d2l.confusion_matrix(net, [(batches[0][0], nd.array([7] + [0] * 31))])
    with pytest.raises(ValueError, match="data_iter yielded no batches"):
        d2l.confusion_matrix(net, [])
    with pytest.raises(ValueError, match=r"net\(X\) has shape \(32,\) for 32 labels"):
        d2l.confusion_matrix(lambda X: X[:, 0], batches)
    with pytest.raises(ValueError, match="n must be an int >= 1, got 0"):
        d2l.misclassified(net, batches, 0)
    with pytest.raises(ValueError, match=r"must be a square \(k, k\) matrix"):
        d2l.show_confusion_matrix(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="2 labels for 3 classes"):
        d2l.show_confusion_matrix(np.eye(3), labels=["a", "b"])


def test_show_confusion_matrix_labels_both_axes_and_writes_every_count():
    cm = np.arange(100).reshape(10, 10)
    ax = d2l.show_confusion_matrix(cm)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    names = d2l.get_fashion_mnist_labels(range(10))
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    assert sorted(int(t.get_text()) for t in ax.texts) == list(range(100))
    ax3 = d2l.show_confusion_matrix(np.eye(3, dtype=int))
    assert [t.get_text() for t in ax3.get_xticklabels()] == ["0", "1", "2"]


def test_gluon_sequential_net_is_run_where_its_parameters_are():
    d2l.set_seed(0)
    net = nn.HybridSequential()
    net.add(nn.Dense(3))
    net.initialize(init.Normal(sigma=1.0))
    X = nd.random.normal(shape=(20, 5))
    y = nd.array(np.arange(20) % 3)
    cm = d2l.confusion_matrix(net, gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), 8))
    expected = np.zeros((3, 3), dtype=np.int64)
    np.add.at(expected, (y.asnumpy().astype(int), net(X).argmax(axis=1).asnumpy().astype(int)), 1)
    np.testing.assert_array_equal(cm, expected)
