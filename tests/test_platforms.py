"""d2l_utils/platforms.py: the machines MXNet 1.9.1 cannot run on are found before MXNet
is imported, and each gets its route.  The x86_64 checks also run under `qemu-x86_64 -cpu
Nehalem` (no AVX) when qemu-user is installed; the arm64 route as a whole is checked by
`make emulate-arm64` (too slow for `make test`)."""

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from d2l_utils import platforms
from d2l_utils.platforms import (
    ARMPL_LIBRARIES,
    PLATFORM_ROUTES,
    EnvironmentProblem,
    cpuinfo_avx,
    platform_problem,
    sysctl_avx,
)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "d2l_utils" / "platforms.py"
X86_64 = platform.machine().lower() in ("x86_64", "amd64")
QEMU = shutil.which("qemu-x86_64")
# qemu-x86_64 runs this (x86_64) Python on an emulated CPU of another model.
needs_qemu = pytest.mark.skipif(not (QEMU and X86_64), reason="needs qemu-x86_64 (apt-get "
                                "install qemu-user) and an x86_64 Python")


# ----------------------------------------------------------------------------- AVX
HASWELL_FLAGS = "fpu vme de pse sse sse2 ssse3 sse4_1 sse4_2 popcnt xsave avx f16c avx2 fma"
NEHALEM_FLAGS = "fpu vme de pse sse sse2 ssse3 sse4_1 sse4_2 popcnt"


def _cpuinfo(*flag_lines):
    return "".join(f"processor\t: {i}\nmodel name\t: x\nflags\t\t: {flags}\n\n"
                   for i, flags in enumerate(flag_lines))


@pytest.mark.parametrize("text, avx", [
    (_cpuinfo(HASWELL_FLAGS, HASWELL_FLAGS), True),
    (_cpuinfo(NEHALEM_FLAGS, NEHALEM_FLAGS), False),
    (_cpuinfo(HASWELL_FLAGS, NEHALEM_FLAGS), False),  # every core must have it
    (_cpuinfo("fpu avx512f avx2"), False),  # 'avx' is a whole flag, not a prefix
    ("processor\t: 0\nFeatures\t: fp asimd\n", None),  # no x86 flags: cannot tell
])
def test_cpuinfo_flags(text, avx):
    assert cpuinfo_avx(text) is avx


@pytest.mark.parametrize("answers, avx", [
    ({"hw.optional.avx1_0": "1\n"}, True),
    ({"hw.optional.avx1_0": "0\n"}, False),  # Rosetta 2 before macOS 15
    ({"machdep.cpu.features": "FPU VME SSE4.2 XSAVE OSXSAVE AVX1.0 RDRAND F16C\n"}, True),
    ({"machdep.cpu.features": "FPU VME SSE4.1 SSE4.2 POPCNT\n"}, False),
    ({}, None),
])
def test_macos_sysctl(answers, avx):
    assert sysctl_avx(read=answers.get) is avx


@pytest.mark.skipif(not X86_64, reason="AVX is an x86_64 question")
def test_this_machine_runs_the_course_so_it_has_avx():
    assert platforms.cpuid_avx() in (True, None)
    assert platforms.has_avx() is True


def test_no_avx_gets_its_route_before_mxnet(monkeypatch):
    monkeypatch.setattr(platforms, "has_avx", lambda system=None: False)
    route = platform_problem("Linux", "x86_64")
    assert route == PLATFORM_ROUTES["no-avx"]
    assert "Illegal instruction" in route and "Binder" in route and "macOS 15" in route
    assert platform_problem("Darwin", "x86_64") == route  # an x86_64 Python under Rosetta
    monkeypatch.setattr(platforms, "has_avx", lambda system=None: None)  # cannot tell: go on
    assert platform_problem("Linux", "x86_64") is None


def test_check_environment_stops_without_avx(monkeypatch, capsys):
    from d2l_utils.environment import check_environment

    monkeypatch.setattr(platforms, "has_avx", lambda system=None: False)
    with pytest.raises(EnvironmentProblem, match="no AVX instructions"):
        check_environment(platform_id=("Linux", "x86_64"))
    assert "Platform  Linux x86_64 (not supported)" in capsys.readouterr().out


def test_jupyter_shows_the_message_without_a_traceback():
    err = EnvironmentProblem("the course cannot run on this machine:\n- route")
    assert err._render_traceback_() == [f"EnvironmentProblem: {err}"]


def _qemu(cpu, *args):
    return subprocess.run([QEMU, "-cpu", cpu, *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


@needs_qemu
def test_make_platform_check_under_an_emulated_cpu_without_avx():
    nehalem = _qemu("Nehalem", sys.executable, str(SCRIPT))
    assert nehalem.returncode == 1, nehalem.stderr
    assert "error: this machine cannot run the course: this x86_64 CPU" in nehalem.stderr
    sandy = _qemu("SandyBridge", sys.executable, str(SCRIPT))  # the oldest CPU with AVX
    assert sandy.returncode == 0, sandy.stderr


@needs_qemu
def test_import_d2l_utils_without_avx_is_one_message_not_sigill():
    """What a student's first cell does.  Without the check, `import mxnet` works on this
    CPU and the first nd.dot ends the process with SIGILL (measured; too slow to repeat here:
    importing MXNet under qemu takes about a minute)."""
    run = _qemu("Nehalem", sys.executable, "-c", "import d2l_utils")
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    assert ("d2l_utils.platforms.EnvironmentProblem: the course cannot run on this machine:\n"
            "- this x86_64 CPU (or emulator) has no AVX instructions") in run.stderr
    assert "mxnet/" not in run.stderr  # stopped before MXNet was imported


@needs_qemu
def test_make_install_stops_on_a_cpu_without_avx(tmp_path):
    """`make install` with a python3.11 that runs on an emulated Nehalem: the route,
    exit status 2 from make, and no .venv."""
    wrapper = tmp_path / "python3.11"
    wrapper.write_text(f'#!/bin/sh\nexec {QEMU} -cpu Nehalem {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    venv = tmp_path / "venv"
    run = subprocess.run(["make", "-C", str(ROOT), f"PYTHON={wrapper}", f"VENV={venv}",
                          "install"], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode != 0
    assert "has no AVX instructions" in run.stderr
    assert not venv.exists()


# ----------------------------------------------------------------------------- aarch64
def test_elf_needed_reads_what_readelf_reads():
    folder = platforms.mxnet_folder()
    library = os.path.join(folder, "libmxnet.so")
    needed = platforms.elf_needed(library)
    assert "libc.so.6" in needed and "libgomp.so.1" in needed
    if shutil.which("readelf"):
        out = subprocess.run(["readelf", "-d", library], capture_output=True, text=True).stdout
        assert needed == [line.split("[")[1].rstrip("]") for line in out.splitlines()
                          if "(NEEDED)" in line]


def test_elf_needed_rejects_a_file_that_is_not_elf(tmp_path):
    bad = tmp_path / "libmxnet.so"
    bad.write_bytes(b"<html>404</html>")
    with pytest.raises(ValueError, match="libmxnet.so is not a 64-bit little-endian ELF"):
        platforms.elf_needed(bad)


AARCH64_NEEDED = ["libdl.so.2", *ARMPL_LIBRARIES, "libgfortran.so.5", "libm.so.6", "libc.so.6"]


@pytest.fixture
def arm64_wheel(tmp_path, monkeypatch):
    """An aarch64 MXNet folder (libmxnet.so needs the three ArmPL names) and a system
    library folder laid out as Debian/Ubuntu's with OpenBLAS and LAPACKE installed."""
    folder = tmp_path / "site-packages" / "mxnet"
    folder.mkdir(parents=True)
    (folder / "libmxnet.so").write_bytes(b"")
    monkeypatch.setattr(platforms, "elf_needed", lambda path: AARCH64_NEEDED)
    libdir = tmp_path / "usr" / "lib" / "aarch64-linux-gnu"
    for stand_in in platforms.ARM64_STAND_INS.values():
        (libdir / stand_in).parent.mkdir(parents=True, exist_ok=True)
        (libdir / stand_in).write_bytes(b"")
    return folder, libdir


def test_missing_arm_performance_libraries_are_named(arm64_wheel):
    folder, _ = arm64_wheel
    assert platforms.missing_libraries(str(folder)) == list(ARMPL_LIBRARIES)
    route = platform_problem("Linux", "aarch64", missing=list(ARMPL_LIBRARIES))
    assert "libarmpl_lp64_mp.so, libamath.so, libastring.so" in route
    assert "apt-get install libopenblas0-pthread liblapacke" in route
    assert platform_problem("Linux", "aarch64", missing=[]) is None


def test_stand_ins_are_linked_next_to_libmxnet(arm64_wheel):
    folder, libdir = arm64_wheel
    made = platforms.link_arm64_libraries(str(folder), library_dirs=(str(libdir),))
    assert len(made) == len(platforms.ARM64_STAND_INS)
    for name, stand_in in platforms.ARM64_STAND_INS.items():
        link = folder / name
        assert link.is_symlink() and not os.path.isabs(os.readlink(link))
        assert link.resolve() == (libdir / stand_in).resolve()
    assert platforms.missing_libraries(str(folder)) == []
    assert platforms.link_arm64_libraries(str(folder), library_dirs=(str(libdir),)) == []


def test_without_openblas_the_links_are_not_made_and_the_packages_are_named(arm64_wheel):
    folder, libdir = arm64_wheel
    (libdir / "liblapacke.so.3").unlink()
    with pytest.raises(EnvironmentProblem, match="apt-get install libopenblas0-pthread "
                                                 "liblapacke.*liblapacke.so.3 not found"):
        platforms.link_arm64_libraries(str(folder), library_dirs=(str(libdir),))
    assert not any(p.is_symlink() for p in folder.iterdir())


def test_x86_64_mxnet_is_complete():
    assert platforms.missing_libraries() == []
    assert platform_problem() is None


def test_link_arm64_does_nothing_on_x86_64():
    run = subprocess.run([sys.executable, str(SCRIPT), "link-arm64"], capture_output=True,
                         text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
