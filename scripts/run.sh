#!/usr/bin/env bash
# Install, build the knowledge base from the bundled corpus, and serve the web app.
# KB_HOST / KB_PORT choose the address (default http://localhost:8000/); to upload
# documents, create an administrator first: .venv/bin/kb user add NAME
# (or set KB_ADMIN and KB_ADMIN_PASSWORD before running this script).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The knowledge base goes to KB_HOME, or the default data folder (kb settings tells).
export HF_HUB_OFFLINE=1
.venv/bin/kb ingest corpus/
.venv/bin/kb stats
if [ -n "${KB_ADMIN:-}" ] && [ -n "${KB_ADMIN_PASSWORD:-}" ]; then
  .venv/bin/kb user add "$KB_ADMIN" --password "$KB_ADMIN_PASSWORD"
fi
echo
echo "Demo search: was not brought"
.venv/bin/kb search "was not brought" -k 3
echo
exec .venv/bin/kb serve
