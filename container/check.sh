#!/usr/bin/env bash
# Builds the course's image (container/Dockerfile) and runs tour stages in a container, with this
# clone mounted as the workspace, as a learner on macOS or Windows would; then checks that packets
# were shown: ch2-packets must draw the handshake's SYN, SYN+ACK and ACK in its ladder, and the
# real-loss stage must show a retransmission. Not part of `verify`: it needs Docker and minutes.
# The container gets the options in .devcontainer/devcontainer.json's runArgs (their one home).
# Every exit path removes the container. The course inside talks only to 127.0.0.1 and ::1; with
# Maven offline (the default) the container has no network at all (--network none), only its lo.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: container/check.sh [--online] [--as-me] [--stage NAME]... [--options "ARGS"] [--help]

Builds the image tcpip-course from container/Dockerfile (making the base image debian:trixie-slim
from Debian's packages with mmdebstrap when it is missing and cannot be pulled), runs tour stages
in a container with this clone mounted at /course and ~/.m2 at /root/.m2 (with --as-me:
/home/learner/.m2), and checks their packets.

  --online      let Maven download inside the container (default: ./mvnw -o with the host's ~/.m2,
                and no network in the container)
  --as-me       run as your own uid/gid instead of root (the files the build writes stay yours)
  --stage NAME  run this tour stage (repeatable; default: ch2-packets ch3-loss-drop-middle)
  --options "ARGS"  docker run options instead of .devcontainer/devcontainer.json's runArgs (to
                measure what the stages need, e.g. --options "--cap-add=NET_ADMIN")
  --help        this text

Exit 0: every stage ran and showed its packets. Exit 1: one line says what failed. Exit 2: bad usage.
EOF
}

# macOS has no timeout(1) unless coreutils is installed: then commands run without a limit.
limit() { if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift; "$@"; fi; }
say() { printf 'container-check: %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMAGE=tcpip-course
BASE=debian:trixie-slim
DEVCONTAINER="$ROOT/.devcontainer/devcontainer.json"
offline=1
as_me=0
stages=()
options=
while [ $# -gt 0 ]; do
  case "$1" in
    --online) offline=0 ;;
    --as-me) as_me=1 ;;
    --stage)
      [ $# -ge 2 ] || { echo "container/check.sh: --stage needs a stage name (see --help)" >&2; exit 2; }
      stages+=("$2"); shift ;;
    --options)
      [ $# -ge 2 ] || { echo "container/check.sh: --options needs docker run options (see --help)" >&2; exit 2; }
      options=$2; options_given=1; shift ;;
    --help|-h) usage; exit 0 ;;
    *) echo "container/check.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#stages[@]} -gt 0 ] || stages=(ch2-packets ch3-loss-drop-middle)

command -v docker >/dev/null 2>&1 \
  || fail "docker is not installed (Debian: apt-get install docker.io; macOS, Windows: Docker Desktop)"
docker info >/dev/null 2>&1 \
  || fail "the Docker daemon does not answer 'docker info' (start it, or run as a user in the docker group)"

# The options the lab needs, read from devcontainer.json's runArgs: "--cap-add=NET_ADMIN", ...
if [ -n "${options_given:-}" ]; then
  read -r -a run_args <<<"$options"
else
  # shellcheck disable=SC2207 # one option per word, none has spaces
  run_args=($(sed -n '/"runArgs"/,/\]/p' "$DEVCONTAINER" | grep -o '"--[^"]*"' | tr -d '"'))
  [ ${#run_args[@]} -gt 0 ] || fail "no runArgs found in $DEVCONTAINER"
fi

name="tcpip-check-$$"
work=$(mktemp -d)
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$SECONDS
step=$SECONDS
# lap: dt = one step's time, the seconds since the previous lap.
lap() { dt="$((SECONDS - step)) s"; step=$SECONDS; }

# 1. The base image. No registry is reachable on some machines: then make it from Debian's packages.
if docker image inspect "$BASE" >/dev/null 2>&1; then
  say "base image $BASE is here"
elif limit 300 docker pull -q "$BASE" >"$work/pull.log" 2>&1; then
  say "pulled $BASE"
else
  say "docker pull $BASE failed (no image registry answers here?)"
  command -v mmdebstrap >/dev/null 2>&1 \
    || fail "$BASE is missing and cannot be pulled; install mmdebstrap (Debian: apt-get install mmdebstrap) to make it from Debian's packages"
  say "making $BASE from Debian's packages: mmdebstrap --variant=minbase trixie, then docker import (a few minutes)"
  mmdebstrap --variant=minbase trixie "$work/base.tar" >"$work/mmdebstrap.log" 2>&1 \
    || fail "mmdebstrap failed: $(tail -1 "$work/mmdebstrap.log")"
  docker import "$work/base.tar" "$BASE" >/dev/null || fail "docker import of the mmdebstrap tarball failed"
  rm -f "$work/base.tar"
  lap
  say "made $BASE ($dt)"
fi

# 2. The course's image: only container/ is sent to the daemon; the clone is mounted, not copied.
lap
say "building $IMAGE from container/Dockerfile"
docker build -t "$IMAGE" "$ROOT/container" >"$work/build.log" 2>&1 \
  || { tail -15 "$work/build.log" >&2; fail "docker build failed (last lines above)"; }
lap
say "built $IMAGE ($dt): $(docker run --rm "$IMAGE" java -version 2>&1 | head -1)"

# 3. One container, the stages run in it one after another.
m2="$HOME/.m2"
mkdir -p "$m2"
mvn=(./mvnw -q)
net=()
if [ "$offline" = 1 ]; then
  mvn=(./mvnw -o -q)
  net=(--network none)
fi
user=()
if [ "$as_me" = 1 ]; then
  # No passwd entry for this uid in the image: the JDK then takes user.home from HOME.
  user=(--user "$(id -u):$(id -g)" -e HOME=/home/learner)
  m2_target=/home/learner/.m2
else
  m2_target=/root/.m2
fi
shown=(${run_args[@]+"${run_args[@]}"} ${net[@]+"${net[@]}"} ${user[@]+"${user[@]}"} -v "$ROOT:/course" -v "$m2:$m2_target" "$IMAGE")
say "docker run ${shown[*]}"
docker run -d --name "$name" ${run_args[@]+"${run_args[@]}"} ${net[@]+"${net[@]}"} ${user[@]+"${user[@]}"} \
  -v "$ROOT":/course -v "$m2":"$m2_target" "$IMAGE" sleep infinity >/dev/null \
  || fail "docker run failed with the options from $DEVCONTAINER"

failed=()
for stage in "${stages[@]}"; do
  out="$work/$stage.txt"
  t0=$SECONDS
  if ! limit 900 docker exec "$name" "${mvn[@]}" -pl tour -am compile exec:exec -Dmain=GuidedTour \
      -Dargs="--only $stage --no-pause --plain" </dev/null >"$out" 2>&1; then
    grep -v -e "^\[" -e "^    at " "$out" | tail -8 >&2
    failed+=("$stage: the tour exited non-zero (last lines above)")
    continue
  fi
  took=$((SECONDS - t0))
  problems=()
  grep -q 'does NOT match' "$out" && problems+=("says 'does NOT match'")
  grep -qi 'needs root\|packets not shown\|no ladder' "$out" && problems+=("showed no packets")
  grep -q 'not run here' "$out" && problems+=("was not run (its note above says why)")
  case "$stage" in
    ch2-packets)
      grep -q '^  ladder  |' "$out" || problems+=("drew no ladder")
      grep -Eq '\|-- SYN seq=' "$out" || problems+=("no SYN in the ladder")
      grep -Eq 'SYN\+ACK seq=' "$out" || problems+=("no SYN+ACK in the ladder")
      grep -Eq '\|-- ACK ack=' "$out" || problems+=("no ACK in the ladder")
      ;;
    ch3-loss-*)
      grep -q '^  ladder  |' "$out" || problems+=("drew no ladder")
      grep -q '\[retransmission\]' "$out" || problems+=("no retransmission in the ladder")
      ;;
  esac
  if [ ${#problems[@]} -gt 0 ]; then
    cat "$out" >&2
    failed+=("$stage: $(IFS='|'; echo "${problems[*]}" | sed 's/|/, /g')")
  else
    say "$stage: packets shown ($took s):"
    case "$stage" in
      ch2-packets) grep -E '^  packet  \||\|-- SYN seq=|SYN\+ACK seq=|\|-- ACK ack=' "$out" ;;
      ch3-loss-*) grep -E '^  ladder  \||\[retransmission\]|^  result  \|' "$out" ;;
      *) grep -E '^  (packet|ladder)  \|' "$out" ;;
    esac | sed 's/^/    /' || true
  fi
done

[ ${#failed[@]} -eq 0 ] || fail "$(IFS='|'; echo "${failed[*]}" | sed 's/|/; /g')"
say "OK: ${stages[*]} showed their packets in the container ($((SECONDS - start)) s in all)"
