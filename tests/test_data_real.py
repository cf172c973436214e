"""The real Fashion-MNIST, when present (skipped with a reason otherwise; FAILS under CI=true).

The set is read once per session (conftest ``real_fashion_mnist``).
"""

import gzip
import hashlib

import numpy as np
import pytest
from helpers import skip_or_fail
from mxnet import gluon, nd
from mxnet.gluon.data.vision import transforms

import d2l_utils as d2l

# The published values (Debian's copy has the same), not computed by our code.
SHA256 = {
    "train_images": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train_labels": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "test_images": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "test_labels": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception),
                                         ("", pytest.skip.Exception)])
def test_missing_real_data_skips_except_on_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="not present"):
        skip_or_fail("real data not present")


def test_files_hash_to_the_published_values(real_fashion_mnist):
    for role, path in real_fashion_mnist.location.paths.items():
        with open(path, "rb") as f:
            content = f.read()
        if path.endswith(".gz"):
            content = gzip.decompress(content)
        assert hashlib.sha256(content).hexdigest() == SHA256[role], path


def test_shapes_and_exact_class_balance(real_fashion_mnist):
    X_train, y_train, X_test, y_test = real_fashion_mnist.arrays
    assert [(a.shape, a.dtype) for a in real_fashion_mnist.arrays] == [
        ((60000, 28, 28), np.uint8), ((60000,), np.uint8),
        ((10000, 28, 28), np.uint8), ((10000,), np.uint8)]
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert d2l.get_fashion_mnist_labels(y_train[:3]) == ["ankle boot", "t-shirt", "t-shirt"]


class _FromArrays(gluon.data.vision.FashionMNIST):
    """Gluon's FashionMNIST fed with given arrays (its own _get_data would download)."""

    def __init__(self, images, labels, **kwargs):
        self._given = images, labels
        super().__init__(**kwargs)

    def _get_data(self):
        images, labels = self._given
        self._data = nd.array(images[..., None], dtype=images.dtype)  # (N, 28, 28, 1) uint8
        self._label = labels.astype(np.int32)


def test_test_batches_equal_gluons_pipeline(real_fashion_mnist):
    train, test = d2l.load_data_fashion_mnist(256, seed=0)
    assert (len(train), len(test)) == (235, 40)
    assert sum(X.shape[0] for X, _ in train) == 60000
    _, _, X_test, y_test = real_fashion_mnist.arrays
    dataset = _FromArrays(X_test, y_test, train=False)
    reference = gluon.data.DataLoader(dataset.transform_first(transforms.ToTensor()), 256)
    for (X, y), (X_ref, y_ref) in zip(test, reference, strict=True):
        np.testing.assert_array_equal(X.asnumpy(), X_ref.asnumpy())
        np.testing.assert_array_equal(y.asnumpy(), y_ref.asnumpy())
