"""The browser routes (README, 'Platforms'): Binder and GitHub Codespaces / VS Code.

Binder is checked with repo2docker's dry run (`--no-build`: the Dockerfile it would build,
no Docker, no network), as mybinder.org's user (uid 1000, jovyan).  The image itself is not
built here."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPO2DOCKER = Path(sys.executable).parent / "jupyter-repo2docker"


@pytest.fixture(scope="module")
def binder_dockerfile():
    if not REPO2DOCKER.exists():
        pytest.fail("jupyter-repo2docker missing from the test environment: `make install`")
    run = subprocess.run([str(REPO2DOCKER), "--no-build", "--no-run", "--debug",
                          "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout + run.stderr


def _line(text, pattern):
    """The index of the first line matching ``pattern``; fails naming it when none does."""
    for i, line in enumerate(text.splitlines()):
        if re.search(pattern, line):
            return i
    pytest.fail(f"repo2docker's Dockerfile has no line matching {pattern!r}")


def test_binder_builds_python_3_11_from_environment_yml(binder_dockerfile):
    assert "Building conda environment for python=3.11" in binder_dockerfile
    # its base environment's lock file, environment.py-3.11-linux-64.lock, as it escapes it
    assert "environment-2epy-2d3-2e11-2dlinux-2d64-2elock" in binder_dockerfile
    _line(binder_dockerfile, r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"')


def test_binder_copies_the_repository_before_installing_it(binder_dockerfile):
    """environment.yml installs the course with `-e .`: the repository must be in the
    image first, owned by the user who installs (else pip cannot write its egg-info)."""
    copy = _line(binder_dockerfile, r"^COPY --chown=1000:1000 src/ \$\{REPO_DIR\}/$")
    install = _line(binder_dockerfile, r"env update .*environment\.yml")
    post_build = _line(binder_dockerfile, r"^RUN \./postBuild$")
    assert copy < install < post_build
    assert _line(binder_dockerfile, r"^USER \$\{NB_USER\}$") < install


def test_postbuild_fetches_the_data_trusts_the_chapters_and_is_valid_bash():
    post_build = ROOT / "postBuild"
    text = post_build.read_text()
    commands = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert commands == ["set -euo pipefail", "python -m d2l_utils.data fetch",
                        "jupyter trust chapters/*.ipynb chapters-zh/*.ipynb"]
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    if shutil.which("bash"):
        subprocess.run(["bash", "-n", str(post_build)], check=True)


def test_environment_yml_is_the_pinned_environment():
    """What Binder installs is what pyproject.toml pins (tests/test_environment.py checks
    the whole list); here: the pins MXNet needs reach the Binder image."""
    text = (ROOT / "environment.yml").read_text()
    for pin in ("python=3.11", "mxnet==1.9.1", "numpy==1.23.5", "d2l==1.0.3", "-e ."):
        assert re.search(rf"^\s+- {re.escape(pin)}$", text, re.M), pin


def test_devcontainer_is_valid_json_and_installs_with_one_make_command():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
    assert config["postCreateCommand"] == "make install data"
    assert "--platform=linux/amd64" in config["runArgs"]
    assert re.search(r"python:.*3\.11", config["image"])
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^install: \$\(STAMP\)$", makefile, re.M)
    assert re.search(r"^data: \$\(STAMP\)$", makefile, re.M)
    opened = config["customizations"]["codespaces"]["openFiles"]
    assert all((ROOT / path).exists() for path in opened)
