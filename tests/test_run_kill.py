"""kill -9 at the dangerous moments of a run (issue 24, points 2 and 11).

Each run is stopped at one moment by a fault point (``d2l_utils.safe_files.fault_point``:
the process stops itself there, so the kill lands exactly at that moment every time)
and killed with a real SIGKILL; the next run resumes.  After several kills in a row the
run folder must equal an uninterrupted run's: parameters, optimizer state, metrics, the
best checkpoint, and TensorBoard's steps, each logged once.
"""

import json
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import command, environment, stopped_at
from mxnet import nd

from d2l_utils.checkpoints import best_checkpoint, latest_checkpoint


def train(folder, *extra):
    done = subprocess.run(command(folder, *extra), env=environment(), capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    return done


def kill_at(fault, folder, *extra):
    """Run until the fault point ``fault`` stops the process; SIGKILL it there."""
    child = stopped_at(fault, folder, *extra)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    child.stderr_file.close()


def folder_state(folder):
    """Everything a resumed run must reproduce, from the run folder alone."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    checkpoints = folder / "checkpoints"
    latest = Path(latest_checkpoint(checkpoints))
    arrays = {f"{name}/{k}": v.asnumpy() for name in ("params", "trainer.params")
              for k, v in nd.load(str(latest / name)).items()}
    state = json.loads((latest / "state.json").read_text())
    del state["history"]["seconds"]  # wall-clock time
    events = EventAccumulator(str(folder / "logs"), size_guidance={"scalars": 0,
                                                                   "histograms": 0})
    events.Reload()
    logged = {tag: [(e.step, e.value) for e in events.Scalars(tag)]
              for tag in events.Tags()["scalars"]}
    logged.update({tag: [e.step for e in events.Histograms(tag)]
                   for tag in events.Tags()["histograms"]})
    return {"latest": latest.name, "best": Path(best_checkpoint(checkpoints)).name,
            "arrays": arrays, "trainer.json": json.loads((latest / "trainer.json").read_text()),
            "state.json": state, "logs": logged,
            "debris": sorted(n for n in os.listdir(checkpoints) if n.startswith(".tmp-"))}


def assert_same(got, want):
    assert got.keys() == want.keys()
    for key in want:
        if key == "arrays":
            assert got[key].keys() == want[key].keys()
            for name, a in want[key].items():
                assert np.array_equal(got[key][name], a), name
        else:
            assert got[key] == want[key], key


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, real_fashion_mnist):
    folder = tmp_path_factory.mktemp("kill") / "straight"
    train(folder)
    state = folder_state(folder)
    assert [step for step, _ in state["logs"]["loss/train"]] == [1, 2, 3, 4]
    assert state["logs"]["weights/0.weight"] == [1, 2, 3, 4]
    return state


def test_kills_at_every_dangerous_moment_in_a_row_end_as_an_uninterrupted_run(
        uninterrupted, tmp_path):
    folder = tmp_path / "killed"
    for fault in ("renamed@1",   # checkpoint 1 renamed into place, nothing after it done
                  "pruning@2",   # checkpoint 1 moved aside to be deleted, not yet deleted
                  "saving@3",    # half of checkpoint 3 written into its temporary folder
                  "written@3",   # all of it written and fsynced, not yet renamed
                  "logged@4"):   # epoch 4 in TensorBoard's log, not yet in a checkpoint
        kill_at(fault, folder)
    resumed = train(folder)
    assert resumed.stdout.startswith("took over the lock left by a process that has ended")
    assert "resumed from epoch-0003 (epoch 3, step 30)" in resumed.stdout
    assert_same(folder_state(folder), uninterrupted)


def test_a_kill_after_logging_an_epoch_that_every_2_does_not_save_logs_it_once(
        uninterrupted, tmp_path):
    folder = tmp_path / "every2"
    kill_at("logged@3", folder, "--every", 2)  # epoch 3 logged; the last checkpoint is epoch 2
    train(folder, "--every", 2)
    got = folder_state(folder)
    assert_same(got, uninterrupted)
