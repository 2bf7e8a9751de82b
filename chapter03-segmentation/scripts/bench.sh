#!/usr/bin/env bash
# Throughput benchmark for chapter03: iperf3 on loopback, then BulkSender's sweep (1 B .. 1 MiB,
# stream / SocketChannel / FileChannel.transferTo) against BulkReceiver, in the same run, and the
# best sweep setting as a percentage of iperf3. Loopback only (127.0.0.1).
# Usage (from the repository root, after ./mvnw -q -pl chapter03-segmentation -am compile):
#   flock /tmp/tcpip-bench.lock chapter03-segmentation/scripts/bench.sh [seconds-per-setting]
set -euo pipefail
cd "$(dirname "$0")/../.."

PER_SIZE="${1:-2}"
IPERF_PORT="${IPERF_PORT:-7204}"
BULK_PORT="${BULK_PORT:-7205}"
CP="kernel-view/target/classes:chapter03-segmentation/target/classes"
JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "bench.sh: no java >= 21 found; set JAVA=/path/to/java"; exit 1; }
command -v iperf3 >/dev/null || { echo "bench.sh: iperf3 is not installed (Debian: apt-get install iperf3)"; exit 1; }

echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -1)"
echo "--- iperf3 -c 127.0.0.1 -t 5 (server: iperf3 -s -1) ---"
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q LISTEN; }
iperf3 -s -1 -B 127.0.0.1 -p "$IPERF_PORT" >/dev/null 2>&1 &
IPERF_PID=$!
RECEIVER_PID=""
cleanup() {
  kill "$IPERF_PID" 2>/dev/null || true
  [ -z "$RECEIVER_PID" ] || kill "$RECEIVER_PID" 2>/dev/null || true
}
trap cleanup EXIT
# wait until the server listens, without connecting to it (the one-shot server would count a probe)
for _ in $(seq 1 50); do listening "$IPERF_PORT" && break || sleep 0.1; done
IPERF_OUT=$(iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -t 5 -f m)
echo "$IPERF_OUT" | grep -E "sender|receiver"
IPERF_MBITS=$(echo "$IPERF_OUT" | awk '/receiver/ {for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i-1)}')
IPERF_MBS=$(awk -v m="$IPERF_MBITS" 'BEGIN {printf "%.1f", m / 8}')
echo "iperf3: $IPERF_MBS MB/s (10^6 bytes/s)"

echo "--- BulkSender --sweep --per-size ${PER_SIZE}s against BulkReceiver ---"
"$JAVA" -cp "$CP" tcpip.segmentation.BulkReceiver --port "$BULK_PORT" --quiet >/dev/null &
RECEIVER_PID=$!
for _ in $(seq 1 100); do listening "$BULK_PORT" && break || sleep 0.1; done
SWEEP=$("$JAVA" -cp "$CP" tcpip.segmentation.BulkSender --port "$BULK_PORT" --sweep --per-size "${PER_SIZE}s")
echo "$SWEEP"
BEST=$(echo "$SWEEP" | awk '/MB\/s$/ {v = $(NF-1); gsub(",", "", v); if (v > best) {best = v; what = $1 " " $2 " " $3}} END {printf "%.1f %s", best, what}')
BEST_MBS=${BEST%% *}
echo "--- result ---"
echo "best setting: ${BEST#* } at $BEST_MBS MB/s = $(awk -v b="$BEST_MBS" -v i="$IPERF_MBS" 'BEGIN {printf "%.0f", 100 * b / i}')% of iperf3 ($IPERF_MBS MB/s); target >= 85%"
