"""d2l_utils/data/loader.py: the in-memory iterators, on generated IDX files."""

import dataclasses

import mxnet as mx
import numpy as np
import pytest
from mxnet import gluon, nd
from mxnet.gluon.data.vision import transforms

import d2l_utils as d2l
from d2l_utils.data import DataIter, load_data, load_data_mnist, load_fashion_mnist_arrays, sources


@pytest.fixture(autouse=True)
def tiny_data_dir(request, monkeypatch):
    """Point D2L_DATA_DIR at the generated Fashion-MNIST stand-in a test uses."""
    for name in ("tiny_fashion", "tiny_fashion_gz"):
        if name in request.fixturenames:
            monkeypatch.setenv("D2L_DATA_DIR", str(request.getfixturevalue(name).files))


@pytest.fixture
def no_data(data_env, monkeypatch):
    """Fashion-MNIST nowhere: not even the system copy (and no network, data_env)."""
    bare = dataclasses.replace(sources.FASHION_MNIST, system_dirs=(), mirrors=())
    monkeypatch.setitem(sources.DATASETS, "fashion-mnist", bare)
    with pytest.raises(d2l.DataError, match="Fashion-MNIST not found"):
        d2l.load_data_fashion_mnist(10, download=False)


def index_of(tiny_images):
    """Map the bytes of an image (as float32/255 batch row) back to its index."""
    lookup = {img.tobytes(): i for i, img in enumerate(tiny_images)}
    return lambda X: [lookup[np.rint(x[0] * 255).astype(np.uint8).tobytes()] for x in X.asnumpy()]


def epoch_order(it, find):
    return [i for X, _ in it for i in find(X)]


def test_batches_shapes_dtypes_and_len(tiny_fashion):
    train, test = d2l.load_data_fashion_mnist(16)
    assert (len(train), len(test)) == (4, 2)  # 50 = 3*16 + 2, 20 = 16 + 4: last batch kept
    assert [X.shape[0] for X, _ in train] == [16, 16, 16, 2]
    assert [y.shape for _, y in test] == [(16,), (4,)]
    X, y = next(iter(test))
    assert (X.shape, X.dtype, y.dtype, X.context) == ((16, 1, 28, 28), np.float32, np.float32,
                                                      mx.cpu())
    assert "20 examples, batch_size=16, 2 batches, shuffle=False" in repr(test)


def test_test_batches_equal_the_file_scaled_exactly_like_gluon_totensor(tiny_fashion):
    _, test = d2l.load_data_fashion_mnist(8)
    images, labels = tiny_fashion.arrays[2:]
    X = nd.concat(*[X for X, _ in test], dim=0).asnumpy()
    y = nd.concat(*[y for _, y in test], dim=0).asnumpy()
    reference = transforms.ToTensor()(nd.array(images[..., None], dtype="uint8")).asnumpy()
    np.testing.assert_array_equal(X, reference)  # (N, 1, 28, 28), bit for bit
    np.testing.assert_array_equal(y, labels)
    assert [y.asnumpy().tolist() for _, y in test] == [y.tolist() for y in
                                                        (labels[:8], labels[8:16], labels[16:])]


def test_training_order_is_reshuffled_each_epoch_and_seedable(tiny_fashion_gz):
    find = index_of(tiny_fashion_gz.arrays[0])
    train, _ = d2l.load_data_fashion_mnist(16, seed=7)
    first, second = epoch_order(train, find), epoch_order(train, find)
    assert sorted(first) == sorted(second) == list(range(50))  # each example once per epoch
    assert first != second
    again, _ = d2l.load_data_fashion_mnist(16, seed=7)
    assert [epoch_order(again, find), epoch_order(again, find)] == [first, second]
    other, _ = d2l.load_data_fashion_mnist(16, seed=8)
    assert epoch_order(other, find) != first


def test_labels_follow_their_images_when_shuffled(tiny_fashion_gz):
    images, labels = tiny_fashion_gz.arrays[:2]
    find = index_of(images)
    train, _ = d2l.load_data_fashion_mnist(16, seed=1)
    for X, y in train:
        assert y.asnumpy().tolist() == labels[find(X)].tolist()


def test_without_seed_numpy_global_seed_decides(tiny_fashion_gz):
    find = index_of(tiny_fashion_gz.arrays[0])
    train, _ = d2l.load_data_fashion_mnist(10)
    np.random.seed(3)
    first = epoch_order(train, find)
    np.random.seed(3)
    assert epoch_order(train, find) == first


def test_test_order_is_fixed(tiny_fashion_gz):
    find = index_of(tiny_fashion_gz.arrays[2])
    _, test = d2l.load_data_fashion_mnist(6, seed=1)
    assert epoch_order(test, find) == epoch_order(test, find) == list(range(20))


def test_changing_a_batch_in_place_does_not_change_the_data(tiny_fashion_gz):
    train, test = d2l.load_data_fashion_mnist(50)
    for it in (train, test):
        X, y = next(iter(it))
        expected = sorted(X.asnumpy().sum(axis=(1, 2, 3)).tolist())
        X[:] = 0
        y[:] = 3
        X2, y2 = next(iter(it))
        assert sorted(X2.asnumpy().sum(axis=(1, 2, 3)).tolist()) == expected
        assert y2.asnumpy().tolist() != [3] * len(y2)


@pytest.mark.parametrize("resize, shape", [(36, (36, 36)), ((32, 40), (40, 32)),
                                           ([40, 32], (32, 40)), ((np.int64(9), 5), (5, 9))])
def test_resize_follows_gluon_resize_exactly(tiny_fashion_gz, resize, shape):
    """``resize`` means what it means to gluon's Resize: an int, or (width, height)."""
    _, test = d2l.load_data_fashion_mnist(20, resize=resize)
    X, _ = next(iter(test))
    assert (X.shape, X.dtype) == ((20, 1) + shape, np.float32)  # (B, 1, height, width)
    images = nd.array(tiny_fashion_gz.arrays[2][..., None], dtype="uint8")  # (N, 28, 28, 1)
    reference = transforms.Compose([transforms.Resize(resize), transforms.ToTensor()])
    expected = np.stack([reference(img).asnumpy() for img in images])
    assert expected.shape == X.shape
    np.testing.assert_allclose(X.asnumpy(), expected, rtol=0, atol=1e-6)  # same bilinear op


def test_ctx_places_data_and_batches(tiny_fashion_gz):
    train, _ = d2l.load_data_fashion_mnist(16, ctx=mx.cpu(0))
    X, y = next(iter(train))
    assert X.context == y.context == mx.cpu(0)


def test_labels_work_with_pick_loss_and_accuracy(tiny_fashion_gz):
    _, test = d2l.load_data_fashion_mnist(20)
    X, y = next(iter(test))
    y_hat = nd.one_hot(y, 10) * 5  # a perfect "prediction"
    np.testing.assert_allclose(nd.pick(nd.softmax(y_hat), y).asnumpy(),
                               nd.softmax(y_hat).max(axis=1).asnumpy())
    loss = gluon.loss.SoftmaxCrossEntropyLoss()(y_hat, y)
    np.testing.assert_allclose(loss.asnumpy(), np.full(20, np.log1p(9 * np.exp(-5))), rtol=1e-4)
    assert (y_hat.argmax(axis=1) == y).mean().asscalar() == 1.0  # dtypes agree
    assert (y_hat.argmax(axis=1) == y.astype("float32")).mean().asscalar() == 1.0  # d2lzh style


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "8"])
def test_batch_size_must_be_a_positive_int(tiny_fashion_gz, bad):
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        d2l.load_data_fashion_mnist(bad)


def test_dataiter_checks_lengths_and_handles_big_batches():
    X, y = nd.zeros((5, 1, 2, 2)), nd.arange(5)
    with pytest.raises(ValueError, match="5 images but 4 labels"):
        DataIter(X, y[:4], 2)
    it = DataIter(X, y, 100)
    assert len(it) == 1 and [b[0].shape[0] for b in it] == [5]


def test_dataiter_over_numpy_uint8_scales_each_batch():
    images = np.arange(6 * 4, dtype=np.uint8).reshape(6, 1, 2, 2) * 10
    it = DataIter(images, np.arange(6), 4)
    batches = list(it)
    assert [X.shape for X, _ in batches] == [(4, 1, 2, 2), (2, 1, 2, 2)]
    assert batches[0][0].dtype == np.float32
    np.testing.assert_array_equal(nd.concat(*[X for X, _ in batches], dim=0).asnumpy(),
                                  images.astype(np.float32) / 255)
    np.testing.assert_array_equal(batches[1][1].asnumpy(), [4, 5])
    with pytest.raises(ValueError, match="numpy images must be uint8, not float32"):
        DataIter(images.astype(np.float32), np.arange(6), 4)


@pytest.mark.parametrize("bad, error, message", [
    (0, ValueError, "resize must be positive, not 0"),
    ((28, -1), ValueError, r"resize must be positive, not \(28, -1\)"),
    (28.0, TypeError, "resize must be None, an int or a .width, height. pair of ints, "
                      "not float 28.0"),
    (True, TypeError, "resize must be None, an int or .* not bool True"),
    ("28", TypeError, "resize must be None, an int or .* not str '28'"),
    ((2.5, 3), TypeError, r"resize must be .* not \(2.5, 3\) \(holds a float\)"),
    ((28, True), TypeError, r"\(holds a bool\)"),
    ((28,), ValueError, r"resize must be an int or a \(width, height\) pair, not 1 values"),
    ((8, 8, 8), ValueError, r"resize must be an int or a \(width, height\) pair, not 3 values"),
])
def test_resize_is_checked_before_any_data_is_read(no_data, bad, error, message):
    with pytest.raises(error, match=message):  # not DataError: the data is not looked for
        d2l.load_data_fashion_mnist(10, resize=bad, download=False)


def test_keyword_collisions_and_unknown_keywords_are_clear(no_data, data_env):
    with pytest.raises(TypeError, match=r"load_data_fashion_mnist\(\) does not take verify=: "
                                        "loading always verifies every file"):
        d2l.load_data_fashion_mnist(256, verify=True)
    with pytest.raises(TypeError, match=r"load_fashion_mnist_arrays\(\) does not take verify="):
        load_fashion_mnist_arrays(verify=False)
    with pytest.raises(TypeError, match=r"load_data_fashion_mnist\(\) got an unexpected keyword "
                                        r"argument 'resise' \(it passes only download, "):
        d2l.load_data_fashion_mnist(256, resise=28)
    with pytest.raises(TypeError, match=r"load_data_mnist\(\) got an unexpected keyword "
                                        "argument 'dataset'"):
        load_data_mnist(256, dataset="fashion-mnist")
    assert data_env.calls == []


@pytest.mark.parametrize("root", [b"data", 7])
def test_root_must_be_a_path(no_data, root):
    with pytest.raises(TypeError, match=r"root must be a folder as str or os.PathLike .*, not "
                                        f"{type(root).__name__}: {root!r}"):
        d2l.load_data_fashion_mnist(256, root=root)


def test_get_fashion_mnist_labels_accepts_ints_arrays_and_nd():
    names = ["t-shirt", "trouser", "pullover", "dress", "coat",
             "sandal", "shirt", "sneaker", "bag", "ankle boot"]
    assert d2l.get_fashion_mnist_labels(range(10)) == names
    assert d2l.get_fashion_mnist_labels(9) == ["ankle boot"]
    assert d2l.get_fashion_mnist_labels(np.array([[0, 8]], dtype=np.uint8)) == ["t-shirt", "bag"]
    assert d2l.get_fashion_mnist_labels(nd.array([1, 7])) == ["trouser", "sneaker"]
    assert d2l.get_fashion_mnist_labels(nd.array([1, 7], dtype="int32")) == ["trouser", "sneaker"]
    assert d2l.get_fashion_mnist_labels([]) == []


@pytest.mark.parametrize("bad, error", [([10], ValueError), ([-1], ValueError),
                                        ([2.5], ValueError), ([np.nan], ValueError),
                                        (["a"], TypeError), ([True], TypeError)])
def test_get_fashion_mnist_labels_rejects_non_classes(bad, error):
    with pytest.raises(error, match="labels: "):
        d2l.get_fashion_mnist_labels(bad)


def test_numpy_arrays_for_notebook_01(tiny_fashion):
    got = load_fashion_mnist_arrays()
    assert [(a.shape, a.dtype) for a in got] == [((50, 28, 28), np.uint8), ((50,), np.uint8),
                                                 ((20, 28, 28), np.uint8), ((20,), np.uint8)]
    for a, b in zip(got, tiny_fashion.arrays, strict=True):
        np.testing.assert_array_equal(a, b)


def test_mnist_loads_through_the_same_code(tiny_mnist):
    train, test = load_data_mnist(32, root=tiny_mnist.files)
    assert (len(train), len(test)) == (2, 1)
    X, y = next(iter(test))
    np.testing.assert_array_equal(np.rint(X.asnumpy()[:, 0] * 255), tiny_mnist.arrays[2])
    np.testing.assert_array_equal(y.asnumpy(), tiny_mnist.arrays[3])
    assert load_data("mnist", 32, root=tiny_mnist.files)[1].num_examples == 20


def test_generator_is_what_shuffles_and_a_subset_can_have_its_own():
    images = np.zeros((20, 28, 28), dtype=np.uint8)
    labels = np.arange(20, dtype=np.float32)
    seeded = DataIter(images, labels, 5, shuffle=True, seed=3)
    assert isinstance(seeded.generator, np.random.Generator)
    assert DataIter(images, labels, 5, shuffle=True).generator is np.random
    view = seeded.subset(np.arange(10), seed=4)
    assert view.generator is not seeded.generator
    assert seeded.subset(np.arange(10)).generator is seeded.generator
