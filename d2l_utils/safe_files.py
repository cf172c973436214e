"""Files that survive a crash: normal permissions, fsync before rename, and the fault
points the kill tests stop a process at.

Introduced in chapters/11_training_in_practice.ipynb (atomic checkpoints).
"""

import json
import os
import signal
import tempfile

__all__ = ["umask", "normal_mode", "fsync_folder", "fsync_tree", "write_json", "fault_point"]


def umask():
    """The process's umask, read without changing it where Linux allows (threads are running)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # elsewhere: the classic read-by-setting, restored at once
    os.umask(mask)
    return mask


def normal_mode(folder=False):
    """The mode open()/mkdir() give (0644/0755 under umask 022); mkstemp/mkdtemp give 0600/0700."""
    return (0o777 if folder else 0o666) & ~umask()


def fsync_folder(folder):
    """Make a rename or a new name inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder):
    """fsync every file directly in ``folder``, then the folder; set normal permissions."""
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        os.chmod(path, normal_mode())
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    os.chmod(folder, normal_mode(folder=True))
    fsync_folder(folder)


def write_json(path, data):
    """Write JSON atomically: a temporary file in the same folder, fsync, rename, fsync."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, normal_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_folder(folder)


def fault_point(name, epoch):
    """Stop this process here if ``$D2L_FAULT`` is ``name@epoch``; otherwise do nothing.

    For tests only (tests/test_run_kill.py): a SIGKILL sent at a random moment
    almost never lands in the microseconds between, say, a checkpoint's rename
    and the pruning of an old one.  Here the process stops itself (SIGSTOP) at
    exactly that moment, the test sees it stopped and kills it with a real
    SIGKILL, so every dangerous moment is hit on every run.
    """
    if os.environ.get("D2L_FAULT") == f"{name}@{epoch}":
        os.kill(os.getpid(), signal.SIGSTOP)
