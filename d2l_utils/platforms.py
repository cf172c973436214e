"""Can this machine run MXNet 1.9.1?  Answered before MXNet is imported.

Standard library only: `make` runs this file with the system Python before .venv exists
(`make platform-check`), and ``import d2l_utils`` runs ``require_supported_platform()``
before it imports MXNet, so a student gets the route that works instead of a pip resolver
error, an ``OSError`` from ``import mxnet`` or an "Illegal instruction" crash.
Introduced in chapters/00_getting_started.ipynb (via ``check_environment``).
"""

import ctypes
import mmap
import os
import platform
import struct
import subprocess
import sys
from importlib.util import find_spec

BROWSER = ("the browser route needs no install: Binder or GitHub Codespaces "
           "(README, 'Platforms')")
# The route to follow on each machine the pinned wheels cannot serve.
PLATFORM_ROUTES = {
    "windows": (
        "native Windows: MXNet's Windows wheels stop at 1.7.0, the course needs 1.9.1. "
        "Use WSL2 with Ubuntu (`wsl --install -d Ubuntu` in an administrator PowerShell), "
        "then follow the Linux steps inside it; there `sudo apt-get install "
        "dataset-fashion-mnist` also provides the data (README, 'Platforms')."),
    "macos-arm64": (
        "macOS on Apple silicon: MXNet 1.9.1 has no macOS arm64 wheels. Use a Linux arm64 "
        "container (Docker Desktop or Colima: README, 'Platforms', gives the commands), or an "
        "x86_64 Python 3.11 under Rosetta 2 (`arch -x86_64`) on macOS 15 or later "
        f"(earlier Rosetta has no AVX); or {BROWSER}."),
    "no-avx": (
        "this x86_64 CPU (or emulator) has no AVX instructions, and MXNet 1.9.1's x86_64 "
        "wheel uses them: its first matrix product would stop with 'Illegal instruction'. That "
        "happens on Intel CPUs older than Sandy Bridge (2011), on many Celeron, Pentium and "
        "Atom laptops and under Rosetta 2 before macOS 15. On a Mac with Apple silicon use a "
        "Linux arm64 container (README, 'Platforms'), or update to macOS 15; elsewhere "
        f"{BROWSER}."),
    "arm64-libs": (
        "MXNet 1.9.1's aarch64 wheel needs the Arm Performance Libraries ({missing}), "
        "which it does not bundle: `import mxnet` would fail. `make install` stands in "
        "Debian/Ubuntu's OpenBLAS and LAPACKE for them: `sudo apt-get install "
        "libopenblas0-pthread liblapacke`, then `make install` again (README, 'Platforms')."),
}

# The three libraries the aarch64 wheel's libmxnet.so needs and what stands in for each.
# libmxnet.so finds them next to itself (its RPATH is $ORIGIN), and so do the libraries
# they load in turn: the OpenBLAS links pin BLAS and LAPACK to OpenBLAS whatever the
# system's alternatives select.  libamath and libastring only speed up libm and libc
# functions (libmxnet.so needs no symbol from them that libm and libc lack).
ARMPL_LIBRARIES = ("libarmpl_lp64_mp.so", "libamath.so", "libastring.so")
ARM64_STAND_INS = {
    "libarmpl_lp64_mp.so": "liblapacke.so.3",  # LAPACKE_*; BLAS and LAPACK below
    "libblas.so.3": "openblas-pthread/libblas.so.3",  # cblas_*
    "liblapack.so.3": "openblas-pthread/liblapack.so.3",  # sgetrf_, spotrf_, ...
    "libopenblas.so.0": "openblas-pthread/libopenblas.so.0",
    "libamath.so": "libm.so.6",
    "libastring.so": "libc.so.6",
}
ARM64_LIBRARY_DIRS = ("/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu")


# ----------------------------------------------------------------------------- x86_64: AVX
# x86_64 machine code (System V ABI).  cpuid(leaf, subleaf, out): out[0:4] = eax, ebx, ecx,
# edx.  xgetbv(index) -> the XCR register (which register states the OS saves).
_CPUID_CODE = bytes.fromhex("53" "4989d0" "89f8" "89f1" "0fa2" "418900" "41895804"
                            "41894808" "4189500c" "5b" "c3")
_XGETBV_CODE = bytes.fromhex("89f9" "0f01d0" "48c1e220" "4809d0" "c3")


def _run_machine_code(code, restype, argtypes, *args):
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    try:
        page.write(code)
        address = ctypes.addressof(ctypes.c_char.from_buffer(page))
        return ctypes.CFUNCTYPE(restype, *argtypes)(address)(*args)
    finally:
        try:
            page.close()
        except BufferError:  # a ctypes view still points at the page; it goes with the process
            pass


def cpuid_avx():
    """True/False: do the CPU *and* the OS support AVX, asked of the CPU itself (CPUID).

    This is what MXNet's instructions meet, also under an emulator (``qemu-x86_64 -cpu
    Nehalem`` shows the host's /proc/cpuinfo but answers CPUID as a Nehalem).  None when
    machine code cannot be run here (a system that forbids executable memory).
    """
    if platform.machine().lower() not in ("x86_64", "amd64") or sys.maxsize < 2**32:
        return None  # the machine code is x86_64's (a 32-bit Python has no MXNet anyway)
    try:
        regs = (ctypes.c_uint32 * 4)()
        _run_machine_code(_CPUID_CODE, None,
                          (ctypes.c_uint32, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32)),
                          1, 0, regs)
        ecx = regs[2]
        if not (ecx >> 28) & 1 or not (ecx >> 27) & 1:  # AVX, OSXSAVE (else xgetbv traps)
            return False
        xcr0 = _run_machine_code(_XGETBV_CODE, ctypes.c_uint64, (ctypes.c_uint32,), 0)
        return xcr0 & 0b110 == 0b110  # the OS saves the SSE and AVX registers
    except (OSError, ValueError, AttributeError):
        return None


def cpuinfo_avx(text):
    """True/False from the ``flags`` lines of Linux's /proc/cpuinfo text, None without any."""
    flags = [line.split(":", 1)[1].split() for line in text.splitlines()
             if line.startswith("flags") and ":" in line]
    return all("avx" in f for f in flags) if flags else None


def sysctl_avx(read=None):
    """True/False from macOS's sysctl (``hw.optional.avx1_0``, else the feature list)."""
    read = read or _sysctl
    value = read("hw.optional.avx1_0")
    if value is not None and value.strip() in ("0", "1"):
        return value.strip() == "1"
    features = read("machdep.cpu.features")
    return None if features is None else "AVX1.0" in features.upper().split()


def _sysctl(name):
    try:
        run = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 else None


def has_avx(system=None):
    """Can this x86_64 process run AVX instructions?  None when it cannot be told."""
    system = system or platform.system()
    if system == "Darwin":
        return sysctl_avx()
    found = cpuid_avx()
    if found is None and os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            found = cpuinfo_avx(f.read())
    return found


# ----------------------------------------------------------------------------- aarch64: ArmPL
def elf_needed(path):
    """The DT_NEEDED names of a 64-bit little-endian ELF shared library (``readelf -d``)."""
    with open(path, "rb") as f:
        header = f.read(64)
        if header[:6] != b"\x7fELF\x02\x01":
            raise ValueError(f"{path} is not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", header, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", header, 0x3A)
        f.seek(shoff)
        table = f.read(shentsize * shnum)
        sections = [struct.unpack_from("<IIQQQQIIQQ", table, i * shentsize) for i in range(shnum)]
        names = []
        for _, kind, _, _, offset, size, link, _, _, entsize in sections:
            if kind != 6:  # SHT_DYNAMIC
                continue
            f.seek(offset)
            entries = f.read(size)
            strtab = sections[link]
            f.seek(strtab[4])
            strings = f.read(strtab[5])
            for i in range(0, size, entsize):
                tag, value = struct.unpack_from("<qQ", entries, i)
                if tag == 1:  # DT_NEEDED
                    names.append(strings[value:strings.index(b"\0", value)].decode())
        return names


def mxnet_folder():
    """Where the installed ``mxnet`` package is, found without importing it (None: absent)."""
    spec = find_spec("mxnet")
    locations = spec and spec.submodule_search_locations
    return os.path.realpath(locations[0]) if locations else None


def _loadable(name):
    try:
        ctypes.CDLL(name)
        return True
    except OSError:
        return False


def missing_libraries(folder=None, names=ARMPL_LIBRARIES):
    """The Arm Performance Libraries libmxnet.so needs that neither its folder (its RPATH)
    nor the system's library path provides; [] when there is no aarch64 MXNet to check."""
    folder = folder or mxnet_folder()
    library = folder and os.path.join(folder, "libmxnet.so")
    if not library or not os.path.exists(library):
        return []
    needed = [n for n in elf_needed(library) if n in names]
    return [n for n in needed if not os.path.exists(os.path.join(folder, n))
            and not _loadable(n)]


def link_arm64_libraries(folder=None, library_dirs=ARM64_LIBRARY_DIRS):
    """Link OpenBLAS, LAPACKE, libm and libc into MXNet's folder under the ArmPL names.

    Returns the links made ([] when nothing is missing).  The links are relative, so they
    also hold in an emulator's sysroot (`make emulate-arm64`), and made relative to the
    folder's descriptor, which qemu-user passes through unchanged.  Raises
    ``EnvironmentProblem`` naming the packages to install when a stand-in is absent.
    """
    folder = folder or mxnet_folder()
    if not missing_libraries(folder):
        return []
    targets = {}
    for name, stand_in in ARM64_STAND_INS.items():
        found = [os.path.join(d, stand_in) for d in library_dirs
                 if os.path.exists(os.path.join(d, stand_in))]
        if not found:
            raise EnvironmentProblem(PLATFORM_ROUTES["arm64-libs"].format(
                missing=", ".join(ARMPL_LIBRARIES)) + f" ({stand_in} not found in "
                f"{' or '.join(library_dirs)})")
        targets[name] = found[0]
    made = []
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        for name, target in targets.items():
            if os.path.lexists(os.path.join(folder, name)):
                os.remove(name, dir_fd=descriptor)
            os.symlink(os.path.relpath(target, folder), name, dir_fd=descriptor)
            made.append(f"{name} -> {target}")
    finally:
        os.close(descriptor)
    return made


# ----------------------------------------------------------------------------- the verdict
def platform_problem(system=None, machine=None, avx=None, missing=None):
    """The route to follow when this machine cannot run the course, else None.

    ``system``/``machine`` default to ``platform.system()``/``platform.machine()``; ``avx``
    (x86_64) and ``missing`` (aarch64 Linux: ArmPL names) default to what this machine
    shows.  Tests pass them.  An x86_64 Python under Rosetta reports x86_64 and is asked
    for AVX.  Introduced in chapters/00_getting_started.ipynb (via ``check_environment``).
    """
    system = platform.system() if system is None else system
    machine = (platform.machine() if machine is None else machine).lower()
    if system == "Windows" or system.upper().startswith(("CYGWIN", "MSYS", "MINGW")):
        return PLATFORM_ROUTES["windows"]
    if system == "Darwin" and machine in ("arm64", "aarch64"):
        return PLATFORM_ROUTES["macos-arm64"]
    if machine in ("x86_64", "amd64") and (has_avx(system) if avx is None else avx) is False:
        return PLATFORM_ROUTES["no-avx"]
    if system == "Linux" and machine in ("aarch64", "arm64"):
        missing = missing_libraries() if missing is None else missing
        if missing:
            return PLATFORM_ROUTES["arm64-libs"].format(missing=", ".join(missing))
    return None


class EnvironmentProblem(RuntimeError):
    """What cannot work here and how to fix it; Jupyter shows the message, no traceback."""

    def _render_traceback_(self):
        return [f"EnvironmentProblem: {self}"]


def require_supported_platform():
    """Raise ``EnvironmentProblem`` with the route when MXNet cannot run here."""
    route = platform_problem()
    if route:
        raise EnvironmentProblem("the course cannot run on this machine:\n- " + route)


def main(argv):
    """`python d2l_utils/platforms.py`: exit 1 with the route on a machine that cannot run
    the course.  `... link-arm64`: on aarch64 Linux, make the ArmPL stand-ins (make install)."""
    if argv[1:] == ["link-arm64"]:
        if platform.system() == "Linux" and platform.machine().lower() in ("aarch64", "arm64"):
            try:
                made = link_arm64_libraries()
            except EnvironmentProblem as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
            for line in made:
                print(f"MXNet's Arm Performance Libraries stand-in: {line}")
        return 0
    if argv[1:]:
        print(f"usage: {argv[0]} [link-arm64]", file=sys.stderr)
        return 2
    route = platform_problem()
    if route:
        print(f"error: this machine cannot run the course: {route}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
