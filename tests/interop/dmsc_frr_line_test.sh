#!/usr/bin/env bash
# dmsc-controld next to real FRR: a line d1 - frr - d2 in three namespaces.
#   dmsc_frr_line_test.sh CONTROLD [plain|md5|wrong-key|events|fragments]
# plain:     adjacencies Up both sides; FRR lists our LSPs; our Service Prefix TLVs cross FRR and
#            the far daemon installs the route with the right next hop and metric; FRR installs
#            IP routes to our TLV 135 prefixes.
# md5:       the same with HMAC-MD5 on hellos, LSPs and SNPs on every side.
# wrong-key: d2 has the wrong hello key: no adjacency there, and d2 logs why.
# fragments: d1 announces 600 names: several LSP fragments, all flooded by FRR, all routed at d2.
# events:    link down -> the far daemon withdraws the route; daemon restart -> sequence numbers
#            continue (with and without the state file) and no stale route remains; malformed
#            PDUs -> counted, adjacency and LSDB unaffected.
# Exit 77 (skip) without root or FRR.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=frr_lab.sh
source "$here/frr_lab.sh"
# shellcheck source=dmsc_lab.sh
source "$here/dmsc_lab.sh"
controld=${1:?usage: $0 CONTROLD [plain|md5|wrong-key|events|fragments]}
mode=${2:-plain}
[[ -x $controld ]] || { echo "FAIL: $controld is not executable" >&2; exit 1; }

lab_init
t0=$(date +%s%3N)
ms() { echo $(($(date +%s%3N) - t0)); }
fail() {
  lab_log "FAIL after $(ms) ms: $*"
  lab_diag
  for d in d1 d2; do
    [[ -f $LAB_DIR/$d/controld.log ]] && { echo "--- $d controld.log (tail)"; tail -n 40 "$LAB_DIR/$d/controld.log"; }
    for what in adjacencies lsdb rib counters; do
      echo "--- $d show $what"
      show "$d" "$what" 2>&1 | head -n 40
    done
  done
  exit 1
}

hello_key=dmsc-iih-key
lsp_key=dmsc-lsp-key

frr_conf() {
  local auth_if= auth_router=
  if [[ $mode != plain && $mode != events ]]; then
    auth_if=" isis password md5 $hello_key"
    auth_router=" domain-password md5 $lsp_key authenticate snp validate"
  fi
  cat <<CONF
hostname frr
log timestamp precision 3
debug isis adj-packets
interface eth1
 ip router isis core
 isis circuit-type level-2-only
 isis network point-to-point
 isis hello-interval 1
$auth_if
interface eth2
 ip router isis core
 isis circuit-type level-2-only
 isis network point-to-point
 isis hello-interval 1
$auth_if
interface lo
 ip router isis core
 isis passive
router isis core
 lsp-gen-interval 1
 spf-interval 1
 is-type level-2-only
$auth_router
 net 49.0001.0000.0000.0010.00
CONF
}

# d1 and d2: dmsc-controld with one circuit towards FRR.
dmsc_conf() { # NAME N IPV4 PREFIX [HELLO_KEY]
  local auth_if= auth_lsp=
  if [[ $mode != plain && $mode != events ]]; then
    auth_if=" auth md5 ${5:-$hello_key}"
    auth_lsp="lsp-auth md5 $lsp_key"
  fi
  cat <<CONF
system-id 0000.0000.000$2
area 49.0001
hostname $1
router-id 10.255.0.$2
ip-prefix 10.255.0.$2/32
circuit eth1 metric 10 face $((10 + $2)) ipv4 $3 hello-interval 1 hello-multiplier 3$auth_if
service-prefix $4 metric 5
$auth_lsp
state-file $LAB_DIR/$1/sequence
timer csnp-interval 2
CONF
  if [[ $mode == fragments && $1 == d1 ]]; then
    for i in $(seq 1 600); do echo "service-prefix /svc/bulk/team-$((i % 23))/service-$i metric $((i % 7))"; done
  fi
}

frr_lsp_seq() { # LSP-ID: the sequence number FRR holds for it, in decimal
  # (FRR 8.4's "show isis database json" repeats keys in one object for several LSPs: use text.)
  local hex
  hex=$(lab_vtysh frr 'show isis database' | awk -v id="$1" '$1 == id { for (i = 2; i <= NF; i++) if ($i ~ /^0x/) { print $i; exit } }')
  [[ -n $hex ]] && printf '%d\n' "$hex"
}

lab_ns_add d1 frr d2
lab_link d1 eth1 10.0.1.1/30 frr eth1 10.0.1.2/30
lab_link frr eth2 10.0.2.1/30 d2 eth1 10.0.2.2/30
lab_addr frr lo 10.255.0.16/32
frr_conf | lab_frr_start frr - || fail "FRR did not start"
dmsc_conf d1 1 10.0.1.1 /svc/alpha | controld_start d1
if [[ $mode == wrong-key ]]; then
  dmsc_conf d2 2 10.0.2.2 /svc/beta not-the-key | controld_start d2
else
  dmsc_conf d2 2 10.0.2.2 /svc/beta | controld_start d2
fi

wait_until 20 lab_isis_adj_up frr eth1 || fail "FRR: no adjacency Up with d1"
wait_until 10 adjacency_up d1 || fail "d1: no adjacency Up"
t_adj=$(ms)

if [[ $mode == wrong-key ]]; then
  sleep 4
  adjacency_up d2 && fail "d2 came up with a wrong hello key"
  lab_isis_adj_up frr eth2 && fail "FRR came up with d2's wrong hello key"
  grep -q "authentication digest mismatch" "$LAB_DIR/d2/controld.log" || fail "d2 did not log why it rejects FRR's hellos"
  drops=$(show d2 counters json | jq .drop_authentication)
  ((drops > 0)) || fail "d2 counted no authentication drop"
  echo "dmsc_frr_line wrong-key: ok: d2 rejected $drops hello(s): $(grep -m1 'authentication digest mismatch' "$LAB_DIR/d2/controld.log" | cut -d' ' -f2-)"
  exit 0
fi

wait_until 20 lab_isis_adj_up frr eth2 || fail "FRR: no adjacency Up with d2"
wait_until 10 adjacency_up d2 || fail "d2: no adjacency Up"
for lsp in d1.00-00 d2.00-00; do
  wait_until 20 lab_isis_has_lsp frr "$lsp" || fail "FRR: LSP $lsp missing from its database"
done
# d1 -> frr (10) -> d2 (FRR's default metric 10) + the prefix's 5.
wait_until 20 has_route d2 /svc/alpha 0000.0000.0010.00 25 || fail "d2: no route /svc/alpha via FRR at cost 25"
wait_until 20 has_route d1 /svc/beta 0000.0000.0010.00 25 || fail "d1: no route /svc/beta via FRR at cost 25"
t_routes=$(ms)
wait_until 20 lab_has_route frr 10.255.0.1/32 isis || fail "FRR: no IS-IS route to d1's 10.255.0.1/32"
wait_until 20 lab_has_route frr 10.255.0.2/32 isis || fail "FRR: no IS-IS route to d2's 10.255.0.2/32"
# FRR floods our TLV 251 unchanged: d2 decodes d1's Service Prefix from FRR's copy.
show d2 lsdb json | jq -e '.lsps[] | select(.lsp_id == "0000.0000.0001.00-00") | .service_prefixes[] | select(.name == "/svc/alpha" and .metric == 5)' >/dev/null \
  || fail "d2: d1's LSP lacks the /svc/alpha Service Prefix"
echo "dmsc_frr_line $mode: adjacencies Up $t_adj ms, names routed across FRR $t_routes ms after start"
lab_vtysh frr 'show isis database' | sed 's/^/  /'
for what in adjacencies "lsdb detail" rib spf-log; do
  echo "  d2: dmsc-controld show $what"
  show d2 $what | sed 's/^/    /'
done

if [[ $mode == fragments ]]; then
  bulk_routes() { show d2 rib json | jq '[.routes[] | select(.prefix | startswith("/svc/bulk/"))] | length'; }
  all_bulk() { [[ $(bulk_routes) == 600 ]]; }
  wait_until 20 all_bulk || fail "d2 routes $(bulk_routes) of d1's 600 names"
  fragments=$(lab_vtysh frr 'show isis database' | grep -c '^d1\.00-')
  ((fragments >= 3)) || fail "FRR holds $fragments fragments of d1's LSP"
  show d2 rib json | jq -e '.routes[] | select(.prefix == "/svc/bulk/team-5/service-51") | select(.cost == 22 and .next_hops[0].system_id == "0000.0000.0010.00")' >/dev/null \
    || fail "d2: /svc/bulk/team-5/service-51 not at cost 10+10+2 via FRR"
  echo "dmsc_frr_line fragments: ok: 600 names in $fragments fragments crossed FRR, all routed at d2 ($(ms) ms)"
  exit 0
fi
if [[ $mode != events ]]; then
  echo "dmsc_frr_line $mode: ok"
  exit 0
fi

# --- Link down: frr-d2 goes down; d1 must withdraw /svc/beta.
t_down=$(ms)
ip -n "$(lab_ns frr)" link set eth2 down
wait_until 20 no_route d1 /svc/beta || fail "d1 kept /svc/beta after the frr-d2 link went down"
echo "dmsc_frr_line events: link down -> d1 withdrew /svc/beta in $(($(ms) - t_down)) ms"
ip -n "$(lab_ns frr)" link set eth2 up
wait_until 20 has_route d1 /svc/beta 0000.0000.0010.00 25 || fail "d1: /svc/beta not back after the link came up"

# --- Restart with the state file: the sequence number continues.
seq_before=$(frr_lsp_seq d1.00-00)
[[ -n $seq_before ]] || fail "cannot read d1's sequence number from FRR"
controld_stop d1
sed -i 's|^service-prefix .*|service-prefix /svc/alpha2 metric 5|' "$LAB_DIR/d1/controld.conf"
controld_start d1 -
wait_until 20 has_route d2 /svc/alpha2 0000.0000.0010.00 25 || fail "d2: no route to d1's new name after d1's restart"
wait_until 20 no_route d2 /svc/alpha || fail "d2 kept the stale /svc/alpha after d1's restart"
seq_after=$(frr_lsp_seq d1.00-00)
((seq_after > seq_before)) || fail "d1's sequence went from $seq_before to $seq_after"
echo "dmsc_frr_line events: restart with state file: sequence $seq_before -> $seq_after, stale name withdrawn"

# --- Restart without the state file: recovered from FRR's copy.
controld_stop d1
rm -f "$LAB_DIR/d1/sequence"
controld_start d1 -
wait_until 20 adjacency_up d1 || fail "d1: no adjacency after the second restart"
sleep 3
seq_recovered=$(frr_lsp_seq d1.00-00)
((seq_recovered > seq_after)) || fail "without its state file d1 went from $seq_after to $seq_recovered"
grep -q "newer than ours: re-originating above it" "$LAB_DIR/d1/controld.log" || fail "d1 did not log the recovery"
echo "dmsc_frr_line events: restart without state file: sequence $seq_after -> $seq_recovered (recovered from the network)"

# --- Reload (SIGHUP): a new name is advertised without a restart; a broken file changes nothing.
adjacency_since=$(show d1 adjacencies json | jq '.adjacencies[0].up_seconds')
echo "service-prefix /svc/gamma metric 1" >>"$LAB_DIR/d1/controld.conf"
kill -HUP "$(cat "$LAB_DIR/d1/controld.pid")"
wait_until 10 has_route d2 /svc/gamma 0000.0000.0010.00 21 || fail "d2: no route to /svc/gamma after d1's reload"
has_route d2 /svc/alpha2 0000.0000.0010.00 25 || fail "d2 lost /svc/alpha2 over d1's reload"
echo "circuit eth1 metric 0" >>"$LAB_DIR/d1/controld.conf"
kill -HUP "$(cat "$LAB_DIR/d1/controld.pid")"
wait_until 5 grep -q "reload refused, the running configuration stays" "$LAB_DIR/d1/controld.log" || fail "d1 accepted a broken configuration"
sleep 1
has_route d2 /svc/gamma 0000.0000.0010.00 21 || fail "a refused reload changed d1's routes"
adjacency_up d1 || fail "d1's adjacency went down over its reloads"
(( $(show d1 adjacencies json | jq '.adjacencies[0].up_seconds') >= adjacency_since )) || fail "d1's adjacency restarted over the reload"
echo "dmsc_frr_line events: reload: /svc/gamma advertised without a restart; a broken file refused: $(grep -m1 'reload refused' "$LAB_DIR/d1/controld.log" | cut -d' ' -f3- | cut -c1-120)"
sed -i '$d' "$LAB_DIR/d1/controld.conf"

# --- Malformed PDUs from FRR's side of the d1 link: counted, nothing else changes.
lsps_before=$(show d1 lsdb json | jq '[.lsps[] | select(.purged == false)] | length')
ip netns exec "$(lab_ns frr)" /usr/bin/python3 - <<'PY' || fail "could not send malformed frames"
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth1", 0))
dst = bytes.fromhex("09002b000005"); src = bytes.fromhex("020000000099")
def frame(pdu):
    return dst + src + (len(pdu) + 3).to_bytes(2, "big") + b"\xfe\xfe\x03" + pdu
bad = [b"\x83", b"\x84\x14\x01\x00\x14\x01\x00\x00" + bytes(19),            # bad discriminator
       b"\x83\x1b\x01\x00\x14\x01\x00\x00\x00\xff" + bytes(17),             # LSP length past the frame
       b"\x83\x1b\x01\x00\x14\x01\x00\x00\x00\x1f" + bytes(17) + b"\x89\x09", # TLV overrun
       b"\x83\x14\x01\x00\x11\x01\x00\x00\x02" + bytes(6) + b"\x00\x1e\x00\x18\x01" + b"\x81\x05\x00"]
for i in range(50):
    for pdu in bad:
        s.send(frame(pdu))
PY
sleep 2
malformed=$(show d1 counters json | jq .drop_malformed)
((malformed >= 150)) || fail "d1 counted $malformed malformed PDUs of 200 sent"
adjacency_up d1 || fail "d1 lost its adjacency to malformed PDUs"
lsps_after=$(show d1 lsdb json | jq '[.lsps[] | select(.purged == false)] | length')
[[ $lsps_after == "$lsps_before" ]] || fail "d1's LSDB changed from $lsps_before to $lsps_after LSPs"
echo "dmsc_frr_line events: $malformed malformed PDUs counted; adjacency and LSDB ($lsps_after LSPs) unaffected"
echo "dmsc_frr_line events: ok"
