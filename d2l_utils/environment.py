"""The environment check a student runs first: versions, devices, data.

Introduced in chapters/00_getting_started.ipynb.
"""

import os
import platform
from dataclasses import dataclass, field

# The machines without wheels or without what the wheels need, and the route for each,
# live in platforms.py (standard library only: `make` runs it before .venv exists).
from .platforms import PLATFORM_ROUTES, EnvironmentProblem, platform_problem  # noqa: F401

# What the course is pinned to, and why each pin matters to a student.
EXPECTED = {
    "Python": ("3.11", "MXNet 1.9.1 needs numpy 1.23.5, which has no wheels for Python 3.12+"),
    "MXNet": ("1.9.1", "the course is written against the MXNet 1.9 API"),
    "NumPy": ("1.23.5", "MXNet 1.9.1 uses np.bool, which numpy 1.24 removed"),
}
REBUILD = "rebuild the environment: `make clean && make lab` (see README, 'Troubleshooting')"


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
    (tests use it); on a machine that cannot run MXNet (no wheels, no AVX, aarch64 without
    the Arm Performance Libraries) the report stops there, with the route to follow, before
    MXNet is imported.  Introduced in chapters/00_getting_started.ipynb.
    """
    report = EnvironmentReport()
    system, machine = platform_id or (platform.system(), platform.machine())
    route = platform_problem(system, machine)
    if route:  # supported platforms get no row: the report stays as chapter 00 shows it
        report.add("Platform", f"{system} {machine} (not supported)", route)
        print(report)
        raise EnvironmentProblem("the course cannot run on this machine:\n- " + route)
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
