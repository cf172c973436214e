"""d2l_utils against the first edition's own package, d2lzh 1.0.0 (PyPI, Apache-2.0).

The reference is d2lzh's ``utils.py``, from the sdist that ``make d2lzh-reference``
(tools/d2lzh_reference.py) puts in the course's cache, checked by its SHA-256;
no test reaches the network.
For every helper that the book's sections 3.1-3.13, 5.5-5.10 and 7.1-7.8 call:
the same name, a signature that takes every book call (the book's parameters,
in its order, with its defaults; anything more has a default), and the same
numbers from the same seed where the computation is deterministic.  Each
deliberate difference is listed in ``DELIBERATE`` with its reason (also in
the helper's docstring), and the test fails if a listed one disappears.
"""

import importlib.util
import inspect
import os
import random
import re
import tarfile
import warnings

import d2lzh_reference
import mxnet as mx
import numpy as np
import pytest
from helpers import skip_or_fail, synthetic_airfoil, write_airfoil
from matplotlib import pyplot as plt
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import nn

import d2l_utils as d2l
from d2l_utils import airfoil

# Every d2lzh helper the book's sections 3.1-3.13, 5.5-5.10 and 7.1-7.8 call (checked by
# reading each section's code), plus show_images, which the book's later chapters index.
BOOK_HELPERS = [
    "data_iter", "linreg", "squared_loss", "sgd", "use_svg_display", "set_figsize", "plt",
    "semilogy", "get_fashion_mnist_labels", "show_fashion_mnist", "load_data_fashion_mnist",
    "evaluate_accuracy", "train_ch3", "try_gpu", "train_ch5", "train_2d", "show_trace_2d",
    "get_data_ch7", "train_ch7", "train_gluon_ch7", "show_images",
]

# (helper, parameter): why ours differs from d2lzh's signature.  Book calls still work.
DELIBERATE = {
    ("evaluate_accuracy", "ctx"): "default None, the net's own context (d2lzh: [mx.cpu()]); "
                                  "on a CPU the same result",
    ("load_data_fashion_mnist", "root"): "default None: the data is looked for (argument, "
                                         "D2L_DATA_DIR, cache, system copy), not only in "
                                         "~/.mxnet/datasets/fashion-mnist",
    ("show_images", "titles"): "the fourth place holds titles; a number there is still the "
                               "book's scale",
    ("show_images", "scale"): "default 1.5 (d2lzh: 2) so grids fit a slide; keyword or fourth",
}
# Deliberate differences in behaviour rather than signature (see each docstring):
# get_data_ch7 keeps the book's first 1,500 rows (d2lzh 1.0.0: all 1,503) and looks for the
# file; show_images returns the axes flattened (d2lzh: pyplot's 2-D grid); sgd runs as one
# fused operator (the same numbers to float32 rounding); train_ch5, train_ch7 and
# train_gluon_ch7 run through train_ch3.


@pytest.fixture(scope="session")
def d2lzh():
    """d2lzh 1.0.0's utils module, imported from its verified sdist (make d2lzh-reference)."""
    missing = d2lzh_reference.problem()
    if missing:
        skip_or_fail(missing, "the d2lzh parity tests")
    sdist = d2lzh_reference.sdist_path()
    folder = sdist.parent
    with tarfile.open(sdist) as tar:
        source = tar.extractfile("d2lzh-1.0.0/d2lzh/utils.py").read()
    path = os.path.join(folder, "d2lzh_1_0_0_utils.py")
    with open(path, "wb") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("d2lzh_1_0_0_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def no_figures():
    plt.close("all")
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- names
@pytest.mark.parametrize("name", BOOK_HELPERS)
def test_every_book_helper_exists_in_both(d2lzh, name):
    assert hasattr(d2lzh, name), f"{name} is not a d2lzh 1.0.0 helper: fix BOOK_HELPERS"
    assert hasattr(d2l, name), f"d2l_utils has no {name}: book code calling d2l.{name} fails"


def test_plt_is_pyplot_in_both(d2lzh):
    assert d2l.plt is d2lzh.plt is plt


# ----------------------------------------------------------------------------- signatures
def signature_differences(name, book_fn, our_fn):
    """(name, parameter) pairs where our signature departs from the book's."""
    book = list(inspect.signature(book_fn).parameters.values())
    ours = list(inspect.signature(our_fn).parameters.values())
    positional = [p for p in ours if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    found = set()
    for i, b in enumerate(book):
        o = positional[i] if i < len(positional) else None
        if o is None or o.name != b.name:
            found.add((name, o.name if o is not None else b.name))
            if o is not None and b.name in (p.name for p in ours):
                found.add((name, b.name))
        elif o.default != b.default and o.default is not b.default:
            found.add((name, b.name))
    for p in ours[len(book):]:
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            found.add((name, p.name))  # a new required parameter breaks book calls
    return found


@pytest.mark.parametrize("name", [n for n in BOOK_HELPERS if n != "plt"])
def test_signatures_take_every_book_call(d2lzh, name):
    found = signature_differences(name, getattr(d2lzh, name), getattr(d2l, name))
    listed = {key for key in DELIBERATE if key[0] == name}
    assert found - listed == set(), f"undocumented signature differences: {found - listed}"
    assert listed - found == set(), f"listed in DELIBERATE but not different: {listed - found}"


def test_show_images_takes_the_books_positional_scale():
    imgs = [np.zeros((4, 4))] * 4
    axes = d2l.show_images(imgs, 2, 2, 0.8)  # the book's show_images(imgs, rows, cols, scale)
    assert list(axes[0].figure.get_size_inches()) == pytest.approx([1.6, 1.6])
    assert len(axes.flatten()) == 4  # the book's show_images(...).flatten()
    with pytest.raises(ValueError, match="scale twice"):
        d2l.show_images(imgs, 2, 2, 0.8, scale=1.0)


# ----------------------------------------------------------------------------- numbers
def test_linreg_and_squared_loss_give_the_same_numbers(d2lzh):
    mx.random.seed(0)
    X, w, b = nd.random.normal(shape=(7, 3)), nd.random.normal(shape=(3, 1)), nd.array([0.5])
    y = nd.random.normal(shape=(7,))
    assert (d2l.linreg(X, w, b) == d2lzh.linreg(X, w, b)).min() == 1
    y_hat = d2l.linreg(X, w, b)
    assert (d2l.squared_loss(y_hat, y) == d2lzh.squared_loss(y_hat, y)).min() == 1


def test_data_iter_gives_the_same_batches_from_the_same_seed(d2lzh):
    features, labels = nd.arange(46).reshape((23, 2)), nd.arange(23)
    random.seed(3)
    ours = list(d2l.data_iter(5, features, labels))
    random.seed(3)
    book = list(d2lzh.data_iter(5, features, labels))
    assert len(ours) == len(book) == 5
    for (X, y), (bX, by) in zip(ours, book, strict=True):
        assert (X == bX).min() == 1 and (y == by).min() == 1


def test_sgd_gives_the_same_step(d2lzh):
    mx.random.seed(1)
    params = [nd.random.normal(shape=(5, 3)), nd.random.normal(shape=(3,))]
    copies = [p.copy() for p in params]
    X = nd.random.normal(shape=(8, 5))
    for group in (params, copies):
        for p in group:
            p.attach_grad()
        with autograd.record():
            loss = (nd.dot(X, group[0]) + group[1]).tanh().sum()
        loss.backward()
    d2l.sgd(params, 0.1, 8)
    d2lzh.sgd(copies, 0.1, 8)
    for p, c in zip(params, copies, strict=True):
        # one fused operator (lr * rescale * grad) against four: float32 rounding at most
        np.testing.assert_allclose(p.asnumpy(), c.asnumpy(), rtol=1e-6, atol=1e-7)


def small_classifier():
    mx.random.seed(2)
    net = nn.Sequential()
    net.add(nn.Dense(16, activation='relu'), nn.Dense(4))
    net.initialize(init.Xavier())
    X = nd.random.normal(shape=(90, 6))
    y = (X[:, 0] > 0) + 2 * (X[:, 1] > 0)
    batches = [(X[i:i + 32], y[i:i + 32]) for i in range(0, 90, 32)]
    return net, batches


def test_evaluate_accuracy_gives_the_same_number(d2lzh):
    net, batches = small_classifier()
    for args in ((), (mx.cpu(),), ([mx.cpu()],)):
        assert d2l.evaluate_accuracy(batches, net, *args) == d2lzh.evaluate_accuracy(
            batches, net, *args)


def test_get_fashion_mnist_labels_gives_the_same_names(d2lzh):
    labels = np.arange(10)  # the book passes y.asnumpy(); ours takes NDArrays too
    assert d2l.get_fashion_mnist_labels(labels) == d2lzh.get_fashion_mnist_labels(labels)
    assert d2l.get_fashion_mnist_labels(nd.array(labels)) == d2l.get_fashion_mnist_labels(labels)


@pytest.mark.slow  # trains
def test_train_ch5_prints_the_same_numbers_from_the_same_seed(d2lzh, capsys):
    outputs = []
    for module in (d2l, d2lzh):
        net, batches = small_classifier()
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
        module.train_ch5(net, batches, batches, 32, trainer, mx.cpu(), 3)
        outputs.append(re.sub(r"time [\d.]+ sec", "time T sec", capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines()[0] == 'training on cpu(0)' and len(outputs[0].splitlines()) == 4


def test_train_2d_and_show_trace_2d_draw_the_same_path(d2lzh, capsys):
    def gd_2d(x1, x2, s1, s2):
        return (x1 - 0.1 * 2 * x1, x2 - 0.1 * 4 * x2, 0, 0)

    def f_2d(x1, x2):
        return x1 ** 2 + 2 * x2 ** 2

    ours, book = d2l.train_2d(gd_2d), d2lzh.train_2d(gd_2d)
    out = capsys.readouterr().out.splitlines()
    assert ours == book and out[0] == out[1]
    drawn = []
    for module, res in ((d2l, ours), (d2lzh, book)):
        plt.figure()
        module.show_trace_2d(f_2d, res)
        ax = plt.gca()
        [path] = ax.get_lines()
        levels = [c.get_paths()[0].vertices.tolist() for c in ax.collections if c.get_paths()]
        drawn.append((path.get_xydata().tolist(), path.get_color(), path.get_marker(),
                      levels, ax.get_xlabel(), ax.get_ylabel()))
    assert drawn[0] == drawn[1]


def test_semilogy_draws_the_same_curves(d2lzh):
    xs, train, test = range(1, 6), [1.0, 0.5, 0.2, 0.1, 0.05], [1.0, 0.6, 0.4, 0.35, 0.3]
    drawn = []
    for module in (d2l, d2lzh):
        plt.figure()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # d2lzh's plt.show() under Agg
            module.semilogy(xs, train, 'epochs', 'loss', xs, test, ['train', 'test'])
        ax = plt.gca()
        drawn.append([(line.get_xydata().tolist(), line.get_linestyle())
                      for line in ax.get_lines()] + [ax.get_yscale(), ax.get_ylabel()])
    assert drawn[0] == drawn[1]


@pytest.mark.slow  # trains
def test_train_ch7_and_train_gluon_ch7_give_the_books_losses(d2lzh, tmp_path, monkeypatch,
                                                           capsys):
    """Same seed, same data: the loss records of d2lzh's own loops, to float32 rounding."""
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path))
    write_airfoil(tmp_path / airfoil.FILE_NAME, synthetic_airfoil())
    features, labels = d2l.get_data_ch7()

    def sgd(params, states, hyperparams):
        for p in params:
            p[:] -= hyperparams['lr'] * p.grad

    for call in (lambda m: m.train_ch7(sgd, None, {'lr': 0.05}, features, labels, 10, 2),
                 lambda m: m.train_gluon_ch7('sgd', {'learning_rate': 0.05}, features, labels)):
        records = []
        for module in (d2l, d2lzh):
            d2l.set_seed(4)
            plt.figure()
            call(module)
            records.append(plt.gca().get_lines()[0].get_ydata())
            capsys.readouterr()
        assert len(records[0]) == len(records[1]) == 31
        np.testing.assert_allclose(records[0], records[1], rtol=1e-5)


def test_get_data_ch7_is_the_books_first_1500_rows_of_d2lzhs(d2lzh, tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    write_airfoil(tmp_path / "data" / airfoil.FILE_NAME, synthetic_airfoil())
    (tmp_path / "nb").mkdir()
    monkeypatch.chdir(tmp_path / "nb")  # d2lzh reads ../data/airfoil_self_noise.dat
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("D2L_DATA_DIR", raising=False)
    book_X, book_y = d2lzh.get_data_ch7()
    X, y = d2l.get_data_ch7()
    assert book_X.shape == (1503, 5) and X.shape == (1500, 5)
    assert (X == book_X[:1500]).min() == 1 and (y == book_y[:1500]).min() == 1
