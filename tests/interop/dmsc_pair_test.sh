#!/usr/bin/env bash
# Two dmsc-controld daemons on one veth with HMAC-SHA256 (RFC 5310), which FRR 8.4 lacks:
#   dmsc_pair_test.sh CONTROLD [sha256|wrong-key-id]
# sha256:       hellos, LSPs and SNPs signed and checked; adjacency Up; each routes the other's name.
# wrong-key-id: d2 uses key id 8 for hellos where d1 expects 7: rejected, counted and logged.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=frr_lab.sh
source "$here/frr_lab.sh"
# shellcheck source=dmsc_lab.sh
source "$here/dmsc_lab.sh"
controld=${1:?usage: $0 CONTROLD [sha256|wrong-key-id]}
mode=${2:-sha256}

lab_init
fail() {
  lab_log "FAIL: $*"
  for d in d1 d2; do
    echo "--- $d controld.log (tail)"; tail -n 30 "$LAB_DIR/$d/controld.log" 2>/dev/null
  done
  exit 1
}

conf() { # NAME N PREFIX HELLO_KEY_ID
  cat <<CONF
system-id 0000.0000.000$2
area 49.0001
hostname $1
circuit eth1 metric 7 ipv4 10.0.9.$2 hello-interval 1 hello-multiplier 3 auth sha256 link-secret key-id $4
service-prefix $3 metric 3
lsp-auth sha256 domain-secret key-id 2
timer csnp-interval 2
CONF
}

lab_ns_add d1 d2
lab_link d1 eth1 10.0.9.1/30 d2 eth1 10.0.9.2/30
conf d1 1 /svc/one 7 | controld_start d1
if [[ $mode == wrong-key-id ]]; then conf d2 2 /svc/two 8 | controld_start d2; else conf d2 2 /svc/two 7 | controld_start d2; fi

if [[ $mode == wrong-key-id ]]; then
  sleep 4
  adjacency_up d1 && fail "d1 came up with a hello key id it does not have"
  grep -q "authentication key id not configured" "$LAB_DIR/d1/controld.log" || fail "d1 did not log why it rejects d2's hellos"
  echo "dmsc_pair wrong-key-id: ok: d1 rejected $(show d1 counters json | jq .drop_authentication) hello(s)"
  exit 0
fi
wait_until 10 adjacency_up d1 || fail "d1: no adjacency Up"
wait_until 10 adjacency_up d2 || fail "d2: no adjacency Up"
wait_until 10 has_route d1 /svc/two 0000.0000.0002.00 10 || fail "d1: no route /svc/two at cost 7+3"
wait_until 10 has_route d2 /svc/one 0000.0000.0001.00 10 || fail "d2: no route /svc/one at cost 7+3"
[[ $(show d1 counters json | jq .drop_authentication) == 0 ]] || fail "d1 dropped PDUs for authentication"
[[ $(show d2 counters json | jq '.csnp_received + .psnp_received') -gt 0 ]] || fail "d2 accepted no signed SNP"
echo "dmsc_pair sha256: ok: adjacency, LSPs and SNPs with HMAC-SHA256; $(show d2 rib | head -1)"
