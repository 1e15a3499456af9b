#!/usr/bin/env bash
# Bounded work (issue 24): another producer's appends while a million serials are issued, and the cost of refusing a
# 100,000-event capture. Builds Release, starts the API in
# Production on a fresh SQLite file (rate limits off), runs bench/limits.py, stops the API.
#   bench/limits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${WORK:-$ROOT/bench/.work-limits}
PORT=5183
ADMIN_KEY=ocop_bench-admin-key-0000000000000000000000
. "$ROOT/bench/live-api.sh"
start_api Serials__PinSecret="$(head -c 32 /dev/urandom | base64)"
python3 "$ROOT/bench/limits.py" "http://127.0.0.1:$PORT" "$ADMIN_KEY" "$api"
