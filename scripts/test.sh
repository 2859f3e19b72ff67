#!/usr/bin/env bash
# Install test dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages the tests use: DejaVu fonts (PDF tests render real PDFs) and
# Debian's chromium (browser tests drive it headless). Installed when missing and
# running as root; otherwise those tests skip with a message saying why.
missing=()
ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
      || echo "warning: could not install ${missing[*]}; the tests that need them will be skipped" >&2
  else
    echo "note: ${missing[*]} not installed (needs root); the tests that need them will be skipped" >&2
  fi
fi
scripts/setup.sh test
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
