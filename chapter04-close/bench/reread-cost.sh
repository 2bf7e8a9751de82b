#!/usr/bin/env bash
# What the server's second read costs (HalfCloseFileServer reads a file again from its start, through the same
# descriptor, after its last byte and before the trailer, and sends the trailer only if both reads hash the same):
# a 50 MiB file sent RUNS times to a client on loopback; prints each client's "took" line and the median. Files on
# /dev/shm (tmpfs) when it exists, so the disk does not hide the cost; the client's fsync is free there. Run from the
# repository root after ./mvnw -q -pl chapter04-close -am compile:
#   flock /tmp/tcpip-bench.lock chapter04-close/bench/reread-cost.sh [RUNS]
# Needs a java >= 21 (JAVA, default: the one on PATH if >= 21), python3. CP overrides the class path (to compare builds).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-7}"
BASE=/dev/shm; [ -d "$BASE" ] && [ -w "$BASE" ] || BASE=/tmp
DIR="$(mktemp -d "$BASE/ch04-reread.XXXXXX")"
JAVA="${JAVA:-java}"
if ! "$JAVA" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
CP="${CP:-kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter04-close/target/classes}"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
mkdir "$DIR/src" "$DIR/recv"
head -c 50M /dev/urandom > "$DIR/src/f50m.bin"
echo "machine: $(nproc) cores, $(uname -r), files on $BASE"
"$JAVA" -cp "$CP" tcpip.close.halfclose.HalfCloseFileServer --port 0 --root "$DIR/src" > "$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q '^serving' "$DIR/server.log" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/^serving .* on .*:\([0-9]*\) (.*/\1/p' "$DIR/server.log")
[ -n "$PORT" ] || { cat "$DIR/server.log"; exit 1; }
for i in $(seq "$RUNS"); do
  "$JAVA" -cp "$CP" tcpip.close.halfclose.HalfCloseFileClient --port "$PORT" --file f50m.bin --out "$DIR/recv/f50m.bin" \
    | sed -n 's/^took/took/p' | tee -a "$DIR/took.txt"
done
python3 - "$DIR/took.txt" <<'PY'
import re, statistics, sys
t = [float(re.match(r"took ([0-9.]+) s", l).group(1)) for l in open(sys.argv[1]) if l.startswith("took")]
print(f"50 MiB, {len(t)} runs: median {statistics.median(t) * 1000:.0f} ms (min {min(t) * 1000:.0f}, max {max(t) * 1000:.0f})")
PY
