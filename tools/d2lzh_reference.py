"""`make d2lzh-reference`: the first edition's package, d2lzh 1.0.0, for the parity tests.

tests/test_d2lzh_parity.py compares d2l_utils with d2lzh's ``utils.py``.  The sdist is
fetched here, before pytest starts, so that no test reaches the network: ``pip download
--no-deps`` (installing it would pull in the ``jupyter`` meta-package) into the course's
cache, checked by its SHA-256.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from d2l_utils.data.sources import default_cache_dir  # noqa: E402

SDIST = "d2lzh-1.0.0.tar.gz"
SHA256 = "c0b7b7efc07b1ed0ce593727035a1a5ec53b3f8983465643a9be193d631847b1"


def sdist_path():
    return Path(default_cache_dir("fashion-mnist")).parent / "d2lzh" / SDIST


def problem():
    """None if the verified sdist is in the cache, else one line saying what to run."""
    path = sdist_path()
    if not path.exists():
        return f"{path} is missing: run `make d2lzh-reference`"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        return (f"{path}: not the d2lzh 1.0.0 sdist (SHA-256 {digest}); delete it and run "
                f"`make d2lzh-reference`")
    return None


def main():
    path = sdist_path()
    if problem() is None:
        return 0
    path.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                           "--no-binary", ":all:", "-d", str(path.parent), "d2lzh==1.0.0"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not path.exists():
        print(f"error: cannot download d2lzh 1.0.0 into {path.parent}: "
              f"{done.stderr.strip()[-300:]}", file=sys.stderr)
        return 1
    if problem() is not None:
        print(f"error: {problem()}", file=sys.stderr)
        path.unlink()
        return 1
    print(f"d2lzh 1.0.0 verified: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
