#!/usr/bin/env bash
# Install, build the knowledge base from the bundled corpus, and answer a demo search.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The knowledge base goes to KB_HOME, or the default data folder (kb settings tells).
export HF_HUB_OFFLINE=1
.venv/bin/kb ingest corpus/
.venv/bin/kb stats
echo
echo "Demo search: was not brought"
.venv/bin/kb search "was not brought" -k 5
