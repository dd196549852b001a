#!/usr/bin/env bash
# Starts, stops and reports on a single-node SLURM cluster on this Debian machine, built from
# Debian's packages (slurmctld slurmd slurm-client munge): the controller and the one compute
# node (named `localhost`, partition `debug`) run on this host. It is for trying agglo's SLURM
# executor and for CI, not for production use.
#
#   scripts/slurm-cluster.sh start    start munged (unless it already runs), slurmctld, slurmd;
#                                     wait until the node is idle (idempotent)
#   scripts/slurm-cluster.sh stop     stop the daemons this script started, by their process ids
#   scripts/slurm-cluster.sh status   which of them are alive, and `sinfo` (exit 3: not running)
#
# Must run as root. `start` WRITES /etc/slurm/slurm.conf (with this host's name, CPUs and
# memory); it refuses to overwrite a slurm.conf that it did not write itself. The process ids
# of the daemons it started are kept in /run/agglo-slurm/. Recipe and caveats: the project's
# notes on a single-node SLURM cluster (proctrack/linuxproc and task/none avoid cgroups, which
# a container may not offer; no accounting database, so tools needing slurmdbd will not work).
set -euo pipefail

readonly CONF=/etc/slurm/slurm.conf
readonly MARKER='# written by agglo scripts/slurm-cluster.sh'
readonly STATE_DIR=/run/agglo-slurm
readonly LOG_DIR=/var/log/slurm
readonly MUNGE_PIDFILE=/run/munge/munged.pid
readonly NODE=localhost
readonly WAIT_SECONDS=60

say() { printf 'slurm-cluster: %s\n' "$*"; }
die() { printf 'slurm-cluster: %s\n' "$*" >&2; exit 1; }

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}

# --- process ids --------------------------------------------------------------------------

# The recorded pid of daemon $1, or nothing.
recorded_pid() {
  local f="$STATE_DIR/$1.pid"
  [[ -s $f ]] && tr -dc '0-9' <"$f"
  return 0
}

# Whether pid $2 is alive and is the program $1 (guards against a reused pid).
pid_is() {
  local name=$1 pid=$2
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null &&
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]
}

# Whether the daemon $1 recorded by this script is alive.
alive() { pid_is "$1" "$(recorded_pid "$1")"; }

# --- checks -------------------------------------------------------------------------------

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

# Whether the controller answers; prints nothing. $1: how long to wait (a controller that is
# not there makes sinfo retry for about 9 s before it gives up).
cluster_answers() { timeout "${1:-20}" sinfo -h >/dev/null 2>&1; }

# The state of our node as sinfo sees it (idle, mixed, down*, drained, ...), or nothing.
node_state() { timeout 20 sinfo -h -n "$NODE" -o %T 2>/dev/null | head -n 1 || true; }

require_tools() {
  local missing=() t
  for t in munged munge unmunge slurmctld slurmd sbatch sinfo scontrol; do
    command -v "$t" >/dev/null 2>&1 || [[ -x /usr/sbin/$t ]] || missing+=("$t")
  done
  if ((${#missing[@]})); then
    die "missing ${missing[*]}; install Debian's SLURM packages first:
    apt-get update && apt-get install -y slurmctld slurmd slurm-client munge"
  fi
}

# --- start --------------------------------------------------------------------------------

start_munge() {
  if alive munged; then return; fi
  if munge_works; then
    say "munged already runs (not started by this script; it will be left running)"
    return
  fi
  [[ -s /etc/munge/munge.key ]] || die "/etc/munge/munge.key is missing (the munge package creates it; reinstall munge)"
  mkdir -p /run/munge
  chown munge:munge /run/munge
  rm -f "$MUNGE_PIDFILE"
  su -s /bin/sh munge -c "$(command -v munged || echo /usr/sbin/munged)"
  local i pid=
  for ((i = 0; i < 50; i++)); do
    pid=$(tr -dc '0-9' <"$MUNGE_PIDFILE" 2>/dev/null || true)
    if pid_is munged "$pid" && munge_works; then
      echo "$pid" >"$STATE_DIR/munged.pid"
      return
    fi
    sleep 0.2
  done
  die "munged did not start (munge -n | unmunge fails); see /var/log/munge/munged.log"
}

# A slurm.conf that this script did not write is someone else's: never overwrite it.
check_conf_is_ours() {
  if [[ -e $CONF ]] && [[ $(head -n 1 "$CONF") != "$MARKER" ]]; then
    die "$CONF exists and was not written by this script; refusing to overwrite it.
    Move it away (or delete it) and run '$0 start' again."
  fi
}

# slurm.conf for this host. CPUs and RealMemory come from `slurmd -C`; RealMemory is set
# 5% below what it reports, because a node reporting less than configured is drained.
write_conf() {
  local host cpus mem spec
  host=$(hostname)
  spec=$(slurmd -C 2>/dev/null | head -n 1 || true)
  cpus=$(sed -n 's/.*\bCPUs=\([0-9]*\).*/\1/p' <<<"$spec")
  mem=$(sed -n 's/.*\bRealMemory=\([0-9]*\).*/\1/p' <<<"$spec")
  [[ -n $cpus ]] || cpus=$(nproc)
  [[ -n $mem ]] || mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  mem=$((mem * 95 / 100))
  ((mem >= 1)) || mem=1

  local new
  new=$(cat <<EOF
$MARKER
# Single-node cluster for trying agglo's SLURM executor and for CI; rewritten on each start.
ClusterName=local
SlurmctldHost=localhost
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmUser=root
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$NODE NodeHostname=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
)
  if [[ ! -e $CONF ]] || [[ $(cat "$CONF") != "$new" ]]; then
    mkdir -p "$(dirname "$CONF")"
    printf '%s\n' "$new" >"$CONF"
    say "wrote $CONF (node $NODE on host $host: CPUs=$cpus RealMemory=$mem)"
  fi
}

# Starts daemon $1 in the foreground (-D) in its own session, so that $! is its pid.
start_daemon() {
  local name=$1
  shift
  if alive "$name"; then return; fi
  local bin
  bin=$(command -v "$name" || echo "/usr/sbin/$name")
  setsid "$bin" -D "$@" </dev/null >"$STATE_DIR/$name.out" 2>&1 &
  local pid=$!
  echo "$pid" >"$STATE_DIR/$name.pid"
  sleep 0.5
  pid_is "$name" "$pid" || fail_with_logs "$name exited right after starting"
}

fail_with_logs() {
  printf 'slurm-cluster: %s\n' "$1" >&2
  local name f
  for name in slurmctld slurmd; do
    # The log file; the daemon's own output only when it did not get as far as its log.
    f=$LOG_DIR/$name.log
    [[ -s $f ]] || f=$STATE_DIR/$name.out
    [[ -s $f ]] || continue
    printf '\n--- last lines of %s ---\n' "$f" >&2
    tail -n 12 "$f" >&2
  done
  printf '\nslurm-cluster: the daemons that did start are still running; "%s stop" stops them.\n' "$0" >&2
  exit 1
}

cmd_start() {
  require_tools
  mkdir -p "$STATE_DIR"
  if alive slurmctld && alive slurmd && cluster_answers; then
    say "already running (node $NODE: $(node_state)); '$0 stop' stops it"
    return 0
  fi

  check_conf_is_ours
  local t0=$SECONDS
  start_munge
  mkdir -p /var/spool/slurmctld /var/spool/slurmd "$LOG_DIR"
  write_conf
  start_daemon slurmctld
  start_daemon slurmd -N "$NODE"

  local state= resumed=
  while ((SECONDS - t0 < WAIT_SECONDS)); do
    state=$(node_state)
    case $state in
      idle | mixed | allocated)
        say "running: node $NODE is $state in partition debug (took $((SECONDS - t0)) s); try: sbatch --wait --wrap hostname"
        return 0
        ;;
      down* | drain* | fail*)
        if [[ -z $resumed ]]; then
          scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
          resumed=1
        fi
        ;;
    esac
    alive slurmctld || fail_with_logs "slurmctld exited"
    alive slurmd || fail_with_logs "slurmd exited"
    sleep 1
  done
  fail_with_logs "node $NODE is not idle after ${WAIT_SECONDS} s (state: ${state:-no answer from the controller})"
}

# --- stop ---------------------------------------------------------------------------------

# Stops daemon $1 by its recorded pid: TERM, then KILL after about 10 s.
stop_daemon() {
  local name=$1 pid
  pid=$(recorded_pid "$name")
  if [[ -z $pid ]]; then return; fi
  if ! pid_is "$name" "$pid"; then
    say "$name (pid $pid) was not running"
    rm -f "$STATE_DIR/$name.pid"
    return
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 100; i++)); do
    pid_is "$name" "$pid" || break
    sleep 0.1
  done
  if pid_is "$name" "$pid"; then
    say "$name (pid $pid) ignored TERM for 10 s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      pid_is "$name" "$pid" || break
      sleep 0.1
    done
  fi
  pid_is "$name" "$pid" && die "$name (pid $pid) is still running"
  say "stopped $name (pid $pid)"
  rm -f "$STATE_DIR/$name.pid"
}

cmd_stop() {
  local any=
  for name in slurmd slurmctld munged; do
    if [[ -n $(recorded_pid "$name") ]]; then any=1; fi
  done
  if [[ -z $any ]]; then
    say "not running (no daemon recorded in $STATE_DIR); nothing to stop"
    return 0
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged # recorded only when this script started it
}

# --- status -------------------------------------------------------------------------------

cmd_status() {
  local name pid
  for name in munged slurmctld slurmd; do
    pid=$(recorded_pid "$name")
    if [[ -z $pid ]]; then
      if [[ $name == munged ]] && command -v munge >/dev/null && munge_works; then
        say "munged: running, not started by this script"
      else
        say "$name: not running (not recorded)"
      fi
    elif pid_is "$name" "$pid"; then
      say "$name: running (pid $pid)"
    else
      say "$name: not running (recorded pid $pid is gone)"
    fi
  done
  if command -v sinfo >/dev/null && [[ -e $CONF ]] && { alive slurmctld || cluster_answers 3; }; then
    local out
    if out=$(timeout 20 sinfo 2>&1); then
      printf '%s\n' "$out"
      return 0
    fi
  fi
  say "not running (no SLURM controller answers)"
  return 3
}

# --- main ---------------------------------------------------------------------------------

(($# == 1)) || usage
case $1 in start | stop | status) ;; *) usage ;; esac
((EUID == 0)) || die "must run as root (it starts system daemons and writes $CONF); try: sudo $0 $1"
export PATH="$PATH:/usr/sbin:/sbin"
"cmd_$1"
