#!/usr/bin/env bash
# The browser tests use Debian's chromium (no downloaded browser builds): install it when it is missing,
# with a CJK font so the Chinese UI renders in screenshots.
set -euo pipefail
CHROMIUM=${OPENCLAW_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing at $CHROMIUM. Install it (Debian/Ubuntu: apt-get install -y chromium)," \
       "or set OPENCLAW_CHROMIUM to a Chromium or Chrome binary." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Chromium is missing: installing Debian's chromium package"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium fonts-noto-cjk
