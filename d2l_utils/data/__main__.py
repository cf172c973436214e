"""``python -m d2l_utils.data fetch|where [--dataset fashion-mnist|mnist]``.

fetch: if the dataset is present (and verifies), say where and do nothing;
else download it into the cache; else, for Fashion-MNIST on Debian/Ubuntu as
root or with password-less sudo, ``apt-get install dataset-fashion-mnist``;
else print what was tried and what to do, and exit 1.  ``make data`` runs it.
Every expected failure (DataError, OSError) is one ``error:`` line and exit 1.
where: print where the dataset is (exit 1 if it is not anywhere).

Introduced in chapters/00_getting_started.ipynb.
"""

import argparse
import os
import shutil
import subprocess
import sys

from .download import CacheWriteError
from .idx import DataError
from .locate import find_dataset
from .sources import DATASETS, default_cache_dir, find_local, get_spec


def is_debian():
    """True on Debian, Ubuntu and their derivatives."""
    if os.path.exists("/etc/debian_version"):
        return True
    try:
        with open("/etc/os-release") as f:
            text = f.read().lower()
    except OSError:
        return False
    return any(line.startswith(("id=", "id_like=")) and ("debian" in line or "ubuntu" in line)
               for line in text.splitlines())


def root_prefix():
    """[] as root, ['sudo', '-n'] with password-less sudo, else None."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True,
                                               check=False).returncode == 0:
        return ["sudo", "-n"]
    return None


def run(cmd):
    """Run a command quietly; return True on success, else print its last lines."""
    print("$", " ".join(cmd), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    except OSError as err:  # e.g. the command does not exist
        print(f"failed: {err}", file=sys.stderr)
        return False
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        print("\n".join(["failed:"] + tail), file=sys.stderr)
    return done.returncode == 0


def apt_install(spec, prefix):
    """apt-get update + install the dataset's package; return True on success."""
    print(f"Installing the Debian package {spec.apt_package} instead.")
    return (run(prefix + ["apt-get", "-qq", "update"])
            and run(prefix + ["apt-get", "install", "-y", "-qq", spec.apt_package]))


def fetch(spec):
    location, _ = find_local(spec)
    if location is not None:
        find_dataset(spec, verify=True, download=False)  # a bad copy is an error, see sources
        print(f"{spec.title} is present in {location.folder} ({location.kind}); nothing to do.")
        return 0
    print(f"{spec.title} not found locally; downloading into {default_cache_dir(spec)}")
    try:
        location = find_dataset(spec, verify=True)
        print(f"{spec.title} downloaded and verified: {location.folder}")
        return 0
    except CacheWriteError:
        raise  # the package would not fit either
    except DataError as err:
        prefix = root_prefix() if spec.apt_package and is_debian() else None
        if prefix is None:
            raise
        print(f"Download failed ({err.problem.splitlines()[-1].strip()}).")
        if not apt_install(spec, prefix):
            raise
    location = find_dataset(spec, verify=True, download=False)
    print(f"{spec.title} installed and verified: {location.folder} ({location.kind})")
    return 0


def where(spec):
    location = find_dataset(spec, verify=True, download=False)
    print(f"{spec.title}: {location.folder} ({location.kind}, verified)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m d2l_utils.data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fetch", "where"])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="fashion-mnist")
    args = parser.parse_args(argv)
    spec = get_spec(args.dataset)
    try:
        return fetch(spec) if args.command == "fetch" else where(spec)
    except (DataError, OSError) as err:  # expected: one "error:" line, no traceback
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
