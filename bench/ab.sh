#!/usr/bin/env bash
# A/B of two commits on the scan path, in the API's CPU time per request: builds each commit's API (Release, a git
# worktree each), then loads each in turn with the same reads, ROUNDS times in alternating order so that the machine's
# drift hits both alike, each on its own copy of the large dataset a previous bench/run.sh left in DATA (the two builds
# may differ in migrations). Prints, per load and commit, the median API CPU µs a request (and its range) and req/s.
#   bench/ab.sh A B                        # e.g. bench/ab.sh HEAD~1 HEAD; ROUNDS=3 DURATION=10 (about 12 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
A=$(git rev-parse --short "$1"); B=$(git rev-parse --short "$2")
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
DATA=${DATA:-$ROOT/bench/.work}
WORK=${WORK:-$ROOT/bench/.work-ab}
PORT=5186
PHONE="gzip, deflate, br, zstd"
[ -f "$DATA/large.db" ] || { echo "no dataset in $DATA: run bench/run.sh (or SCAN_ONLY=1 bench/run.sh) first" >&2; exit 1; }
if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then echo "port $PORT is taken: stop what listens there" >&2; exit 1; fi
rm -rf "$WORK"; mkdir -p "$WORK"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for c in "$A" "$B"; do git worktree remove --force "$WORK/src-$c" 2>/dev/null || true; done
}
trap cleanup EXIT

for c in "$A" "$B"; do
  echo "== build $c"
  git worktree add -q --detach "$WORK/src-$c" "$c"
  dotnet build "$WORK/src-$c/Api" -c Release -nologo -v q -o "$WORK/bin-$c" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  cp "$DATA/large.db" "$WORK/$c.db"
done
SECRET=$(head -c 32 /dev/urandom | base64)

start_api() { # COMMIT
  ( cd "$WORK/bin-$1" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:$PORT Logging__LogLevel__Default=Warning \
      RateLimiting__Public__PermitLimit=0 Traceability__ChainAuditMinutes=0 Traceability__PublicBaseUrl=http://127.0.0.1:5180 \
      ConnectionStrings__Traceability="Data Source=$WORK/$1.db" Serials__PinSecret=$SECRET dotnet Traceability.Api.dll > "$WORK/api-$1.log" 2>&1 ) &
  API=$!; pids+=("$API")   # the subshell execs env, which execs dotnet: the API's own process id
  for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.01; done
  kill -0 "$API" 2>/dev/null || { echo "the API ($1) did not start:" >&2; tail -5 "$WORK/api-$1.log" >&2; exit 1; }
}
stop_api() { kill "$API" 2>/dev/null || true; wait "$API" 2>/dev/null || true; }
wrk_load() { # SECONDS NAME: the named load for that long, its RESULT line
  case $2 in
    page_html_phone) env PATHS="$DATA/large/pages.txt" ACCEPT=text/html ENCODING="$PHONE" wrk -t2 -c"$CONNECTIONS" -d"$1s" --timeout 10s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$PORT" ;;
    item_page_phone) env PATHS="$DATA/large/items.txt" ACCEPT=text/html ENCODING="$PHONE" wrk -t2 -c"$CONNECTIONS" -d"$1s" --timeout 10s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$PORT" ;;
    digital_link_phone) env PATHS="$DATA/large/links.txt" ACCEPT=text/html ENCODING="$PHONE" EXPECT=307 wrk -t2 -c"$CONNECTIONS" -d"$1s" --timeout 10s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$PORT" ;;
    record_json_gzip) env PATHS="$DATA/large/records.txt" ACCEPT=application/json ENCODING=gzip wrk -t2 -c"$CONNECTIONS" -d"$1s" --timeout 10s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$PORT" ;;
  esac | grep '^RESULT ' | cut -d' ' -f2-
}
cpu_ticks() { awk '{print $14 + $15}' /proc/"$API"/stat; }

RESULTS=$WORK/results.jsonl; : > "$RESULTS"
LOADS=(page_html_phone item_page_phone digital_link_phone record_json_gzip)
for round in $(seq "$ROUNDS"); do
  order=("$A" "$B"); [ $((round % 2)) -eq 0 ] && order=("$B" "$A")
  for c in "${order[@]}"; do
    start_api "$c"
    for load in "${LOADS[@]}"; do
      wrk_load 8 "$load" > /dev/null   # the JIT reaches its optimised code only after some seconds of load
      before=$(cpu_ticks); line=$(wrk_load "$DURATION" "$load"); after=$(cpu_ticks)
      echo "{\"commit\":\"$c\",\"load\":\"$load\",\"cpu_seconds\":$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'),\"result\":$line}" >> "$RESULTS"
      echo "  round $round $c $load: $line (API CPU $((after - before)) ticks)"
    done
    stop_api
  done
done

python3 - "$RESULTS" "$A" "$B" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
print(f"{'load':<20}{'commit':<10}{'API CPU µs/request':>20}{'(range)':>14}{'req/s':>10}{'vs ' + sys.argv[2]:>10}")
for load in dict.fromkeys(r["load"] for r in rows):
    base = None
    for commit in sys.argv[2:4]:
        runs = [r for r in rows if r["load"] == load and r["commit"] == commit]
        cpus = [r["cpu_seconds"] * 1e6 / max(1, r["result"]["requests"]) for r in runs]
        cpu, rps = statistics.median(cpus), statistics.median(r["result"]["rps"] for r in runs)
        base = base or cpu
        print(f"{load:<20}{commit:<10}{cpu:>20,.1f}{f'{min(cpus):.0f}–{max(cpus):.0f}':>14}{rps:>10,.0f}{cpu / base - 1:>+10.1%}")
PY
