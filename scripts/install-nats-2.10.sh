#!/usr/bin/env bash
# Installs a nats-server 2.10 binary beside the system one (Debian 12 ships 2.9.10), so the
# JetStream tests of packages/runtime run against both. It takes the package from Debian's next
# release (trixie) through a private apt state directory: the machine's own sources and package
# lists are left untouched, and nothing is installed through dpkg; the binary is only unpacked.
#
#   scripts/install-nats-2.10.sh            installs into $BYSTACK_NATS_2_10_DIR (default /opt/bystack/nats-server-2.10)
#
# The tests find it at $BYSTACK_NATS_SERVER_2_10, else at the default path above.
# Idempotent: does nothing when the binary is already there. Never fails the caller: when it
# cannot install (no network, no apt, not writable) it says why and exits 0, and the tests then
# say loudly that they ran against the system nats-server only.
set -uo pipefail

dir=${BYSTACK_NATS_2_10_DIR:-/opt/bystack/nats-server-2.10}
bin="$dir/nats-server"

say() { echo "install-nats-2.10: $*"; }

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q 'v2\.10\.'; then
  say "already installed: $("$bin" --version) at $bin"
  exit 0
fi

if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  say "apt-get/dpkg-deb not found; skipping (tests will run against the system nats-server only)"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
# The Debian archive this machine already uses (its first deb822 or one-line source), at suite trixie.
archive=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 | awk '{print $2}')
[ -n "$archive" ] || archive=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n 1 | awk '{print $2}')
if [ -z "$archive" ]; then
  say "no Debian archive found in this machine's apt sources; skipping"
  exit 0
fi
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive trixie main" >"$work/sources.list"
apt_opts=(
  -o "Dir::Etc::sourcelist=$work/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root"
)

if ! apt-get "${apt_opts[@]}" -qq update >"$work/update.log" 2>&1; then
  say "apt-get update of the trixie list failed; skipping"
  tail -5 "$work/update.log"
  exit 0
fi
if ! (cd "$work" && apt-get "${apt_opts[@]}" -qq download 'nats-server=2.10*' >"$work/download.log" 2>&1); then
  say "no nats-server 2.10 package could be downloaded; skipping"
  tail -5 "$work/download.log"
  exit 0
fi

deb=$(ls "$work"/nats-server_2.10*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$work/root"; then
  say "could not unpack the downloaded package; skipping"
  exit 0
fi
if ! mkdir -p "$dir" 2>/dev/null || ! install -m 0755 "$work/root/usr/sbin/nats-server" "$bin.tmp" 2>/dev/null; then
  say "cannot write $dir (set BYSTACK_NATS_2_10_DIR to a writable directory); skipping"
  exit 0
fi
mv -f "$bin.tmp" "$bin"
say "installed $("$bin" --version) at $bin (from $(basename "$deb"))"
