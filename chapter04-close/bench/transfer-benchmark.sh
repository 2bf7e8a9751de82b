#!/usr/bin/env bash
# Benchmark for chapter04-close: a 1 GiB half-close file transfer on loopback against the two
# limits measured in the same run: iperf3 on 127.0.0.1 and the receiving directory's own write
# speed (dd ... conv=fdatasync). Also shows that both JVMs' heap stays flat (10 MiB vs 1 GiB,
# both run with -Xmx32m: a 1 GiB file could never fit). Run from the repository root, after
# ./mvnw -q -pl chapter04-close -am compile, wrapped in flock so benchmarks never overlap:
#   flock /tmp/tcpip-bench.lock chapter04-close/bench/transfer-benchmark.sh [RECEIVE_DIR]
# Needs: iperf3, ss, dd, python3, a java >= 21 (JAVA, default: the one on PATH if >= 21).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -n "${1:-}" ]; then RECV_DIR="$1"; OWN_RECV=; else RECV_DIR="$(mktemp -d /tmp/ch04-bench-recv.XXXXXX)"; OWN_RECV=1; fi
SRC_DIR="$(mktemp -d /tmp/ch04-bench-src.XXXXXX)"
JAVA="${JAVA:-java}"
if ! "$JAVA" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
CP="${CP:-kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter04-close/target/classes}"
IPERF_PORT=15304
mkdir -p "$RECV_DIR"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${IPERF_PID:-}" ] && kill "$IPERF_PID" 2>/dev/null || true
  rm -rf "$SRC_DIR" "$RECV_DIR"/ddtest "$RECV_DIR"/big-1g.bin "$RECV_DIR"/small-10m.bin "$RECV_DIR"/.*.part 2>/dev/null || true
  [ -n "$OWN_RECV" ] && rmdir "$RECV_DIR" 2>/dev/null || true
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "receiving directory: $RECV_DIR"

# 0) the files to send (pseudo-random, so nothing compresses or dedups), written to disk first
#    (sync) so their writeback does not compete with the measurements below
head -c 1G /dev/urandom > "$SRC_DIR/big-1g.bin"
head -c 10M /dev/urandom > "$SRC_DIR/small-10m.bin"
sync

# 1) iperf3 on loopback
iperf3 -s -1 -p "$IPERF_PORT" >/dev/null 2>&1 & IPERF_PID=$!
for _ in $(seq 100); do ss -ltn | grep -q ":$IPERF_PORT " && break; sleep 0.1; done
IPERF_MIB=$(timeout 60 iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -t 5 -J | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/8/1048576))')
wait "$IPERF_PID" 2>/dev/null || true; IPERF_PID=
echo "iperf3 -c 127.0.0.1 -t 5:                      ${IPERF_MIB} MiB/s"

# 2) the receiving directory's own write speed
START=$(date +%s.%N)
dd if=/dev/zero of="$RECV_DIR/ddtest" bs=1M count=1024 conv=fdatasync status=none
END=$(date +%s.%N)
rm -f "$RECV_DIR/ddtest"
DD_MIB=$(python3 -c "print(round(1024/($END-$START)))")
echo "dd bs=1M count=1024 conv=fdatasync:           ${DD_MIB} MiB/s"

# 3) the server, with a 32 MiB heap
"$JAVA" -Xmx32m -cp "$CP" tcpip.close.halfclose.HalfCloseFileServer --port 0 --root "$SRC_DIR" --report-heap > "$SRC_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q '^serving' "$SRC_DIR/server.log" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/^serving .* on .*:\([0-9]*\) (.*/\1/p' "$SRC_DIR/server.log")

for f in small-10m.bin big-1g.bin; do
  echo "--- $f"
  "$JAVA" -Xmx32m -cp "$CP" tcpip.close.halfclose.HalfCloseFileClient --port "$PORT" --file "$f" --out "$RECV_DIR/$f" --report-heap | tee "$SRC_DIR/client-$f.log"
done
sleep 0.5
echo "--- server log"
cat "$SRC_DIR/server.log"

RATE=$(sed -n 's/^took .* (\([0-9.]*\) MiB\/s.*/\1/p' "$SRC_DIR/client-big-1g.bin.log")
python3 - "$RATE" "$IPERF_MIB" "$DD_MIB" <<'PY'
import sys
rate, iperf, dd = map(float, sys.argv[1:])
limit = min(iperf, dd)
print(f"1 GiB transfer: {rate:.0f} MiB/s = {100*rate/limit:.0f}% of min(iperf3 {iperf:.0f}, dd {dd:.0f}) MiB/s"
      f" (target: at least 70%) -> {'PASS' if rate >= 0.7*limit else 'BELOW TARGET'}")
PY
