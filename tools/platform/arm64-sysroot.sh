#!/bin/sh
# Build an arm64 Debian root with the course's Python packages, for `make emulate-arm64`.
#   tools/platform/arm64-sysroot.sh ROOT HOST_PYTHON
# ROOT gets Debian bookworm's arm64 python3.11, OpenBLAS and LAPACKE (unpacked with dpkg -x,
# as on a Linux arm64 machine after `apt-get install python3.11 libopenblas0-pthread
# liblapacke`) and, in ROOT/opt/site, the aarch64 wheels of the packages the emulated run
# imports, at the versions HOST_PYTHON (the x86_64 .venv) has.  Then the course's own
# `d2l_utils/platforms.py link-arm64` (what `make install` runs on aarch64) links the Arm
# Performance Libraries' stand-ins, run by the arm64 Python under qemu-aarch64.
# Wheels: any manylinux tag bookworm's glibc 2.36 accepts.
# apt runs with its own state under ROOT.apt/: the machine's apt configuration and
# architectures are not touched.  Needs the network (Debian mirror, PyPI) once.
set -eu
ROOT=$1
HOST_PY=$2
REPO=$(cd "$(dirname "$0")/../.." && pwd)
APT=$ROOT.apt
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PACKAGES="python3.11 libopenblas0-pthread liblapacke libgomp1 libstdc++6"

command -v qemu-aarch64 >/dev/null || { echo "error: qemu-aarch64 not found:" \
  "apt-get install qemu-user (Debian/Ubuntu)"; exit 1; }
[ -f $KEYRING ] || { echo "error: $KEYRING missing: apt-get install debian-archive-keyring"; exit 1; }

echo "== Debian bookworm arm64 packages: $PACKAGES (and what they depend on)"
rm -rf "$APT" "$ROOT" "$ROOT.built"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$ROOT"
: > "$APT/status"
cat > "$APT/sources.list" <<EOF
deb [arch=arm64 signed-by=$KEYRING] $MIRROR bookworm main
deb [arch=arm64 signed-by=$KEYRING] $SECURITY bookworm-security main
EOF
set -- -q -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o Dir::State="$APT" \
  -o Dir::State::status="$APT/status" -o Dir::Cache="$APT/cache" \
  -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
  -o Debug::NoLocking=1
apt-get "$@" update >/dev/null
apt-get "$@" install -y --download-only --no-install-recommends $PACKAGES >/dev/null
for deb in "$APT"/cache/archives/*.deb; do dpkg -x "$deb" "$ROOT"; done
# bookworm's packages still ship /lib, /bin and /sbin; installed systems merge them into /usr
for d in lib bin sbin; do
  if [ -d "$ROOT/$d" ] && [ ! -L "$ROOT/$d" ]; then
    mkdir -p "$ROOT/usr/$d"; cp -a "$ROOT/$d/." "$ROOT/usr/$d/"; rm -rf "${ROOT:?}/$d"
    ln -s "usr/$d" "$ROOT/$d"
  fi
done
echo "   $(ls "$APT"/cache/archives/*.deb | wc -l) packages unpacked into $ROOT"

echo "== aarch64 wheels into $ROOT/opt/site (versions of the x86_64 .venv)"
"$HOST_PY" -m pip freeze --exclude-editable > "$APT/constraints.txt"
"$HOST_PY" -m pip install --quiet --no-warn-conflicts --target "$ROOT/opt/site" \
  $(for t in 2014 _2_28 _2_31 _2_34 _2_36; do printf -- "--platform manylinux%s_aarch64 " $t; done) \
  --python-version 3.11 --implementation cp --abi cp311 \
  --only-binary=:all: -c "$APT/constraints.txt" \
  mxnet numpy matplotlib matplotlib-inline pandas ipython tqdm ipykernel pytest

echo "== the course's stand-ins for the Arm Performance Libraries (make install's step)"
qemu-aarch64 -L "$ROOT" -E PYTHONPATH=/opt/site -E PYTHONNOUSERSITE=1 \
  "$ROOT/usr/bin/python3.11" "$REPO/d2l_utils/platforms.py" link-arm64
touch "$ROOT.built"
