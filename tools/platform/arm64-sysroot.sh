#!/bin/sh
# Build an arm64 Debian root with the course's Python packages, for `make emulate-arm64`.
#   tools/platform/arm64-sysroot.sh ROOT UV
# ROOT gets Debian bookworm's arm64 python3.11 (3.11.2), OpenBLAS and LAPACKE (unpacked with
# dpkg -x, as on a Linux arm64 machine after `apt-get install python3.11 libopenblas0-pthread
# liblapacke`) and, in ROOT/opt/site, requirements.lock's aarch64 wheels: what `make install`
# installs there (uv evaluates the lock's markers for that Python and platform; pip would use
# this machine's).  Then the course's own `d2l_utils/platforms.py link-arm64` (make install's
# last step) links the Arm Performance Libraries' stand-ins, run by the arm64 Python under
# qemu-aarch64.  apt runs with its own state under ROOT.apt/: the machine's apt configuration
# and architectures are not touched.  Needs the network (Debian mirror, PyPI) once.
set -eu
ROOT=$1
UV=$2
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

echo "== requirements.lock's aarch64 wheels into $ROOT/opt/site"
"$UV" pip install --quiet --target "$ROOT/opt/site" --python-platform aarch64-manylinux_2_36 \
  --python-version "$(qemu-aarch64 -L "$ROOT" "$ROOT/usr/bin/python3.11" -c \
    'import platform; print(platform.python_version())')" \
  --only-binary :all: --require-hashes --no-deps -r "$REPO/requirements.lock"

echo "== the course's stand-ins for the Arm Performance Libraries (make install's step)"
qemu-aarch64 -L "$ROOT" -E PYTHONPATH=/opt/site -E PYTHONNOUSERSITE=1 \
  "$ROOT/usr/bin/python3.11" "$REPO/d2l_utils/platforms.py" link-arm64
touch "$ROOT.built"
