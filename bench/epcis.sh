#!/usr/bin/env bash
# EPCIS repository (issue 28): capture throughput for JSON and for XML (the same events), events about one's own lots
# and events kept for the capturer alone, and a stream subscription's delivery latency (capture acknowledged → the
# signed webhook at a local receiver). Builds Release, starts the API in Production on a fresh SQLite file (rate limits
# off, private webhook targets allowed for the local receiver), runs bench/epcis.py, stops the API.
#   bench/epcis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${WORK:-$ROOT/bench/.work-epcis}
PORT=5184
ADMIN_KEY=ocop_bench-admin-key-0000000000000000000000
. "$ROOT/bench/live-api.sh"
start_api Webhooks__AllowPrivateTargets=true
python3 "$ROOT/bench/epcis.py" "http://127.0.0.1:$PORT" "$ADMIN_KEY"
