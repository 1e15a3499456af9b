#!/usr/bin/env bash
# What telemetry costs on the scan path (issue 27): the same loads — a lot's page and an item's page as a phone asks —
# against the API (Release, Production) with telemetry off, with metrics (a metrics port that a scraper reads every
# second), and with metrics and tracing (OTLP over HTTP to a local sink that answers 200, every request and statement
# sampled: the worst case), interleaved run by run so that the machine's drift hits all three alike. Reports requests
# per second and the API's CPU time per request (from /proc), the median of the runs, and appends them to
# bench/.work-telemetry/results.txt; bench/NOTES.md ("Telemetry") has the figures measured here.
#   bench/telemetry.sh                         # RUNS=4 DURATION=10 BATCHES=10000 (about 14 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-4}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
BATCHES=${BATCHES:-10000}
WORK=${WORK:-$ROOT/bench/.work-telemetry}
API_PORT=5190; METRICS_PORT=5191; SINK_PORT=5192
ADMIN_KEY=ocop_bench-admin-key-0000000000000000000000
PIN_SECRET=$(head -c 32 /dev/urandom | base64)
PHONE="gzip, deflate, br, zstd"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
rm -rf "$WORK"; mkdir -p "$WORK"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== build (Release) and dataset ($BATCHES lots)"
for p in Api bench/DataGen; do
  dotnet build "$p" -c Release -nologo -v q -o "$WORK/bin/$(basename "$p")" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
done
dotnet "$WORK/bin/DataGen/Traceability.Bench.DataGen.dll" --db "$WORK/bench.db" --out "$WORK/data" \
  --batches "$BATCHES" --producers 200 --products 1000 --public-base-url "http://127.0.0.1:$API_PORT" > "$WORK/datagen.log"

# A sink for OTLP/HTTP: reads each export and answers 200, as a collector does.
python3 - "$SINK_PORT" > "$WORK/sink.log" 2>&1 <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
pids+=($!)

if (exec 3<>/dev/tcp/127.0.0.1/$API_PORT) 2>/dev/null; then echo "port $API_PORT is taken: stop what listens there" >&2; exit 1; fi

start_api() { # MODE: off | metrics | tracing
  local extra=()
  case $1 in
    metrics) extra=(ASPNETCORE_URLS="http://127.0.0.1:$API_PORT;http://127.0.0.1:$METRICS_PORT" Telemetry__MetricsPort=$METRICS_PORT) ;;
    tracing) extra=(ASPNETCORE_URLS="http://127.0.0.1:$API_PORT;http://127.0.0.1:$METRICS_PORT" Telemetry__MetricsPort=$METRICS_PORT
                    Telemetry__OtlpEndpoint="http://127.0.0.1:$SINK_PORT/v1/traces" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf) ;;
  esac
  ( cd "$WORK/bin/Api" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:$API_PORT \
      Logging__LogLevel__Default=Warning RateLimiting__Public__PermitLimit=0 Traceability__AdminApiKey=$ADMIN_KEY Traceability__ChainAuditMinutes=0 \
      Traceability__PublicBaseUrl=http://127.0.0.1:$API_PORT ConnectionStrings__Traceability="Data Source=$WORK/bench.db" \
      Serials__PinSecret=$PIN_SECRET "${extra[@]}" dotnet Traceability.Api.dll > "$WORK/api.log" 2>&1 ) &
  API_PID=$!; pids+=("$API_PID")   # the subshell execs env, which execs dotnet: the API's own process id
  for _ in $(seq 3000); do curl -sf "http://127.0.0.1:$API_PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.01; done
  kill -0 "$API_PID" 2>/dev/null || { echo "the API did not start:" >&2; tail -5 "$WORK/api.log" >&2; exit 1; }
  API=$API_PID
  SCRAPER=""
  if [ "$1" != off ]; then
    ( while true; do curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" > /dev/null || true; sleep 1; done ) &
    SCRAPER=$!
  fi
}
stop_api() {
  [ -n "$SCRAPER" ] && kill "$SCRAPER" 2>/dev/null || true
  kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true
}
cpu_ticks() { awk '{print $14 + $15}' /proc/"$API"/stat; }

echo "== items to scan: 100,000 serials issued"
start_api off
python3 "$ROOT/bench/serials.py" issue "http://127.0.0.1:$API_PORT" "$WORK/data/writers.txt" "$WORK/data" 1 100000 > /dev/null
stop_api

RESULTS=$WORK/results.jsonl; : > "$RESULTS"
measure() { # MODE LOAD PATHS
  local mode=$1 load=$2 paths=$3
  # 15 s of the same load first: a fresh process reaches its optimised code (tiered compilation, PGO) only after a while,
  # and a shorter warm-up measured the JIT's progress instead of telemetry (25–35 % apart, in either direction).
  env PATHS="$paths" ACCEPT=text/html ENCODING="$PHONE" wrk -t"$THREADS" -c"$CONNECTIONS" -d15s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$API_PORT" > /dev/null
  local before after line
  before=$(cpu_ticks)
  line=$(env PATHS="$paths" ACCEPT=text/html ENCODING="$PHONE" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
    -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$API_PORT" | grep '^RESULT ' | cut -d' ' -f2-)
  after=$(cpu_ticks)
  echo "{\"mode\":\"$mode\",\"load\":\"$load\",\"ticks\":$((after - before)),\"hz\":$(getconf CLK_TCK),\"result\":$line}" >> "$RESULTS"
  echo "  $mode $load: $line (CPU ticks $((after - before)))"
}

modes=(off metrics tracing)
for run in $(seq "$RUNS"); do
  echo "== run $run"
  for i in 0 1 2; do
    mode=${modes[$(( (run + i) % 3 ))]}
    start_api "$mode"
    measure "$mode" lot_page_phone "$WORK/data/pages.txt"
    measure "$mode" item_page_phone "$WORK/data/items.txt"
    stop_api
  done
done

python3 - "$RESULTS" <<'PY' | tee "$WORK/results.txt"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
print(f"{'load':<18}{'telemetry':<10}{'req/s (median)':>16}{'CPU µs/request':>16}{'(runs: min–max)':>18}{'vs off':>10}{'errors':>8}")
for load in dict.fromkeys(r["load"] for r in rows):
    base = None
    for mode in ("off", "metrics", "tracing"):
        runs = [r for r in rows if r["load"] == load and r["mode"] == mode]
        rps = statistics.median(r["result"]["rps"] for r in runs)
        cpus = [r["ticks"] / r["hz"] * 1e6 / max(1, r["result"]["requests"]) for r in runs]
        cpu = statistics.median(cpus)
        errors = sum(r["result"].get("non2xx", 0) for r in runs)
        base = base or cpu
        print(f"{load:<18}{mode:<10}{rps:>16,.0f}{cpu:>16,.1f}{f'{min(cpus):.0f}–{max(cpus):.0f}':>18}{cpu / base - 1:>+10.1%}{errors:>8}")
PY
