#!/usr/bin/env bash
# Install, build the knowledge base from the bundled corpus, and serve the web app.
#
#   scripts/run.sh           install, build the default knowledge base, serve until Ctrl+C
#   scripts/run.sh --check   the same steps on a temporary data folder and a free local port:
#                            answer the demo search, start the server, fetch / and
#                            /api/search?q=was+not+brought, check both, stop (CI runs this)
#
# KB_HOST / KB_PORT choose the address (default http://localhost:8000/); to upload
# documents, create an administrator first: .venv/bin/kb user add NAME
# (or set KB_ADMIN and KB_ADMIN_PASSWORD before running this script).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/run.sh [--check]" >&2; exit 2 ;;
esac

scripts/setup.sh
export HF_HUB_OFFLINE=1
if [ "$check" = 1 ]; then
  KB_HOME=$(mktemp -d "${TMPDIR:-/tmp}/kb-check.XXXXXX")
  export KB_HOME KB_HOST=127.0.0.1
  KB_PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export KB_PORT
  trap '[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true; rm -rf "$KB_HOME"' EXIT
  echo "Check mode: knowledge base in $KB_HOME, server on port $KB_PORT"
fi
# The knowledge base goes to KB_HOME, or the default data folder (kb settings tells).
.venv/bin/kb ingest corpus/ --quiet
.venv/bin/kb stats
if [ -n "${KB_ADMIN:-}" ] && [ -n "${KB_ADMIN_PASSWORD:-}" ]; then
  .venv/bin/kb user add "$KB_ADMIN" --password "$KB_ADMIN_PASSWORD"
fi
echo
echo "Demo search: was not brought"
demo=$(.venv/bin/kb search "was not brought" -k 3)
echo "$demo"
echo
if [ "$check" = 0 ]; then
  exec .venv/bin/kb serve
fi

grep -qi "brought" <<<"$demo" || { echo "check failed: the demo search found nothing about 'was not brought'" >&2; exit 1; }
.venv/bin/kb serve &
server=$!
.venv/bin/python - "http://127.0.0.1:$KB_PORT" <<'PY'
"""Fetch the home page and the demo search from the running server and check both."""
import json
import sys
import time
import urllib.request

base = sys.argv[1]


def get(path: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")


deadline = time.monotonic() + 120
while True:
    try:
        get("/api/health")
        break
    except OSError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"check failed: the server did not answer at {base} ({exc})")
        time.sleep(0.5)

status, kind, html = get("/")
if status != 200 or "text/html" not in kind or 'role="search"' not in html:
    sys.exit(f"check failed: GET / answered {status} {kind} without the search form")
status, kind, body = get("/api/search?q=was+not+brought")
results = json.loads(body).get("results", [])
if status != 200 or not results:
    sys.exit(f"check failed: /api/search?q=was+not+brought answered {status} with {len(results)} results")
if not all(r.get("document", {}).get("title") and r.get("text") for r in results):
    sys.exit("check failed: a search result has no text or no cited document")
if not any("brought" in r["text"].lower() for r in results[:5]):
    sys.exit("check failed: no result in the top five mentions 'was not brought'")
print(f"Check passed: GET / ({len(html)} bytes) and /api/search ({len(results)} cited results, "
      f"first: {results[0]['document']['title']})")
PY
