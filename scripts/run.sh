#!/usr/bin/env bash
# `make run`: migrate, seed the demo tenant, then serve the API (with the built SPA), the worker and the platform
# sandbox until Ctrl-C.
set -euo pipefail
bin=.venv/bin
port=${OPENCLAW_PORT:-8000}
sandbox_port=${OPENCLAW_SANDBOX_PORT:-8100}
mkdir -p .data

"$bin/openclaw" migrate
"$bin/openclaw" seed-demo ${OPENCLAW_DEMO_PASSWORD:+--password "$OPENCLAW_DEMO_PASSWORD"}

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
"$bin/openclaw" sandbox --host 127.0.0.1 --port "$sandbox_port" --state .data/sandbox-state.jsonl &
pids+=($!)
"$bin/openclaw" worker &
pids+=($!)

echo "OpenClaw is at http://127.0.0.1:$port  (API under /v1; Ctrl-C stops it)"
echo "Platform sandbox at http://127.0.0.1:$sandbox_port  (see workers/platforms/sandbox/README.md)"
"$bin/openclaw" serve --host 127.0.0.1 --port "$port"
