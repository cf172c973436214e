"""Faults from outside a training process (issue 24, points 5 and 6): a second process on the
same run folder, a read-only folder, a full disk, Ctrl-C.  Each is one error line, exit
status 2, and the checkpoints written before stay usable."""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from helpers import command, environment, stopped_at

from d2l_utils.checkpoints import list_checkpoints, read_state
from d2l_utils.run import main


def error_line(done):
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    return done.stderr.strip()


def test_a_second_process_stops_at_once_naming_the_first_and_a_stale_lock_is_taken_over(
        tmp_path, capsys, real_fashion_mnist):
    folder = tmp_path / "run"
    first = stopped_at("logged@1", folder)  # training, holding the lock
    try:
        assert main(["train", "--run-dir", str(folder), "--epochs", "3"]) == 2
        err = capsys.readouterr().err
        assert re.fullmatch(rf"error: {folder} is in use by another training process \(pid "
                            rf"{first.pid} on \S+, since [\d :-]+\); wait for it to end or stop "
                            r"it, or use another --run-dir\n", err), err
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    done = subprocess.run(command(folder), env=environment(), capture_output=True, text=True,
                          check=False, timeout=900)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ("took over the lock left by a process that has "
                                           f"ended (pid {first.pid} on "
                                           + done.stdout.split(" on ", 1)[1].split("\n")[0])
    assert not (folder / ".lock").exists()


def test_ctrl_c_says_where_to_resume_from(tmp_path, real_fashion_mnist):
    folder = tmp_path / "run"
    child = stopped_at("logged@2", folder, stdout=subprocess.PIPE)  # checkpoint 1 is written
    os.kill(child.pid, signal.SIGINT)
    os.kill(child.pid, signal.SIGCONT)
    out, _ = child.communicate(timeout=120)
    child.stderr_file.seek(0)
    err = child.stderr_file.read()
    assert child.returncode == 2, err
    assert re.fullmatch(rf"error: interrupted; the last checkpoint is {folder}/checkpoints/"
                        r"epoch-0001; resume from it with: python -m d2l_utils\.run train "
                        rf"--run-dir {folder} --epochs 4 .*--no-progress\n", err), err
    assert not (folder / ".lock").exists()


def run_confined(folder, how, run, *extra):
    """Train in ``run`` with ``folder`` read-only, or with ``run`` on a full disk.

    As root (permission bits do not stop root) a private mount namespace does it: a
    read-only bind mount, or a 200 KB tmpfs, whose content is copied to ``run``-after when
    the process ends (the tmpfs goes with the namespace).  Otherwise chmod makes the
    read-only case, and a full disk cannot be made: the test skips then.
    """
    argv = command(run, *extra)
    if os.geteuid() == 0 and shutil.which("unshare"):
        mount = {"read-only": f"mount --bind -o ro '{folder}' '{folder}'",
                 "full": f"mount -t tmpfs -o size=400k tmpfs '{run}'"}[how]
        script = (f"{mount} || exit 99; \"$@\"; status=$?; mkdir '{run}-after'; "
                  f"cp -a '{run}/.' '{run}-after/'; exit $status")
        argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *argv]
    elif how == "full":
        pytest.skip("needs root (a private tmpfs) to fill a disk")
    else:
        folder.chmod(0o555)
    done = subprocess.run(argv, env=environment(), capture_output=True, text=True,
                          timeout=900, check=False)
    if done.returncode == 99:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    return done


@pytest.mark.parametrize("part", ["", "checkpoints", "logs"])
def test_a_read_only_folder_is_found_before_the_first_epoch(tmp_path, part, real_fashion_mnist):
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    (run / "logs").mkdir()
    done = run_confined(run / part, "read-only", run)
    line = error_line(done)
    assert re.search(rf"{run / part} is not writable \((Read-only file system|Permission "
                     r"denied)\); make it writable or use another --run-dir", line), line
    assert "epoch 1" not in done.stdout
    assert not (run / "config.json").exists()


def test_a_full_disk_is_one_error_and_the_checkpoints_before_it_stay_usable(tmp_path,
                                                                             real_fashion_mnist):
    run = tmp_path / "run"
    run.mkdir()
    done = run_confined(run, "full", run, "--keep", 3)  # 150 KB per checkpoint: the 3rd fails
    line = error_line(done)
    assert re.search(rf"cannot write into {run}: No space left on device.*free some disk "
                     r"space, then run the same command again; the last checkpoint is "
                     r"\S+epoch-000\d; resume from it with: python -m d2l_utils.run train",
                     line), line
    after = Path(f"{run}-after") / "checkpoints"
    assert not [n for n in os.listdir(after) if n.startswith(".tmp-")]
    assert list_checkpoints(after)
    for _, path in list_checkpoints(after):
        read_state(path)  # complete and readable
