# Sourced by the focused benchmarks (recall.sh, limits.sh): builds the API in Release and starts it in Production on a
# fresh SQLite file in $WORK, on $PORT, with the admin key $ADMIN_KEY, rate limits off, and any extra settings given as
# NAME=value arguments; sets $api to its process and stops it on exit.
start_api() {
  rm -rf "$WORK"; mkdir -p "$WORK"
  dotnet build Api -c Release -nologo -v q -o "$WORK/bin" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$PORT" Logging__LogLevel__Default=Warning \
    ConnectionStrings__Traceability="Data Source=$WORK/bench.db" Traceability__AdminApiKey="$ADMIN_KEY" \
    Traceability__PublicBaseUrl="http://127.0.0.1:$PORT" RateLimiting__Public__PermitLimit=0 RateLimiting__Keys__ReadsPerWindow=0 \
    RateLimiting__Keys__WritesPerWindow=0 RateLimiting__Keys__AccountReadsPerWindow=0 RateLimiting__Keys__AccountWritesPerWindow=0 "$@" \
    dotnet "$WORK/bin/Traceability.Api.dll" > "$WORK/api.log" 2>&1 &
  api=$!
  trap 'kill $api 2>/dev/null || true' EXIT
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
  echo "commit=$(git rev-parse --short HEAD) cores=$(nproc)"
}
