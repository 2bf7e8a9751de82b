#!/usr/bin/env bash
# Why stream writes of 1 MiB trail channel writes: the copy the JDK makes. A stream write takes a
# heap byte[]; the kernel can only read native memory, so the JDK first copies the whole array into
# a temporary direct buffer (sun.nio.ch.Util.getTemporaryDirectBuffer, cached per thread up to
# -Djdk.nio.maxCachedBufferSize bytes, default unlimited) and write(2)s from there. A channel write
# of a direct ByteBuffer hands the kernel its memory as it is. This script measures the cost of
# that copy as CPU time of the sending thread per GB (BulkSender --cpu), in ROUNDS interleaved
# rounds, for these settings (all against BulkReceiver, loopback only):
#   channel  1 MiB   SocketChannel.write(direct ByteBuffer): no copy in Java
#   stream   1 MiB   OutputStream.write(byte[]): one 1 MiB copy per write, into a cached buffer
#   uncached 1 MiB   the same with -Djdk.nio.maxCachedBufferSize=262144: a new buffer per write
#   stream   128 KiB OutputStream.write(byte[]) of 128 KiB: the same copy, in pieces that stay in cache
# Run from the repository root after ./mvnw -q -pl chapter03-segmentation -am compile:
#   flock /tmp/tcpip-bench.lock chapter03-segmentation/scripts/copy-cost.sh [seconds-per-setting]
# Environment: JAVA, ROUNDS (default 5), BULK_PORT (default 7206).
set -euo pipefail
cd "$(dirname "$0")/../.."
. chapter01-echo/bench/rounds.sh # interleaved rounds: median, min-max, the machine's state

PER="${1:-3}"
ROUNDS="${ROUNDS:-5}"
BULK_PORT="${BULK_PORT:-7206}"
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter03-segmentation/target/classes"
bench_find_java
[ -d chapter03-segmentation/target/classes/tcpip ] \
  || { echo "copy-cost.sh: build first: ./mvnw -q -pl chapter03-segmentation -am compile" >&2; exit 2; }
"$JAVA" -cp "$CP" tcpip.segmentation.throughput.BulkSender --help | grep -q -- --cpu \
  || { echo "copy-cost.sh: this BulkSender has no --cpu; rebuild" >&2; exit 2; }

WORK=$(mktemp -d)
RECEIVER_PID=""
cleanup() {
  [ -z "$RECEIVER_PID" ] || kill "$RECEIVER_PID" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$JAVA" -cp "$CP" tcpip.segmentation.throughput.BulkReceiver --port "$BULK_PORT" --quiet > /dev/null &
RECEIVER_PID=$!
for _ in $(seq 1 100); do ss -Hltn "sport = :$BULK_PORT" 2> /dev/null | grep -q LISTEN && break || sleep 0.1; done

SETTINGS="channel:1048576 stream:1048576 uncached:1048576 stream:131072"
# one setting: MB/s, user and system CPU ms per GB, busy %, into $WORK/<what>.<setting>
run_setting() {
  local name=${1%%:*} size=${1#*:} opts="" mode out
  mode=$name
  [ "$name" = uncached ] && { opts="-Djdk.nio.maxCachedBufferSize=262144"; mode=stream; }
  out=$("$JAVA" $opts -cp "$CP" tcpip.segmentation.throughput.BulkSender --port "$BULK_PORT" --mode "$mode" \
    --write-size "$size" --duration "${PER}s" --cpu)
  echo "$out" | awk '{for (i = 1; i <= NF; i++) if ($i == "MB/s") {v = $(i-1); gsub(",", "", v); print v}}' >> "$WORK/mbs.$1"
  # "sending thread: user CPU 75.7 ms per GB (...), system CPU 126.0 ms per GB (...); busy 42 % of the time"
  echo "$out" | sed -n 's/.*user CPU \([0-9.]*\) ms per GB.*/\1/p' >> "$WORK/user.$1"
  echo "$out" | sed -n 's/.*system CPU \([0-9.]*\) ms per GB.*/\1/p' >> "$WORK/sys.$1"
  echo "$out" | sed -n 's/.*busy \([0-9]*\) %.*/\1/p' >> "$WORK/busy.$1"
}

echo "machine: $(nproc) cores, $(uname -sr), $("$JAVA" -version 2>&1 | head -1)"
echo "$ROUNDS rounds of BulkSender --cpu --duration ${PER}s per setting, the order rotated every round"
for r in $(seq 1 "$ROUNDS"); do
  ticks=$(bench_cpu_ticks)
  load=$(bench_load)
  for s in $(bench_rotate $((r - 1)) $SETTINGS); do
    run_setting "$s"
  done
  echo "round $r/$ROUNDS done: load $load at its start, CPUs idle $(bench_idle_percent "$ticks") %"
done
echo
echo "| setting | write | MB/s | user CPU ms per GB | system CPU ms per GB | thread busy % |"
echo "|---|---:|---:|---:|---:|---:|"
for s in $SETTINGS; do
  echo "| ${s%%:*} | ${s#*:} | $(bench_show %.0f "$(bench_stats < "$WORK/mbs.$s")") |" \
    "$(bench_show %.0f "$(bench_stats < "$WORK/user.$s")") | $(bench_show %.0f "$(bench_stats < "$WORK/sys.$s")") |" \
    "$(bench_show %.0f "$(bench_stats < "$WORK/busy.$s")") |"
done
