"""The run folder of ``python -m d2l_utils.run``: its lock, its config and the checks made
before the first epoch (writable folders, memory).

Introduced in chapters/11_training_in_practice.ipynb.
"""

import errno
import fcntl
import json
import os
import socket
import tempfile
import time

from .language import text
from .safe_files import normal_mode

# Deepest network the command line builds (--hidden sizes).
MAX_LAYERS = 8

__all__ = ["RunFolderError", "RunLock", "run_paths", "check_writable", "write_remedy",
           "read_config", "memory_estimate", "available_memory", "check_memory"]


class RunFolderError(Exception):
    """The run folder cannot be used as asked; the message says what to do."""


def run_paths(run_dir):
    """(config.json, checkpoints/, logs/) of a run folder."""
    return (os.path.join(run_dir, "config.json"), os.path.join(run_dir, "checkpoints"),
            os.path.join(run_dir, "logs"))


class RunLock:
    """An exclusive lock on a run folder while one process trains in it.

    ``fcntl.flock`` on ``<run>/.lock``: the kernel releases it when its process
    ends, kill -9 included, so a lock file that no process holds is stale and is
    taken over.  The file names the holder (pid, host, start time) for the message
    another process prints.  ``stale`` holds what a stale lock file said, or None.
    """

    def __init__(self, run_dir):
        self.run_dir, self.path, self.fd, self.stale = run_dir, os.path.join(run_dir, ".lock"), \
            None, None

    def acquire(self):
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, normal_mode())
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 200).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise RunFolderError(f"{self.run_dir} is in use by another training process "
                                     f"({holder}); wait for it to end or stop it, or use "
                                     "another --run-dir") from None
            try:  # the holder before us may have removed the file while we waited for it
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        self.fd = fd
        self.stale = os.read(fd, 200).decode(errors="replace").strip() or None
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since "
                     f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        return self

    def release(self):
        if self.fd is not None:
            os.unlink(self.path)  # while still holding it: see acquire's inode check
            os.close(self.fd)
            self.fd = None


def check_writable(folder):
    """Create ``folder`` if needed and prove it writable by writing a file into it.

    (``os.access`` is not enough: it says yes to root on a read-only folder and
    knows nothing of a read-only file system or a full disk.)
    """
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise RunFolderError(f"{folder} is a file, not a folder; move it away or use "
                             "another --run-dir")
    try:
        os.makedirs(folder, mode=normal_mode(folder=True), exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".tmp-probe-") as f:
            f.write(b"x" * 4096)
            f.flush()
            os.fsync(f.fileno())
    except OSError as err:
        raise RunFolderError(f"{folder} is not writable ({err.strerror}); "
                             f"{write_remedy(err)}") from None


def write_remedy(err):
    """What to do about an OSError from writing into the run folder."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return text("free some disk space, then run the same command again",
                    "请释放一些磁盘空间，然后再运行同一条命令")
    return text("make it writable or use another --run-dir",
                "请让它可写，或另选一个 --run-dir")


def read_config(path):
    """The run's config.json as a dict, None if there is none; RunFolderError if damaged."""
    try:
        with open(path) as f:
            config = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise RunFolderError(f"{path}: unreadable ({err}); delete it or use another "
                             "--run-dir") from None
    if not isinstance(config, dict) or not config:
        raise RunFolderError(f"{path} holds {json.dumps(config)[:60]}, not a run's options; "
                             "delete it or use another --run-dir")
    return config


def memory_estimate(hidden, batch_size, optimizer):
    """Bytes a 784-hidden-10 MLP needs to train, roughly: float32 parameters with their
    gradients, a copy while a checkpoint is written and the optimizer's state (Adam: two
    moments, SGD: none), plus each layer's activations and their gradients for a batch."""
    sizes = [784, *hidden, 10]
    params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))
    copies = 3 + (2 if optimizer == "adam" else 0)
    return 4 * (params * copies + 3 * batch_size * sum(sizes))


def available_memory():
    """Bytes the system can give a new process without swapping (MemAvailable on Linux)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_memory(hidden, batch_size, optimizer="sgd"):
    """RunFolderError if training (or predicting) would take more than 80% of the free memory."""
    need, have = memory_estimate(hidden, batch_size, optimizer), available_memory()
    if need > 0.8 * have:
        sizes = "-".join(map(str, [784, *hidden, 10]))
        raise RunFolderError(text(f"a {sizes} network with batches of {batch_size} needs about "
                                  f"{need / 1e9:.1f} GB (parameters, gradients, optimizer "
                                  f"state, activations); {have / 1e9:.1f} GB are available: "
                                  "use fewer --hidden units or a smaller --batch-size",
                                  f"批量为 {batch_size} 的 {sizes} 网络大约需要 "
                                  f"{need / 1e9:.1f} GB（参数、梯度、优化器状态、激活值），"
                                  f"可用的只有 {have / 1e9:.1f} GB：请减少 --hidden 的单元数，"
                                  "或用更小的 --batch-size"))
