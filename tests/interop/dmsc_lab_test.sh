#!/usr/bin/env bash
# The live lab of the README's main command (tools/dmsc-lab), non-interactively.
#   dmsc_lab_test.sh BUILD_DIR topology|run|interrupt
# topology (no root): the default topology's derived configuration, and broken topology files
#   refused (exit 2) with a message naming the data path and the problem.
# run (root, FRR): the default lab (two gateways with a pod each, three SR boxes, FRR) with
#   --ci: exits 0 only if the pods' calls were answered before, during and after a link failure
#   and the paths avoided the failed link; then tshark with tools/wireshark/dmsc.lua decodes the
#   capture of an SR-SR link: DMSC requests and responses between the pods' names, and our
#   Service Prefix sub-TLVs in the IS-IS LSPs, with no malformed packet.
# interrupt (root, FRR): Ctrl-C in the middle of the lab leaves nothing behind.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: $0 BUILD_DIR topology|run|interrupt}
mode=${2:?usage: $0 BUILD_DIR topology|run|interrupt}
lab=$root/tools/dmsc-lab
work=$(mktemp -d /tmp/dmsc_lab_test.XXXXXX)
trap '[[ ${KEEP:-0} == 1 ]] || rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

topology_checks() {
  command -v yanglint >/dev/null && command -v jq >/dev/null || { echo "SKIP: yanglint or jq missing"; exit 77; }
  local out
  out=$("$lab" --check 2>&1) || fail "dmsc-lab --check on the default topology: $out"
  # gwa (box 2) reaches its pod pa (box 1) by face 1 with pa's MAC and routes /svc/alpha there;
  # its controld originates the name and runs IS-IS on the TAP towards sr1 (box 3), link 2.
  for line in "port p-pa net_af_packet0,iface=e-pa,qdisc_bypass=0 mac 02:00:00:00:02:01" "face 1 ethernet p-pa 02:00:00:00:01:02" \
    "route /svc/alpha 1" "service-prefix /svc/alpha metric 5" \
    "circuit t-sr1 metric 10 face 3 ipv4 10.0.2.1 hello-interval 1 hello-multiplier 3" \
    "circuit t-frr metric 100 face 6 ipv4 10.0.6.1 hello-interval 1 hello-multiplier 3" \
    " net 49.0001.0000.0000.0006.00"; do
    grep -qxF -- "$line" <<<"$out" && ok "derived: $line" || fail "the default topology does not give '$line'"
  done
  # The YAML example: the same checks through python3-yaml.
  out=$("$lab" --check --topology "$root/tools/lab/anycast.yaml" 2>&1)
  if [[ $? == 0 ]] && [[ $(grep -c '^route /svc/gamma ' <<<"$out") == 2 ]]; then ok "anycast.yaml: two gateways route /svc/gamma to their pods"
  else fail "anycast.yaml: $out"; fi
  printf 'dmsc-lab:lab:\n  box: [{name: a, role: pod}]\n' >"$work/small.yaml"
  out=$("$lab" --check --topology "$work/small.yaml" 2>&1)
  [[ $? == 2 ]] && grep -q 'Too few "box" instances' <<<"$out" && ok "a YAML file is validated like JSON" || fail "small.yaml: $out"
  # broken FILE EXPECTED_MESSAGE JQ_EDIT: the default topology edited by JQ_EDIT is refused.
  broken() {
    jq "$2" "$root/tools/lab/default.json" >"$work/broken.json"
    out=$("$lab" --check --topology "$work/broken.json" 2>&1)
    local rc=$?
    if [[ $rc == 2 ]] && grep -qF -- "$1" <<<"$out"; then ok "refused: $1"; else fail "expected exit 2 and '$1', got $rc: $out"; fi
  }
  local q='."dmsc-lab:lab"'
  broken "/dmsc-lab:lab/box/name" "$q.box[0].name = \"Pod-A\""
  broken "Traffic starts at a pod." "$q.flow[0].from = \"sr1\""
  broken "A link joins two different boxes." "$q.link[0].b = \"pa\""
  broken "/lab/box[name='pa']: a pod has exactly one link, to a gateway" "$q.link += [{\"a\": \"pa\", \"b\": \"sr1\"}]"
  broken "/lab/link[a='sr2'][b='sr1']: sr2 and sr1 are already linked" "$q.link += [{\"a\": \"sr2\", \"b\": \"sr1\"}]"
  broken "A failure names a link of /lab/link" "$q.failure[0] = {\"a\": \"sr1\", \"b\": \"gwb\"}"
  out=$("$lab" --check --topology "$work/none.json" 2>&1)
  [[ $? == 2 ]] && grep -q "cannot read topology" <<<"$out" && ok "a missing file is named" || fail "missing file: $out"
}

run_checks() {
  [[ $EUID -eq 0 ]] || { echo "SKIP: the lab needs root"; exit 77; }
  local rc
  "$lab" --ci --build "$build" --capture "$work/lab.pcap" 2>&1 | tee "$work/lab.out"
  rc=${PIPESTATUS[0]}
  [[ $rc == 77 ]] && exit 77
  [[ $rc == 0 ]] || { fail "dmsc-lab --ci exited $rc"; return; }
  grep -q "Done: traffic crossed the lab" "$work/lab.out" || fail "the lab did not say traffic crossed it"
  command -v tshark >/dev/null || { echo "tshark missing: capture not checked"; return; }
  local lua=$root/tools/wireshark/dmsc.lua requests responses names malformed
  tshark -r "$work/lab.pcap" -X "lua_script:$lua" -T fields -e dmsc.type -e dmsc.dst -e dmsc.src -Y dmsc \
    2>/dev/null >"$work/dmsc.txt"
  requests=$(awk -F'\t' '$1 == 1 && $2 ~ /^\/svc\/(alpha|beta)\/p[ab]\/[0-9]+$/' "$work/dmsc.txt" | wc -l)
  responses=$(awk -F'\t' '$1 == 2 && $2 ~ /^\/svc\/(alpha|beta)\/p[ab]$/ && $3 ~ /^\/svc\/(alpha|beta)\/p[ab]$/' "$work/dmsc.txt" | wc -l)
  ((requests > 100 && responses > 100)) && ok "capture: $requests requests and $responses responses between the pods' names decoded" \
    || fail "capture: $requests requests, $responses responses decoded (of $(wc -l <"$work/dmsc.txt") DMSC packets)"
  names=$(tshark -r "$work/lab.pcap" -X "lua_script:$lua" -T fields -e dmsc_sp.name -Y dmsc_sp 2>/dev/null | tr ',' '\n' | sort -u | xargs)
  [[ $names == "/svc/alpha /svc/beta" ]] && ok "capture: Service Prefix TLVs in LSPs name $names" || fail "capture: Service Prefix names '$names'"
  malformed=$(tshark -r "$work/lab.pcap" -X "lua_script:$lua" -Y '_ws.expert.severity >= warning || _ws.malformed' 2>/dev/null | wc -l)
  ((malformed == 0)) && ok "capture: no malformed frame" || fail "capture: $malformed frames with warnings"
}

# interrupt: Ctrl-C (SIGINT to the lab's process group, as a terminal sends it) while the pods'
# traffic runs: the lab exits and leaves no namespace, process, shared-memory segment, DPDK
# runtime folder or lab folder behind.
interrupt_checks() {
  [[ $EUID -eq 0 ]] || { echo "SKIP: the lab needs root"; exit 77; }
  # Job control: the lab gets its own process group, as in a terminal, and SIGINT is not
  # ignored in it (bash ignores SIGINT in background jobs without job control).
  set -m
  "$lab" --build "$build" >"$work/lab.out" 2>&1 &
  local pid=$! tag i rc
  set +m
  for ((i = 0; i < 600; i++)); do
    grep -q "Traffic: the pods call" "$work/lab.out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  tag=$(grep -o 'tag dmsclab-[0-9a-f-]*' "$work/lab.out" | head -n 1 | cut -d' ' -f2)
  [[ -n $tag ]] && grep -q "Traffic: the pods call" "$work/lab.out" || { cat "$work/lab.out" >&2; fail "the lab did not reach its traffic"; return; }
  sleep 2
  local started
  started=$(date +%s%3N)
  kill -INT -- "-$pid"
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then fail "the lab still runs 30 s after Ctrl-C"; kill -KILL -- "-$pid"; return; fi
  wait "$pid"
  rc=$?
  [[ $rc == 130 ]] && ok "Ctrl-C: the lab exited $(($(date +%s%3N) - started)) ms later (status 130)" \
    || fail "Ctrl-C: the lab exited with status $rc, not 130: $(tail -n 5 "$work/lab.out")"
  local left
  left=$(ip netns list | grep -c "$tag")
  ((left == 0)) && ok "no namespace of $tag left" || fail "$left namespaces of $tag left"
  left=$(pgrep -f "$tag" | wc -l)
  ((left == 0)) && ok "no process of $tag left" || fail "processes of $tag left: $(pgrep -af "$tag")"
  left=$(find /dev/shm /var/run/dpdk /tmp -maxdepth 1 -name "$tag*" 2>/dev/null | wc -l)
  ((left == 0)) && ok "no shm segment, DPDK folder or lab folder of $tag left" || fail "left: $(find /dev/shm /var/run/dpdk /tmp -maxdepth 1 -name "$tag*")"
}

case $mode in
  topology) topology_checks ;;
  run) run_checks ;;
  interrupt) interrupt_checks ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
((failures == 0)) || { echo "$failures check(s) failed" >&2; exit 1; }
echo "dmsc_lab_test $mode: all checks passed"
