"""The environment check a student runs first: versions, devices, data.

Introduced in chapters/00_getting_started.ipynb.
"""

import os
import platform
import unicodedata
from dataclasses import dataclass, field

from .language import text

# The machines without wheels or without what the wheels need, and the route for each,
# live in platforms.py (standard library only: `make` runs it before .venv exists).
from .platforms import PLATFORM_ROUTES, EnvironmentProblem, platform_problem  # noqa: F401

# What the course is pinned to, and why each pin matters to a student.
EXPECTED = {"Python": "3.11", "MXNet": "1.9.1", "NumPy": "1.23.5"}


def _why(name):
    return {
        "Python": text("MXNet 1.9.1 needs numpy 1.23.5, which has no wheels for Python 3.12+",
                       "MXNet 1.9.1 需要 numpy 1.23.5，而它没有 Python 3.12+ 的 wheel"),
        "MXNet": text("the course is written against the MXNet 1.9 API",
                      "本课程是按 MXNet 1.9 的 API 编写的"),
        "NumPy": text("MXNet 1.9.1 uses np.bool, which numpy 1.24 removed",
                      "MXNet 1.9.1 用到了 np.bool，而 numpy 1.24 删除了它"),
    }[name]


def _rebuild():
    return text("rebuild the environment: `make clean && make lab` (see README, "
                "'Troubleshooting')",
                "请重建环境：`make clean && make lab`（见 README 的 'Troubleshooting'）")


def _row_name(name):
    """The name of a report row in the current language."""
    return text(name, {"Devices": "设备", "Data": "数据", "Platform": "平台"}.get(name, name))


def _width(name):
    """Columns ``name`` takes on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in name)


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
            self.problems.append(text(f"{name}: {problem}", f"{_row_name(name)}：{problem}"))

    def __str__(self):
        names = [_row_name(name) for name, _ in self.rows]
        width = max(_width(name) for name in names)
        return "\n".join(name + " " * (width - _width(name)) + f"  {value}"
                         for name, (_, value) in zip(names, self.rows, strict=True))


def _versions():
    import mxnet
    import numpy

    python = ".".join(platform.python_version_tuple()[:2])
    return {"Python": python, "MXNet": mxnet.__version__, "NumPy": numpy.__version__}


def _check_versions(report, found):
    for name, want in EXPECTED.items():
        have = found[name]
        if have == want:
            report.add(name, text(f"{have} (as pinned)", f"{have}（与固定版本一致）"))
        else:
            report.add(name, have, text(f"found {have}, the course needs {want} ({_why(name)}); "
                                        f"{_rebuild()}",
                                        f"找到的是 {have}，本课程需要 {want}（{_why(name)}）；"
                                        f"{_rebuild()}"))


def _check_devices(report):
    from .device import num_gpus

    gpus = num_gpus()
    report.add("Devices", text(f"CPU{f' + {gpus} GPU(s)' if gpus else ' only (no GPU needed)'}",
                               f"CPU{f' + {gpus} 个 GPU' if gpus else '（不需要 GPU）'}"))


def _home_relative(folder):
    home = os.path.expanduser("~")
    return "~" + folder[len(home):] if home != "/" and folder.startswith(home + os.sep) else folder


def _check_data(report, root, dataset):
    from .data import DataError, find_dataset

    try:
        location = find_dataset(dataset, root=root, download=False, verify=True)
    except DataError as err:
        report.add("Data", text("not usable", "无法使用"), f"{err}")
        return
    where = f"{location.kind}: {_home_relative(location.folder)}"
    report.add("Data", text(f"{dataset}, verified ({where})", f"{dataset}，已校验（{where}）"))


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
        report.add("Platform", text(f"{system} {machine} (not supported)",
                                    f"{system} {machine}（不受支持）"), route)
        print(report)
        raise EnvironmentProblem(text("the course cannot run on this machine:\n- ",
                                      "本课程无法在这台机器上运行：\n- ") + route)
    _check_versions(report, versions or _versions())
    _check_devices(report)
    _check_data(report, root, dataset)
    print(report)
    if report.problems:
        raise EnvironmentProblem(
            text("the course cannot run as it is:\n", "本课程在当前环境下无法运行：\n")
            + "\n".join(f"- {p}" for p in report.problems)
        )
    print(text("Everything the course needs is in place.", "本课程需要的一切都已就绪。"))
    return report
