#!/usr/bin/env bash
# HTTP load over loopback (docs/architecture.md §13): the example app with the filter enforcing its policy, against the same
# app whose policy is "* /** public" (the filter still runs, but allows everything without verifying the
# token), on the same request stream: 1,000 distinct RS256 tokens cycling over two routes, from a second JVM.
# Each run: a fresh app, an unmeasured warm-up, then the measured requests. Rounds alternate which app goes
# first. Printed per run: throughput, latency percentiles, and the server's CPU time per request (from
# /proc/PID/stat, so it does not depend on what else the machine runs); then medians and ratios.
#
# Builds nothing. First:  mvn -B -q -pl example-app,benchmarks -am package -DskipTests
# Knobs (environment): ROUNDS=5 REQUESTS=150000 WARMUP=60000 THREADS=4 TOKENS=1000 PORT=18080
set -euo pipefail
cd "$(dirname "$0")/.."

APP=example-app/target/example-app.jar
BENCH=benchmarks/target/benchmarks.jar
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-150000}
WARMUP=${WARMUP:-60000}
THREADS=${THREADS:-4}
TOKENS=${TOKENS:-1000}
PORT=${PORT:-18080}
ISSUER=https://idp.bench.example
AUDIENCE=https://api.bench.example
SERVER_OPTS=${SERVER_OPTS:--Xms512m -Xmx512m}

for jar in "$APP" "$BENCH"; do
  [[ -f $jar ]] || { echo "missing $jar: mvn -B -q -pl example-app,benchmarks -am package -DskipTests" >&2; exit 2; }
done

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Keys and tokens are made now, in a temporary directory, and deleted at the end.
java -cp "$BENCH" io.scopeenforcer.bench.MintTokens "$WORK" "$TOKENS"
printf '# everything public: the filter allows every request without looking at the token\n* /** public\n' \
  > "$WORK/public-policy.txt"

start_app() {
  local log=$1; shift
  # shellcheck disable=SC2086
  java $SERVER_OPTS -jar "$APP" --port="$PORT" --issuer="$ISSUER" --jwks-file="$WORK/jwks.json" \
    --audience="$AUDIENCE" "$@" > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the app did not start" >&2; cat "$log" >&2; exit 1
}

stop_app() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

one_run() {
  local label=$1; shift
  start_app "$WORK/$label.log" "$@"
  java -cp "$BENCH" io.scopeenforcer.bench.LoadClient --port="$PORT" --tokens="$WORK/tokens.txt" \
    --requests="$WARMUP" --warmup=0 --threads="$THREADS" --label=warm-up > /dev/null
  local before; before=$(cpu_ticks)
  local line; line=$(java -cp "$BENCH" io.scopeenforcer.bench.LoadClient --port="$PORT" --tokens="$WORK/tokens.txt" \
    --requests="$REQUESTS" --warmup=0 --threads="$THREADS" --label="$label")
  local after; after=$(cpu_ticks)
  line="$line server_cpu=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$REQUESTS" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }') us/req round=$ROUND"
  echo "$line" | tee -a "$WORK/results.txt"
  stop_app
}

echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds of $REQUESTS requests" \
  "(after $WARMUP warm-up) on $THREADS connections, $TOKENS tokens"
for ROUND in $(seq 1 "$ROUNDS"); do
  if (( ROUND % 2 )); then
    one_run filter
    one_run no-filter --policy="$WORK/public-policy.txt"
  else
    one_run no-filter --policy="$WORK/public-policy.txt"
    one_run filter
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians over the rounds; the throughput ratio both as a ratio of medians and as the median of each round's
# ratio (the two runs of a round are back to back, so they share most of the machine's other load).
awk '
  { label=$1; for (i=2;i<=NF;i++) { split($i,kv,"="); val[label,kv[1],++n[label,kv[1]]]=kv[2]+0 }
    if (label=="filter") f[$NF]=val[label,"throughput",n[label,"throughput"]]; else g[$NF]=val[label,"throughput",n[label,"throughput"]] }
  function median(arr, m,   a, i, j, t) {
    for (i=1;i<=m;i++) a[i]=arr[i]
    for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (a[j]<a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
    return (m%2) ? a[(m+1)/2] : (a[m/2]+a[m/2+1])/2
  }
  function med(label, key,   m, i, arr) { m=n[label,key]; for (i=1;i<=m;i++) arr[i]=val[label,key,i]; return median(arr, m) }
  END {
    for (l in n) { split(l, parts, SUBSEP); if (parts[2]=="throughput") labels[parts[1]]=1 }
    for (l in labels) printf "median %-10s throughput=%.0f req/s p50=%.0f us p99=%.0f us server_cpu=%.1f us/req\n", l, med(l,"throughput"), med(l,"p50"), med(l,"p99"), med(l,"server_cpu")
    k=0; for (r in f) if (r in g) ratios[++k]=f[r]/g[r]
    printf "filter / no-filter throughput: %.1f%% (ratio of medians), %.1f%% (median of per-round ratios)\n", 100*med("filter","throughput")/med("no-filter","throughput"), 100*median(ratios, k)
    printf "server CPU per request: filter %.1f us, no-filter %.1f us, difference %.1f us\n", med("filter","server_cpu"), med("no-filter","server_cpu"), med("filter","server_cpu")-med("no-filter","server_cpu")
  }' "$WORK/results.txt"
