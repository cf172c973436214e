#!/bin/sh
# `make emulate-arm64`: the course on Linux arm64, emulated by qemu-aarch64 on this machine.
#   tools/platform/emulate-arm64.sh BUILD_DIR HOST_PYTHON UV
# 1. an arm64 Debian root with requirements.lock's aarch64 wheels (arm64-sysroot.sh; kept
#    until the lock or that script changes);
# 2. without the stand-ins, d2l_utils/platforms.py must name the missing Arm Performance
#    Libraries; with them (make install's `platforms.py link-arm64`), MXNet imports;
# 3. the data loader and gradient-check tests, by the arm64 Python;
# 4. one epoch on 5,000 images (tools/platform/subset.py), compared with x86_64;
# 5. chapter 03 under nbval in compare mode, its kernel the arm64 Python: every stored
#    output of the x86_64 run must come out the same.
# Slow (emulation): for authors, not part of `make test`.  Runs niced.
set -eu
BUILD=$1
HOST_PY=$2
UV=$3
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=$BUILD/root
OUT=$BUILD/out
START=$(date +%s)
step() { echo "== [$(( $(date +%s) - START )) s] $*"; }

if [ ! -e "$ROOT.built" ] || [ "$REPO/tools/platform/arm64-sysroot.sh" -nt "$ROOT.built" ] ||
   [ "$REPO/requirements.lock" -nt "$ROOT.built" ]; then
  step "building the arm64 root"
  "$REPO/tools/platform/arm64-sysroot.sh" "$ROOT" "$UV"
fi
mkdir -p "$OUT" "$BUILD/mpl"
# The arm64 Python, its packages in /opt/site (inside ROOT) and the repository (from the host).
ARM_PY="qemu-aarch64 -L $ROOT -E PYTHONPATH=/opt/site:$REPO -E PYTHONNOUSERSITE=1
  -E MPLCONFIGDIR=$BUILD/mpl -E PYTHONDONTWRITEBYTECODE=1 $ROOT/usr/bin/python3.11"

step "the platform check without the stand-ins names the missing libraries"
STAND_INS=$(cd "$ROOT/opt/site/mxnet" && find . -maxdepth 1 -type l)
mkdir -p "$BUILD/stand-ins" && (cd "$ROOT/opt/site/mxnet" && mv $STAND_INS "$BUILD/stand-ins/")
if $ARM_PY -c "import d2l_utils" > "$OUT/no-stand-ins.txt" 2>&1; then
  echo "FAILED: import d2l_utils succeeded without the Arm Performance Libraries"; exit 1
fi
(cd "$BUILD/stand-ins" && mv $STAND_INS "$ROOT/opt/site/mxnet/")
tail -n 1 "$OUT/no-stand-ins.txt"
grep -q "libarmpl_lp64_mp.so, libamath.so, libastring.so" "$OUT/no-stand-ins.txt"
$ARM_PY "$REPO/d2l_utils/platforms.py"
$ARM_PY -c "import mxnet, numpy, platform; print('with the stand-ins: mxnet', mxnet.__version__,
'numpy', numpy.__version__, 'on', platform.machine())"

step "data loader and gradient checks (pytest, arm64)"
(cd "$REPO" && $ARM_PY -m pytest -q -p no:cacheprovider tests/test_data_loader.py \
  tests/test_gradcheck.py)

step "one epoch on 5,000 images: x86_64, then arm64"
(cd "$REPO" && "$HOST_PY" tools/platform/subset.py run "$OUT/x86_64.json" >/dev/null)
(cd "$REPO" && $ARM_PY tools/platform/subset.py run "$OUT/aarch64.json" >/dev/null)
"$HOST_PY" "$REPO/tools/platform/subset.py" compare "$OUT/x86_64.json" "$OUT/aarch64.json"

step "chapter 03 under nbval, kernel: the arm64 Python"
# matplotlib builds its font cache on first use and says so: not in the chapter's first cell
$ARM_PY -c "import matplotlib.font_manager"
KERNEL=$BUILD/jupyter/kernels/python3-arm64
mkdir -p "$KERNEL"
"$HOST_PY" - "$KERNEL/kernel.json" $ARM_PY <<'EOF'
import json, sys
argv = sys.argv[2:] + ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
json.dump({"argv": argv, "display_name": "Python 3.11 (arm64, qemu)", "language": "python"},
          open(sys.argv[1], "w"), indent=1)
EOF
(cd "$REPO" && JUPYTER_PATH=$BUILD/jupyter "$HOST_PY" -m pytest -q -p no:cacheprovider --nbval \
  --nbval-kernel-name python3-arm64 --nbval-kernel-startup-timeout 300 \
  --nbval-cell-timeout 3000 --nbval-sanitize-with chapters/nbval_sanitize.cfg \
  chapters/03_softmax_from_scratch.ipynb)

step "done: arm64 (emulated) agrees with x86_64"
