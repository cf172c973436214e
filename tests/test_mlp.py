"""MLP helpers agree with NumPy formulas, finite differences and Gluon's own layers."""

import numpy as np
import pytest
from matplotlib import pyplot as plt
from mxnet import init, nd

import d2l_utils as d2l
from d2l_utils import mlp


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


X_POINTS = np.array([-3.0, -1.0, -0.25, 0.5, 1.0, 2.5], dtype=np.float32)


def numpy_sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("name, value, derivative", [
    ("relu", lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(np.float32)),
    ("sigmoid", numpy_sigmoid, lambda x: numpy_sigmoid(x) * (1 - numpy_sigmoid(x))),
    ("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ("leaky relu (0.1)", lambda x: np.where(x > 0, x, 0.1 * x),
     lambda x: np.where(x > 0, 1.0, 0.1)),
])
def test_activation_and_grad_matches_the_textbook_derivatives(name, value, derivative):
    y, dy = d2l.activation_and_grad(d2l.ACTIVATIONS[name], X_POINTS)
    np.testing.assert_allclose(y, value(X_POINTS), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dy, derivative(X_POINTS), rtol=1e-5, atol=1e-7)
    # and against central finite differences in float64 of the NumPy formula
    h = 1e-4
    x64 = X_POINTS.astype(np.float64)
    finite = (value(x64 + h) - value(x64 - h)) / (2 * h)
    np.testing.assert_allclose(dy, finite, rtol=1e-3, atol=1e-4)


def test_relu_derivative_at_zero_is_mxnets_convention():
    _, dy = d2l.activation_and_grad(nd.relu, [0.0])
    assert dy.tolist() == [0.0]


def test_activation_and_grad_leaves_its_input_alone():
    x = nd.array([1.0, -2.0])
    d2l.activation_and_grad(nd.relu, x)
    assert x.grad is None and x.asnumpy().tolist() == [1.0, -2.0]


@pytest.mark.parametrize("fn, x, message", [
    (lambda x: x.sum(), [1.0, 2.0], "fn must be elementwise"),
    (nd.relu, [[1.0, 2.0]], "x must be 1-D"),
    ("relu", [1.0], "fn must be a function"),
])
def test_activation_and_grad_rejects_bad_input(fn, x, message):
    with pytest.raises((ValueError, TypeError), match=message):
        d2l.activation_and_grad(fn, x)


def test_plot_activations_draws_values_and_derivatives_with_labels():
    left, right = d2l.plot_activations({"relu": nd.relu, "tanh": nd.tanh})
    assert [line.get_label() for line in left.get_lines()] == ["relu", "tanh"]
    x, y = right.get_lines()[1].get_data()
    np.testing.assert_allclose(y, 1 - np.tanh(x) ** 2, rtol=1e-5, atol=1e-6)
    for ax in (left, right):
        assert ax.get_xlabel() and ax.get_ylabel()


def test_make_rings_is_a_seeded_disc_inside_a_ring():
    np.random.seed(3)
    before = np.random.rand()
    np.random.seed(3)
    X, y = d2l.make_rings(200, noise=0.0, seed=5)
    assert np.random.rand() == before  # the global generator did not move
    X, y = X.asnumpy(), y.asnumpy()
    assert X.shape == (200, 2) and X.dtype == np.float32 and y.shape == (200,)
    assert (y == 0).sum() == (y == 1).sum() == 100
    radius = np.linalg.norm(X, axis=1)
    assert radius[y == 0].max() <= 0.8 + 1e-6 and radius[y == 1].min() >= 1.2 - 1e-6
    again = d2l.make_rings(200, noise=0.0, seed=5)[0].asnumpy()
    assert np.array_equal(X, again)
    with pytest.raises(ValueError, match="n must be an int >= 2"):
        d2l.make_rings(1)


def test_decision_regions_show_the_predicted_class_on_a_grid():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.5, 1.0]], dtype=np.float32)
    y = np.array([0, 1, 1])

    def right_half(points):  # class 1 where x1 > 0, as two scores per point
        return nd.stack(-points[:, 0], points[:, 0], axis=1)

    ax = d2l.plot_decision_regions(right_half, X, y, resolution=10, margin=0.0)
    image = ax.get_images()[0].get_array()
    xs = np.linspace(-1, 1, 10)
    assert np.array_equal(image, np.tile(xs > 0, (10, 1)).astype(image.dtype))
    assert ax.get_xlabel() and ax.get_ylabel()
    labels_only = d2l.plot_decision_regions(lambda p: (p[:, 0] > 0), X, y, resolution=10,
                                            margin=0.0)
    assert np.array_equal(labels_only.get_images()[0].get_array(), image)


@pytest.mark.parametrize("predict, X, message", [
    (lambda p: p, np.zeros((3, 3)), "X must be .n, 2. and y .n,."),
    (lambda p: p.asnumpy(), np.zeros((3, 2)), "predict must return an NDArray"),
    (lambda p: p.reshape((-1,))[:5], np.zeros((3, 2)), "must return .m, classes. scores"),
])
def test_decision_regions_reject_bad_input(predict, X, message):
    with pytest.raises((ValueError, TypeError), match=message):
        d2l.plot_decision_regions(predict, X, np.zeros(3), resolution=4)


@pytest.mark.parametrize("sizes", [[784, 256, 10], [784, 300, 100, 10], [2, 1]])
def test_parameter_count_formula_matches_gluon(sizes):
    net = d2l.mlp_net(sizes[1:-1], num_outputs=sizes[-1])
    net.initialize()
    net(nd.zeros((1, sizes[0])))
    assert d2l.count_params(net) == d2l.mlp_param_count(sizes)


def test_parameter_counts_of_the_course_networks():
    assert d2l.mlp_param_count([784, 10]) == 7850
    assert d2l.mlp_param_count([784, 256, 10]) == 203530
    assert d2l.mlp_param_count([784, 300, 100, 10]) == 266610
    params = [nd.zeros((784, 256)), nd.zeros(256), nd.zeros((256, 10)), nd.zeros(10)]
    assert d2l.count_params(params) == 203530


def test_parameter_counts_reject_bad_input():
    net = d2l.mlp_net([4])
    net.initialize()
    with pytest.raises(ValueError, match="deferred initialisation.*call net.X. once"):
        d2l.count_params(net)
    with pytest.raises(TypeError, match="a Gluon block or a list of NDArrays"):
        d2l.count_params(nd.zeros(3))
    with pytest.raises(ValueError, match="sizes must be >= 2 positive ints"):
        d2l.mlp_param_count([784])
    for bad in ([784, 0, 10], [784, 2.5, 10]):
        with pytest.raises(ValueError, match=r"sizes\[1\] must be an int >= 1, got"):
            d2l.mlp_param_count(bad)
    with pytest.raises(ValueError, match=r"mlp_net: hidden\[1\] must be an int >= 1, got 0"):
        d2l.mlp_net([5, 0])
    assert d2l.mlp_param_count(np.array([784, 256, 10])) == 203530  # NumPy ints count


def test_mlp_net_computes_relu_layers_with_weights_stored_as_units_by_inputs():
    d2l.set_seed(1)
    net = d2l.mlp_net([5, 4], num_outputs=3)
    net.initialize(init.Normal(sigma=0.5))
    X = nd.random.normal(shape=(6, 1, 2, 4))  # flattened to 8 inputs by the first Dense
    out = net(X).asnumpy()
    shapes = [layer.weight.shape for layer in net]
    assert shapes == [(5, 8), (4, 5), (3, 4)]  # (units, in_units)
    h = X.asnumpy().reshape(6, 8)
    for i, layer in enumerate(net):
        h = h @ layer.weight.data().asnumpy().T + layer.bias.data().asnumpy()
        if i < 2:
            h = np.maximum(h, 0)
    np.testing.assert_allclose(out, h, rtol=1e-5, atol=1e-6)


def test_show_weights_draws_each_unit_with_zero_at_mid_grey():
    W = np.arange(6 * 4, dtype=np.float32).reshape(6, 4) - 5
    axes = d2l.show_weights(W, 2, 2, shape=(2, 2), titles=list("abcd"))
    assert len(axes) == 4 and axes[3].get_title() == "d"
    image = axes[1].get_images()[0]
    assert np.array_equal(image.get_array(), W[1].reshape(2, 2))
    assert image.get_clim() == (-2.0, 2.0) and image.get_cmap().name == "gray"
    with pytest.raises(ValueError, match="pass its transpose"):
        d2l.show_weights(W.T, 1, 2, shape=(2, 2))


def test_everything_is_exported_at_package_level():
    for name in mlp.__all__:
        assert getattr(d2l, name) is getattr(mlp, name)
