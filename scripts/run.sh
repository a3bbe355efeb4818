#!/usr/bin/env bash
# `make run`: migrate, start the platform sandbox and the worker, seed the demo tenant against that sandbox (its
# strategies start, and the worker fills the board by pushing to the sandbox), then serve the API with the built
# SPA until Ctrl-C.
set -euo pipefail
bin=.venv/bin
port=${OPENCLAW_PORT:-8000}
sandbox_port=${OPENCLAW_SANDBOX_PORT:-8100}
sandbox_url="http://127.0.0.1:$sandbox_port"
# The demo reads accepted pushes back every 5 s and gives a platform 75 s to show them (past Lazada's 60 s), so that
# within two minutes delayed confirmations have either resolved themselves or turned into failures.
export OPENCLAW_CONFIRM_CHECK_SECONDS=${OPENCLAW_CONFIRM_CHECK_SECONDS:-5}
export OPENCLAW_CONFIRM_DEADLINE_SECONDS=${OPENCLAW_CONFIRM_DEADLINE_SECONDS:-75}
# The demo's alert rules post to the sandbox's stand-in robots on loopback, and link to this board.
export OPENCLAW_ALLOW_PRIVATE_WEBHOOKS=${OPENCLAW_ALLOW_PRIVATE_WEBHOOKS:-true}
export OPENCLAW_PUBLIC_URL=${OPENCLAW_PUBLIC_URL:-http://127.0.0.1:$port}
mkdir -p .data
# The sandbox keeps its state per scenario: a changed scenario starts from its own fresh state.
scenario_hash=$( (sha256sum 2>/dev/null || shasum -a 256) <sandbox/data/default-scenario.json | cut -c1-12)

"$bin/openclaw" migrate

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
"$bin/openclaw" sandbox --host 127.0.0.1 --port "$sandbox_port" --state ".data/sandbox-state-$scenario_hash.jsonl" &
pids+=($!)
"$bin/python" - "$sandbox_url/_sandbox/clock" <<'EOF'
import sys, time, httpx
deadline = time.monotonic() + 30
while True:
    try:
        if httpx.get(sys.argv[1], timeout=1).status_code == 200:
            break
    except httpx.HTTPError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"the sandbox did not answer at {sys.argv[1]} within 30 s")
    time.sleep(0.2)
EOF
"$bin/openclaw" worker &
pids+=($!)
# The seed starts the strategies at once; it waits for the worker only before the flash sale, whose price cut is
# judged against prices the sandbox has applied.
"$bin/openclaw" seed-demo --sandbox "$sandbox_url" ${OPENCLAW_DEMO_PASSWORD:+--password "$OPENCLAW_DEMO_PASSWORD"}

echo "OpenClaw is at http://127.0.0.1:$port  (API under /v1; Ctrl-C stops it)"
echo "Platform sandbox at $sandbox_url  (see sandbox/README.md)"
"$bin/openclaw" serve --host 127.0.0.1 --port "$port"
