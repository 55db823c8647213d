#!/usr/bin/env bash
# SR boxes end to end: dmsc-forwarder + dmsc-controld on its punt TAPs, next to real FRR.
#   sr_lab_test.sh CONTROLD FORWARDER [DMSCCTL]
# The lab of sr_lab.sh: sr1 - sr2 directly and through an FRR router, h2 a host on sr2.
#  1. IS-IS adjacencies come up over the punt path: sr1-sr2 (both ends punt through a
#     forwarder) and each SR with FRR (FRR on kernel veths); each neighbour's MAC (SNPA) is the
#     one its circuit's forwarder face sends to.
#  2. sr2's forwarder FIB gets sr1's /svc/alpha from its controld over the shm channel: DMSC
#     packets sent by h2 leave sr2 by the face to sr1 (received on sr1's end of the link, hop
#     limit decremented, addressed to sr1's port MAC) and none towards FRR (sr_lab_frames.py).
#  3. The sr1-sr2 link goes down (both forwarders set their punt TAPs down with the carrier): sr2 reroutes
#     /svc/alpha through FRR and h2's packets now leave by the face to FRR.
#  4. sr1's link to FRR goes down too (sr1 sets its end down; FRR sees the carrier loss): sr2
#     withdraws /svc/alpha from its forwarder's FIB and h2's packets are counted no_route.
#  5. Both links come back: the direct route returns to sr2's FIB.
# Exit 77 (skip) without root, FRR, dpdk-telemetry.py or Debian's python3-scapy.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SR_CONTROLD=${1:?usage: $0 CONTROLD FORWARDER}
SR_FORWARDER=${2:?usage: $0 CONTROLD FORWARDER}
DMSCCTL=${3:-}
# shellcheck source=sr_lab.sh
source "$here/sr_lab.sh"

sr_lab_init
t0=$(date +%s%3N)
ms() { echo $(($(date +%s%3N) - t0)); }
fail() {
  lab_log "FAIL after $(ms) ms: $*"
  sr_lab_diag
  exit 1
}


# --- 1. Adjacencies over the punt path, routes from the controlds into the forwarders.
sr_triangle_up || fail "the lab did not converge"
t_up=$(ms)
for tap in t-sr2 t-frr; do sr_adjacency_up sr1 $tap || fail "sr1: adjacency on $tap not Up"; done
for tap in t-sr1 t-frr; do sr_adjacency_up sr2 $tap || fail "sr2: adjacency on $tap not Up"; done
# The faces towards neighbours are configured with `learn`: each took its neighbour's MAC from
# the IS-IS hellos its port punted, the same MAC the daemon's adjacency on that circuit shows.
for circuit in "sr1 t-sr2 sr2 12" "sr1 t-frr frr 16" "sr2 t-sr1 sr1 21" "sr2 t-frr frr 26"; do
  read -r box tap peer face <<<"$circuit"
  adjacency=$(sr_show "$box" adjacencies json | jq -c --arg i "$tap" '.adjacencies[] | select(.interface == $i) | {snpa, face}')
  [[ $adjacency == "{\"snpa\":\"$(sr_mac "$peer" "$box")\",\"face\":$face}" ]] \
    || fail "$box: adjacency on $tap is $adjacency, expected neighbour $(sr_mac "$peer" "$box") on face $face"
  grep -q "face $face learned its neighbour $(sr_mac "$peer" "$box")" "$LAB_DIR/$box/forwarder.log" \
    || fail "$box: face $face did not learn its neighbour $(sr_mac "$peer" "$box") from its hellos"
done
punted=$(sr_counter sr2 punted) injected=$(sr_counter sr2 injected)
((punted > 0 && injected > 0)) || fail "sr2's forwarder punted $punted and injected $injected frames"
echo "sr_lab: adjacencies Up over the punt path and routes in both forwarders' FIBs $t_up ms after start" \
  "(sr2 punted $punted IS-IS frames to its TAPs, injected $injected)"

# --- 2. DMSC packets follow the FIB: h2 -> sr2 -> face 21 -> sr1.
read -r direct via_frr < <(sr_probe 20 sr1 e-sr2 "$(sr_mac sr1 sr2)" frr eth2 "$(sr_mac frr sr2)")
[[ $direct == 20 && $via_frr == 0 ]] || fail "h2's 20 packets to /svc/alpha: $direct reached sr1 directly, $via_frr went to FRR (want 20, 0)"
forwarded=$(sr_counter sr2 forwarded)
((forwarded >= 20)) || fail "sr2's forwarder counted $forwarded forwarded packets"
echo "sr_lab: sr2 forwards /svc/alpha by face 21 to sr1: 20 of 20 packets arrived with hop limit 63"

# --- 3. sr1-sr2 down: the forwarders mirror the carrier loss onto their TAPs; the daemons reroute.
t_down=$(ms)
ip -n "$(lab_ns sr1)" link set e-sr2 down
wait_until 15 sr_route sr2 /svc/alpha 0000.0000.0010.00 25 || fail "sr2 did not reroute /svc/alpha through FRR"
t_reroute=$(($(ms) - t_down))
wait_until 5 sr_route sr1 /svc/beta 0000.0000.0010.00 25 || fail "sr1 did not reroute /svc/beta through FRR"
sr_fib_has sr2 1 || fail "sr2's FIB lost /svc/alpha while rerouting"
read -r via_frr < <(sr_probe 20 frr eth2 "$(sr_mac frr sr2)")
[[ $via_frr == 20 ]] || fail "after the reroute $via_frr of 20 packets left sr2 towards FRR"
echo "sr_lab: sr1-sr2 down -> sr2 rerouted /svc/alpha to face 26 (FRR) in $t_reroute ms (carrier mirrored onto the TAPs; the hold time would be ${SR_HELLO:-1}x${SR_HELLO_MULT:-3} s); 20 of 20 packets went through FRR"

# --- 4. sr1-frr down as well (FRR sees the carrier loss): sr2 withdraws /svc/alpha.
t_down=$(ms)
ip -n "$(lab_ns sr1)" link set e-frr down
wait_until 15 sr_no_route sr2 /svc/alpha || fail "sr2 kept /svc/alpha with sr1 cut off"
t_rib=$(($(ms) - t_down))
wait_until 5 sr_fib_has sr2 0 || fail "sr2's forwarder FIB kept /svc/alpha"
t_fib=$(($(ms) - t_down))
no_route=$(sr_counter sr2 no_route)
read -r via_frr < <(sr_probe 10 frr eth2 "$(sr_mac frr sr2)")
[[ $via_frr == 0 ]] || fail "$via_frr packets to the withdrawn /svc/alpha still left sr2"
wait_until 2 test "$(sr_counter sr2 no_route)" -ge $((no_route + 10)) || fail "sr2 did not count the 10 packets no_route"
echo "sr_lab: sr1-frr down -> sr2 withdrew /svc/alpha (RIB $t_rib ms, forwarder FIB within $t_fib ms); 10 packets counted no_route"

# --- 5. Both links back: the direct route returns.
t_down=$(ms)
ip -n "$(lab_ns sr1)" link set e-frr up
ip -n "$(lab_ns sr1)" link set e-sr2 up
wait_until 20 sr_route sr2 /svc/alpha 0000.0000.0001.00 15 || fail "sr2: the direct route to /svc/alpha did not return"
wait_until 5 sr_fib_has sr2 1 || fail "sr2's forwarder FIB did not get /svc/alpha back"
echo "sr_lab: links up -> direct route back in sr2's RIB and FIB in $(($(ms) - t_down)) ms"

# The operator's CLI against sr2: text and JSON from the forwarder's stats segment and the
# daemon's API; a daemon that is not there is a clear error with exit code 3.
if [[ -n $DMSCCTL ]]; then
  ctl() { "$DMSCCTL" --stats "$LAB_TAG-sr2-stats" --controld-socket "$LAB_DIR/sr2/api.sock" "$@"; }
  ctl --json show ports | jq -e '[.ports[].name] == ["p-sr1","p-frr","p-h2"] and all(.ports[]; .link_up)' >/dev/null \
    || fail "dmscctl show ports --json: $(ctl --json show ports)"
  ctl --json show fib | jq -e '.prefixes >= 1' >/dev/null || fail "dmscctl show fib --json: $(ctl --json show fib)"
  ctl --json show stats | jq -e '.totals // . | tostring | contains("forwarded")' >/dev/null || fail "dmscctl show stats --json"
  ctl --json show rib | jq -e '.routes[] | select(.prefix == "/svc/alpha")' >/dev/null || fail "dmscctl show rib --json"
  ctl show adjacencies | grep -q "Up" || fail "dmscctl show adjacencies: $(ctl show adjacencies)"
  ctl show stats --interval 0.2 | grep -q "^forwarded " || fail "dmscctl show stats: $(ctl show stats --interval 0.2)"
  "$DMSCCTL" --controld-socket "$LAB_DIR/nowhere.sock" show rib 2>/dev/null
  [[ $? == 3 ]] || fail "dmscctl without a daemon did not exit 3"
  echo "sr_lab: dmscctl: $(ctl show fib)"
  for what in "show adjacencies" "show rib" "show ports"; do
    echo "  sr2\$ dmscctl $what"
    ctl $what | sed 's/^/    /'
  done
fi

echo "sr_lab: ok in $(ms) ms; sr2's forwarder: $(sr_telemetry sr2 /dmsc/stats | jq -c '."/dmsc/stats" | {rx_packets, forwarded, punted, injected, dropped}')"
