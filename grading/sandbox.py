"""Limits for the kernel that runs a submitted notebook: untrusted code.

Installed by ``python -m grading.kernel`` before the first cell runs:

- memory: ``RLIMIT_AS`` (an allocation past it raises MemoryError in the student's cell);
- CPU time: ``RLIMIT_CPU``, a backstop for a loop that swallows the interrupt a cell's time
  limit sends (the per-cell time limit itself is nbgrader's ``Execute.timeout``);
- files: ``RLIMIT_FSIZE`` (a write past it fails with OSError instead of filling the disk);
- output: a cell that prints more than ``max_output`` characters is stopped with
  OutputLimitError, and output past the limit is dropped;
- file system and processes: an audit hook (PEP 578) refuses, from Python code, writing,
  deleting, renaming or changing files outside the kernel's own temporary folder, starting
  processes and signalling other processes.

The audit hook is a guard rail against accidents and simple attacks, not a security boundary:
code that calls C directly (ctypes, MXNet's own file functions) is not seen by it.  Grade
untrusted submissions as a user that can write nothing else, or in a container (README,
"For instructors").
"""

import os
import resource
import signal
import sys
import threading

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_PATH_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.truncate", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.mkdir", "os.utime", "os.setxattr", "os.removexattr",
                "shutil.rmtree", "shutil.move", "shutil.copyfile", "shutil.copytree"}
_PROCESS_EVENTS = {"os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "pty.spawn", "os.killpg"}


class OutputLimitError(Exception):
    """A cell printed more than the grader accepts."""


def set_limits(memory_bytes, cpu_seconds, file_bytes):
    """Hard resource limits for this process and its children (0 or None: no limit)."""
    for what, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds),
                        (resource.RLIMIT_FSIZE, file_bytes)):
        if value:
            resource.setrlimit(what, (int(value), int(value)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails, it does not kill


def _inside(path, root):
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return real == root or real.startswith(root + os.sep) or real == os.devnull


def guard_files(root):
    """Refuse (PermissionError) file changes outside ``root``, new processes and signals to
    other processes, for the rest of this process's life (audit hooks cannot be removed)."""
    root = os.path.realpath(root)
    me = os.getpid()

    def hook(event, args):
        if event == "open":
            path, mode, flags = (list(args) + [None, None, 0])[:3]
            writes = any(c in (mode or "") for c in "wax+") or (flags or 0) & _WRITE_FLAGS
            if writes and not isinstance(path, int) and not _inside(path, root):
                raise PermissionError(f"grading: writing {os.fsdecode(path)!r} is not allowed")
        elif event in _PATH_EVENTS:
            paths = [a for a in args[:2] if isinstance(a, str | bytes | os.PathLike)]
            for path in paths:
                if not _inside(path, root):
                    raise PermissionError(f"grading: {event} on {os.fsdecode(path)!r} is not "
                                          "allowed")
        elif event in _PROCESS_EVENTS:
            raise PermissionError(f"grading: {event} is not allowed while grading")
        elif event == "os.kill" and args[0] not in (me, 0):
            raise PermissionError("grading: signalling other processes is not allowed")

    sys.addaudithook(hook)


def cap_output(stream_class, max_chars):
    """Make ``stream_class.write`` (ipykernel's OutStream) count what a cell prints; past
    ``max_chars`` the rest is dropped and the cell's code gets OutputLimitError.  Returns a
    function that resets the count (call it before each cell)."""
    state = {"chars": 0}
    write = stream_class.write

    def capped(self, string):
        state["chars"] += len(string)
        if state["chars"] <= max_chars:
            return write(self, string)
        if threading.current_thread() is threading.main_thread():
            raise OutputLimitError(f"the cell printed more than {max_chars:,} characters")
        return len(string)  # output captured from file descriptors: dropped

    stream_class.write = capped

    def reset(*_):
        state["chars"] = 0

    return reset
