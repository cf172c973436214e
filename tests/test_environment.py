"""The two ways to install the course (pip via pyproject.toml, conda/Binder via
environment.yml) must install the same pinned packages."""

import re
import tomllib
from pathlib import Path

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
    conda_pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
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
