# Shared by the course's benchmark scripts (sourced, not run): interleaved rounds, the median and
# min-max of a row, the machine's state during a round, and the two CPU regimes.
# Used by chapter01-echo/bench/echo-bench.sh and chapter03-segmentation/scripts/bench.sh.
#
# Why rounds: on a shared or virtual machine the time one message takes swings tenfold from minute
# to minute (a CPU that went idle must be woken first). One measurement cannot tell a program from
# the machine; ROUNDS interleaved rounds (the reference tool and each of ours in turn, the order
# rotated every round) and the median with its min-max can: a difference larger than the spread is
# the program's.

# A java >= 21 (the JAVA variable, else the first one found), or exit 2 with one line.
bench_find_java() {
  if [ -z "${JAVA:-}" ]; then
    for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
      if [ -x "$j" ] && "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA="$j"; break; fi
    done
  fi
  [ -n "${JAVA:-}" ] || { echo "$(basename "$0"): no java >= 21 found; set JAVA=/path/to/java" >&2; exit 2; }
}

# Numbers on stdin, one per line -> "median min max" (the median of an even count is the mean of
# the middle two). Prints "- - -" when there is no number.
bench_stats() {
  sort -g | awk '{ v[NR] = $1 }
    END {
      if (NR == 0) { print "- - -"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      print m, v[1], v[NR]
    }'
}

# "median (min-max)" with printf format $1 (e.g. %.2f) from "median min max" in $2.
bench_show() {
  echo "$2" | awk -v f="$1" '$1 == "-" { print "n/a"; next } { printf f " (" f "-" f ")\n", $1, $2, $3 }'
}

# The 1-minute load average (runnable tasks, averaged): others' work on the same cores.
bench_load() {
  cut -d' ' -f1 /proc/loadavg
}

# Idle and total CPU ticks so far, all CPUs ("idle total"), for bench_idle_percent.
bench_cpu_ticks() {
  awk '/^cpu / { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print idle, total }' /proc/stat
}

# Percent of CPU time spent idle since the snapshot $1 ("idle total" from bench_cpu_ticks).
bench_idle_percent() {
  local now
  now=$(bench_cpu_ticks)
  echo "$1 $now" | awk '{ d = $4 - $2; printf "%.0f", (d > 0 ? 100 * ($3 - $1) / d : 0) }'
}

# The CPU regimes. "idle": nothing added; between two messages the CPUs may go idle, and waking
# one (on a virtual machine: the hypervisor waking the virtual CPU) is then part of every message.
# "busy": one spinning loop per CPU at SCHED_IDLE priority (chrt --idle, no root needed): it runs
# only when nothing else wants the CPU, so it never delays a benchmark, but no CPU ever goes idle,
# and a message then costs only what the programs and the kernel do for it.
BENCH_SPINNERS=()
bench_regime_start() {
  case "$1" in
    idle) ;;
    busy)
      local i
      for i in $(seq 1 "$(nproc)"); do
        if command -v chrt > /dev/null; then
          chrt --idle 0 sh -c 'while :; do :; done' &
        else
          nice -n 19 sh -c 'while :; do :; done' &
        fi
        BENCH_SPINNERS+=($!)
      done ;;
    *) echo "$(basename "$0"): unknown regime $1 (idle or busy)" >&2; exit 2 ;;
  esac
}

bench_regime_stop() {
  local p
  for p in "${BENCH_SPINNERS[@]}"; do
    kill "$p" 2> /dev/null || true
    wait "$p" 2> /dev/null || true
  done
  BENCH_SPINNERS=()
}

# What the regime means, one line.
bench_regime_text() {
  case "$1" in
    idle) echo "idle: nothing added, the CPUs may sleep between messages (wake-up latency is part of every message)" ;;
    busy) echo "busy: one spinning loop per CPU at SCHED_IDLE priority (chrt --idle 0), so no CPU sleeps; it yields at once to any other task" ;;
  esac
}

# The items $2... rotated left by $1 places (round r starts with a different program).
bench_rotate() {
  local by=$1
  shift
  local items=("$@") n=$# i
  for ((i = 0; i < n; i++)); do
    printf '%s ' "${items[$(((i + by) % n))]}"
  done
  echo
}
