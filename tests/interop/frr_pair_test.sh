#!/usr/bin/env bash
# Two FRR routers in two namespaces joined by one veth: IS-IS level-2-only, point-to-point, area
# 49.0001. Passes when both adjacencies are Up, both databases hold both routers' LSPs and each
# kernel has an IS-IS route to the other's loopback. Exit 77 (skip) without root or FRR.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=frr_lab.sh
source "$here/frr_lab.sh"

lab_init
t0=$(date +%s%3N)
ms_since_start() { echo $(($(date +%s%3N) - t0)); }

fail() {
  lab_log "FAIL after $(ms_since_start) ms: $*"
  lab_diag
  exit 1
}

# Tuned timers: hellos every second, LSPs and SPF at most a second after a change. The timers
# come before "net": setting the NET originates a first LSP and arms the LSP generation timer
# with the interval in force at that moment (30 s by default), which would delay the full LSP.
isis_conf() { # NAME SYSTEM_ID_LAST_GROUP
  cat <<EOF
hostname $1
log timestamp precision 3
interface eth1
 ip router isis core
 isis circuit-type level-2-only
 isis network point-to-point
 isis hello-interval 1
interface lo
 ip router isis core
 isis passive
router isis core
 lsp-gen-interval 1
 spf-interval 1
 is-type level-2-only
 net 49.0001.0000.0000.$2.00
EOF
}

lab_ns_add r1 r2
lab_link r1 eth1 10.0.12.1/30 r2 eth1 10.0.12.2/30
lab_addr r1 lo 10.255.0.1/32
lab_addr r2 lo 10.255.0.2/32

isis_conf r1 0001 | lab_frr_start r1 - || fail "FRR did not start in r1"
isis_conf r2 0002 | lab_frr_start r2 - || fail "FRR did not start in r2"
t_started=$(ms_since_start)

for r in r1 r2; do
  wait_until 30 lab_isis_adj_up "$r" eth1 || fail "$r: no IS-IS adjacency Up on eth1"
done
t_adj=$(ms_since_start)

for r in r1 r2; do
  for lsp in r1.00-00 r2.00-00; do
    wait_until 20 lab_isis_has_lsp "$r" "$lsp" || fail "$r: LSP $lsp missing from its database"
  done
done
wait_until 20 lab_has_route r1 10.255.0.2/32 isis || fail "r1: no IS-IS route to 10.255.0.2/32"
wait_until 20 lab_has_route r2 10.255.0.1/32 isis || fail "r2: no IS-IS route to 10.255.0.1/32"
t_routes=$(ms_since_start)

# The same facts as FRR reports them, so a broken query shows up here rather than in later tests.
adj_json=$(lab_vtysh_json r1 'show isis neighbor json') || fail "r1: show isis neighbor json"
route_json=$(lab_vtysh_json r1 'show ip route 10.255.0.2/32 json') || fail "r1: show ip route json"
jq -e '.["10.255.0.2/32"][0].protocol == "isis"' >/dev/null <<<"$route_json" \
  || fail "r1: zebra does not hold 10.255.0.2/32 from isis: $route_json"

printf 'frr_pair: ok: daemons up %d ms, adjacencies Up %d ms, LSPs and routes %d ms after start\n' \
  "$t_started" "$t_adj" "$t_routes"
printf 'frr_pair: r1 neighbours: %s\n' "$(jq -c '[.areas[].circuits[]? | select(.adj != null) | {adj, interface, state}]' <<<"$adj_json")"
ip -n "$(lab_ns r1)" route show 10.255.0.2/32
ip -n "$(lab_ns r2)" route show 10.255.0.1/32
