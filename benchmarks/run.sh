#!/usr/bin/env bash
# The JMH suite of docs/architecture.md §13 in one command: about 17 minutes on 2 cores (the first run also signs the
# token pools, ~30 s for 10,000 RS256 tokens and ~2 min for the 100,000 of LiveTokensBenchmark, kept in
# ${TMPDIR:-/tmp}/scope-enforcer-bench for an hour). Writes benchmarks/jmh-result.json and prints the medians, the
# ratios against the targets, and how the scale-of-work benchmarks grow. Extra arguments go to JMH, e.g.
#   benchmarks/run.sh 'CachedPath|FirstSeen'                      the targets only (~9 min)
#   benchmarks/run.sh 'LiveTokens|RouteMatching|PathDepth'        the scale of work only (~8 min)
#   benchmarks/run.sh CachedPath -prof gc                         with allocation per operation
# Builds nothing. First:  mvn -B -q -pl example-app,benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q -pl example-app,benchmarks -am package -DskipTests" >&2; exit 2; }
echo "JMH on $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar "$JAR" -rf json -rff benchmarks/jmh-result.json "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$JAR" io.scopeenforcer.bench.Summary benchmarks/jmh-result.json
