#!/usr/bin/env bash
# Runs SegmentationDemo's MSS stage inside a private network namespace whose loopback has
# MTU 1500 (Ethernet's), so the SYN carries mss 1460 as the article's 데이터 송수신 section says.
# Root only. It touches nothing but its own namespace's lo, and deletes the namespace at the end.
# Usage: sudo chapter03-segmentation/scripts/mss-netns.sh   (from the repository root, after a build)
set -euo pipefail

NS="tcpip-mss-$$"
MTU=1500
cd "$(dirname "$0")/../.."

if [ "$(id -u)" -ne 0 ]; then
  echo "mss-netns.sh: needs root to create a network namespace (ip netns add); run it with sudo. Nothing was changed."
  exit 1
fi
command -v ip >/dev/null || { echo "mss-netns.sh: the 'ip' command (iproute2) is missing"; exit 1; }

JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "mss-netns.sh: no java >= 21 found; set JAVA=/path/to/java"; exit 1; }
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter03-segmentation/target/classes"
[ -d chapter03-segmentation/target/classes/tcpip ] || { echo "mss-netns.sh: build first: ./mvnw -q -pl chapter03-segmentation -am compile"; exit 1; }

cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo mtu "$MTU" up
echo "namespace $NS: lo is up with MTU $(ip netns exec "$NS" cat /sys/class/net/lo/mtu); expecting mss $((MTU - 40)) in the SYN"
ip netns exec "$NS" "$JAVA" -cp "$CP" tcpip.segmentation.SegmentationDemo --only mss --no-pause
echo "namespace $NS removed"
