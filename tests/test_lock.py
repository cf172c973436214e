"""requirements.lock: what `make install` installs (Makefile, "make lock").

The lock must satisfy every requirement of pyproject.toml (and so of environment.yml, which
tests/test_environment.py keeps equal to it), pin each package once with the hashes of its
files, and be what this environment actually has installed.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def parse_lock(text):
    """{name: [(version, marker or None, [hashes]), ...]} from a pip-style hashed lock file.

    A universal lock may pin one package twice, for disjoint Python versions or platforms
    (each pin with its marker); twice without markers is an error.
    """
    pins, current = {}, None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            name = canonicalize_name(name)
            variants = pins.setdefault(name, [])
            assert marker or not variants, f"requirements.lock pins {name} twice without markers"
            current = (version, Marker(marker) if marker else None, [])
            variants.append(current)
        elif stripped.startswith("--hash=sha256:") and current is not None:
            current[2].append(stripped.split(":", 1)[1].rstrip(" \\"))
        else:
            raise AssertionError(f"requirements.lock: unexpected line {line!r}")
    return pins


@pytest.fixture(scope="module")
def lock():
    return parse_lock(LOCK.read_text())


def project_requirements():
    """Every requirement of pyproject.toml, its extras included (`make lock` locks them all)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in project["dependencies"] + extras]


def test_the_parser_reads_pins_markers_and_hashes():
    text = ("# header\nfoo-bar==1.2 ; sys_platform == 'darwin' \\\n    --hash=sha256:ab \\\n"
            "    --hash=sha256:cd\n    # via x\nbaz==3 \\\n    --hash=sha256:ef\n")
    pins = parse_lock(text)
    [(version, marker, hashes)] = pins["foo-bar"]
    assert version == "1.2" and str(marker) == 'sys_platform == "darwin"' and hashes == ["ab", "cd"]
    assert pins["baz"] == [("3", None, ["ef"])]
    with pytest.raises(AssertionError, match="twice without markers"):
        parse_lock("a==1 \\\n --hash=sha256:0\na==2 \\\n --hash=sha256:1\n")


def test_every_project_requirement_is_pinned_by_the_lock_within_its_range(lock):
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} (pyproject.toml) is not in the lock: make lock"
        for version, _, _ in lock[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements.lock pins {name}=={version}, outside pyproject.toml's "
                f"{requirement}: make lock")


def test_every_locked_package_has_hashes(lock):
    missing = [name for name, variants in lock.items() for _, _, hashes in variants if not hashes]
    assert not missing, f"no --hash for {missing}: regenerate with make lock"


def test_this_environment_has_exactly_the_locked_versions(lock):
    """`make install` installed from the lock (a version drift means it did not)."""
    wrong = []
    for name, variants in lock.items():
        here = [v for v, marker, _ in variants if marker is None or marker.evaluate()]
        if not here:
            continue
        assert len(here) == 1, f"requirements.lock: pins of {name} overlap here: {here}"
        version = here[0]
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} not installed (lock: {version})")
            continue
        if installed != version:
            wrong.append(f"{name} {installed} installed, lock says {version}")
    assert not wrong, "run make install:\n" + "\n".join(wrong)
