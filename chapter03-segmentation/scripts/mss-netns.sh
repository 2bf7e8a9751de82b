#!/usr/bin/env bash
# Runs SegmentationDemo's MSS stage inside a network namespace of its own whose loopback has
# MTU 1500 (Ethernet's), so the SYN carries mss 1460 as the article's 데이터 송수신 section says.
# No root needed: a normal user gets a private user + network namespace (unshare --user --net, the
# same one every demo makes), root a network namespace (unshare --net). It touches nothing but that
# namespace's lo, and the namespace ends with the program: there is nothing to delete afterwards.
# Usage: chapter03-segmentation/scripts/mss-netns.sh   (from the repository root, after a build)
set -euo pipefail

MTU=1500
cd "$(dirname "$0")/../.."

IP="$(command -v ip || true)"
for candidate in /usr/sbin/ip /sbin/ip; do [ -n "$IP" ] || { [ -x "$candidate" ] && IP="$candidate"; }; done
[ -n "$IP" ] || { echo "mss-netns.sh: the 'ip' command is missing (sudo apt-get install iproute2)"; exit 1; }
command -v unshare >/dev/null || { echo "mss-netns.sh: 'unshare' is missing (sudo apt-get install util-linux)"; exit 1; }

JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
  done
fi
[ -n "$JAVA" ] || { echo "mss-netns.sh: no java >= 21 found; set JAVA=/path/to/java"; exit 1; }
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter03-segmentation/target/classes"
[ -d chapter03-segmentation/target/classes/tcpip ] || { echo "mss-netns.sh: build first: ./mvnw -q -pl chapter03-segmentation -am compile"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  NEW_NAMESPACE=(unshare --net)
else
  # this user mapped to itself (so tcpdump stays this user); --keep-caps: tcpdump and ip keep the namespace's rights
  NEW_NAMESPACE=(unshare --user "--map-user=$(id -u)" "--map-group=$(id -g)" --keep-caps --net)
fi
if ! "${NEW_NAMESPACE[@]}" -- "$IP" link set lo mtu "$MTU" up 2>/dev/null; then
  echo "mss-netns.sh: this system lets no normal user make a network namespace (on Ubuntu 24.04: kernel.apparmor_restrict_unprivileged_userns=1); run it as root (sudo), or in the course's container. Nothing was changed."
  exit 1
fi

# Inside: lo at MTU 1500 and up, then the demo (marked as running in a private namespace, so it does not
# start another one).
"${NEW_NAMESPACE[@]}" -- /bin/sh -c '
  "$0" link set lo mtu '"$MTU"' up || exit 125
  TCPIP_PRIVATE_NETNS=$(readlink /proc/self/ns/net); export TCPIP_PRIVATE_NETNS
  echo "namespace $TCPIP_PRIVATE_NETNS: lo is up with MTU $("$0" -o link show lo | sed -n "s/.* mtu \([0-9]*\).*/\1/p"); expecting mss '"$((MTU - 40))"' in the SYN"
  exec "$@"' "$IP" "$JAVA" -cp "$CP" tcpip.segmentation.SegmentationDemo --only mss --no-pause
echo "the namespace ended with the program"
