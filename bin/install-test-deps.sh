#!/bin/sh
# Installs what the browser tests need from Debian's packages, only when absent:
# chromium (driven by playwright-core; no browser is ever downloaded) and fonts-noto-core
# (so Vietnamese renders without fallback glyphs).
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
fc-list 2>/dev/null | grep -qi "NotoSans-Regular" || need="$need fonts-noto-core"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing$need from Debian…"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
