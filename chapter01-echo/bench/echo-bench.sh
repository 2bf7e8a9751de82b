#!/usr/bin/env bash
# Benchmarks for chapter01-echo (loopback only). Run from the repository root after a build, under
# the shared lock so that no two benchmarks overlap on the same cores:
#   ./mvnw -q -pl chapter01-echo -am compile
#   flock /tmp/tcpip-bench.lock chapter01-echo/bench/echo-bench.sh ping|load|c100k|all
#
# ping:  p50 round trip of 64-byte messages, ours (EchoClient --ping against each server) beside
#        sockperf's (ping-pong against its own server), in ROUNDS interleaved rounds per CPU regime
#        (REGIME, see rounds.sh: "idle" = nothing added, "busy" = a SCHED_IDLE spinner per CPU).
#        Per round: ratio = our p50 round trip / (2 x sockperf's one-way p50 of the same round).
#        Per server: the median ratio and its min-max, sockperf's p50 beside it, and the aim
#        (<= 1.1 for thread-per-client and Selector, <= 1.3 for virtual threads).
# load:  requests/s, errors and server memory at CONNECTIONS concurrent connections.
#        With BEFORE_CP=<classes of an older EchoServer> the rows run against that server too.
# c100k: load with 100,000 connections against the virtual-thread and the Selector server, and
#        thread-per-client up to THREAD_LIMIT threads: reads the sysctls that matter, spreads the
#        client over several 127.0.0.x source addresses, raises the descriptor limits (prlimit).
# syscalls: per round trip, what each server (and sockperf's) makes the kernel do: system calls,
#        futex wake-ups, context switches (perf stat; root). Counts, so the machine's noise does not move them.
#
# Environment: JAVA (a java >= 21), ROUNDS (default 5), REGIME (default "idle busy"), PINGS (timed
# round trips per run, default 50000), WARMUP (default 20000), SOCKPERF_SECONDS (default 3),
# SOCKPERF_PORT (default 17007), DURATION (load seconds per row, default 10), CONNECTIONS (default
# "100 1000 10000"), KINDS (the load rows' servers), SOURCES (client source addresses, default:
# enough for CONNECTIONS), THREAD_LIMIT (c100k: RLIMIT_NPROC of the thread-per-client server,
# default 20000), BEFORE_CP.
set -euo pipefail
cd "$(dirname "$0")/../.."
. chapter01-echo/bench/rounds.sh

bench_find_java
CP="kernel-view/target/classes:narration-cli/target/classes:socket-support/target/classes:chapter01-echo/target/classes"
[ -f chapter01-echo/target/classes/tcpip/echo/selector/SelectorEchoServer.class ] \
  || { echo "echo-bench: build first: ./mvnw -q -pl chapter01-echo -am compile" >&2; exit 2; }
ROUNDS="${ROUNDS:-5}"
REGIME="${REGIME:-idle busy}"
PINGS="${PINGS:-50000}"
WARMUP="${WARMUP:-20000}"
SOCKPERF_SECONDS="${SOCKPERF_SECONDS:-3}"
SOCKPERF_PORT="${SOCKPERF_PORT:-17007}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-100 1000 10000}"
THREAD_LIMIT="${THREAD_LIMIT:-20000}"
BEFORE_CP="${BEFORE_CP:-}"
WHAT="${1:-all}"
WORK=$(mktemp -d)

# The read-deadline flag's spelling (--read-timeout; older builds: --read-deadline).
READ_FLAG=--read-deadline
if "$JAVA" -cp "$CP" tcpip.echo.blocking.EchoServer --help 2>&1 | grep -q -- '--read-timeout'; then READ_FLAG=--read-timeout; fi

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2> /dev/null || true; wait "$SERVER_PID" 2> /dev/null || true; SERVER_PID=""; fi
}
cleanup() {
  stop_server
  bench_regime_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server KIND MAX READ_DEADLINE [PREFIX...]: KIND is thread-per-client, virtual, selector, or
# before-thread-per-client / before-virtual (the older EchoServer in BEFORE_CP); PREFIX runs before
# java (prlimit, setpriv). Sets SERVER_PID and SERVER_PORT; the server's output is in $WORK/server.log.
start_server() {
  local kind="$1" max="$2" deadline="$3"
  shift 3
  local log="$WORK/server.log" quiet=--quiet
  [ "${SERVER_LOG:-}" = 1 ] && quiet=""
  : > "$log"
  case "$kind" in
    selector) "$@" "$JAVA" -cp "$CP" tcpip.echo.selector.SelectorEchoServer --port 0 $quiet --max-connections "$max" \
                "$READ_FLAG" "$deadline" > "$log" 2>&1 & ;;
    before-*) "$@" "$JAVA" -cp "$BEFORE_CP:$CP" tcpip.echo.EchoServer --port 0 --mode "${kind#before-}" $quiet \
                --max-connections "$max" --idle-timeout "$deadline" > "$log" 2>&1 & ;;
    *) "$@" "$JAVA" -cp "$CP" tcpip.echo.blocking.EchoServer --port 0 --mode "$kind" $quiet --max-connections "$max" \
                "$READ_FLAG" "$deadline" > "$log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  SERVER_PORT=""
  for _ in $(seq 1 100); do
    SERVER_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$SERVER_PORT" ] && break
    sleep 0.1 # polling a log file for the server's start-up line (a shell has no latch)
  done
  [ -n "$SERVER_PORT" ] || { echo "echo-bench: $kind server did not start:" >&2; cat "$log" >&2; exit 1; }
}

kib() { awk "/^$1:/ {print \$2}" "/proc/$SERVER_PID/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

# --- ping -------------------------------------------------------------------------------------

# RESULT = sockperf's one-way p50 in microseconds (its own server, its own client), or "" if it failed.
sockperf_p50() {
  sockperf server --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" > /dev/null 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 50); do # until the kernel shows sockperf's LISTEN socket
    ss -Hltn "sport = :$SOCKPERF_PORT" 2> /dev/null | grep -q LISTEN && break
    sleep 0.1
  done
  local out
  out=$(sockperf ping-pong --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" -m 64 -t "$SOCKPERF_SECONDS" 2>&1 || true)
  stop_server
  # sockperf prints "---> percentile 50.000 =        7.240" in microseconds, one way
  RESULT=$(echo "$out" | sed -n 's/.*percentile 50\.000 = *\([0-9.]*\).*/\1/p')
}

# RESULT = our p50 round trip in microseconds against one server kind, or "" if it failed.
ours_p50() {
  start_server "$1" 100 120s
  local line
  line=$("$JAVA" -cp "$CP" tcpip.echo.blocking.EchoClient --port "$SERVER_PORT" --ping "$PINGS" --warmup "$WARMUP" --size 64 \
    2>&1 | grep 'round trips of' || true)
  stop_server
  # "... p50 12.3 us ..." (below 1 ms), or "p50 1.2 ms"
  RESULT=$(echo "$line" | sed -n 's/.*p50 \([0-9.]*\) \(us\|ms\).*/\1 \2/p' \
    | awk '{ printf "%.1f\n", $2 == "ms" ? $1 * 1000 : $1 }')
}

aim_of() { [ "$1" = virtual ] && echo 1.3 || echo 1.1; }

ping_regime() {
  local regime="$1" kinds="thread-per-client virtual selector" r k p50 ref ticks
  echo "## ping, regime $(bench_regime_text "$regime")"
  echo "$ROUNDS rounds; each: sockperf ping-pong --tcp -m 64 -t $SOCKPERF_SECONDS, and EchoClient --ping $PINGS" \
    "--warmup $WARMUP --size 64 against each server, the order rotated every round"
  rm -f "$WORK"/ping.*
  bench_regime_start "$regime"
  for r in $(seq 1 "$ROUNDS"); do
    local load_before line=""
    load_before=$(bench_load)
    ticks=$(bench_cpu_ticks)
    ref=""
    declare -A got=()
    for k in $(bench_rotate $((r - 1)) sockperf $kinds); do
      if [ "$k" = sockperf ]; then sockperf_p50; ref=$RESULT; else ours_p50 "$k"; got[$k]=$RESULT; fi
    done
    line="round $r: load $load_before, CPUs idle $(bench_idle_percent "$ticks") %: sockperf one-way p50 ${ref:-?} us"
    echo "${ref:-}" >> "$WORK/ping.sockperf"
    for k in $kinds; do
      p50=${got[$k]:-}
      echo "$p50" >> "$WORK/ping.$k"
      if [ -n "$ref" ] && [ -n "$p50" ]; then
        awk -v o="$p50" -v s="$ref" 'BEGIN { printf "%.3f\n", o / (2 * s) }' >> "$WORK/ping.ratio.$k"
        line="$line; $k ${p50} us ($(tail -1 "$WORK/ping.ratio.$k"))"
      else
        line="$line; $k ${p50:-?} us"
      fi
    done
    echo "$line"
    unset got
  done
  bench_regime_stop
  local sp
  sp=$(grep -v '^$' "$WORK/ping.sockperf" | bench_stats || true)
  echo
  echo "| regime | server | our p50 round trip, us | sockperf one-way p50, us | ours / (2 x sockperf p50) | aim | verdict |"
  echo "|---|---|---:|---:|---:|---:|---|"
  for k in $kinds; do
    local ours ratio aim verdict
    ours=$(grep -v '^$' "$WORK/ping.$k" | bench_stats || true)
    ratio=$(cat "$WORK/ping.ratio.$k" 2> /dev/null | bench_stats || true)
    aim=$(aim_of "$k")
    verdict=$(echo "$ratio" | awk -v a="$aim" '$1 == "-" { print "no data"; next }
      $3 <= a { print "met in every round"; next }
      $2 > a { print "NOT met in any round"; next }
      $1 <= a { print "met by the median, not in every round"; next }
      { print "NOT met by the median (met in some rounds)" }')
    echo "| $regime | $k | $(bench_show %.1f "$ours") | $(bench_show %.1f "$sp") | $(bench_show %.2f "$ratio") | <= $aim | $verdict |"
  done
  echo
}

ping_bench() {
  echo "machine: $(nproc) cores, $(uname -r), $("$JAVA" -version 2>&1 | head -1), $(sockperf --version 2>&1 | head -1)"
  command -v sockperf > /dev/null \
    || { echo "echo-bench: sockperf is not installed (Debian package sockperf): no reference, no ratio" >&2; exit 2; }
  local regime
  for regime in $REGIME; do
    ping_regime "$regime"
  done
}

# --- load -------------------------------------------------------------------------------------

kinds() {
  if [ -n "${KINDS:-}" ]; then echo "$KINDS"; return; fi
  local k="thread-per-client virtual selector"
  if [ -n "$BEFORE_CP" ]; then k="before-thread-per-client thread-per-client before-virtual virtual selector"; fi
  echo "$k"
}

# How many 127.0.0.x source addresses C connections need: twice the ports they take (a run's
# closed connections hold their ports in TIME_WAIT for a minute), from the kernel's port range.
sources_for() {
  local range
  range=$(cat /proc/sys/net/ipv4/ip_local_port_range)
  echo "$range" | awk -v c="$1" '{ ports = $2 - $1 + 1; s = int((2 * c + ports - 1) / ports); print (s < 1 ? 1 : s) }'
}

# NOFILE_PREFIX = what to run a program under so that it may open $1 descriptors: nothing, a
# raised soft limit (up to the hard limit: no privilege needed), or a raised hard limit (prlimit,
# needs CAP_SYS_RESOURCE). Returns 1, with NOFILE_WHY set, if none of them is possible here.
nofile_prefix() {
  local need=$1 hard
  hard=$(ulimit -Hn)
  NOFILE_PREFIX=()
  NOFILE_WHY=""
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    if prlimit "--nofile=$need:$need" true 2> /dev/null; then
      NOFILE_PREFIX=(prlimit "--nofile=$need:$need")
      return 0
    fi
    NOFILE_WHY="$need descriptors per process needed, the hard limit (ulimit -Hn) is $hard, and raising it needs CAP_SYS_RESOURCE, which this process does not have (prlimit: Operation not permitted; in Docker: --ulimit nofile=$need:$need)"
    return 1
  fi
  [ "$(ulimit -Sn)" -ge "$need" ] 2> /dev/null || NOFILE_PREFIX=(prlimit "--nofile=$need:$hard")
  return 0
}

# The kernel's TCP counters that explain lost connections (this network namespace, all programs):
# accept queue full (ListenOverflows), SYN cookies sent and failed, resets sent.
tcp_counters() {
  awk '/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 } else for (i = 2; i <= NF; i++) v[n[i]] = $i }
       /^Tcp:/ { if (!t) { for (i = 2; i <= NF; i++) m[i] = $i; t = 1 } else for (i = 2; i <= NF; i++) v[m[i]] = $i }
       END { print v["ListenOverflows"] + 0, v["SyncookiesSent"] + 0, v["SyncookiesFailed"] + 0, v["OutRsts"] + 0 }' \
    /proc/net/netstat /proc/net/snmp
}

# load_row KIND C [PREFIX...]: one row of the load table, C connections for DURATION seconds;
# PREFIX runs before the server's java (e.g. prlimit --nproc, setpriv).
load_row() {
  local kind="$1" c="$2"
  shift 2
  local sources="${SOURCES:-$(sources_for "$c")}"
  if ! nofile_prefix $((c + 1000)); then
    echo "| $kind | $c | not run: $NOFILE_WHY |"
    return
  fi
  local client_prefix=("${NOFILE_PREFIX[@]}")
  set -- "${NOFILE_PREFIX[@]}" "$@"
  start_server "$kind" $((c * 2)) 300s "$@"
  local rss_idle threads_idle
  rss_idle=$(kib VmRSS)
  threads_idle=$(kib Threads)
  # The client's own limits end it (120 s to connect, DURATION, 60 s per read); timeout is a last resort.
  "${client_prefix[@]}" timeout --kill-after=10 $((DURATION + 900)) "$JAVA" -cp "$CP" tcpip.echo.blocking.EchoClient \
    --port "$SERVER_PORT" --load "$c" --sources "$sources" --duration "${DURATION}s" --size 64 --timeout 60s \
    > "$WORK/client.out" 2>&1 &
  local client=$! counters_before
  counters_before=$(tcp_counters)
  # While the client runs, once a second: the server's threads, RSS (KiB), memory mappings, and the
  # kernel's TCP memory (pages, all sockets). The peak sample (most threads, then most RSS) is reported.
  : > "$WORK/samples"
  while kill -0 "$client" 2> /dev/null; do
    if kill -0 "$SERVER_PID" 2> /dev/null; then
      echo "$(kib Threads) $(kib VmRSS) $(wc -l < "/proc/$SERVER_PID/maps")" \
        "$(awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat)" >> "$WORK/samples"
    fi
    sleep 1 # one sample a second (a shell has no latch)
  done
  wait "$client" || true
  local out rps errors held per peak threads rss maps tcp_pages
  out=$(cat "$WORK/client.out")
  rps=$(echo "$out" | sed -n 's/.* = \([0-9]*\) requests\/s.*/\1/p')
  errors=$(echo "$out" | sed -n 's/.* requests\/s, \([0-9]*\) errors.*/\1/p')
  held=$(echo "$out" | sed -n 's/^load: \([0-9]*\) connections open at once.*/\1/p')
  peak=$(grep -v '^ ' "$WORK/samples" | sort -k1,1nr -k2,2nr | head -1)
  read -r threads rss maps tcp_pages <<< "${peak:-? 0 ? 0}"
  per=$(awk -v a="$rss" -v b="$rss_idle" -v n="${held:-0}" 'BEGIN { if (n > 0 && a > 0) printf "%.1f", (a - b) / n; else print "?" }')
  echo "| $kind | $c (held ${held:-?}, $sources sources) | ${rps:-?} | ${errors:-?} | $(mib "$rss_idle") -> $(mib "$rss") |" \
    "$per KiB | $threads_idle -> $threads | $maps | $(awk -v p="$tcp_pages" -v s="$(getconf PAGESIZE)" 'BEGIN { printf "%.1f MiB", p * s / 1048576 }') |"
  if [ "${errors:-1}" != "0" ]; then echo "$out" | tail -3 | sed 's/^/    client: /'; fi
  echo "$counters_before $(tcp_counters)" | awk '{ printf "    kernel during the row: accept queue overflowed %d times, %d SYN cookies sent, %d failed, %d resets sent\n", $5 - $1, $6 - $2, $7 - $3, $8 - $4 }'
  if [ "${SERVER_LOG:-}" = 1 ]; then
    # the server's log lines by kind (addresses and numbers replaced by N), most frequent first
    grep -v -e '^accepted ' -e '^closed ' -e 'listening on' "$WORK/server.log" | sed -E 's/[0-9]+([.:][0-9]+)*/N/g' \
      | sort | uniq -c | sort -rn | head -5 | sed 's/^/    server log: /'
    [ -z "${KEEP_LOG:-}" ] || cp "$WORK/server.log" "$KEEP_LOG"
  fi
  stop_server
}

load_header() {
  echo "| server | connections | requests/s | errors | server RSS idle -> peak | RSS per connection | server threads idle -> peak | memory mappings at peak | kernel TCP memory at peak |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
}

load_bench() {
  echo "## load: ${DURATION} s of 64-byte round trips per row, every echo checked; $(nproc) cores, $(uname -r), load $(bench_load)"
  load_header
  local kind c
  for kind in $(kinds); do
    for c in $CONNECTIONS; do
      load_row "$kind" "$c"
    done
  done
}

sysctl_line() { printf '%s = %s\n' "$1" "$(tr '\t' ' ' < "/proc/sys/$(echo "$1" | tr . /)" 2> /dev/null || echo '?')"; }

c100k_bench() {
  local c="${C100K:-100000}"
  echo "## $c connections: ${DURATION} s of 64-byte round trips, every echo checked; $(nproc) cores, $(uname -r), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, load $(bench_load)"
  echo "what limits $c connections on this machine (read now):"
  for s in net.ipv4.ip_local_port_range fs.nr_open fs.file-max net.core.somaxconn net.ipv4.tcp_max_syn_backlog \
           net.ipv4.tcp_syncookies net.ipv4.tcp_max_tw_buckets net.ipv4.tcp_mem kernel.pid_max kernel.threads-max \
           vm.max_map_count; do
    echo "  $(sysctl_line "$s")"
  done
  echo "  descriptors (ulimit -n) soft $(ulimit -Sn), hard $(ulimit -Hn); processes+threads (ulimit -u) $(ulimit -u)"
  if ! nofile_prefix $((c + 1000)); then
    local fit=$(( ($(ulimit -Hn) - 1000) / 1000 * 1000 ))
    echo "  CANNOT hold $c connections here: $NOFILE_WHY."
    echo "  Running with $fit connections instead, the most this limit allows (server and client each need one descriptor per connection)."
    c=$fit
  fi
  echo "  client source addresses: $(sources_for "$c") (127.0.0.1 up), each with its own ephemeral ports"
  load_header
  local kind
  for kind in ${KINDS:-virtual selector thread-per-client}; do
    if [ "$kind" = thread-per-client ]; then
      # A platform thread per connection. Every thread is a task with a pid of its own, from the
      # machine's ONE pid space (kernel.pid_max): left unbounded, this server would take the pids
      # every other program needs. So it runs as "nobody" with RLIMIT_NPROC = THREAD_LIMIT, and
      # the table shows where it stops and what each thread costs up to there.
      if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
        echo "  thread-per-client runs as nobody with prlimit --nproc=$THREAD_LIMIT (a platform thread per connection)"
        SERVER_LOG=1 load_row "$kind" "$c" prlimit "--nproc=$THREAD_LIMIT:$THREAD_LIMIT" \
          setpriv --reuid=nobody --regid=nogroup --clear-groups
      else
        echo "  thread-per-client skipped: it needs root to cap its threads (prlimit --nproc) as another user"
      fi
    else
      load_row "$kind" "$c"
    fi
  done
}

# --- syscalls -----------------------------------------------------------------------------------

# What each server does per round trip, counted by the kernel (perf stat, tracepoints: root, or
# kernel.perf_event_paranoid <= -1): system calls, futex wake-ups between threads, context switches.
# Counts do not depend on how busy the machine is, unlike times. sockperf's server is the reference.
SYSCALL_EVENTS="syscalls:sys_enter_read,syscalls:sys_enter_recvfrom,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_poll,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_futex,context-switches"
syscalls_bench() {
  command -v perf > /dev/null || { echo "echo-bench: perf is not installed (Debian package linux-perf)" >&2; exit 2; }
  perf stat -e syscalls:sys_enter_read true > /dev/null 2>&1 \
    || { echo "echo-bench: perf cannot count system calls here (needs root or kernel.perf_event_paranoid <= -1)" >&2; exit 2; }
  local n=$((PINGS + WARMUP)) kind
  echo "## per round trip, in the server process: EchoClient --ping $PINGS --warmup $WARMUP --size 64 (sockperf: its own client" \
    "for $SOCKPERF_SECONDS s); counted by perf stat over the server's whole life, divided by the round trips"
  echo "| server | read/recvfrom | write/sendto | poll | epoll_wait | epoll_ctl | futex | context switches |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for kind in sockperf thread-per-client virtual selector; do
    local stats="$WORK/perf.$kind" trips
    if [ "$kind" = sockperf ]; then
      perf stat -x, -o "$stats" -e "$SYSCALL_EVENTS" -- sockperf server --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" > /dev/null 2>&1 &
      SERVER_PID=$!
      for _ in $(seq 1 50); do ss -Hltn "sport = :$SOCKPERF_PORT" 2> /dev/null | grep -q LISTEN && break; sleep 0.1; done
      # sockperf's client prints how many round trips it made, warm-up included
      # ("[Total Run] RunTime=1.018 sec; Warm up time=400 msec; SentMessages=20925; ...")
      trips=$(sockperf ping-pong --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" -m 64 -t "$SOCKPERF_SECONDS" 2>&1 \
        | sed -n 's/.*Total Run.*SentMessages=\([0-9]*\).*/\1/p')
    else
      start_server "$kind" 100 120s perf stat -x, -o "$stats" -e "$SYSCALL_EVENTS" --
      "$JAVA" -cp "$CP" tcpip.echo.blocking.EchoClient --port "$SERVER_PORT" --ping "$PINGS" --warmup "$WARMUP" --size 64 > /dev/null
      trips=$n
    fi
    pkill -TERM -P "$SERVER_PID" 2> /dev/null || true # the program under perf; perf then writes its counts
    wait "$SERVER_PID" 2> /dev/null || true
    SERVER_PID=""
    awk -F, -v n="${trips:-0}" -v k="$kind" '
      $1 ~ /^[0-9.]+$/ { e = $3; sub(/.*sys_enter_/, "", e); c[e] += $1 }
      END {
        if (n == 0) { print "| " k " | no round trips counted |"; exit }
        printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", k, (c["read"] + c["recvfrom"]) / n,
          (c["write"] + c["sendto"]) / n, c["poll"] / n, (c["epoll_wait"] + c["epoll_pwait"]) / n, c["epoll_ctl"] / n, c["futex"] / n,
          c["context-switches"] / n }' "$stats"
  done
}

case "$WHAT" in
  ping) ping_bench ;;
  load) load_bench ;;
  c100k) c100k_bench ;;
  syscalls) syscalls_bench ;;
  all) ping_bench; echo; load_bench ;;
  *) echo "usage: echo-bench.sh [ping|load|c100k|syscalls|all]" >&2; exit 2 ;;
esac
