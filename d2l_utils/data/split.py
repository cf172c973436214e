"""Holding data out: a stratified training/validation split as index views.

Introduced in chapters/05_hyperparameters.ipynb: settings are chosen on
validation data carved out of the training set, so the test set is touched
once, at the end.
"""

import numbers

import numpy as np

__all__ = ["stratified_indices", "split_train_valid"]


def stratified_indices(labels, valid_size, seed=0):
    """(train_idx, valid_idx): disjoint, sorted positions, each class in proportion.

    ``labels``: (N,) class indices (numpy or NDArray); ``valid_size``: how many
    examples to hold out (an int in [1, N-1]).  Each class gives
    ``valid_size * n_class / N`` examples, rounded so the total is exact
    (largest remainders first).  Which examples is drawn from a private
    generator seeded with ``seed``, so the split never moves the global seed.
    Introduced in chapters/05_hyperparameters.ipynb.
    """
    labels = labels.asnumpy() if hasattr(labels, "asnumpy") else np.asarray(labels)
    n = len(labels)
    if isinstance(valid_size, bool) or not isinstance(valid_size, numbers.Integral) \
            or not 0 < valid_size < n:
        raise ValueError(f"valid_size must be an int in [1, {n - 1}], got {valid_size!r}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    share = valid_size * counts / n
    take = np.floor(share).astype(int)
    short = valid_size - take.sum()
    take[np.argsort(-(share - take), kind="stable")[:short]] += 1
    valid = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:k]
                            for c, k in zip(classes, take, strict=True)])
    valid.sort()
    train = np.setdiff1d(np.arange(n), valid, assume_unique=True)
    return train, valid


def split_train_valid(train_iter, valid_size=10000, seed=0, batch_size=None):
    """Split a ``DataIter`` into (train_iter, valid_iter), stratified by class.

    Both are views of ``train_iter``'s arrays: only the index arrays are new.
    The training part reshuffles every epoch like ``train_iter``; the
    validation part keeps a fixed order.  ``batch_size`` (default: the
    original's) applies to the validation iterator.  With 60,000 images and
    ``valid_size=10000`` each class gives 5,000 training and 1,000 validation
    images.  Introduced in chapters/05_hyperparameters.ipynb.
    """
    if not hasattr(train_iter, "subset"):
        raise TypeError(f"split_train_valid: train_iter must be a d2l DataIter (from "
                        f"load_data_fashion_mnist), got {type(train_iter).__name__}")
    labels = train_iter.labels.asnumpy()
    if train_iter.indices is not None:
        labels = labels[train_iter.indices]
    train_idx, valid_idx = stratified_indices(labels, valid_size, seed)
    return (train_iter.subset(train_idx),
            train_iter.subset(valid_idx, shuffle=False, batch_size=batch_size))
