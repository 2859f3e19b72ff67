#!/usr/bin/env bash
# Install test dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# PDF tests render real PDFs with the DejaVu fonts (Debian package fonts-dejavu-core).
if ! ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core) >/dev/null \
      || echo "warning: could not install fonts-dejavu-core; PDF tests will be skipped" >&2
  fi
fi
scripts/setup.sh test
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
