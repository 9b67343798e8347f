#!/usr/bin/env bash
# The JMH suite of docs/architecture.md §13 in one command: about 7 minutes on 2 cores (the first run also signs the token
# pools, ~30 s, kept in ${TMPDIR:-/tmp}/scope-enforcer-bench for an hour). Writes benchmarks/jmh-result.json and
# prints the medians and the ratios against the targets. Extra arguments go to JMH (e.g. a regex, -prof gc).
# Builds nothing. First:  mvn -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }
echo "JMH on $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar "$JAR" -rf json -rff benchmarks/jmh-result.json "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$JAR" io.scopeenforcer.bench.Summary benchmarks/jmh-result.json
