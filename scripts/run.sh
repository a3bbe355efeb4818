#!/usr/bin/env bash
# `make run`: migrate, seed the demo tenant, then serve the API with the worker beside it until Ctrl-C.
set -euo pipefail
bin=.venv/bin
"$bin/openclaw" migrate
"$bin/openclaw" seed-demo ${OPENCLAW_DEMO_PASSWORD:+--password "$OPENCLAW_DEMO_PASSWORD"}

"$bin/openclaw" worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo "OpenClaw is at http://127.0.0.1:${OPENCLAW_PORT:-8000}  (API under /v1; Ctrl-C stops it)"
"$bin/openclaw" serve --host 127.0.0.1 --port "${OPENCLAW_PORT:-8000}"
