#!/usr/bin/env bash
# Create the virtual environment and install the project (shared by run.sh and test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# torch is pinned to the CPU build (torch==2.13.0) in pyproject.toml, so no CUDA build is pulled.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[${1:-}]" 2>&1 \
  | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import kb, faiss, whoosh, sentence_transformers" \
  || { echo "setup failed: the project's dependencies did not install" >&2; exit 1; }
