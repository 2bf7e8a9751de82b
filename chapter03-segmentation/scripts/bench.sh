#!/usr/bin/env bash
# Throughput benchmark for chapter03 (데이터 송수신): for every write size and mode of BulkSender's
# sweep, our sender against BulkReceiver and iperf3 with the SAME write size (iperf3 -l SIZE; -Z,
# sendfile, for the transfer-to rows), back to back in one run, and the ratio per row.
# Loopback only (127.0.0.1). Run it under the shared lock so benchmarks never overlap:
#   flock /tmp/tcpip-bench.lock chapter03-segmentation/scripts/bench.sh [seconds-per-setting]
# (from the repository root, after ./mvnw -q -pl chapter03-segmentation -am compile)
set -euo pipefail
cd "$(dirname "$0")/../.."

PER="${1:-2}"
IPERF_PORT="${IPERF_PORT:-7204}"
BULK_PORT="${BULK_PORT:-7205}"
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter03-segmentation/target/classes"
JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "bench.sh: no java >= 21 found; set JAVA=/path/to/java"; exit 1; }
command -v iperf3 >/dev/null || { echo "bench.sh: iperf3 is not installed (Debian: apt-get install iperf3)"; exit 1; }
[ -d chapter03-segmentation/target/classes/tcpip ] || { echo "bench.sh: build first: ./mvnw -q -pl chapter03-segmentation -am compile"; exit 1; }

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q LISTEN; }
IPERF_PID=""
RECEIVER_PID=""
cleanup() {
  [ -z "$IPERF_PID" ] || kill "$IPERF_PID" 2>/dev/null || true
  [ -z "$RECEIVER_PID" ] || kill "$RECEIVER_PID" 2>/dev/null || true
}
trap cleanup EXIT
iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" >/dev/null 2>&1 &
IPERF_PID=$!
"$JAVA" -cp "$CP" tcpip.segmentation.throughput.BulkReceiver --port "$BULK_PORT" --quiet >/dev/null &
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
  "$JAVA" -cp "$CP" tcpip.segmentation.throughput.BulkSender --port "$BULK_PORT" --mode "$1" --write-size "$2" \
    --duration "${PER}s" | awk '{for (i = 1; i <= NF; i++) if ($i == "MB/s") {v = $(i-1); gsub(",", "", v); print v}}'
}

echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -1), $(iperf3 --version | head -1 | cut -d' ' -f1-2)"
echo "each row: BulkSender for ${PER} s, then iperf3 -t ${PER} with the same write size (-l), back to back; MB = 10^6 bytes"
printf "| %-11s | %8s | %12s | %-22s | %12s | %7s |\n" "mode" "write" "ours MB/s" "iperf3 command" "iperf3 MB/s" "ours %"
printf "|%s|%s|%s|%s|%s|%s|\n" "-------------" "----------" "--------------" "------------------------" "--------------" "---------"
for row in stream:1 stream:16 stream:256 stream:4096 stream:65536 stream:262144 stream:1048576 \
           channel:65536 channel:262144 channel:1048576 transfer-to:65536 transfer-to:262144 transfer-to:1048576; do
  mode=${row%%:*}; size=${row#*:}
  flags=""; [ "$mode" = "transfer-to" ] && flags="-Z"
  ours=$(ours_mbs "$mode" "$size")
  theirs=$(iperf_mbs "$size" "$flags")
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN {if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a"}')
  printf "| %-11s | %8s | %12s | %-22s | %12s | %7s |\n" "$mode" "$size" "$ours" "iperf3 -l $size $flags" "$theirs" "$ratio"
done
