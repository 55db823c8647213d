# shellcheck shell=bash
# sr_lab.sh: SR boxes in the frr_lab.sh harness. An SR box is a dmsc-forwarder (its ports on
# net_af_packet over veths, a punt TAP per port, the shm FIB channel) plus a dmsc-controld that
# runs IS-IS on the forwarder's TAPs and pushes routes into that channel.
#
#   source "$here/sr_lab.sh"          # sources frr_lab.sh
#   SR_CONTROLD=... SR_FORWARDER=...  # the two binaries
#   sr_lab_init                       # lab_init, plus cleanup of forwarders, controlds, /dev/shm
#   sr_triangle_up                    # the lab below, converged: routes installed both ways
#
#            h2 ---- sr2 ---------- sr1        sr1 announces /svc/alpha, sr2 /svc/beta
#                      \           /           metrics 10 on every link, 5 on each name
#                   eth2 \       / eth1
#                          frr                 FRR's isisd on plain kernel veths
#
# Faces (forwarder face id = controld circuit face): sr1: 12 -> sr2, 16 -> frr; sr2: 21 -> sr1,
# 26 -> frr, 29 -> h2. h2 is a plain host on a port of sr2 without TAP: it sends DMSC packets.
# Every MAC is fixed (sr_mac), so faces name their neighbour's MAC statically.
#
# Timers (environment, read by sr_triangle_up): SR_HELLO (1 s), SR_HELLO_MULT (3), SR_SPF_DELAY
# (0.05 s), SR_LSP_GEN (0.05 s) for the controlds; FRR_HELLO (1), FRR_HELLO_MULT (3),
# FRR_LSP_GEN (1), FRR_SPF (1) for isisd (FRR's minimum for both is 1 s).
# FRR_DEBUG="events lsp-gen ..." adds "debug isis" lines to isisd.conf (log in $LAB_DIR/frr/).
#
# Each forwarder has its own EAL --file-prefix ($LAB_TAG-<box>), stats segment and channel
# (/dev/shm/$LAB_TAG-<box>-stats, -fib), so labs run side by side. Two lcores each (service
# loop + one forwarding lcore), --no-huge -m 128, all four threads on CPU $SR_CPU (default 1):
# the busy-polling forwarding loops then leave the other CPU to FRR, the controlds and the
# test's tools. (With one forwarder per CPU, zebra took 19 s to start on a 2-CPU VM.)

# shellcheck source=frr_lab.sh
source "$(dirname "${BASH_SOURCE[0]}")/frr_lab.sh"

SR_CONTROLD=${SR_CONTROLD:-}
SR_FORWARDER=${SR_FORWARDER:-}
SR_BOXES=()   # started SR boxes, for cleanup and diagnostics
SR_PY=/usr/bin/python3   # Debian's, with python3-scapy (python3 on PATH may be a pyenv shim)
SR_FRAMES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sr_lab_frames.py
SR_TELEMETRY=   # dpdk-telemetry.py, run by $SR_PY: its "env python3" may be a slow pyenv shim

sr_lab_init() {
  [[ -x $SR_CONTROLD ]] || lab_fail "dmsc-controld not executable: '$SR_CONTROLD'"
  [[ -x $SR_FORWARDER ]] || lab_fail "dmsc-forwarder not executable: '$SR_FORWARDER'"
  SR_TELEMETRY=$(command -v dpdk-telemetry.py) || lab_skip "dpdk-telemetry.py not found (package dpdk)"
  "$SR_PY" -c 'import scapy' 2>/dev/null || lab_skip "$SR_PY has no scapy (package python3-scapy)"
  lab_init
  SR_BOXES=()
  trap sr_lab_cleanup EXIT
}

# sr_mac BOX PEER: the MAC of BOX's interface towards PEER (boxes: sr1 sr2 frr h2).
sr_mac() {
  local -A id=([sr1]=01 [sr2]=02 [frr]=10 [h2]=f2)
  printf '02:00:00:00:%s:%s\n' "${id[$1]}" "${id[$2]}"
}

# sr_link A B: a veth between boxes A and B, named e-<peer> on an SR and h2's side, left
# without addresses (the forwarder owns it); FRR's ends are named by the caller (sr_frr_link).
sr_link() {
  lab_link "$1" "e-$2" "" "$2" "e-$1" ""
  ip -n "$(lab_ns "$1")" link set "e-$2" address "$(sr_mac "$1" "$2")"
  ip -n "$(lab_ns "$2")" link set "e-$1" address "$(sr_mac "$2" "$1")"
}

# sr_frr_link BOX FRR_IF FRR_ADDR: a veth between SR box BOX and the FRR router.
sr_frr_link() {
  lab_link "$1" e-frr "" frr "$2" "$3"
  ip -n "$(lab_ns "$1")" link set e-frr address "$(sr_mac "$1" frr)"
  ip -n "$(lab_ns frr)" link set "$2" address "$(sr_mac frr "$1")"
}

# The kernel's IPv6 chatter (router solicitations, MLD) would otherwise be punted and injected
# all the time; none of it matters here.
sr_quiet_ns() {
  ip netns exec "$(lab_ns "$1")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# sr_forwarder_start BOX EAL_LCORE_OPTION...: starts the forwarder of BOX in the background,
# configuration in $LAB_DIR/BOX/forwarder.conf; sr_forwarder_wait BOX returns once every TAP of
# that configuration exists and telemetry answers.
sr_forwarder_start() {
  local box=$1 dir=$LAB_DIR/$1
  ip netns exec "$(lab_ns "$box")" "$SR_FORWARDER" "${@:2}" --no-huge -m 128 --no-pci \
    --file-prefix "$LAB_TAG-$box" --log-level '*:warning' -- --config "$dir/forwarder.conf" \
    --report "$dir/forwarder.report.json" >"$dir/forwarder.log" 2>&1 &
  echo $! >"$dir/forwarder.pid"
  SR_BOXES+=("$box")
}
sr_forwarder_wait() {
  local box=$1 dir=$LAB_DIR/$1 tap
  for tap in $(awk '$1 == "port" { for (i = 3; i < NF; i++) if ($i == "tap") print $(i + 1) }' "$dir/forwarder.conf"); do
    wait_until 20 ip -n "$(lab_ns "$box")" link show "$tap" \
      || { cat "$dir/forwarder.log" >&2; lab_fail "$box: forwarder TAP $tap did not appear"; }
  done
  wait_until 10 sr_telemetry "$box" /dmsc/fib || { cat "$dir/forwarder.log" >&2; lab_fail "$box: forwarder telemetry does not answer"; }
}

# sr_controld_start BOX: config in $LAB_DIR/BOX/controld.conf; returns once its API answers.
# (The TAPs it runs on may appear later: the daemon opens a circuit when its interface shows up.)
sr_controld_start() {
  local box=$1 dir=$LAB_DIR/$1
  ip netns exec "$(lab_ns "$box")" "$SR_CONTROLD" --config "$dir/controld.conf" --socket "$dir/api.sock" \
    --log-level debug >>"$dir/controld.log" 2>&1 &
  echo $! >"$dir/controld.pid"
  wait_until 5 test -S "$dir/api.sock" || { cat "$dir/controld.log" >&2; lab_fail "$box: dmsc-controld did not start"; }
}

# sr_stop BOX...: controld first (it is the channel's producer), then the forwarder.
sr_stop() {
  local box files=()
  for box in "$@"; do files+=("$LAB_DIR/$box/controld.pid"); done
  sr_stop_pids "${files[@]}"
  files=()
  for box in "$@"; do files+=("$LAB_DIR/$box/forwarder.pid"); done
  sr_stop_pids "${files[@]}"
}

# Our processes were started with "&" from this shell: their pids are children of ours.
sr_stop_pids() {
  local - f pid pids=() i alive
  set +e
  for f in "$@"; do
    pid=$(cat "$f" 2>/dev/null) || continue
    [[ $(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ') == "$$" ]] || continue
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  for ((i = 0; i < 50; i++)); do
    alive=0
    for pid in "${pids[@]}"; do lab_running "$pid" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do lab_running "$pid" && kill -KILL "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -f "$@"
}

sr_lab_cleanup() {
  local rc=$? -
  set +e
  ((LAB_CLEANED)) && return "$rc"
  trap '' INT TERM
  if [[ -n $LAB_DIR ]] && ((${#SR_BOXES[@]})); then
    local started
    started=$(date +%s%3N)
    sr_stop "${SR_BOXES[@]}"
    lab_log "SR boxes stopped in $(($(date +%s%3N) - started)) ms"
  fi
  if [[ -n $LAB_TAG ]]; then
    # Stats segments (the forwarder unlinks its own unless killed), channels (kept by design:
    # either side may restart), EAL runtime folders (telemetry socket, config).
    rm -f /dev/shm/"$LAB_TAG"-*
    rm -rf /var/run/dpdk/"$LAB_TAG"-*
  fi
  (exit "$rc")
  lab_cleanup
}

# sr_telemetry BOX COMMAND: the forwarder's telemetry answer (JSON) on stdout.
sr_telemetry() {
  local out
  out=$(printf '%s\n' "$2" | "$SR_PY" "$SR_TELEMETRY" -f "$LAB_TAG-$1" 2>/dev/null | tail -n 1)
  jq -e . >/dev/null 2>&1 <<<"$out" || return 1
  printf '%s\n' "$out"
}
# sr_fib_prefixes BOX: how many prefixes the forwarder's FIB holds (refreshed every 100 ms).
sr_fib_prefixes() { sr_telemetry "$1" /dmsc/fib | jq -e '."/dmsc/fib".prefixes'; }
sr_fib_has() { [[ $(sr_fib_prefixes "$1") == "$2" ]]; }
# sr_counter BOX NAME: a forwarder total from /dmsc/stats, or a drop from /dmsc/drops.
sr_counter() {
  { sr_telemetry "$1" /dmsc/stats; sr_telemetry "$1" /dmsc/drops; } | jq -se --arg k "$2" '[.[][][$k] | numbers] | first'
}

# sr_probe N WATCH...: h2 sends N DMSC packets to /svc/alpha/<i> into sr2; each WATCH is
# "BOX IFACE MAC" (one word each, three words per watch). Prints, per watch, how many arrived
# there forwarded (to MAC, hop limit decremented).
sr_probe() {
  local n=$1 watches=() i
  shift
  for ((i = 1; i <= $#; i += 3)); do
    watches+=(--watch "$(lab_ns "${!i}")" "${@:i+1:1}" "${@:i+2:1}")
  done
  "$SR_PY" "$SR_FRAMES" probe --from "$(lab_ns h2)" e-sr2 "$(sr_mac h2 sr2)" "$(sr_mac sr2 h2)" \
    --name /svc/alpha --count "$n" "${watches[@]}"
}

sr_show() { "$SR_CONTROLD" show "${@:2}" --socket "$LAB_DIR/$1/api.sock"; }
# sr_adjacency_up BOX IFNAME: controld's adjacency on that circuit is Up.
sr_adjacency_up() {
  sr_show "$1" adjacencies json | jq -e --arg i "$2" '.adjacencies[] | select(.interface == $i and .state == "Up")' >/dev/null
}
# sr_route BOX PREFIX NEXT_HOP_SYSTEM_ID COST: controld's RIB holds that route, one next hop.
sr_route() {
  sr_show "$1" rib json | jq -e --arg p "$2" --arg h "$3" --argjson c "$4" \
    '.routes[] | select(.prefix == $p and .cost == $c and ([.next_hops[].system_id] == [$h]))' >/dev/null
}
sr_no_route() { ! sr_show "$1" rib json | jq -e --arg p "$2" '.routes[] | select(.prefix == $p)' >/dev/null; }

# sr_frr_conf: isisd.conf of the FRR router (both interfaces point-to-point, level 2).
sr_frr_conf() {
  local ifname
  printf 'hostname frr\nlog timestamp precision 3\n'
  # shellcheck disable=SC2086  # one "debug isis" line per word
  [[ -z ${FRR_DEBUG:-} ]] || printf 'debug isis %s\n' $FRR_DEBUG
  for ifname in eth1 eth2; do
    printf 'interface %s\n ip router isis core\n isis circuit-type level-2-only\n isis network point-to-point\n' "$ifname"
    printf ' isis hello-interval %s\n isis hello-multiplier %s\n' "${FRR_HELLO:-1}" "${FRR_HELLO_MULT:-3}"
  done
  printf 'interface lo\n ip router isis core\n isis passive\n'
  printf 'router isis core\n lsp-gen-interval %s\n spf-interval %s\n is-type level-2-only\n net 49.0001.0000.0000.0010.00\n' \
    "${FRR_LSP_GEN:-1}" "${FRR_SPF:-1}"
}

# sr_box_conf BOX N NAME: controld.conf of SR box BOX (system id ...000N) announcing NAME, its
# circuits as "TAP FACE IPV4" lines on stdin. (sr_triangle_up writes the forwarder.conf files.)
sr_box_conf() {
  local box=$1 n=$2 name=$3 dir=$LAB_DIR/$1 tap face addr
  mkdir -p "$dir"
  {
    printf 'system-id 0000.0000.000%s\narea 49.0001\nhostname %s\nrouter-id 10.255.0.%s\n' "$n" "$box" "$n"
    printf 'service-prefix %s metric 5\nchannel /%s-%s-fib\n' "$name" "$LAB_TAG" "$box"
    printf 'timer spf-delay %s\ntimer lsp-gen-interval %s\ntimer csnp-interval 2\n' "${SR_SPF_DELAY:-0.05}" "${SR_LSP_GEN:-0.05}"
    while read -r tap face addr; do
      printf 'circuit %s metric 10 face %s ipv4 %s hello-interval %s hello-multiplier %s\n' \
        "$tap" "$face" "$addr" "${SR_HELLO:-1}" "${SR_HELLO_MULT:-3}"
    done
  } >"$dir/controld.conf"
}

# sr_triangle_up: builds and starts the lab of the header; returns once both SR boxes route
# the other's name over the direct link (or fails).
sr_triangle_up() {
  lab_ns_add sr1 sr2 frr h2
  local box
  for box in sr1 sr2 frr h2; do sr_quiet_ns "$box"; done
  sr_link sr1 sr2
  sr_frr_link sr1 eth1 10.0.1.2/30
  sr_frr_link sr2 eth2 10.0.2.2/30
  sr_link sr2 h2
  lab_addr frr lo 10.255.0.16/32
  mkdir -p "$LAB_DIR/sr1" "$LAB_DIR/sr2"
  cat >"$LAB_DIR/sr1/forwarder.conf" <<CONF
stats $LAB_TAG-sr1-stats
channel /$LAB_TAG-sr1-fib
fib-capacity 4096
mbufs 8191
port p-sr2 net_af_packet0,iface=e-sr2 mac $(sr_mac sr1 sr2) tap t-sr2
port p-frr net_af_packet1,iface=e-frr mac $(sr_mac sr1 frr) tap t-frr
face 12 ethernet p-sr2 learn
face 16 ethernet p-frr learn
CONF
  cat >"$LAB_DIR/sr2/forwarder.conf" <<CONF
stats $LAB_TAG-sr2-stats
channel /$LAB_TAG-sr2-fib
fib-capacity 4096
mbufs 8191
port p-sr1 net_af_packet0,iface=e-sr1 mac $(sr_mac sr2 sr1) tap t-sr1
port p-frr net_af_packet1,iface=e-frr mac $(sr_mac sr2 frr) tap t-frr
port p-h2 net_af_packet2,iface=e-h2 mac $(sr_mac sr2 h2)
face 21 ethernet p-sr1 learn
face 26 ethernet p-frr learn
face 29 ethernet p-h2 $(sr_mac h2 sr2)
CONF
  sr_box_conf sr1 1 /svc/alpha <<'CIRCUITS'
t-sr2 12 10.0.12.1
t-frr 16 10.0.1.1
CIRCUITS
  sr_box_conf sr2 2 /svc/beta <<'CIRCUITS'
t-sr1 21 10.0.12.2
t-frr 26 10.0.2.1
CIRCUITS
  # Everything starts at once; the controlds open their circuits when the TAPs appear.
  sr_forwarder_start sr1 --lcores "0@${SR_CPU:-1},1@${SR_CPU:-1}"
  sr_forwarder_start sr2 --lcores "0@${SR_CPU:-1},1@${SR_CPU:-1}"
  sr_controld_start sr1
  sr_controld_start sr2
  sr_frr_conf | lab_frr_start frr - || lab_fail "FRR did not start"
  sr_forwarder_wait sr1
  sr_forwarder_wait sr2
  wait_until 20 sr_adjacency_up sr1 t-sr2 || return 1
  wait_until 20 sr_adjacency_up sr2 t-sr1 || return 1
  wait_until 20 lab_isis_adj_up frr eth1 || return 1
  wait_until 20 lab_isis_adj_up frr eth2 || return 1
  wait_until 20 sr_route sr2 /svc/alpha 0000.0000.0001.00 15 || return 1
  wait_until 20 sr_route sr1 /svc/beta 0000.0000.0002.00 15 || return 1
  wait_until 5 sr_fib_has sr2 1 || return 1
  wait_until 5 sr_fib_has sr1 1 || return 1
}

# sr_lab_diag: lab_diag plus each SR box's logs, controld state and forwarder figures.
sr_lab_diag() {
  local - box
  set +e
  lab_diag
  for box in "${SR_BOXES[@]}"; do
    {
      printf '\n======== SR box %s ========\n' "$box"
      printf -- '---- forwarder.log (last 20 lines)\n'
      grep -v '^EAL: ' "$LAB_DIR/$box/forwarder.log" | tail -n 20
      printf -- '---- controld.log (last 60 lines)\n'
      tail -n 60 "$LAB_DIR/$box/controld.log"
      for what in adjacencies lsdb rib counters; do
        printf -- '---- show %s\n' "$what"
        sr_show "$box" "$what" 2>&1 | head -n 40
      done
      printf -- '---- telemetry\n'
      sr_telemetry "$box" /dmsc/stats
      sr_telemetry "$box" /dmsc/drops
      sr_telemetry "$box" /dmsc/fib
    } >&2
  done
}
