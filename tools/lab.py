"""JupyterLab on the course, as `make lab` starts it (after `make data`).

    python tools/lab.py [--port 8888] [--dir .]

Serves ``--dir`` (the repository root, so the chapters' ``../assets/`` images load) on
127.0.0.1 and opens the first chapter.  Notebooks from a fresh clone are untrusted, and
JupyterLab would hide their stored SVG figures until they are run again: they are signed
for this user first (``jupyter trust``).  tests/test_browser.py starts it the same way on
a copy of chapters/ and assets/.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

FIRST = "chapters/00_getting_started.ipynb"
NOTEBOOK_DIRS = ("chapters", "chapters-zh")


def lab_command(jupyter, port, root):
    """The ``jupyter lab`` command line serving ``root`` on 127.0.0.1:``port``."""
    command = [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--ServerApp.root_dir={root}",
               f"--LabApp.default_url=/lab/tree/{FIRST}"]
    # Jupyter refuses to run as root unless told; containers and CI machines often are root.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    return command


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/lab.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--dir", type=Path, default=Path("."), help="the folder to serve")
    args = parser.parse_args(argv)
    if not (args.dir / FIRST).is_file():
        parser.error(f"--dir {args.dir}: no {FIRST} in it; serve the repository's root")
    jupyter = Path(sys.executable).parent / "jupyter"
    notebooks = sorted(str(p) for d in NOTEBOOK_DIRS for p in (args.dir / d).glob("*.ipynb"))
    subprocess.run([str(jupyter), "trust", *notebooks], check=True, stdout=subprocess.DEVNULL)
    print(f"Starting JupyterLab at http://127.0.0.1:{args.port}/lab "
          "(the line with ?token= below opens it).")
    print(f"Start with {FIRST} (it opens by itself), then the chapters in order.")
    print("Instructors: Alt+R in a chapter starts its slideshow (README, 'For instructors').",
          flush=True)
    command = lab_command(jupyter, args.port, args.dir)
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
