#!/usr/bin/env bash
# First step of `npm test`: the browser tests need Debian's Chromium (never a downloaded browser).
# If it is missing, install it with apt when root or sudo allows; otherwise say what to do and fail.
set -euo pipefail

# The expected path may be given as $1 (the tests use that); Debian's package installs /usr/bin/chromium.
expected="${1:-/usr/bin/chromium}"
browser="${CHROMIUM_PATH:-$expected}"
if [ -x "$browser" ]; then
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "test: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "test: the browser tests need Chromium at $expected, and neither root nor password-less sudo is available to install it." >&2
  echo "test: install it with 'sudo apt-get install chromium', or set CHROMIUM_PATH to a Chromium binary, then run npm test again." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test: $expected is missing and there is no apt-get here; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
echo "test: installing Debian's chromium for the browser tests (apt-get) ..." >&2
${as_root[@]+"${as_root[@]}"} apt-get update -qq
${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
[ -x "$expected" ] || { echo "test: apt-get finished but $expected is still missing" >&2; exit 1; }
