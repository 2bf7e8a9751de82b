#!/usr/bin/env bash
# Benchmarks for chapter01-echo (loopback only). Run from the repository root after a build, under
# the shared lock so that no two engineers' benchmarks overlap on the same cores:
#   ./mvnw -q -pl chapter01-echo -am compile
#   flock /tmp/tcpip-bench.lock chapter01-echo/bench/echo-bench.sh [ping|load|all]
# ping: EchoClient --ping p50 round trip against each server, and the ratio to twice sockperf's
#       one-way p50 measured in the same run (sockperf reports half a round trip).
# load: requests/s and server memory at CONNECTIONS concurrent connections for the blocking
#       EchoServer (thread-per-client, virtual) and the one-thread SelectorEchoServer.
#       With BEFORE_CP=<classes of the pre-hardening EchoServer> the same rows run against that
#       server too, so before/after come from the same run.
# Environment: JAVA (a java >= 21), DURATION (load seconds per row, default 10), CONNECTIONS
# (default "100 1000 10000"), PINGS (default 100000), SOCKPERF_PORT (default 17007), BEFORE_CP,
# KINDS (the load rows' servers, e.g. "before-virtual virtual"; default: all of them).
set -euo pipefail
cd "$(dirname "$0")/../.."

JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "echo-bench: no java >= 21 found; set JAVA=/path/to/java" >&2; exit 2; }
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter01-echo/target/classes"
[ -f chapter01-echo/target/classes/tcpip/echo/SelectorEchoServer.class ] \
  || { echo "echo-bench: build first: ./mvnw -q -pl chapter01-echo -am compile" >&2; exit 2; }
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-100 1000 10000}"
PINGS="${PINGS:-100000}"
SOCKPERF_PORT="${SOCKPERF_PORT:-17007}"
BEFORE_CP="${BEFORE_CP:-}"
WHAT="${1:-all}"

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
}
trap stop_server EXIT

# start_server KIND: KIND is thread-per-client, virtual, selector, or before-thread-per-client /
# before-virtual (the pre-hardening EchoServer from BEFORE_CP). Sets SERVER_PID and SERVER_PORT.
start_server() {
  local kind="$1" log
  log=$(mktemp)
  case "$kind" in
    selector) "$JAVA" -cp "$CP" tcpip.echo.SelectorEchoServer --port 0 --quiet --max-connections 20000 \
                --read-deadline 120s > "$log" 2>&1 & ;;
    before-*) "$JAVA" -cp "$BEFORE_CP:$CP" tcpip.echo.EchoServer --port 0 --mode "${kind#before-}" --quiet \
                --max-connections 20000 --idle-timeout 120s > "$log" 2>&1 & ;;
    *) "$JAVA" -cp "$CP" tcpip.echo.EchoServer --port 0 --mode "$kind" --quiet --max-connections 20000 \
                --read-deadline 120s > "$log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  SERVER_PORT=""
  for _ in $(seq 1 100); do
    SERVER_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$SERVER_PORT" ] && break
    sleep 0.1 # polling a log file for the server's start-up line (a shell has no latch)
  done
  [ -n "$SERVER_PORT" ] || { echo "echo-bench: $kind server did not start:" >&2; cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
}

kinds() {
  if [ -n "${KINDS:-}" ]; then echo "$KINDS"; return; fi
  local k="thread-per-client virtual selector"
  if [ -n "$BEFORE_CP" ]; then k="before-thread-per-client thread-per-client before-virtual virtual selector"; fi
  echo "$k"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

ping_bench() {
  echo "## ping: p50 round trip, 64-byte messages, $PINGS round trips after 20,000 warm-up ones"
  echo "machine: $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
  local reference=""
  if command -v sockperf > /dev/null; then
    sockperf server --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" > /dev/null 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do # wait until the kernel shows sockperf's LISTEN socket
      grep -qi ":$(printf '%04X' "$SOCKPERF_PORT") 00000000:0000 0A " /proc/net/tcp && break
      sleep 0.1
    done
    out=$(sockperf ping-pong --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" -m 64 -t 10 2>&1)
    stop_server
    # sockperf prints "---> percentile 50.000 =        7.240" in microseconds, one way
    local p50 p99
    p50=$(echo "$out" | sed -n 's/.*percentile 50\.000 = *\([0-9.]*\).*/\1/p')
    p99=$(echo "$out" | sed -n 's/.*percentile 99\.000 = *\([0-9.]*\).*/\1/p')
    echo "sockperf ping-pong --tcp -m 64 -t 10: one-way p50 ${p50} us, p99 ${p99} us; reference round trip" \
      "= 2 x p50 = $(awk -v p="$p50" 'BEGIN { printf "%.1f", 2 * p }') us"
    reference="$p50"
  else
    echo "sockperf not installed: no reference figure, no ratio (Debian package sockperf)"
  fi
  echo "| server | p50 round trip | p99 round trip | p50 / (2 x sockperf p50) |"
  echo "|---|---:|---:|---:|"
  for kind in thread-per-client virtual selector; do
    start_server "$kind"
    line=$("$JAVA" -cp "$CP" tcpip.echo.EchoClient --port "$SERVER_PORT" --ping "$PINGS" --warmup 20000 --size 64 \
      | grep 'round trips of')
    stop_server
    # "... p50 0.043 ms  p99 0.791 ms ..." (EchoPing prints ms below 1 s)
    p50=$(echo "$line" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
    p99=$(echo "$line" | sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p')
    ratio="n/a"
    if [ -n "$reference" ] && [ -n "$p50" ]; then
      ratio=$(awk -v ours="$p50" -v ref="$reference" 'BEGIN { printf "%.2f", ours * 1000 / (2 * ref) }')
    fi
    echo "| $kind | $(awk -v v="$p50" 'BEGIN { printf "%.1f us", v * 1000 }') | $(awk -v v="$p99" 'BEGIN { printf "%.1f us", v * 1000 }') | $ratio |"
  done
}

load_bench() {
  echo "## load: ${DURATION} s of 64-byte round trips per row, every echo checked; $(nproc) cores, $(uname -r)"
  echo "| server | connections | requests/s | errors | server RSS after | server peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|"
  for kind in $(kinds); do
    for c in $CONNECTIONS; do
      start_server "$kind"
      out=$("$JAVA" -cp "$CP" tcpip.echo.EchoClient --port "$SERVER_PORT" --load "$c" --duration "${DURATION}s" \
        --size 64 --timeout 60s 2>&1 || true)
      rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
      rps=$(echo "$out" | sed -n 's/.* = \([0-9]*\) requests\/s.*/\1/p')
      errors=$(echo "$out" | sed -n 's/.* requests\/s, \([0-9]*\) errors.*/\1/p')
      held=$(echo "$out" | sed -n 's/^load: \([0-9]*\) connections open at once.*/\1/p')
      echo "| $kind | $c (held $held) | ${rps:-?} | ${errors:-?} | $(mib "$rss") | $(mib "$hwm") |"
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
