"""d2l_utils/__init__.py: what ``import d2l_utils`` loads and the names it gives.

Every notebook kernel and every ``python -m d2l_utils.run`` process starts with this
import, so a heavy library that only a few functions use is imported inside them.
Each check runs in a fresh interpreter: this test process has loaded everything already.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules_after(statement):
    """The names in sys.modules after ``statement`` runs in a fresh interpreter."""
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True, timeout=300)
    return set(out.stdout.split())


def test_importing_the_package_does_not_load_pandas():
    # pandas takes about 0.2 s to import; only the chapter 05 tables need it
    assert "pandas" not in modules_after("import d2l_utils")
