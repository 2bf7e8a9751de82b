#!/usr/bin/env bash
# Benchmarks for chapter01-echo (loopback only). Run from the repository root after a build:
#   ./mvnw -q -pl chapter01-echo -am compile
#   flock /tmp/tcpip-bench.lock chapter01-echo/bench/echo-bench.sh [ping|load|all]
# ping: our EchoClient --ping p50 round trip vs twice sockperf's one-way p50 (if sockperf is installed).
# load: requests/s and server RSS for thread-per-client and virtual modes at 100, 1,000, 10,000 connections.
# Environment: JAVA (a java >= 21), DURATION (load seconds per row, default 10), CONNECTIONS (default "100 1000 10000"),
# PINGS (default 100000), SOCKPERF_PORT (default 17007).
set -euo pipefail
cd "$(dirname "$0")/../.."

JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "echo-bench: no java >= 21 found; set JAVA=/path/to/java" >&2; exit 2; }
CP="kernel-view/target/classes:chapter01-echo/target/classes"
[ -f chapter01-echo/target/classes/tcpip/echo/EchoServer.class ] \
  || { echo "echo-bench: build first: ./mvnw -q -pl chapter01-echo -am compile" >&2; exit 2; }
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-100 1000 10000}"
PINGS="${PINGS:-100000}"
SOCKPERF_PORT="${SOCKPERF_PORT:-17007}"
WHAT="${1:-all}"

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
}
trap stop_server EXIT

# Starts EchoServer on a kernel-chosen port; sets SERVER_PID and SERVER_PORT.
start_server() {
  local mode="$1" log
  log=$(mktemp)
  "$JAVA" -cp "$CP" tcpip.echo.EchoServer --port 0 --mode "$mode" --quiet --max-connections 20000 \
    --idle-timeout 120s > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    SERVER_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$SERVER_PORT" ] && break
    sleep 0.1 # polling a log file for the server's start-up line (a shell has no latch)
  done
  rm -f "$log"
  [ -n "$SERVER_PORT" ] || { echo "echo-bench: server did not start" >&2; exit 1; }
}

kib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

ping_bench() {
  echo "## ping: p50 round trip, 64-byte messages, $PINGS round trips"
  echo "machine: $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
  for mode in thread-per-client virtual; do
    start_server "$mode"
    "$JAVA" -cp "$CP" tcpip.echo.EchoClient --port "$SERVER_PORT" --ping "$PINGS" --warmup 20000 --size 64 \
      | grep 'round trips of' | sed "s/^/EchoServer --mode $mode: /"
    stop_server
  done
  if command -v sockperf > /dev/null; then
    sockperf server --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" > /dev/null 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do # wait until the kernel shows sockperf's LISTEN socket
      grep -qi ":$(printf '%04X' "$SOCKPERF_PORT") .* 0A " /proc/net/tcp && break
      sleep 0.1
    done
    sockperf ping-pong --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" -m 64 -t 10 2>&1 \
      | grep -E 'Summary: Latency|percentile 50.000|percentile 99.000|MIN' | sed 's/^/sockperf (one-way): /'
    stop_server
  else
    echo "sockperf not installed: no reference figure (Debian package sockperf)"
  fi
}

load_bench() {
  echo "## load: ${DURATION} s of 64-byte round trips per row, every echo checked"
  echo "| mode | connections | requests/s | errors | server RSS after | server peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|"
  for mode in thread-per-client virtual; do
    for c in $CONNECTIONS; do
      start_server "$mode"
      out=$("$JAVA" -cp "$CP" tcpip.echo.EchoClient --port "$SERVER_PORT" --load "$c" --duration "${DURATION}s" \
        --size 64 --timeout 60s 2>&1 || true)
      rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
      rps=$(echo "$out" | sed -n 's/.* = \([0-9]*\) requests\/s.*/\1/p')
      errors=$(echo "$out" | sed -n 's/.* requests\/s, \([0-9]*\) errors.*/\1/p')
      held=$(echo "$out" | sed -n 's/^load: \([0-9]*\) connections open at once.*/\1/p')
      echo "| $mode | $c (held $held) | ${rps:-?} | ${errors:-?} | $(kib "$rss") | $(kib "$hwm") |"
      if [ "${errors:-1}" != "0" ]; then echo "$out" | tail -3 | sed 's/^/    /'; fi
      stop_server
    done
  done
}

case "$WHAT" in
  ping) ping_bench ;;
  load) load_bench ;;
  all) ping_bench; echo; load_bench ;;
  *) echo "usage: echo-bench.sh [ping|load|all]" >&2; exit 2 ;;
esac
