#!/usr/bin/env bash
# HTTP load over loopback (DESIGN §8): the example app with the filter enforcing its policy, against the same
# app whose policy is "* /** public" (the filter still runs, but allows everything without looking at the
# token), on the same request stream: 1,000 distinct RS256 tokens cycling over two routes, from a second JVM.
# Rounds alternate the two apps; the figures of each round and the medians are printed.
#
# Builds nothing. First:  mvn -B -q -pl example-app,benchmarks -am package -DskipTests
# Knobs (environment): ROUNDS=3 REQUESTS=200000 WARMUP=60000 THREADS=4 TOKENS=1000 PORT=18080
set -euo pipefail
cd "$(dirname "$0")/.."

APP=example-app/target/example-app.jar
BENCH=benchmarks/target/benchmarks.jar
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-200000}
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

one_run() {
  local label=$1; shift
  start_app "$WORK/$label.log" "$@"
  java -cp "$BENCH" io.scopeenforcer.bench.LoadClient --port="$PORT" --tokens="$WORK/tokens.txt" \
    --requests="$REQUESTS" --warmup="$WARMUP" --threads="$THREADS" --label="$label" | tee -a "$WORK/results.txt"
  stop_app
}

echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds of $REQUESTS requests" \
  "(after $WARMUP warm-up) on $THREADS connections, $TOKENS tokens"
for round in $(seq 1 "$ROUNDS"); do
  one_run filter
  one_run no-filter --policy="$WORK/public-policy.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians over the rounds, and the ratio of throughputs.
awk '
  { label=$1; for (i=2;i<=NF;i++) { split($i,kv,"="); v[label,kv[1],++n[label,kv[1]]]=kv[2]+0 } labels[label]=1 }
  function median(label, key,   k, m, a, i, j, t) {
    m = n[label,key]; for (i=1;i<=m;i++) a[i]=v[label,key,i]
    for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (a[j]<a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
    return (m%2) ? a[(m+1)/2] : (a[m/2]+a[m/2+1])/2
  }
  END {
    for (l in labels) printf "median %-10s throughput=%.0f req/s p50=%.0f us p99=%.0f us\n", l, median(l,"throughput"), median(l,"p50"), median(l,"p99")
    printf "filter / no-filter throughput: %.1f%%\n", 100*median("filter","throughput")/median("no-filter","throughput")
  }' "$WORK/results.txt"
