#!/usr/bin/env bash
# The cold-start harness (docs/performance.md): fresh JVMs on the deployment jar, each configured for one provider
# against a loopback issuer, timed to their first response, beside a bare JVM start measured in the same run; then
# the same under other JVM options, AppCDS, and what SnapStart priming buys the first decision.
#
# The issuer speaks HTTPS (a throwaway CA and server certificate made at start; the measured JVMs get a trust store
# with the JDK's roots and that CA) unless --http.
#
# With --quota it measures instead, inside cgroup-v1 CPU quotas (0.58 vCPU is what Lambda gives a 1024 MB function;
# `none` runs without one), the deployment jar and the bare JVM side by side under the Lambda-like JVM flags and the
# JVM defaults, providers jwks and jwks-file by default, then where the time goes in the first quota listed. The quota
# rows need a writable /sys/fs/cgroup/cpu (cgroup v1, root); the harness refuses them otherwise.
#
# Builds nothing. First:  ./mvnw -q -B install -DskipTests
# Usage:  benchmarks/cold-start.sh [--runs N (7)] [--providers jwks,introspection,...] [--java /path/to/bin/java]
#                                  [--http] [--quick] [--check]
#         benchmarks/cold-start.sh --quota 0.58,1.0,none [--runs N] [--flags lambda,defaults] [--providers jwks,jwks-file]
#                                  [--no-breakdown] [--http]
# JAVA selects the JVM that runs the harness itself (default: java on the PATH); --java the one measured.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAR=benchmarks/target/benchmarks.jar
if [[ ! -f "$BENCH_JAR" || ! -f assembly/target/smart-authorizer-lambda.jar ]]; then
  echo "missing $BENCH_JAR or assembly/target/smart-authorizer-lambda.jar: run ./mvnw -q -B install -DskipTests" >&2
  exit 2
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec "${JAVA:-java}" -cp "$BENCH_JAR" io.github.smartauthorizer.benchmarks.ColdStart "$@"
