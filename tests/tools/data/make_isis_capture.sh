#!/usr/bin/env bash
# Rebuilds dmsc-isis-lsp.pcap: real L2 LSPs of dmsc-controld (with our TLV 251 Service
# Prefixes) and of FRR, captured on the veth between them. Root, FRR and tcpdump needed.
#   make_isis_capture.sh CONTROLD [OUT]      (about 15 s)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
interop=$here/../../interop
# shellcheck source=../../interop/frr_lab.sh
source "$interop/frr_lab.sh"
# shellcheck source=../../interop/dmsc_lab.sh
source "$interop/dmsc_lab.sh"
controld=${1:?usage: $0 CONTROLD [OUT]}
out=${2:-$here/dmsc-isis-lsp.pcap}
fail() { lab_log "FAIL: $*"; lab_diag; exit 1; }

lab_init
lab_ns_add d1 frr
lab_link d1 eth1 10.0.1.1/30 frr eth1 10.0.1.2/30
lab_addr frr lo 10.255.0.16/32
lab_capture_start frr eth1 "$LAB_DIR/all.pcap" isis
lab_frr_start frr - <<'CONF' || fail "FRR did not start"
hostname frr
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
 net 49.0001.0000.0000.0010.00
CONF
controld_start d1 <<CONF
system-id 0000.0000.0001
area 49.0001
hostname d1
router-id 10.255.0.1
ip-prefix 10.255.0.1/32
circuit eth1 metric 10 face 11 ipv4 10.0.1.1 hello-interval 1 hello-multiplier 3
service-prefix /svc/alpha metric 5
service-prefix /svc/pay%2Fments/eu metric 20 anycast
service-prefix /svc/beta/v2 metric 4261412864
state-file $LAB_DIR/d1/sequence
CONF
wait_until 20 lab_isis_adj_up frr eth1 || fail "FRR: no adjacency Up with d1"
wait_until 20 lab_isis_has_lsp frr d1.00-00 || fail "FRR: no LSP from d1"
sleep 3
lab_capture_stop "$LAB_DIR/all.pcap"
# Keep the LSPs only: d1's (TLV 251) and FRR's (none), in classic pcap.
tshark -r "$LAB_DIR/all.pcap" -Y 'isis.type == 20' -F pcap -w "$out" 2>/dev/null || fail "tshark could not filter"
echo "wrote $out: $(tshark -r "$out" 2>/dev/null | wc -l) LSP frames"
