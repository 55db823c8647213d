#!/usr/bin/env bash
# Regenerates the FRR golden captures of this folder (see README.md): two FRR routers in two
# namespaces, one veth, tcpdump on r1's end, then isis_pcap.py keeps a handful of frames.
#   make_frr_captures.sh [plain|md5|fragments|all] [OUTDIR]     (root; FRR installed)
# OUTDIR defaults to this folder. The raw captures, frame listings, FRR configs, logs and
# databases stay in $RAW_DIR/<variant>/ (default: a new /tmp/frr-captures.* folder).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../interop/frr_lab.sh
source "$here/../../interop/frr_lab.sh"

variant=${1:-all}
out=$(cd "${2:-$here}" && pwd)
raw_root=${RAW_DIR:-$(mktemp -d /tmp/frr-captures.XXXXXX)}
iih_key=dmsc-iih-key   # isis password md5 (hellos)
lsp_key=dmsc-lsp-key   # domain-password md5 (L2 LSPs, CSNPs, PSNPs)
python=/usr/bin/python3; [[ -x $python ]] || python=python3   # isis_pcap.py: stdlib only

# CONF_EXTRA_IF and CONF_EXTRA_ROUTER are added to the eth1 and router isis sections.
isis_conf() { # NAME SYSTEM_ID_LAST_GROUP
  cat <<EOF
hostname $1
log timestamp precision 3
debug isis events
interface eth1
 ip router isis core
 isis circuit-type level-2-only
 isis network point-to-point
 isis hello-interval 1
${CONF_EXTRA_IF:-}
interface lo
 ip router isis core
 isis passive
router isis core
 lsp-gen-interval 1
 spf-interval 1
 is-type level-2-only
${CONF_EXTRA_ROUTER:-}
 net 49.0001.0000.0000.$2.00
EOF
}

# capture VARIANT RULES [R1_PREFIXES]: one lab, one raw capture, one trimmed golden file.
capture() {
  local name=$1 rules=$2 prefixes=${3:-0} raw names i
  raw=$raw_root/$name
  rm -rf "$raw" && mkdir -p "$raw"
  lab_init
  lab_ns_add r1 r2
  lab_link r1 eth1 10.0.12.1/30 r2 eth1 10.0.12.2/30
  lab_addr r1 lo 10.255.0.1/32
  lab_addr r2 lo 10.255.0.2/32
  if ((prefixes)); then
    for ((i = 0; i < prefixes; i++)); do
      printf 'addr add 10.200.%d.%d/32 dev lo\n' $((i / 250)) $((i % 250 + 1))
    done | ip -n "$(lab_ns r1)" -batch - || lab_fail "adding $prefixes prefixes"
  fi
  names="$(ip -n "$(lab_ns r1)" -j link show eth1 | jq -r '.[0].address')=r1"
  names+=",$(ip -n "$(lab_ns r2)" -j link show eth1 | jq -r '.[0].address')=r2"

  lab_capture_start r1 eth1 "$raw/all.pcap" isis
  isis_conf r1 0001 | lab_frr_start r1 -
  sleep 2   # r1's hellos in state Down before r2 exists
  isis_conf r2 0002 | lab_frr_start r2 -
  if ! { wait_until 30 lab_isis_adj_up r1 eth1 && wait_until 30 lab_isis_adj_up r2 eth1 \
      && wait_until 30 lab_has_route r2 10.255.0.1/32 isis \
      && wait_until 30 lab_has_route r1 10.255.0.2/32 isis; }; then
    lab_diag
    lab_fail "$name: no convergence"
  fi
  sleep 12  # one periodic CSNP (every 10 s on p2p) after the final LSPs
  lab_vtysh r1 'show isis database detail' >"$raw/r1-database.txt"
  lab_vtysh r1 'show isis interface detail' 'show isis neighbor detail' >"$raw/r1-state.txt"
  lab_capture_stop
  cp "$LAB_DIR"/r1/isisd.conf "$raw/r1-isisd.conf"
  cp "$LAB_DIR"/r2/isisd.conf "$raw/r2-isisd.conf"
  cp "$LAB_DIR"/r1/isisd.log "$raw/r1-isisd.log"
  lab_cleanup
  "$python" "$here/isis_pcap.py" pick "$rules" "$raw/all.pcap" "$out/frr-$name.pcap" "$names"
  "$python" "$here/isis_pcap.py" list "$out/frr-$name.pcap" "$names" | tee "$raw/picked.txt"
  "$python" "$here/isis_pcap.py" list "$raw/all.pcap" "$names" >"$raw/all.txt"
}

run() {
  case $1 in
    plain) CONF_EXTRA_IF='' CONF_EXTRA_ROUTER='' \
             capture p2p-plain iih-states,lsp-last,csnp-last,psnp-last ;;
    md5) CONF_EXTRA_IF=" isis password md5 $iih_key" \
           CONF_EXTRA_ROUTER=" domain-password md5 $lsp_key authenticate snp validate" \
           capture p2p-md5 iih-states,lsp-last,csnp-last,psnp-last ;;
    fragments) CONF_EXTRA_IF='' CONF_EXTRA_ROUTER='' \
                 capture lsp-fragments r1:lsp-last,r1:csnp-last,r2:psnp-last 300 ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

if [[ $variant == all ]]; then
  for v in plain md5 fragments; do run "$v"; done
else
  run "$variant"
fi
echo "raw captures and FRR state: $raw_root"
