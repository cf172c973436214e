"""Checkpoints: round trips, keep-last-K-and-best, atomic saves (even under SIGKILL),
exact resume, and clear errors for a checkpoint that does not fit the network."""

import os
import random
import subprocess
import sys
import textwrap

import mxnet as mx
import numpy as np
import pytest
from helpers import data, fake_state, mlp, train
from mxnet import gluon, nd
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l
from d2l_utils.checkpoints import (
    Checkpoint,
    CheckpointError,
    best_checkpoint,
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    structural_parameters,
)


def weights(net):
    return {k: v.data().asnumpy() for k, v in structural_parameters(net).items()}


def test_a_run_resumed_at_an_epoch_boundary_ends_bit_identical(tmp_path):
    """Dropout (MXNet's generator), shuffling (NumPy's) and Adam's state all resume."""
    straight, _, h_straight = train(tmp_path / "a", 5)
    train(tmp_path / "b", 2)  # interrupted after epoch 2 ...
    resumed, _, h_resumed = train(tmp_path / "b", 5)  # ... and started again
    for name, w in weights(straight).items():
        assert np.array_equal(w, weights(resumed)[name]), name
    assert h_resumed.train_loss == h_straight.train_loss
    assert h_resumed.valid_acc == h_straight.valid_acc and len(h_resumed.valid_acc) == 5


def test_resume_works_for_a_from_scratch_model_too(tmp_path):
    def run(folder, num_epochs):
        d2l.set_seed(3)
        train_iter, valid_iter = data()
        W, b = nd.random.normal(scale=0.1, shape=(16, 3)), nd.zeros(3)
        W.attach_grad()
        b.attach_grad()
        net = lambda X: nd.dot(X.reshape((-1, 16)), W) + b
        d2l.train_ch3(net, train_iter, valid_iter, gloss.SoftmaxCrossEntropyLoss(),
                      num_epochs, 32, [W, b], 0.1, callbacks=[Checkpoint(folder)],
                      verbose=False)
        return W.asnumpy(), b.asnumpy()

    straight = run(tmp_path / "a", 4)
    run(tmp_path / "b", 1)
    resumed = run(tmp_path / "b", 4)
    assert all(np.array_equal(s, r) for s, r in zip(straight, resumed, strict=True))


def test_resume_says_where_it_started(tmp_path, capsys):
    train(tmp_path, 2)
    capsys.readouterr()
    train(tmp_path, 3)
    assert capsys.readouterr().out.strip() == "resumed from epoch-0002 (epoch 2, step 16)"


def test_keeps_the_last_k_and_the_best(tmp_path):
    net, trainer = mlp()
    net(nd.ones((2, 16)))
    cp = Checkpoint(tmp_path, keep=2)
    accs = [0.5, 0.9, 0.6, 0.7, 0.8, 0.85]
    for k in range(1, len(accs) + 1):
        cp.save(fake_state(net, trainer, accs[:k]))
    assert [e for e, _ in list_checkpoints(tmp_path)] == [2, 5, 6]
    assert best_checkpoint(tmp_path) == str(tmp_path / "epoch-0002")
    assert latest_checkpoint(tmp_path) == str(tmp_path / "epoch-0006")
    assert sorted(os.listdir(tmp_path)) == ["epoch-0002", "epoch-0005", "epoch-0006"]


def test_a_failed_save_leaves_the_previous_checkpoint_and_no_debris(tmp_path, monkeypatch):
    net, trainer = mlp()
    net(nd.ones((2, 16)))
    cp = Checkpoint(tmp_path)
    cp.save(fake_state(net, trainer, [0.5]))
    before = {n: open(tmp_path / "epoch-0001" / n, "rb").read()
              for n in os.listdir(tmp_path / "epoch-0001")}

    def disk_full(path):
        open(path, "wb").write(b"half")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(trainer, "save_states", disk_full)
    with pytest.raises(OSError, match="No space left"):
        cp.save(fake_state(net, trainer, [0.5, 0.6]))
    assert sorted(os.listdir(tmp_path)) == ["epoch-0001"]
    assert {n: open(tmp_path / "epoch-0001" / n, "rb").read()
            for n in os.listdir(tmp_path / "epoch-0001")} == before


def test_a_kill_mid_save_leaves_the_previous_checkpoint_and_the_next_run_resumes(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from helpers import mlp, fake_state
        from d2l_utils.checkpoints import Checkpoint
        from mxnet import nd
        net, trainer = mlp()
        net(nd.ones((2, 16)))
        cp = Checkpoint({str(tmp_path)!r})
        cp.save(fake_state(net, trainer, [0.5]))
        trainer.save_states = lambda path: os.kill(os.getpid(), signal.SIGKILL)
        cp.save(fake_state(net, trainer, [0.5, 0.6]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == -9, done.stderr
    names = os.listdir(tmp_path)
    assert "epoch-0001" in names and "epoch-0002" not in names
    assert any(n.startswith(".tmp-epoch-0002") for n in names)  # the killed save's debris
    assert latest_checkpoint(tmp_path) == str(tmp_path / "epoch-0001")
    net, trainer = mlp()
    state = fake_state(net, trainer, [])
    Checkpoint(tmp_path).on_train_begin(state)
    assert state.epoch == 1 and state.step == 10
    assert not any(n.startswith(".tmp-") for n in os.listdir(tmp_path))


def test_loading_into_a_network_of_another_shape_names_the_parameter_and_both_shapes(tmp_path):
    net, trainer, _ = train(tmp_path, 1)
    other, other_trainer = mlp(hidden=12)
    before = weights(other) if other(nd.ones((2, 16))) is not None else None
    with pytest.raises(CheckpointError, match=r"parameter '0.weight' has shape \(8, 16\) in "
                                              r"the checkpoint but \(12, 16\) in the network"):
        load_checkpoint(latest_checkpoint(tmp_path), other, trainer=other_trainer)
    assert all(np.array_equal(w, weights(other)[k]) for k, w in before.items())  # untouched


def test_loading_into_a_network_with_other_layers_names_the_missing_parameter(tmp_path):
    train(tmp_path, 1)
    net = nn.HybridSequential()
    net.add(nn.Dense(8))  # the first layer fits; the second is missing
    net.initialize()
    with pytest.raises(CheckpointError, match=r"parameters \['2.bias', '2.weight'\] are not in "
                                              r"the network"):
        load_checkpoint(latest_checkpoint(tmp_path), net)


def test_a_damaged_checkpoint_is_an_error_that_says_what_to_do(tmp_path):
    train(tmp_path, 1)
    path = latest_checkpoint(tmp_path)
    os.unlink(os.path.join(path, "state.json"))
    net, _ = mlp()
    with pytest.raises(CheckpointError, match="not a readable checkpoint .*train anew"):
        load_checkpoint(path, net)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"every": 0}, "every must be an int >= 1"),
    ({"keep": "2"}, "keep must be an int >= 1"),
    ({"monitor": "loss"}, "monitor must be"),
])
def test_bad_arguments_are_named(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Checkpoint(tmp_path, **kwargs)


def test_structural_parameters_are_the_names_save_parameters_writes(tmp_path):
    """MXNet 1.9 has no public API for these names: pin the private one we read."""
    inner = nn.HybridSequential()
    inner.add(nn.Dense(4, activation="relu"), nn.BatchNorm())
    net = nn.HybridSequential()
    net.add(inner, nn.Dropout(0.5), nn.Dense(3))
    net.initialize()
    net(nd.ones((2, 5)))
    net.save_parameters(str(tmp_path / "p"))
    names = structural_parameters(net)
    assert sorted(names) == sorted(nd.load(str(tmp_path / "p")))
    assert "0.0.weight" in names and "0.1.running_mean" in names and "2.bias" in names
    assert all(isinstance(p, gluon.Parameter) for p in names.values())


@pytest.mark.parametrize(("mask", "file_mode", "folder_mode"),
                         [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775)])
def test_checkpoint_files_and_folders_get_the_normal_permissions(tmp_path, mask, file_mode,
                                                                 folder_mode):
    """Not mkstemp's 0600 and mkdtemp's 0700: a classmate or a grader can read them."""
    net, trainer = mlp()
    net(nd.ones((2, 16)))
    old = os.umask(mask)
    try:
        Checkpoint(tmp_path / "run").save(fake_state(net, trainer, [0.5]))
    finally:
        os.umask(old)
    folder = tmp_path / "run" / "epoch-0001"
    assert {os.stat(p).st_mode & 0o777 for p in (tmp_path / "run", folder)} == {folder_mode}
    assert sorted(os.listdir(folder)) == ["params", "state.json", "trainer.json",
                                          "trainer.params"]
    assert {os.stat(folder / n).st_mode & 0o777 for n in os.listdir(folder)} == {file_mode}


def test_load_checkpoint_restores_the_global_random_states_only_when_asked(tmp_path):
    net, trainer = mlp()
    net(nd.ones((2, 16)))
    np.random.seed(11)
    random.seed(11)
    Checkpoint(tmp_path).save(fake_state(net, trainer, [0.5]))
    saved_next = (np.random.rand(), random.random())  # what follows the saved states
    path = latest_checkpoint(tmp_path)
    np.random.seed(12)
    random.seed(12)
    numpy_state, python_state = np.random.get_state(), random.getstate()
    load_checkpoint(path, net)  # e.g. `python -m d2l_utils.run predict`
    assert random.getstate() == python_state
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state,
                                                    strict=True))
    load_checkpoint(path, net, restore_random_state=True)  # what resuming does
    assert (np.random.rand(), random.random()) == saved_next


def draws(n=4):
    return nd.random.uniform(shape=(n,)).asnumpy()


def test_checkpoint_reseeds_mxnet_only_when_given_a_seed(tmp_path):
    net, trainer = mlp()
    state = fake_state(net, trainer, [0.5, 0.6])  # epoch 2
    mx.random.seed(5)
    expected = draws()
    mx.random.seed(5)
    Checkpoint(tmp_path).on_epoch_begin(state)
    assert np.array_equal(draws(), expected)  # the default leaves MXNet's generator alone
    Checkpoint(tmp_path, seed=3).on_epoch_begin(state)
    got = draws()
    mx.random.seed(3 * 100003 + 2)
    assert np.array_equal(got, draws())  # seed and epoch decide what follows
    with pytest.raises(ValueError, match="Checkpoint: seed must be an int >= 0, got -1"):
        Checkpoint(tmp_path, seed=-1)
