#!/usr/bin/env bash
# Throughput benchmark for chapter03 (데이터 송수신): every write size and mode of BulkSender's sweep,
# our sender against BulkReceiver beside iperf3 with the SAME write size (iperf3 -l SIZE; -Z,
# sendfile, for the transfer-to rows), in ROUNDS interleaved rounds (which of the two goes first
# alternates every round); per row the median ratio and its min-max over the rounds.
# Loopback only (127.0.0.1). Run it under the shared lock so benchmarks never overlap:
#   flock /tmp/tcpip-bench.lock chapter03-segmentation/scripts/bench.sh [seconds-per-setting]
# (from the repository root, after ./mvnw -q -pl chapter03-segmentation -am compile)
# Environment: JAVA (a java >= 21), ROUNDS (default 5), ROWS (e.g. "stream:1048576 channel:1048576";
# default: the whole sweep), SENDER_OPTS (JVM options for BulkSender, e.g.
# -Djdk.nio.maxCachedBufferSize=262144), IPERF_PORT, BULK_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
. chapter01-echo/bench/rounds.sh # interleaved rounds: median, min-max, the machine's state

PER="${1:-2}"
ROUNDS="${ROUNDS:-5}"
IPERF_PORT="${IPERF_PORT:-7204}"
BULK_PORT="${BULK_PORT:-7205}"
SENDER_OPTS="${SENDER_OPTS:-}"
ROWS="${ROWS:-stream:1 stream:16 stream:256 stream:4096 stream:65536 stream:262144 stream:1048576
  channel:65536 channel:262144 channel:1048576 transfer-to:65536 transfer-to:262144 transfer-to:1048576}"
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter03-segmentation/target/classes"
bench_find_java
command -v iperf3 > /dev/null || { echo "bench.sh: iperf3 is not installed (Debian: apt-get install iperf3)" >&2; exit 2; }
[ -d chapter03-segmentation/target/classes/tcpip ] \
  || { echo "bench.sh: build first: ./mvnw -q -pl chapter03-segmentation -am compile" >&2; exit 2; }

listening() { ss -Hltn "sport = :$1" 2> /dev/null | grep -q LISTEN; }
IPERF_PID=""
RECEIVER_PID=""
WORK=$(mktemp -d)
cleanup() {
  [ -z "$IPERF_PID" ] || kill "$IPERF_PID" 2> /dev/null || true
  [ -z "$RECEIVER_PID" ] || kill "$RECEIVER_PID" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" > /dev/null 2>&1 &
IPERF_PID=$!
"$JAVA" -cp "$CP" tcpip.segmentation.throughput.BulkReceiver --port "$BULK_PORT" --quiet > /dev/null &
RECEIVER_PID=$!
for _ in $(seq 1 100); do listening "$IPERF_PORT" && listening "$BULK_PORT" && break || sleep 0.1; done

# iperf3's receiver-side rate in MB/s (10^6 bytes/s) for one write size ($1) and extra flags ($2)
iperf_mbs() {
  local out mbits
  out=$(iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -t "$PER" -l "$1" $2 -f m 2>&1) || { echo "iperf3 failed: $out" >&2; echo 0; return; }
  mbits=$(echo "$out" | awk '/receiver/ {for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i-1)}')
  awk -v m="${mbits:-0}" 'BEGIN {printf "%.1f", m / 8}'
}
# our rate in MB/s for one mode ($1) and write size ($2)
ours_mbs() {
  "$JAVA" $SENDER_OPTS -cp "$CP" tcpip.segmentation.throughput.BulkSender --port "$BULK_PORT" --mode "$1" \
    --write-size "$2" --duration "${PER}s" | awk '{for (i = 1; i <= NF; i++) if ($i == "MB/s") {v = $(i-1); gsub(",", "", v); print v}}'
}

echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -1), $(iperf3 --version | head -1 | cut -d' ' -f1-2)"
echo "$ROUNDS rounds; in each, every row: BulkSender ${SENDER_OPTS:+($SENDER_OPTS) }for ${PER} s and iperf3 -t ${PER}" \
  "with the same write size (-l), back to back, the first of the two alternating; MB = 10^6 bytes"
for r in $(seq 1 "$ROUNDS"); do
  ticks=$(bench_cpu_ticks)
  load=$(bench_load)
  for row in $ROWS; do
    mode=${row%%:*}; size=${row#*:}
    flags=""; [ "$mode" = "transfer-to" ] && flags="-Z"
    if [ $((r % 2)) = 1 ]; then
      ours=$(ours_mbs "$mode" "$size"); theirs=$(iperf_mbs "$size" "$flags")
    else
      theirs=$(iperf_mbs "$size" "$flags"); ours=$(ours_mbs "$mode" "$size")
    fi
    echo "${ours:-0}" >> "$WORK/ours.$mode.$size"
    echo "$theirs" >> "$WORK/iperf.$mode.$size"
    awk -v a="${ours:-0}" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.3f\n", a / b }' >> "$WORK/ratio.$mode.$size"
  done
  echo "round $r/$ROUNDS done: load $load at its start, $(bench_load) at its end, CPUs idle $(bench_idle_percent "$ticks") %"
done

echo
printf "| %-11s | %8s | %-20s | %-20s | %-22s | %-20s |\n" "mode" "write" "ours MB/s" "iperf3 MB/s" "iperf3 command" "ours / iperf3"
printf "|%s|%s|%s|%s|%s|%s|\n" "-------------" "---------:" "---------------------:" "---------------------:" \
  "------------------------" "---------------------:"
for row in $ROWS; do
  mode=${row%%:*}; size=${row#*:}
  flags=""; [ "$mode" = "transfer-to" ] && flags=" -Z"
  printf "| %-11s | %8s | %-20s | %-20s | %-22s | %-20s |\n" "$mode" "$size" \
    "$(bench_show %.1f "$(bench_stats < "$WORK/ours.$mode.$size")")" \
    "$(bench_show %.1f "$(bench_stats < "$WORK/iperf.$mode.$size")")" "iperf3 -l $size$flags" \
    "$(bench_show %.2f "$(bench_stats < "$WORK/ratio.$mode.$size")")"
done
echo
# The aim: at each write size, the best of our modes reaches 95 % of iperf3 (median ratio).
for size in $(for row in $ROWS; do echo "${row#*:}"; done | sort -un); do
  best="" best_mode=""
  for row in $ROWS; do
    [ "${row#*:}" = "$size" ] || continue
    m=$(bench_stats < "$WORK/ratio.${row%%:*}.$size" | cut -d' ' -f1)
    if [ "$m" != "-" ] && { [ -z "$best" ] || awk -v a="$m" -v b="$best" 'BEGIN { exit !(a > b) }'; }; then
      best=$m best_mode=${row%%:*}
    fi
  done
  [ -n "$best" ] || continue
  awk -v b="$best" -v m="$best_mode" -v s="$size" 'BEGIN {
    printf "aim at %s-byte writes, the best mode >= 95 %% of iperf3: %s, median %.0f %% (%s)\n", s,
      (b >= 0.95 ? "met" : "NOT met"), 100 * b, m }'
done
