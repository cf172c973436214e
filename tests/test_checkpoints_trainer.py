"""The optimizer state is saved without pickle (issue 24, point 1): a run folder from
someone else can never run code on resume, and the state still resumes exactly."""

import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from helpers import data, mlp, train
from mxnet import autograd, gluon, nd

from d2l_utils.checkpoints import (
    CheckpointError,
    latest_checkpoint,
    load_checkpoint,
    parameter_names,
)
from d2l_utils.trainer_state import (
    load_trainer_state,
    optimizer_states,
    parameter_order,
    read_trainer_state,
    save_trainer_state,
)


def mxnet_state(trainer, path):
    """What MXNet's own save_states holds: (states {index: arrays}, optimizer)."""
    trainer.save_states(str(path))
    with open(path, "rb") as f:
        states, optimizer = pickle.load(f)  # our own file, written a line above
    arrays = {i: [a.asnumpy() for a in (s if isinstance(s, tuple) else (s,)) if a is not None]
              for i, s in states.items()}
    return arrays, optimizer


def take_steps(net, trainer, num_steps):
    """``num_steps`` updates of ``net`` on the first batches of ``data()``."""
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    for X, y in list(data()[0])[:num_steps]:
        with autograd.record():
            batch_loss = loss(net(X), y)
        batch_loss.backward()
        trainer.step(X.shape[0])


@pytest.mark.parametrize(("name", "kwargs", "arrays"), [
    ("adam", {"learning_rate": 0.01}, 8),  # two moments per parameter
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}, 4),
    ("sgd", {"learning_rate": 0.1}, 0),
])
def test_the_state_round_trips_as_mxnets_own_save_states_does(tmp_path, name, kwargs, arrays):
    net, _ = mlp()
    trainer = gluon.Trainer(net.collect_params(), name, kwargs)
    take_steps(net, trainer, 5)
    trainer.set_learning_rate(0.003)  # a changed rate is part of the state too
    save_trainer_state(trainer, tmp_path)
    fresh = gluon.Trainer(net.collect_params(), name, kwargs)
    load_trainer_state(fresh, read_trainer_state(tmp_path, fresh))
    want, want_opt = mxnet_state(trainer, tmp_path / "a.states")
    got, got_opt = mxnet_state(fresh, tmp_path / "b.states")
    assert want.keys() == got.keys() == {0, 1, 2, 3}
    assert sum(len(a) for a in want.values()) == arrays
    for i in want:
        assert all(np.array_equal(a, b) for a, b in zip(want[i], got[i], strict=True))
    assert got_opt.num_update == want_opt.num_update == 5
    assert got_opt._index_update_count == want_opt._index_update_count  # Adam's step t
    assert got_opt.lr == 0.003


def test_a_checkpoint_holds_no_pickle(tmp_path):
    train(tmp_path, 1)
    path = latest_checkpoint(tmp_path)
    assert sorted(os.listdir(path)) == ["params", "state.json", "trainer.json",
                                        "trainer.params"]
    for name in os.listdir(path):
        with open(os.path.join(path, name), "rb") as f:
            assert not f.read(1) == b"\x80", f"{name} looks like a pickle"
    assert json.load(open(os.path.join(path, "trainer.json")))["optimizer"] == "adam"


class Payload:
    """Unpickling this runs code: it creates the file ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_planted_in_a_run_folder_is_refused_and_never_run(tmp_path):
    train(tmp_path / "run", 1)
    path = latest_checkpoint(tmp_path / "run")
    for name in ("trainer.json", "trainer.params"):
        if os.path.exists(os.path.join(path, name)):
            os.unlink(os.path.join(path, name))
    marker = tmp_path / "the payload ran"
    with open(os.path.join(path, "trainer.states"), "wb") as f:
        pickle.dump(Payload(str(marker)), f)
    net, trainer = mlp()
    net(nd.ones((2, 16)))
    with pytest.raises(CheckpointError, match="trainer.states, MXNet's pickle format.*can run "
                                              "any code, so it is not loaded"):
        load_checkpoint(path, net, trainer=trainer)
    assert not marker.exists()
    load_checkpoint(path, net)  # the weights alone (predict) still load


@pytest.mark.parametrize(("damage", "message"), [
    (lambda p: os.unlink(p / "trainer.params"), r"optimizer state cannot be read \(.*Error: "
                                                r"\S"),
    (lambda p: (p / "trainer.params").write_bytes(b"garbage"), r"cannot be read \(MXNetError: "
                                                               r"\S"),
    (lambda p: (p / "trainer.json").write_text("{}"), "not an optimizer state of format 1"),
    (lambda p: (p / "trainer.json").write_text('{"format": 1, "num_update": -3}'),
     "num_update must be an int >= 0, got -3"),
])
def test_a_damaged_optimizer_state_is_one_clear_error_and_nothing_is_loaded(tmp_path, damage,
                                                                            message):
    train(tmp_path, 1)
    path = latest_checkpoint(tmp_path)
    damage(Path(path))
    net, trainer = mlp()
    net(nd.ones((2, 16)))
    before = {k: v.data().asnumpy() for k, v in net.collect_params().items()}
    with pytest.raises(CheckpointError, match=message) as err:
        load_checkpoint(path, net, trainer=trainer)
    assert "\n" not in str(err.value) and "Traceback" not in str(err.value)
    assert all(np.array_equal(v, net.collect_params()[k].data().asnumpy())
               for k, v in before.items())


def two_layers(first, second):
    """784-8-3 with the given layer prefixes: the same network under other Gluon names."""
    net = gluon.nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(gluon.nn.Dense(8, activation="relu", prefix=first),
                gluon.nn.Dense(3, prefix=second))
    net.initialize()
    net(nd.ones((2, 16)))
    return net


def test_the_state_resumes_onto_the_same_parameters_in_another_trainer_order(tmp_path):
    """A Trainer sorts a ParameterDict by the prefixed names: 'dense10_' comes before
    'dense9_', so after more layers were built, the same network has another order."""
    net_a, net_b = two_layers("dense9_", "dense10_"), two_layers("dense1_", "dense2_")
    names_a, names_b = parameter_names(net_a), parameter_names(net_b)
    trainer_a = gluon.Trainer(net_a.collect_params(), "adam", {"learning_rate": 0.01})
    trainer_b = gluon.Trainer(net_b.collect_params(), "adam", {"learning_rate": 0.01})
    # what parameter_order relies on: Trainer._params is the sorted ParameterDict
    assert parameter_order(trainer_a, names_a) == ["1.bias", "1.weight", "0.bias", "0.weight"]
    assert parameter_order(trainer_b, names_b) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    take_steps(net_a, trainer_a, 3)
    save_trainer_state(trainer_a, tmp_path, names_a)
    load_trainer_state(trainer_b, read_trainer_state(tmp_path, trainer_b, names_b))
    states_a, states_b = optimizer_states(trainer_a)[0], optimizer_states(trainer_b)[0]
    order_a = parameter_order(trainer_a, names_a)
    for j, name in enumerate(parameter_order(trainer_b, names_b)):
        i = order_a.index(name)
        for a, b in zip(states_a[i], states_b[j], strict=True):  # Adam's two moments
            assert np.array_equal(a.asnumpy(), b.asnumpy()), name
