#!/usr/bin/env bash
# HTTP load over loopback (docs/architecture.md §13), three contenders on the same request stream (1,000 distinct
# tokens cycling over two routes, from a second JVM), each one the same example app with the same JVM options:
#   no-filter  policy "* /** public": the filter still runs, but allows everything without verifying the token;
#   filter     the filter enforcing the example policy (what the app ships with);
#   spring     policy "* /** public" behind Spring Security 6.5's BearerTokenAuthenticationFilter and
#              AuthorizationFilter holding the same policy (io.scopeenforcer.bench.SpringApp).
# Each run: a fresh app, an unmeasured warm-up, then the measured requests. Each round runs every contender once,
# the order rotating from round to round. Printed per run: throughput, latency percentiles, and the server's CPU
# time per request (from /proc/PID/stat, so it does not depend on what else the machine runs); then medians per
# contender, the throughput ratios filter/no-filter and filter/spring, and the CPU time each filter adds. A run
# with any response other than 2xx (a denial is cheaper than an allowed request) fails the whole script.
#
# Builds nothing. First:  mvn -B -q -pl example-app,benchmarks -am package -DskipTests
# Then:  benchmarks/load.sh            (RS256)
#        ALG=ES256 benchmarks/load.sh
# Knobs (environment): ALG=RS256|ES256 CONTENDERS="no-filter filter spring" (any subset, any order)
#   ROUNDS=5 REQUESTS=150000 WARMUP=60000 THREADS=4 TOKENS=1000 PORT=18080 SERVER_OPTS="-Xms512m -Xmx512m"
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
ALG=${ALG:-RS256}
CONTENDERS=${CONTENDERS:-no-filter filter spring}
ISSUER=https://idp.bench.example
AUDIENCE=https://api.bench.example
SERVER_OPTS=${SERVER_OPTS:--Xms512m -Xmx512m}

[[ $ALG == RS256 || $ALG == ES256 ]] || { echo "ALG is RS256 or ES256, not $ALG" >&2; exit 2; }
read -r -a CONTENDER <<< "$CONTENDERS"
for c in "${CONTENDER[@]}"; do
  [[ $c == no-filter || $c == filter || $c == spring ]] || { echo "unknown contender $c (no-filter, filter, spring)" >&2; exit 2; }
done
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
java -cp "$BENCH" io.scopeenforcer.bench.MintTokens "$WORK" "$TOKENS" "$ALG"
printf '# everything public: the filter allows every request without looking at the token\n* /** public\n' \
  > "$WORK/public-policy.txt"

# start_app LOG CONTENDER: the same JVM options and app options for all; spring is the app started by SpringApp.
start_app() {
  local log=$1 contender=$2 main=(-jar "$APP") options=()
  case $contender in
    no-filter) options=(--policy="$WORK/public-policy.txt") ;;
    spring) main=(-cp "$APP:$BENCH" io.scopeenforcer.bench.SpringApp); options=(--policy="$WORK/public-policy.txt") ;;
  esac
  # shellcheck disable=SC2086
  java $SERVER_OPTS "${main[@]}" --port="$PORT" --issuer="$ISSUER" --jwks-file="$WORK/jwks.json" \
    --audience="$AUDIENCE" "${options[@]}" > "$log" 2>&1 &
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

# load LABEL REQUESTS: one LoadClient run; on a non-2xx response or another failure, its line and the end of
# the server's log, and the script stops.
load() {
  local out
  if ! out=$(java -cp "$BENCH" io.scopeenforcer.bench.LoadClient --port="$PORT" --tokens="$WORK/tokens.txt" \
      --requests="$2" --warmup=0 --threads="$THREADS" --label="$1" 2>&1); then
    echo "$out" >&2
    echo "FAILED: $1 had responses other than 2xx (or the client failed); the end of the server's log:" >&2
    tail -n 20 "$WORK/$CURRENT.log" >&2
    exit 1
  fi
  echo "$out"
}

one_run() {
  CURRENT=$1
  start_app "$WORK/$1.log" "$1"
  load "$1-warm-up" "$WARMUP" > /dev/null
  local before; before=$(cpu_ticks)
  local line; line=$(load "$1" "$REQUESTS")
  local after; after=$(cpu_ticks)
  line="$line server_cpu=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$REQUESTS" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }') us/req round=$ROUND"
  echo "$line" | tee -a "$WORK/results.txt"
  stop_app
}

echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds of $REQUESTS requests" \
  "(after $WARMUP warm-up) on $THREADS connections, $TOKENS $ALG tokens; contenders: ${CONTENDER[*]}"
for ROUND in $(seq 1 "$ROUNDS"); do
  # Round r starts with contender r (mod their number): each contender takes every place in the order in turn.
  for ((i = 0; i < ${#CONTENDER[@]}; i++)); do
    one_run "${CONTENDER[(ROUND - 1 + i) % ${#CONTENDER[@]}]}"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians over the rounds; each throughput ratio both as a ratio of medians and as the median of each round's
# ratio (the runs of a round are back to back, so they share most of the machine's other load).
awk -v order="${CONTENDER[*]}" -v alg="$ALG" '
  { label=$1; round=$NF
    for (i=2;i<=NF;i++) { split($i,kv,"="); if (kv[2] != "") val[label,kv[1],++n[label,kv[1]]]=kv[2]+0 }
    tp[label,round]=val[label,"throughput",n[label,"throughput"]]; rounds[round]=1 }
  function median(arr, m,   a, i, j, t) {
    for (i=1;i<=m;i++) a[i]=arr[i]
    for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (a[j]<a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
    return (m%2) ? a[(m+1)/2] : (a[m/2]+a[m/2+1])/2
  }
  function med(label, key,   m, i, arr) { m=n[label,key]; for (i=1;i<=m;i++) arr[i]=val[label,key,i]; return median(arr, m) }
  function ratio(a, b, target, what,   r, k, per, m) {
    if (!((a,"throughput",1) in val) || !((b,"throughput",1) in val)) return
    k=0; for (r in rounds) if (((a,r) in tp) && ((b,r) in tp)) per[++k]=tp[a,r]/tp[b,r]
    m=med(a,"throughput")/med(b,"throughput")
    printf "%s / %s throughput: %.3f (ratio of medians), %.3f (median of per-round ratios)", a, b, m, median(per, k)
    if (what == "") printf "; no target with %s\n", alg
    else printf "; target %s: %s\n", what, (m >= target) ? "met" : "NOT met"
  }
  function cpu(a,   d) {
    if (!((a,"server_cpu",1) in val) || !(("no-filter","server_cpu",1) in val)) return
    d=med(a,"server_cpu")-med("no-filter","server_cpu")
    printf "server CPU per request: %s %.1f us, no-filter %.1f us: %s adds %.1f us\n", a, med(a,"server_cpu"),
      med("no-filter","server_cpu"), a, d
  }
  END {
    printf "medians over the rounds (%s tokens):\n", alg
    k=split(order, labels, " ")
    for (i=1;i<=k;i++) { l=labels[i]
      printf "median %-10s throughput=%.0f req/s p50=%.0f us p99=%.0f us server_cpu=%.1f us/req\n", l,
        med(l,"throughput"), med(l,"p50"), med(l,"p99"), med(l,"server_cpu") }
    ratio("filter", "no-filter", 0.95, ">= 0.95")
    ratio("filter", "spring", 2, (alg == "RS256") ? ">= 2" : "")
    cpu("filter"); cpu("spring")
  }' "$WORK/results.txt"
