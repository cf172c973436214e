"""The two ways to install the course (pip via pyproject.toml, conda/Binder via
environment.yml) must install the same pinned packages."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_env():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _pip_section(env):
    sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(sections) == 1, "environment.yml needs exactly one 'pip:' section"
    return sections[0]


def test_environment_yml_installs_the_same_requirements_as_pyproject():
    project = _pyproject()["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pip = _pip_section(_conda_env())
    assert [r for r in pip if not r.startswith("-e")] == wanted
    assert "-e ." in pip, "environment.yml must install the course package itself (-e .)"


def test_python_version_agrees_everywhere():
    env = _conda_env()
    conda_pythons = [d for d in env["dependencies"]
                     if isinstance(d, str) and d.startswith("python")]
    assert conda_pythons == ["python=3.11"]
    assert _pyproject()["project"]["requires-python"] == ">=3.11,<3.12"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^PYTHON \?= python3\.11$", makefile, re.M)


def test_pins_that_mxnet_needs_are_exact():
    deps = _pyproject()["project"]["dependencies"]
    for pin in ("mxnet==1.9.1", "numpy==1.23.5", "d2l==1.0.3"):
        assert pin in deps


def test_installed_versions_match_the_pins():
    import d2l
    import mxnet
    import numpy

    assert (mxnet.__version__, numpy.__version__, d2l.__version__) == ("1.9.1", "1.23.5", "1.0.3")


# ----------------------------------------------------------------------------- check_environment
PINNED = {"Python": "3.11", "MXNet": "1.9.1", "NumPy": "1.23.5"}


def test_check_environment_passes_and_reports_where_the_data_is(tiny_fashion_gz, capsys):
    from d2l_utils.environment import check_environment

    report = check_environment(root=tiny_fashion_gz.files, versions=PINNED)
    out = capsys.readouterr().out
    assert report.problems == []
    where = f"argument: {tiny_fashion_gz.files}"
    assert dict(report.rows)["Data"] == f"fashion-mnist, verified ({where})"
    assert "NumPy    1.23.5 (as pinned)\n" in out
    assert out.rstrip().endswith("Everything the course needs is in place.")


def test_check_environment_lists_every_problem_with_its_fix(tiny_fashion_gz, tmp_path):
    from d2l_utils.environment import EnvironmentProblem, check_environment

    wrong = dict(PINNED, Python="3.12", NumPy="1.24.0")
    empty = tmp_path / "empty"  # an existing folder without the files (a missing one is
    empty.mkdir()               # an error of its own, naming the folder)
    with pytest.raises(EnvironmentProblem) as err:
        check_environment(root=empty, versions=wrong)
    message = str(err.value)
    assert "Python: found 3.12, the course needs 3.11" in message
    assert "NumPy: found 1.24.0, the course needs 1.23.5 (MXNet 1.9.1 uses np.bool" in message
    assert "make clean && make lab" in message
    # the data lookup failed (empty root, empty cache, no system copy) and says what to do
    assert "Data: " in message and "apt-get install dataset-fashion-mnist" in message
    assert "MXNet:" not in message  # only what is actually wrong


def test_check_environment_rejects_a_damaged_dataset(tiny_fashion_gz):
    from d2l_utils.environment import EnvironmentProblem, check_environment

    labels = tiny_fashion_gz.files / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:-8])
    with pytest.raises(EnvironmentProblem, match="t10k-labels-idx1-ubyte"):
        check_environment(root=tiny_fashion_gz.files, versions=PINNED)


def test_home_folders_are_shown_relative_to_home(monkeypatch, tmp_path):
    from d2l_utils.environment import _home_relative

    monkeypatch.setenv("HOME", str(tmp_path))
    assert _home_relative(str(tmp_path / ".cache" / "d2l_utils")) == "~/.cache/d2l_utils"
    system = "/usr/share/datasets/fashion-mnist"
    assert _home_relative(system) == system


# ----------------------------------------------------------------------------- platforms
@pytest.mark.parametrize("system, machine, route", [
    ("Linux", "x86_64", None),
    ("Linux", "aarch64", None),
    ("Darwin", "x86_64", None),  # Intel Mac, or an x86_64 Python under Rosetta 2
    ("Darwin", "arm64", "macos-arm64"),
    ("Windows", "AMD64", "windows"),
    ("MINGW64_NT-10.0-19045", "x86_64", "windows"),  # Git Bash's uname
    ("CYGWIN_NT-10.0", "x86_64", "windows"),
])
def test_platform_problem_names_the_route_for_platforms_without_wheels(system, machine, route):
    from d2l_utils.environment import PLATFORM_ROUTES, platform_problem

    assert platform_problem(system, machine) == (route and PLATFORM_ROUTES[route])


def test_the_routes_say_what_to_do():
    from d2l_utils.environment import PLATFORM_ROUTES

    assert "WSL2" in PLATFORM_ROUTES["windows"]
    assert "apt-get install dataset-fashion-mnist" in PLATFORM_ROUTES["windows"]
    assert "Linux arm64" in PLATFORM_ROUTES["macos-arm64"]
    assert "Rosetta" in PLATFORM_ROUTES["macos-arm64"]


def test_check_environment_stops_at_an_unsupported_platform(capsys):
    from d2l_utils.environment import EnvironmentProblem, check_environment

    with pytest.raises(EnvironmentProblem, match="Apple silicon.*Linux arm64 container"):
        check_environment(platform_id=("Darwin", "arm64"), versions=PINNED)
    assert "Platform  Darwin arm64 (not supported)" in capsys.readouterr().out


def test_make_prints_the_route_instead_of_a_pip_error(tmp_path):
    """`make` runs d2l_utils/platforms.py with the system Python before any pip step;
    a fake `platform` module makes that Python believe it runs on Apple silicon."""
    import shutil
    import subprocess
    import sys

    if not shutil.which("make"):
        pytest.skip("make not installed")
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text(
        "import platform\nplatform.system = lambda: 'Darwin'\nplatform.machine = lambda: 'arm64'\n")
    venv = tmp_path / "venv"  # a venv that does not exist: make would create it next
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(fake), "HOME": str(tmp_path)}
    run = subprocess.run(["make", "-C", str(ROOT), f"PYTHON={sys.executable}", f"VENV={venv}",
                          "install"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "Apple silicon" in run.stderr and "Rosetta" in run.stderr
    assert not venv.exists(), "make went on to create the virtualenv"
