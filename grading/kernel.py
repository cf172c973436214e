"""The kernel that grades a submission, and the kernel manager nbgrader starts it with.

nbgrader's autograde runs each submitted notebook with nbclient; the course's
nbgrader_config.py sets ``c.Execute.kernel_manager_class`` to :class:`LimitedKernelManager`,
which starts ``python -m grading.kernel`` instead of a plain IPython kernel.  That process

1. sets the resource limits (:mod:`grading.sandbox`), which its children inherit;
2. works in a temporary copy of the submission's folder, with ``TMPDIR``, ``IPYTHONDIR`` and
   ``MPLCONFIGDIR`` inside it, and refuses file changes outside it;
   it imports the course's libraries (``d2l_utils``, so MXNet) before the first cell;
3. caps what each cell prints and records whether each cell ran to its end (the hidden tests
   ask, :mod:`grading.verdict`);
4. then runs an ordinary IPython kernel.

The manager deletes the temporary folder when the kernel is shut down.
"""

import argparse
import os
import shutil
import sys
import tempfile

from traitlets import Integer

try:  # the manager side needs jupyter_client; the kernel side only ipykernel
    from jupyter_client.manager import AsyncKernelManager
except ImportError:  # pragma: no cover
    AsyncKernelManager = object

GiB = 2**30


class LimitedKernelManager(AsyncKernelManager):
    """Starts :mod:`grading.kernel` with the configured limits (nbgrader_config.py)."""

    memory_limit = Integer(4 * GiB, config=True, help="bytes of address space (RLIMIT_AS)")
    cpu_limit = Integer(1800, config=True, help="CPU seconds for the whole notebook")
    file_limit = Integer(100 * 2**20, config=True, help="bytes per file written")
    output_limit = Integer(1_000_000, config=True, help="characters a cell may print")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        self._sandbox = tempfile.mkdtemp(prefix="grading-")
        # The spec's argv is [python, -m, ipykernel_launcher, -f, {connection_file}, ...]:
        # keep everything after the module name.
        rest = cmd[cmd.index("-m") + 2:] if "-m" in cmd else cmd[1:]
        return [sys.executable, "-m", "grading.kernel", f"--sandbox={self._sandbox}",
                f"--memory={self.memory_limit}", f"--cpu={self.cpu_limit}",
                f"--file={self.file_limit}", f"--output={self.output_limit}", "--", *rest]

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        sandbox = getattr(self, "_sandbox", None)
        if sandbox and not restart:
            shutil.rmtree(sandbox, ignore_errors=True)


def _matplotlib_cache():
    """matplotlib's cache folder, found as matplotlib finds it (without importing it)."""
    if os.environ.get("MPLCONFIGDIR"):
        return os.environ["MPLCONFIGDIR"]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "matplotlib")


def _enter_sandbox(sandbox):
    """Copy the current folder into ``sandbox``/work and move there, with the temporary,
    IPython and matplotlib folders inside ``sandbox``.  matplotlib's font list is copied
    too: building it again costs seconds per submission."""
    work = os.path.join(sandbox, "work")
    shutil.copytree(os.getcwd(), work)
    fonts = [os.path.join(_matplotlib_cache(), f) for f in os.listdir(_matplotlib_cache())
             if f.startswith("fontlist")] if os.path.isdir(_matplotlib_cache()) else []
    for var, sub in (("TMPDIR", "tmp"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")):
        os.makedirs(os.path.join(sandbox, sub), exist_ok=True)
        os.environ[var] = os.path.join(sandbox, sub)
    for font_list in fonts:
        shutil.copy(font_list, os.environ["MPLCONFIGDIR"])
    # One BLAS thread unless told otherwise: exercises are small, a class's submissions are
    # graded one after another, and OpenBLAS reserves memory per thread (RLIMIT_AS counts it).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    tempfile.tempdir = None  # re-read TMPDIR
    os.chdir(work)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grading.kernel")
    parser.add_argument("--sandbox", required=True)
    for name in ("memory", "cpu", "file", "output"):
        parser.add_argument(f"--{name}", type=int, default=0)
    parser.add_argument("kernel_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    kernel_args = [a for a in args.kernel_args if a != "--"]

    from . import sandbox, verdict

    _enter_sandbox(args.sandbox)
    sandbox.set_limits(args.memory, args.cpu, args.file)
    # The course's libraries are imported before any cell runs (within the limits): the
    # setup cells then take a fraction of a second instead of seconds, so a cell's time limit
    # measures the student's code.
    from ipykernel.iostream import OutStream
    from ipykernel.kernelapp import IPKernelApp

    import d2l_utils  # noqa: F401  (imports mxnet, numpy, matplotlib)

    app = IPKernelApp.instance()
    app.initialize(kernel_args)
    reset = sandbox.cap_output(OutStream, args.output) if args.output else (lambda *a: None)
    app.shell.events.register("pre_run_cell", reset)
    app.shell.events.register("post_run_cell", verdict.record_cell)
    sandbox.guard_files(args.sandbox)
    app.start()


if __name__ == "__main__":
    main()
