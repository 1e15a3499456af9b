#!/usr/bin/env bash
# Another producer's event appends while a 10,000-descendant recall runs (issue 23): builds Release, starts the API in
# Production on a fresh SQLite file (rate limits and quotas off for the setup), runs bench/recall.py, stops the API.
#   bench/recall.sh                   # 10,000 descendants
#   DESCENDANTS=2000 bench/recall.sh  # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${WORK:-$ROOT/bench/.work-recall}
DESCENDANTS=${DESCENDANTS:-10000}
PORT=5182
ADMIN_KEY=ocop_bench-admin-key-0000000000000000000000
. "$ROOT/bench/live-api.sh"
start_api Quotas__BatchesPerDay=0 Quotas__ChildrenPerForeignBatch=1000000
python3 "$ROOT/bench/recall.py" "http://127.0.0.1:$PORT" "$ADMIN_KEY" "$DESCENDANTS"
