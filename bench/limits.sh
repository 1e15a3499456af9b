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
rm -rf "$WORK"; mkdir -p "$WORK"
dotnet build Api -c Release -nologo -v q -o "$WORK/bin" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$PORT" Logging__LogLevel__Default=Warning \
  ConnectionStrings__Traceability="Data Source=$WORK/limits.db" Serials__PinSecret=$(head -c 32 /dev/urandom | base64) Traceability__AdminApiKey=$ADMIN_KEY \
  Traceability__PublicBaseUrl="http://127.0.0.1:$PORT" RateLimiting__Public__PermitLimit=0 RateLimiting__Keys__ReadsPerWindow=0 \
  RateLimiting__Keys__WritesPerWindow=0 RateLimiting__Keys__AccountReadsPerWindow=0 RateLimiting__Keys__AccountWritesPerWindow=0 \
  Quotas__BatchesPerDay=0 Quotas__ChildrenPerForeignBatch=1000000 \
  dotnet "$WORK/bin/Traceability.Api.dll" > "$WORK/api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
echo "commit=$(git rev-parse --short HEAD) cores=$(nproc)"
python3 "$ROOT/bench/limits.py" "http://127.0.0.1:$PORT" "$ADMIN_KEY" "$api"
