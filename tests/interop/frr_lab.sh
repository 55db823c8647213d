# shellcheck shell=bash
# frr_lab.sh: a sourced bash library for interop tests against FRR in network namespaces.
#
#   source "$(dirname "$0")/frr_lab.sh"
#   lab_init                          # skip (exit 77) unless root with FRR and netns; trap cleanup
#   lab_ns_add r1 r2                  # namespaces "$LAB_TAG-r1", "$LAB_TAG-r2", loopback up
#   lab_link r1 eth1 10.0.12.1/30  r2 eth1 10.0.12.2/30      # veth pair, addressed, up
#   lab_addr r1 lo 10.255.0.1/32      # any extra address
#   lab_frr_start r1 isisd.conf       # zebra, then isisd with that config ("-": read stdin);
#                                     # returns once both daemons answer vtysh
#   lab_vtysh r1 'show isis neighbor' ['cmd2' ...]    # text output of one or more commands
#   lab_vtysh_json r1 'show isis neighbor json'       # fails unless the output is valid JSON
#   wait_until 20 lab_isis_adj_up r1 eth1             # poll any command until it succeeds
#   lab_capture_start r1 eth1 out.pcap ['tcpdump filter']; lab_capture_stop out.pcap
#   lab_diag                          # daemon logs, vtysh and kernel state of every namespace
#   lab_frr_stop r1 [r2...]           # cleanup does it anyway
#   lab_reap_stale                    # opt-in: remove labs of test runs that died by SIGKILL
#
# Short names (r1) are local to the test; lab_ns r1 prints the real namespace name. Namespaces
# are named "dmsclab-<pid>-<random>-<name>", so tests run in parallel under ctest -j, and veth
# ends are created directly inside their namespaces (the same interface name may repeat).
#
# Each FRR instance lives in $LAB_DIR/<name>/ (owned by user frr, which the daemons run as:
# root is not in the frrvty group, so "-u root -g root" fails in privs_init): zebra.conf,
# isisd.conf, *.pid, *.vty sockets, zserv.api, zebra.log, isisd.log, *.out (daemon stderr).
# Cleanup runs on EXIT (INT and TERM exit through it): it stops captures, stops the daemons by
# the pids in their pid files (checked against /proc so a recycled pid is never hit), kills
# whatever else still runs in our namespaces, deletes them and removes $LAB_DIR.
#
# Environment: LAB_KEEP=1 keeps $LAB_DIR after the run; FRR_DIR (default /usr/lib/frr);
# LAB_LOG_LEVEL (default debugging) is the daemons' --log-level, so "debug isis ..." lines in a
# config reach isisd.log.
#
# Exit codes of the functions: 0 ok, 1 failure; lab_skip and lab_init exit 77 (ctest skip);
# lab_fail and failed set-up steps exit 1. Works with or without the caller's set -e/-u.

FRR_DIR=${FRR_DIR:-/usr/lib/frr}
LAB_TAG=
LAB_DIR=
LAB_NAMESPACES=()   # short names, in creation order
LAB_CLEANED=0

lab_log() { printf '[lab %s] %s\n' "$(date +%T.%3N)" "$*" >&2; }
lab_skip() { printf 'SKIP: %s\n' "$*" >&2; exit 77; }
lab_fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# Skips the test unless everything the lab needs is here; then creates $LAB_DIR and the trap.
# After lab_cleanup, lab_init may be called again for a fresh lab.
lab_init() {
  [[ $EUID -eq 0 ]] || lab_skip "interop tests need root (network namespaces, FRR daemons)"
  local tool
  for tool in "$FRR_DIR/zebra" "$FRR_DIR/isisd"; do
    [[ -x $tool ]] || lab_skip "FRR is not installed: $tool missing (apt-get install frr)"
  done
  for tool in vtysh ip tcpdump jq; do
    command -v "$tool" >/dev/null || lab_skip "$tool not found"
  done
  id frr >/dev/null 2>&1 || lab_skip "user frr missing: the FRR daemons run as frr"

  LAB_TAG="dmsclab-$$-$(printf '%04x' $((RANDOM)))"
  LAB_NAMESPACES=() LAB_CLEANED=0   # a script may run several labs one after the other
  LAB_DIR=$(mktemp -d "/tmp/$LAB_TAG.XXXXXX") || lab_fail "mktemp failed"
  chmod 0755 "$LAB_DIR"   # the daemons (user frr) must reach their own subfolders
  trap lab_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # Namespaces may be unavailable in some containers: find out now, not mid-test.
  ip netns add "$LAB_TAG-probe" 2>/dev/null || lab_skip "cannot create network namespaces here"
  ip netns del "$LAB_TAG-probe"
  lab_log "tag $LAB_TAG, state in $LAB_DIR"
}

lab_ns() { printf '%s-%s\n' "$LAB_TAG" "$1"; }

# lab_ns_add NAME...: one namespace per name, loopback up.
lab_ns_add() {
  local name ns
  for name in "$@"; do
    ns=$(lab_ns "$name")
    ip netns add "$ns" || lab_fail "ip netns add $ns"
    LAB_NAMESPACES+=("$name")
    ip -n "$ns" link set lo up || lab_fail "loopback up in $ns"
  done
}

# lab_link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair between two namespaces, addressed and up.
# An empty ADDR leaves that end without an address.
lab_link() {
  local ns1 ns2
  ns1=$(lab_ns "$1") ns2=$(lab_ns "$4")
  ip link add "$2" netns "$ns1" type veth peer name "$5" netns "$ns2" \
    || lab_fail "veth $1:$2 - $4:$5"
  [[ -z $3 ]] || lab_addr "$1" "$2" "$3"
  [[ -z $6 ]] || lab_addr "$4" "$5" "$6"
  ip -n "$ns1" link set "$2" up || lab_fail "link up $1:$2"
  ip -n "$ns2" link set "$5" up || lab_fail "link up $4:$5"
}

# lab_addr NS IF ADDR/LEN
lab_addr() {
  ip -n "$(lab_ns "$1")" addr add "$3" dev "$2" || lab_fail "addr $3 on $1:$2"
}

# Prints the pid in PIDFILE if that process still runs and belongs to this lab.
lab_pid_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  grep -qF "$LAB_DIR" "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# lab_running PID: the process exists and is not a zombie. A daemon (reparented to init) stays
# a zombie until init reaps it, which can take seconds on some machines (seen: ~1-2 s).
lab_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# lab_stop_pidfiles PIDFILE...: SIGTERM to every process named, then up to 5 s for all of them
# to exit, then SIGKILL.
lab_stop_pidfiles() {
  local - f pid pids=() i alive
  set +e   # best effort, also under a caller's set -e
  for f in "$@"; do
    pid=$(lab_pid_alive "$f") && { kill -TERM "$pid" 2>/dev/null; pids+=("$pid"); }
  done
  for ((i = 0; i < 50; i++)); do
    alive=0
    for pid in "${pids[@]}"; do lab_running "$pid" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if lab_running "$pid"; then
      lab_log "pid $pid ignored SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  rm -f "$@"
}

# lab_start_daemon NS DAEMON: starts one FRR daemon of instance NS and waits until it answers.
lab_start_daemon() {
  local name=$1 daemon=$2 dir ns
  dir=$LAB_DIR/$name ns=$(lab_ns "$name")
  lab_stop_pidfiles "$dir/$daemon.pid"   # a stale pid file would confuse the readiness check
  rm -f "$dir/$daemon.vty"
  # -d returns once the daemon has read its config; -P 0: no TCP vty; -z: our own zserv socket.
  if ! timeout 30 ip netns exec "$ns" "$FRR_DIR/$daemon" -d -u frr -g frr \
      -f "$dir/$daemon.conf" -i "$dir/$daemon.pid" -z "$dir/zserv.api" --vty_socket "$dir" \
      -P 0 --log "file:$dir/$daemon.log" --log-level "${LAB_LOG_LEVEL:-debugging}" \
      >"$dir/$daemon.out" 2>&1; then
    cat "$dir/$daemon.out" >&2
    lab_fail "$daemon did not start in $name"
  fi
  wait_until 15 vtysh --vty_socket "$dir" -d "$daemon" -c 'show version' \
    || lab_fail "$daemon in $name does not answer vtysh"
}

# lab_frr_start NS ISISD_CONF|-: zebra, then isisd, in namespace NS.
lab_frr_start() {
  local name=$1 conf=$2 dir
  dir=$LAB_DIR/$name
  mkdir -p "$dir"
  printf 'hostname %s\nlog timestamp precision 3\n' "$name" >"$dir/zebra.conf"
  if [[ $conf == - ]]; then cat >"$dir/isisd.conf"; else cp "$conf" "$dir/isisd.conf"; fi \
    || lab_fail "isisd config for $name"
  chown -R frr:frr "$dir"
  lab_start_daemon "$name" zebra
  lab_start_daemon "$name" isisd
}

# lab_frr_stop NS...: stops the FRR daemons of these instances.
lab_frr_stop() {
  local name files=()
  for name in "$@"; do files+=("$LAB_DIR/$name/isisd.pid" "$LAB_DIR/$name/zebra.pid"); done
  lab_stop_pidfiles "${files[@]}"
}

# lab_vtysh NS CMD...: each CMD is one vtysh -c command.
lab_vtysh() {
  local name=$1 args=() c
  shift
  for c in "$@"; do args+=(-c "$c"); done
  vtysh --vty_socket "$LAB_DIR/$name" "${args[@]}"
}

# lab_vtysh_json NS CMD: the output of one "... json" command, checked to be JSON.
lab_vtysh_json() {
  local out
  out=$(lab_vtysh "$1" "$2") || return 1
  jq -e . >/dev/null 2>&1 <<<"$out" || { printf 'not JSON: %s\n' "$out" >&2; return 1; }
  printf '%s\n' "$out"
}

# lab_isis_adj_up NS [IFNAME]: some (or IFNAME's) IS-IS adjacency of NS is Up.
lab_isis_adj_up() {
  lab_vtysh_json "$1" 'show isis neighbor json' | jq -e --arg ifname "${2:-}" '
    [.areas[].circuits[]? | select(.adj != null)
     | select($ifname == "" or .interface == $ifname) | select(.state == "Up")]
    | length > 0' >/dev/null
}

# lab_isis_has_lsp NS LSPID_PREFIX: the L2 database of NS holds an LSP whose ID (hostname
# form, as "show isis database" prints it) starts with LSPID_PREFIX, e.g. "r2.00-00".
lab_isis_has_lsp() {
  lab_vtysh "$1" 'show isis database' | awk -v id="$2" 'index($1, id) == 1 { f = 1 } END { exit !f }'
}

# lab_has_route NS PREFIX [PROTO]: the kernel FIB of NS holds PREFIX (installed by PROTO,
# e.g. isis, when given).
lab_has_route() {
  local out
  out=$(ip -n "$(lab_ns "$1")" route show "$2" ${3:+proto "$3"}) && [[ -n $out ]]
}

# wait_until TIMEOUT CMD...: runs CMD (quietly) every 0.2 s until it succeeds or TIMEOUT seconds
# (may be fractional) pass; on timeout runs it once more with its output shown, and fails.
wait_until() {
  local timeout_ms now deadline
  timeout_ms=$(awk -v t="$1" 'BEGIN { printf "%d", t * 1000 }')
  shift
  deadline=$(($(date +%s%3N) + timeout_ms))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    now=$(date +%s%3N)
    ((now < deadline)) || break
    sleep "${LAB_POLL:-0.2}"
  done
  lab_log "timed out after ${timeout_ms} ms: $*"
  "$@" >&2 || true
  return 1
}

# lab_capture_start NS IF FILE [FILTER]: tcpdump on IF of NS into FILE (pcap, full frames),
# returning once tcpdump listens. -Z root: Debian's tcpdump otherwise drops to user tcpdump,
# which may not write FILE. --immediate-mode: without it libpcap (TPACKET_V3) hands packets over
# in blocks up to 1 s late, and the frames of the last second before the stop are lost.
lab_capture_start() {
  local ns log pid
  ns=$(lab_ns "$1")
  log=$LAB_DIR/capture.$(basename "$3").log
  ip netns exec "$ns" tcpdump -i "$2" -n -s 0 -U --immediate-mode -Z root -w "$3" ${4:+"$4"} >"$log" 2>&1 &
  pid=$!
  printf '%s %s\n' "$pid" "$3" >>"$LAB_DIR/captures"
  wait_until 10 grep -q 'listening on' "$log" || { cat "$log" >&2; lab_fail "tcpdump on $1:$2"; }
}

# lab_capture_stop [FILE]: stops the capture writing FILE (all captures when FILE is absent
# or empty), flushing the pcap.
lab_capture_stop() {
  local - pid file i rest=()
  set +e
  [[ -f $LAB_DIR/captures ]] || return 0
  while read -r pid file; do
    if [[ -n ${1:-} && $file != "$1" ]]; then rest+=("$pid $file"); continue; fi
    grep -q tcpdump "/proc/$pid/cmdline" 2>/dev/null && kill -INT "$pid" 2>/dev/null
    for ((i = 0; i < 30; i++)); do
      lab_running "$pid" || break
      sleep 0.1
    done
    grep -q tcpdump "/proc/$pid/cmdline" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    grep -h 'packets captured' "$LAB_DIR/capture.$(basename "$file").log" >&2 || true
  done <"$LAB_DIR/captures"
  if ((${#rest[@]})); then printf '%s\n' "${rest[@]}" >"$LAB_DIR/captures"; else rm -f "$LAB_DIR/captures"; fi
}

# lab_diag: everything useful for a post-mortem, on stderr.
lab_diag() {
  local - name ns dir f
  set +e
  for name in "${LAB_NAMESPACES[@]}"; do
    ns=$(lab_ns "$name") dir=$LAB_DIR/$name
    {
      printf '\n======== %s (%s) ========\n' "$name" "$ns"
      ip -n "$ns" -br addr
      ip -n "$ns" route
      if [[ -d $dir ]]; then
        for f in "$dir"/isisd.conf "$dir"/*.out "$dir"/*.log; do
          [[ -s $f ]] || continue
          printf -- '---- %s (last 60 lines)\n' "$f"
          tail -n 60 "$f"
        done
        lab_vtysh "$name" 'show isis summary' 'show isis interface detail' \
          'show isis neighbor detail' 'show isis database' 'show ip route' 2>&1
      fi
    } >&2
  done
}

# lab_reap_stale: deletes the namespaces (killing what runs in them) and temp folders of labs
# whose test process no longer exists, e.g. after a SIGKILL that no trap can catch. Not called
# by default: a CI job may call it once before the interop tests.
lab_reap_stale() {
  local - ns dir owner
  set +e
  for ns in $(ip netns list | awk '$1 ~ /^dmsclab-[0-9]+-/ { print $1 }'); do
    owner=${ns#dmsclab-} owner=${owner%%-*}
    kill -0 "$owner" 2>/dev/null && continue
    lab_log "reaping stale namespace $ns (test pid $owner is gone)"
    lab_kill_netns_pids "$ns"
    ip netns del "$ns"
  done
  for dir in /tmp/dmsclab-[0-9]*-*.*; do
    [[ -d $dir ]] || continue
    owner=${dir#/tmp/dmsclab-} owner=${owner%%-*}
    kill -0 "$owner" 2>/dev/null && continue
    lab_log "removing stale $dir"
    rm -rf "$dir"
  done
}

# lab_kill_netns_pids NS: SIGTERM to every process of namespace NS (so FRR daemons clean up
# /var/tmp/frr), up to 3 s, then SIGKILL.
lab_kill_netns_pids() {
  local - pid i
  set +e
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
  for ((i = 0; i < 30; i++)); do
    [[ -z $(ip netns pids "$1" 2>/dev/null) ]] && return 0
    sleep 0.1
  done
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
}

lab_cleanup() {
  local rc=$? - name ns
  set +e
  ((LAB_CLEANED)) && return "$rc"
  LAB_CLEANED=1
  trap '' INT TERM   # bounded waits only: let cleanup finish
  [[ -n $LAB_DIR ]] || return "$rc"
  lab_capture_stop "" 2>/dev/null
  ((${#LAB_NAMESPACES[@]})) && lab_frr_stop "${LAB_NAMESPACES[@]}"
  for name in "${LAB_NAMESPACES[@]}"; do
    ns=$(lab_ns "$name")
    # Anything else still in our namespace was started by this test.
    lab_kill_netns_pids "$ns"
    [[ -e /run/netns/$ns ]] || continue
    ip netns del "$ns" || lab_log "could not delete namespace $ns"
  done
  if [[ ${LAB_KEEP:-0} == 1 ]]; then
    lab_log "LAB_KEEP=1: state kept in $LAB_DIR"
  else
    rm -rf "$LAB_DIR"
  fi
  trap - INT TERM
  return "$rc"
}
