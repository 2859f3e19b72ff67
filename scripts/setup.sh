#!/usr/bin/env bash
# Create the virtual environment and install the project (shared by run.sh and test.sh).
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup failed: Python 3.11 or newer is needed ($PY is $("$PY" --version 2>&1 || echo 'missing'))." >&2
  echo "Install it, or point PYTHON at one: PYTHON=python3.12 $0" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# whoosh3 replaced whoosh-reloaded (both install the `whoosh` package): remove the old one first.
if .venv/bin/python -m pip show -q whoosh-reloaded >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -y -q whoosh-reloaded
  .venv/bin/python -m pip uninstall -y -q whoosh3 >/dev/null 2>&1 || true
fi
# An empty extras list (".[]") is rejected by the pip a new venv brings (23.x), so the
# requirement names extras only when there are some.
target="."
[ -n "${1:-}" ] && target=".[$1]"
# torch is pinned to the CPU build (torch==2.13.0) in pyproject.toml, so no CUDA build is pulled.
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target" > .venv/pip.log 2>&1; then
  grep -v "^WARNING: Location" .venv/pip.log >&2 || true
  echo "setup failed: pip could not install the project's dependencies (log: .venv/pip.log)." >&2
  echo "Behind a proxy, set HTTPS_PROXY (and PIP_INDEX_URL for a local mirror); see README, Troubleshooting." >&2
  exit 1
fi
.venv/bin/python -c "import kb, faiss, whoosh, sentence_transformers" \
  || { echo "setup failed: the project's dependencies did not install (log: .venv/pip.log)" >&2; exit 1; }
