#!/usr/bin/env bash
# The benchmark, end to end: builds Release, generates the datasets, starts the bare baseline and the API (Production,
# logging at Warning, rate limiter off), loads them with wrk from a second process on loopback, and writes
# bench/RESULTS.md. Nothing in `dotnet test` depends on it.
#   bench/run.sh                      # the full run (about 20 minutes)
#   RUNS=1 DURATION=5 bench/run.sh    # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
BULK_CONNECTIONS=${BULK_CONNECTIONS:-4}
BATCHES=${BATCHES:-100000}
PRODUCERS=${PRODUCERS:-2000}
PRODUCTS=${PRODUCTS:-10000}
WORK=${WORK:-$ROOT/bench/.work}
API_PORT=5180
BASE_PORT=5181
ADMIN_KEY=ocop_bench-admin-key-0000000000000000000000
PIN_SECRET=$(head -c 32 /dev/urandom | base64)
# SCAN_ONLY=1: the scan path alone (reads, item scans, the mix; no writes, reports or webhooks; 100,000 serials), with
# the CPU table printed instead of RESULTS.md: for A/B of one change to the read path, e.g. BATCHES=10000 RUNS=2.
SCAN_ONLY=${SCAN_ONLY:-}
SERIAL_REQUESTS=${SERIAL_REQUESTS:-$([ -n "$SCAN_ONLY" ] && echo 1 || echo 10)}   # × SERIAL_COUNT serials with PINs on the large database
SERIAL_COUNT=${SERIAL_COUNT:-$([ -n "$SCAN_ONLY" ] && echo 100000 || echo 1000000)}
WEBHOOK_SUBSCRIPTIONS=${WEBHOOK_SUBSCRIPTIONS:-50}
WEBHOOK_EVENTS=${WEBHOOK_EVENTS:-400}      # × WEBHOOK_SUBSCRIPTIONS deliveries

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v python3 >/dev/null || need+=(python3)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if (exec 3<>/dev/tcp/127.0.0.1/$API_PORT) 2>/dev/null; then echo "port $API_PORT is taken: stop what listens there" >&2; exit 1; fi
rm -rf "$WORK"; mkdir -p "$WORK"
RESULTS=$WORK/results.jsonl
META=$WORK/meta.env
: > "$RESULTS"; : > "$META"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== build (Release)"
for p in Api bench/Baseline bench/DataGen; do
  dotnet build "$p" -c Release -nologo -v q -o "$WORK/bin/$(basename "$p")" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
done

echo "== datasets"
dotnet "$WORK/bin/DataGen/Traceability.Bench.DataGen.dll" --db "$WORK/large.db" --out "$WORK/large" \
  --batches "$BATCHES" --producers "$PRODUCERS" --products "$PRODUCTS" --public-base-url "http://127.0.0.1:$API_PORT" | tee "$WORK/large.log"
dotnet "$WORK/bin/DataGen/Traceability.Bench.DataGen.dll" --db "$WORK/small.db" --out "$WORK/small" \
  --batches 1000 --producers 100 --products 500 --public-base-url "http://127.0.0.1:$API_PORT" | tee "$WORK/small.log"
echo "dataset_large=$(tail -1 "$WORK/large.log")" >> "$META"
echo "dataset_small=$(tail -1 "$WORK/small.log")" >> "$META"
echo "chain_audit=$(grep '^chain audit' "$WORK/large.log" | cut -d: -f2- | xargs)" >> "$META"
# Bytes on disk per batch and per event at this size, and the stored public records' share of them.
sqlite3 "$WORK/large.db" "SELECT 'db_bytes=' || (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size);
  SELECT 'stored_bytes=' || COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN ('public_parts', 'public_records')
    OR name LIKE 'sqlite_autoindex_public_%' OR name LIKE 'ix_public_records_%';
  SELECT 'batch_count=' || COUNT(*) FROM batches; SELECT 'event_count=' || COUNT(*) FROM events;" >> "$META"

start_api() { # DB
  ( cd "$WORK/bin/Api" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:$API_PORT \
      Logging__LogLevel__Default=Warning RateLimiting__Public__PermitLimit=0 Traceability__AdminApiKey=$ADMIN_KEY Traceability__ChainAuditMinutes=0 \
      Traceability__PublicBaseUrl=http://127.0.0.1:$API_PORT ConnectionStrings__Traceability="Data Source=$1" \
      Serials__PinSecret=$PIN_SECRET RateLimiting__Pin__PermitLimit=1000000000 Webhooks__AllowPrivateTargets=true \
      Quotas__WebhooksPerAccount=1000 Quotas__WebhooksPerHost=1000 \
      dotnet Traceability.Api.dll > "$WORK/api.log" 2>&1 ) &
  API_PID=$!; pids+=("$API_PID")
}
wait_ready() { # prints milliseconds from now until /health/ready answers 200
  local start; start=$(date +%s%N)
  for _ in $(seq 3000); do
    curl -sf "http://127.0.0.1:$API_PORT/health/ready" >/dev/null 2>&1 && { echo $(( ($(date +%s%N) - start) / 1000000 )); return; }
    sleep 0.01
  done
  echo "API did not become ready" >&2; cat "$WORK/api.log" >&2; exit 1
}
stop_api() { kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; }
peak_after() { # PHASE: the API's peak resident set so far, so that RESULTS.md can say which phase lifted it
  echo "hwm_$1=$(awk '/VmHWM/ {print $2}' /proc/"$API_PID"/status)" >> "$META"
}

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }   # user + system time of a process, in clock ticks
load() { # NAME URL SCRIPT CONNECTIONS [ENV=VALUE...]: RUNS runs against the process $TARGET (the API unless set)
  local name=$1 url=$2 script=$3 conns=$4; shift 4
  local target=${TARGET:-$API_PID}
  for run in $(seq "$RUNS"); do
    local raw line before after wrk_cpu
    before=$(cpu_ticks "$target")
    # `times` in the same subshell: its second line is the CPU time of the subshell's children, wrk alone.
    raw=$(env "$@" wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 10s -s "$ROOT/bench/lua/$script" "$url"; times)
    after=$(cpu_ticks "$target")
    line=$(grep '^RESULT ' <<< "$raw" | cut -d' ' -f2-)
    wrk_cpu=$(tail -1 <<< "$raw" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
    echo "{\"name\":\"$name\",\"run\":$run,\"connections\":$conns,\"cpu_seconds\":$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'),\"wrk_cpu_seconds\":$wrk_cpu,\"result\":$line}" >> "$RESULTS"
    echo "  $name run $run: $line (API CPU $((after - before)) ticks, wrk ${wrk_cpu} s)"
  done
}

if [ -z "$SCAN_ONLY" ]; then
echo "== start-up to /health/ready on the large database"
for run in $(seq "$RUNS"); do
  start_api "$WORK/large.db"; ms=$(wait_ready); stop_api
  echo "startup_ms_$run=$ms" >> "$META"; echo "  run $run: $ms ms"
done
fi

start_api "$WORK/large.db"; wait_ready >/dev/null
size=$(python3 "$ROOT/bench/report.py" average-size "http://127.0.0.1:$API_PORT" "$WORK/large/records.txt")
echo "record_bytes=$size" >> "$META"
echo "== baseline: bare minimal API, fixed $size-byte JSON body"
( cd "$WORK/bin/Baseline" && exec env ASPNETCORE_URLS=http://127.0.0.1:$BASE_PORT dotnet Traceability.Bench.Baseline.dll --size="$size" > "$WORK/baseline.log" 2>&1 ) &
BASE_PID=$!; pids+=("$BASE_PID")
for _ in $(seq 500); do curl -sf "http://127.0.0.1:$BASE_PORT/x" >/dev/null 2>&1 && break; sleep 0.01; done
env PATHS="$WORK/large/records.txt" ACCEPT=application/json wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$BASE_PORT" >/dev/null
TARGET=$BASE_PID load baseline "http://127.0.0.1:$BASE_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/records.txt" ACCEPT=application/json
kill "$BASE_PID"; wait "$BASE_PID" 2>/dev/null || true

warm() { # PATHS ACCEPT: JIT and caches warm up for a few seconds, not counted
  env PATHS="$1" ACCEPT="$2" wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$API_PORT" >/dev/null
}

echo "== reads on the large database (random codes from the whole dataset)"
sed 's/$/?size=320/' "$WORK/large/qr.txt" > "$WORK/large/qr-drawn.txt"   # a size that is not stored: drawn per request
warm "$WORK/large/records.txt" application/json; warm "$WORK/large/pages.txt" text/html; warm "$WORK/large/qr.txt" image/png
warm "$WORK/large/qr-drawn.txt" image/png
env PATHS="$WORK/large/pages.txt" ACCEPT=text/html ENCODING="gzip, deflate, br, zstd" wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$ROOT/bench/lua/read.lua" "http://127.0.0.1:$API_PORT" >/dev/null
load record_json "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/records.txt" ACCEPT=application/json
load page_html "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/pages.txt" ACCEPT=text/html
load digital_link "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/links.txt" ACCEPT=text/html EXPECT=307
load qr_png "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/qr.txt" ACCEPT=image/png
# As a phone asks: every phone browser sends this Accept-Encoding (wrk sends none by default).
PHONE="gzip, deflate, br, zstd"
load page_html_phone "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/pages.txt" ACCEPT=text/html ENCODING="$PHONE"
load digital_link_phone "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/links.txt" ACCEPT=text/html ENCODING="$PHONE" EXPECT=307
# As an app asks: HttpClient, OkHttp and URLSession send gzip; the answer must come compressed.
load record_json_gzip "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/records.txt" ACCEPT=application/json ENCODING=gzip
# The API's own pipeline with next to no work behind it (liveness: a 20-byte JSON answer), for where the floor lies.
echo /health/live > "$WORK/live.txt"
load pipeline_floor "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/live.txt" ACCEPT=application/json
if [ -z "$SCAN_ONLY" ]; then
load qr_png_drawn "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/qr-drawn.txt" ACCEPT=image/png
peak_after reads
echo "== writes"
load event_single "http://127.0.0.1:$API_PORT" write.lua "$CONNECTIONS" WRITERS="$WORK/large/writers.txt" BULK=0
load event_bulk "http://127.0.0.1:$API_PORT" write.lua "$BULK_CONNECTIONS" WRITERS="$WORK/large/writers.txt" BULK=1000
peak_after writes
load epcis_capture "http://127.0.0.1:$API_PORT" capture.lua "$BULK_CONNECTIONS" CAPTURERS="$WORK/large/capturers.txt" EVENTS=1000 BASE="http://127.0.0.1:$API_PORT"
peak_after capture
fi
echo "== item serials: $SERIAL_REQUESTS × $SERIAL_COUNT with PINs, each file streamed to the end"
python3 "$ROOT/bench/serials.py" issue "http://127.0.0.1:$API_PORT" "$WORK/large/writers.txt" "$WORK/large" "$SERIAL_REQUESTS" "$SERIAL_COUNT" | tee -a "$META"
peak_after serials
warm "$WORK/large/items.txt" text/html
load item_page_phone "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/large/items.txt" ACCEPT=text/html ENCODING="$PHONE"
load pin_verify "http://127.0.0.1:$API_PORT" pin.lua "$CONNECTIONS" PINS="$WORK/large/pins.txt"
# What shoppers do (bench/lua/mix.lua): lots' pages, Digital Links, items' pages and QR images, skewed popularity.
MIX_LISTS=(PAGES="$WORK/large/pages.txt" LINKS="$WORK/large/links.txt" ITEMS="$WORK/large/items.txt" QRS="$WORK/large/qr.txt" MIX=55,25,15,5)
env "${MIX_LISTS[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$ROOT/bench/lua/mix.lua" "http://127.0.0.1:$API_PORT" >/dev/null
load shopper_mix "http://127.0.0.1:$API_PORT" mix.lua "$CONNECTIONS" "${MIX_LISTS[@]}"
peak_after items
if [ -n "$SCAN_ONLY" ]; then
  stop_api
  python3 "$ROOT/bench/report.py" cpu "$RESULTS"
  exit 0
fi
echo "== the OCOP office's reports over the whole dataset (after the scans, item scans and PIN checks above)"
python3 "$ROOT/bench/oversight.py" "http://127.0.0.1:$API_PORT" "$ADMIN_KEY" "${REPORT_REQUESTS:-10}" | tee -a "$META"
peak_after reports
echo "== webhooks: $WEBHOOK_SUBSCRIPTIONS subscriptions × $WEBHOOK_EVENTS events delivered to a local receiver (the baseline app)"
( cd "$WORK/bin/Baseline" && exec env ASPNETCORE_URLS=http://127.0.0.1:$BASE_PORT dotnet Traceability.Bench.Baseline.dll --size=100 > "$WORK/receiver.log" 2>&1 ) &
RECEIVER_PID=$!; pids+=("$RECEIVER_PID")
for _ in $(seq 500); do curl -sf "http://127.0.0.1:$BASE_PORT/x" >/dev/null 2>&1 && break; sleep 0.01; done
python3 "$ROOT/bench/webhooks.py" "http://127.0.0.1:$API_PORT" "$WORK/large/writers.txt" "$WORK/large.db" "http://127.0.0.1:$BASE_PORT" \
  "$WEBHOOK_SUBSCRIPTIONS" "$WEBHOOK_EVENTS" | tee -a "$META"
kill "$RECEIVER_PID"; wait "$RECEIVER_PID" 2>/dev/null || true
echo "peak_rss_kb=$(awk '/VmHWM/ {print $2}' /proc/"$API_PID"/status)" >> "$META"
stop_api
sqlite3 "$WORK/large.db" "SELECT 'serial_rows=' || COUNT(*) FROM serials;
  SELECT 'serial_bytes=' || SUM(pgsize) FROM dbstat WHERE name IN ('serials', 'ux_serials_issue_position');" >> "$META"

echo "== reads on the small database (10,000 events)"
start_api "$WORK/small.db"; wait_ready >/dev/null
warm "$WORK/small/records.txt" application/json
load record_json_small "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/small/records.txt" ACCEPT=application/json
python3 "$ROOT/bench/serials.py" issue "http://127.0.0.1:$API_PORT" "$WORK/small/writers.txt" "$WORK/small" 1 100000 > /dev/null
warm "$WORK/small/items.txt" text/html
load item_page_phone_small "http://127.0.0.1:$API_PORT" read.lua "$CONNECTIONS" PATHS="$WORK/small/items.txt" ACCEPT=text/html ENCODING="$PHONE"
stop_api

{
  echo "machine_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "machine_cores=$(nproc)"
  echo "machine_memory=$(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "dotnet=$(dotnet --version)"
  echo "sqlite=$(grep '^sqlite ' "$WORK/large.log" | cut -d' ' -f2)"  # the API's bundled library, as DataGen found it
  echo "wrk=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "command=RUNS=$RUNS DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS BULK_CONNECTIONS=$BULK_CONNECTIONS BATCHES=$BATCHES bench/run.sh"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
} >> "$META"
python3 "$ROOT/bench/report.py" report "$RESULTS" "$META" "$ROOT/bench/RESULTS.md"
echo "== wrote bench/RESULTS.md"
