"""The environment check a student runs first: versions, devices, data.

Introduced in chapters/00_getting_started.ipynb.
"""

import os
import platform
from dataclasses import dataclass, field

# What the course is pinned to, and why each pin matters to a student.
EXPECTED = {
    "Python": ("3.11", "MXNet 1.9.1 needs numpy 1.23.5, which has no wheels for Python 3.12+"),
    "MXNet": ("1.9.1", "the course is written against the MXNet 1.9 API"),
    "NumPy": ("1.23.5", "MXNet 1.9.1 uses np.bool, which numpy 1.24 removed"),
}
REBUILD = "rebuild the environment: `make clean && make lab` (see README, 'Troubleshooting')"


# MXNet 1.9.1 (and numpy 1.23.5 for Python 3.11) publish wheels for Linux x86_64, Linux
# aarch64 and macOS x86_64 only.  Elsewhere pip fails with a resolver error; say the route.
PLATFORM_ROUTES = {
    "windows": (
        "native Windows: MXNet's Windows wheels stop at 1.7.0, the course needs 1.9.1. "
        "Use WSL2 with Ubuntu (`wsl --install -d Ubuntu` in an administrator PowerShell), "
        "then follow the Linux steps inside it; there `sudo apt-get install "
        "dataset-fashion-mnist` also provides the data (README, 'Platforms')."),
    "macos-arm64": (
        "macOS on Apple silicon: MXNet 1.9.1 has no macOS arm64 wheels. Use a Linux arm64 "
        "container or VM (Docker Desktop, Colima, UTM; native speed, wheels exist), or an "
        "x86_64 Python 3.11 under Rosetta 2 (`arch -x86_64`) (README, 'Platforms')."),
}


def platform_problem(system=None, machine=None):
    """The route to follow when this platform cannot install the course, else None.

    ``system``/``machine`` default to ``platform.system()``/``platform.machine()``
    (tests fake them).  An x86_64 Python under Rosetta reports x86_64: supported.
    Introduced in chapters/00_getting_started.ipynb (via ``check_environment``).
    """
    system = platform.system() if system is None else system
    machine = (platform.machine() if machine is None else machine).lower()
    if system == "Windows" or system.upper().startswith(("CYGWIN", "MSYS", "MINGW")):
        return PLATFORM_ROUTES["windows"]
    if system == "Darwin" and machine in ("arm64", "aarch64"):
        return PLATFORM_ROUTES["macos-arm64"]
    return None


class EnvironmentProblem(RuntimeError):
    """Raised by ``check_environment`` with every problem found and how to fix it."""


@dataclass
class EnvironmentReport:
    """What ``check_environment`` found: one (name, value) row per check.

    Introduced in chapters/00_getting_started.ipynb.
    """

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def add(self, name, value, problem=None):
        self.rows.append((name, value))
        if problem:
            self.problems.append(f"{name}: {problem}")

    def __str__(self):
        width = max(len(name) for name, _ in self.rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in self.rows)


def _versions():
    import mxnet
    import numpy

    python = ".".join(platform.python_version_tuple()[:2])
    return {"Python": python, "MXNet": mxnet.__version__, "NumPy": numpy.__version__}


def _check_versions(report, found):
    for name, (want, why) in EXPECTED.items():
        have = found[name]
        if have == want:
            report.add(name, f"{have} (as pinned)")
        else:
            report.add(name, have, f"found {have}, the course needs {want} ({why}); {REBUILD}")


def _check_devices(report):
    from .device import num_gpus

    gpus = num_gpus()
    report.add("Devices", f"CPU{f' + {gpus} GPU(s)' if gpus else ' only (no GPU needed)'}")


def _home_relative(folder):
    home = os.path.expanduser("~")
    return "~" + folder[len(home):] if home != "/" and folder.startswith(home + os.sep) else folder


def _check_data(report, root, dataset):
    from .data import DataError, find_dataset

    try:
        location = find_dataset(dataset, root=root, download=False, verify=True)
    except DataError as err:
        report.add("Data", "not usable", f"{err}")
        return
    report.add("Data", f"{dataset}, verified ({location.kind}: {_home_relative(location.folder)})")


def check_environment(root=None, dataset="fashion-mnist", versions=None, platform_id=None):
    """Check Python, MXNet, NumPy, the devices and the dataset; print and return a report.

    Raises ``EnvironmentProblem`` listing every problem and its fix when
    something is off.  ``root`` is passed to the dataset lookup (see
    ``find_dataset``); ``versions`` replaces the detected versions (tests use
    it).  Nothing is downloaded: a missing dataset is reported with the ways
    to get it.  ``platform_id`` = (system, machine) replaces the detected platform
    (tests use it); on an unsupported one the report stops there, with the route to
    follow.  Introduced in chapters/00_getting_started.ipynb.
    """
    report = EnvironmentReport()
    system, machine = platform_id or (platform.system(), platform.machine())
    route = platform_problem(system, machine)
    if route:  # supported platforms get no row: the report stays as chapter 00 shows it
        report.add("Platform", f"{system} {machine} (not supported)", route)
        print(report)
        raise EnvironmentProblem("the course cannot run on this platform:\n- " + route)
    _check_versions(report, versions or _versions())
    _check_devices(report)
    _check_data(report, root, dataset)
    print(report)
    if report.problems:
        raise EnvironmentProblem(
            "the course cannot run as it is:\n" + "\n".join(f"- {p}" for p in report.problems)
        )
    print("Everything the course needs is in place.")
    return report


if __name__ == "__main__":
    # `make` runs this file with the system Python before creating .venv (stdlib only).
    import sys

    route = platform_problem()
    if route:
        print(f"error: this platform cannot install the course: {route}", file=sys.stderr)
        sys.exit(1)
