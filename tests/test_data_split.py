"""The training/validation split: disjoint, stratified, seeded, and views without copies."""

import numpy as np
import pytest
from mxnet import nd

from d2l_utils.data import DataIter, split_train_valid, stratified_indices


def labelled(n_per_class=(30, 30, 20, 10), seed=0):
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(len(n_per_class)), n_per_class))
    X = nd.array(np.arange(len(y), dtype=np.float32).reshape(-1, 1, 1, 1))  # X = own index
    return DataIter(X, y, batch_size=8, shuffle=True, seed=1), y


def test_indices_are_disjoint_complete_and_stratified():
    y = np.repeat(np.arange(10), 6000)
    train, valid = stratified_indices(y, 10000, seed=3)
    assert len(train) == 50000 and len(valid) == 10000
    assert len(np.union1d(train, valid)) == 60000 and len(np.intersect1d(train, valid)) == 0
    assert np.bincount(y[valid]).tolist() == [1000] * 10


def test_rounding_keeps_the_requested_size_and_the_class_shares():
    y = np.repeat(np.arange(3), [50, 30, 20])
    _, valid = stratified_indices(y, 15)
    assert len(valid) == 15
    assert np.bincount(y[valid]).tolist() == [8, 4, 3]  # 7.5, 4.5, 3.0: ties go to the first


def test_the_seed_picks_the_examples_and_the_global_generator_is_untouched():
    y = np.repeat(np.arange(4), 25)
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    a = stratified_indices(y, 20, seed=1)[1]
    assert (np.random.get_state()[1] == before).all()
    assert (stratified_indices(y, 20, seed=1)[1] == a).all()
    assert not (stratified_indices(y, 20, seed=2)[1] == a).all()


@pytest.mark.parametrize("size", [0, 90, 100, 2.5, True, "10"])
def test_a_bad_valid_size_is_rejected_with_the_allowed_range(size):
    with pytest.raises(ValueError, match=r"valid_size must be an int in \[1, 89\]"):
        stratified_indices(np.zeros(90), size)


def test_split_iterators_see_exactly_their_examples_and_share_the_images():
    data, y = labelled()
    train, valid = split_train_valid(data, valid_size=20, seed=0, batch_size=5)
    assert train.images is data.images and valid.images is data.images  # no copy
    seen_train = np.concatenate([X.asnumpy().ravel() for X, _ in train]).astype(int)
    seen_valid = np.concatenate([X.asnumpy().ravel() for X, _ in valid]).astype(int)
    assert len(seen_train) == 70 and len(seen_valid) == 20
    assert set(seen_train).isdisjoint(seen_valid)
    assert sorted(np.concatenate([seen_train, seen_valid]).tolist()) == list(range(90))
    labels = np.concatenate([lab.asnumpy() for _, lab in valid]).astype(int)
    assert (labels == y[seen_valid]).all()  # labels travel with their images
    assert np.bincount(labels).tolist() == [7, 7, 4, 2]
    assert len(valid) == 4 and valid.shuffle is False and train.shuffle is True


def test_the_validation_order_is_fixed_and_the_training_order_reshuffles():
    data, _ = labelled()
    train, valid = split_train_valid(data, valid_size=20)
    first = [X.asnumpy().ravel().tolist() for X, _ in valid]
    assert first == [X.asnumpy().ravel().tolist() for X, _ in valid]
    a, b = ([X.asnumpy().ravel().tolist() for X, _ in train] for _ in range(2))
    assert a != b and sorted(sum(a, [])) == sorted(sum(b, []))


def test_a_split_of_a_split_indexes_the_original_examples():
    data, _ = labelled()
    train, _ = split_train_valid(data, valid_size=20)
    small, _ = split_train_valid(train, valid_size=35)
    assert set(small.indices) <= set(train.indices) and len(small.indices) == 35


def test_split_needs_a_d2l_data_iterator():
    with pytest.raises(TypeError, match="train_iter must be a d2l DataIter"):
        split_train_valid([(nd.zeros((2, 1)), nd.zeros(2))])


def test_subset_rejects_bad_indices():
    data, _ = labelled()
    with pytest.raises(ValueError, match="non-empty and in"):
        data.subset(np.array([0, 90]))
    with pytest.raises(ValueError, match="distinct"):
        data.subset(np.array([1, 1]))
