"""The random states a checkpoint saves: what random_state reads of a data iterator."""

import json

import numpy as np
from mxnet import nd

from d2l_utils.data import DataIter
from d2l_utils.random_state import check_random_state, get_random_state, set_random_state


def orders(data_iter):
    return [y.asnumpy().tolist() for _, y in data_iter]


def make_iter(seed):
    X = nd.arange(40).reshape((20, 2))
    return DataIter(X, np.arange(20, dtype=np.float32), 5, shuffle=True, seed=seed)


def test_a_seeded_iterators_shuffling_resumes_from_the_saved_state():
    it = make_iter(seed=3)
    orders(it)  # one epoch: the generator has moved
    saved = json.loads(json.dumps(get_random_state([it])))  # as state.json holds it
    want = orders(it)
    orders(it)
    set_random_state(check_random_state(saved, [it]), [it])
    assert orders(it) == want


def test_an_iterator_without_its_own_seed_has_no_state_of_its_own():
    """It shuffles with NumPy's global generator, which is saved with the rest."""
    np.random.seed(0)
    it = make_iter(seed=None)
    saved = get_random_state([it])
    assert saved["data_iters"] == [None]
    want = orders(it)
    set_random_state(check_random_state(saved, [it]), [it])
    assert orders(it) == want
