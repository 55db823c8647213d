#!/usr/bin/env bash
# The lab half of `tools/bench converge` (bench_converge.cpp execs this; run that, not this):
#   bench_converge.sh BENCH_CONVERGE CONTROLD FORWARDER [--repetitions N] [--modes carrier,tap,sr-link]
#                     [--hello S] [--hello-multiplier N] [--spf-delay S] [--lsp-gen-interval S] [--poll-us U]
# Builds the SR lab of tests/interop/sr_lab.sh (sr1 - sr2 directly and through FRR), then for
# each mode runs "BENCH_CONVERGE measure", which flips one link and times sr2's forwarder FIB:
#   carrier  sr1's end of the sr1-frr link goes down with the direct link already down: FRR sees
#            the carrier loss and floods; sr2 deletes /svc/alpha (sr1 unreachable)
#   tap      sr1's punt TAP towards sr2 goes down: sr1's dmsc-controld sees its circuit
#            interface go down at once, floods through FRR; sr2 reroutes /svc/alpha via FRR
#   hold     sr1's end of the sr1-sr2 link goes down: neither daemon sees it (af_packet ports
#            report no carrier, the TAPs stay up), so the adjacency dies by hold time; sr2
#            reroutes /svc/alpha via FRR
# Human-readable lines on stderr; the last stdout line is one JSON object (the first mode's
# figures at top level, every mode under "modes"). Exit 77 without root, FRR or scapy.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
probe=${1:?usage: $0 BENCH_CONVERGE CONTROLD FORWARDER [options]}
SR_CONTROLD=${2:?} SR_FORWARDER=${3:?}
shift 3
repetitions=5 modes=carrier,tap,sr-link poll_us=200
while (($#)); do
  case $1 in
    --repetitions) repetitions=$2 ;;
    --modes) modes=$2 ;;
    --hello) SR_HELLO=$2 FRR_HELLO=$2 ;;
    --hello-multiplier) SR_HELLO_MULT=$2 FRR_HELLO_MULT=$2 ;;
    --spf-delay) SR_SPF_DELAY=$2 ;;
    --lsp-gen-interval) SR_LSP_GEN=$2 ;;
    --poll-us) poll_us=$2 ;;
    *) echo "bench_converge: unknown option $1 (see bench_converge --help)" >&2; exit 2 ;;
  esac
  shift 2 || { echo "bench_converge: $1 needs a value" >&2; exit 2; }
done
export SR_HELLO=${SR_HELLO:-1} SR_HELLO_MULT=${SR_HELLO_MULT:-3} SR_SPF_DELAY=${SR_SPF_DELAY:-0.05}
export SR_LSP_GEN=${SR_LSP_GEN:-0.05} FRR_HELLO=${FRR_HELLO:-1} FRR_HELLO_MULT=${FRR_HELLO_MULT:-3}
# shellcheck source=../tests/interop/sr_lab.sh
source "$here/../tests/interop/sr_lab.sh"

sr_lab_init
sr_triangle_up || { sr_lab_diag; lab_fail "the lab did not converge"; }
lab_log "lab up; modes $modes, $repetitions repetitions each"

# measure MODE BOX IFNAME: the timing loop, flipping IFNAME of BOX; prints its JSON line.
measure() {
  "$probe" measure --mode "$1" --netns "$(lab_ns "$2")" --interface "$3" --channel "/$LAB_TAG-sr2-fib" \
    --api "$LAB_DIR/sr2/api.sock" --prefix /svc/alpha --repetitions "$repetitions" --poll-us "$poll_us" \
    --timeout $((SR_HELLO * SR_HELLO_MULT + 30)) --settle 3
}

results=()
for mode in ${modes//,/ }; do
  case $mode in
    carrier)
      ip -n "$(lab_ns sr1)" link set e-sr2 down
      wait_until 30 sr_route sr2 /svc/alpha 0000.0000.0010.00 25 || { sr_lab_diag; lab_fail "no route via FRR to start the carrier mode from"; }
      line=$(measure carrier sr1 e-frr) || { sr_lab_diag; lab_fail "carrier mode failed"; }
      ip -n "$(lab_ns sr1)" link set e-sr2 up
      wait_until 30 sr_route sr2 /svc/alpha 0000.0000.0001.00 15 || { sr_lab_diag; lab_fail "direct route did not return"; }
      detection="FRR sees carrier loss on its link to sr1 (sr1 set its end down), re-originates its LSP; sr2's controld finds sr1 unreachable and deletes /svc/alpha" ;;
    tap)
      line=$(measure tap sr1 t-sr2) || { sr_lab_diag; lab_fail "tap mode failed"; }
      detection="sr1's controld sees its circuit interface (the punt TAP to sr2) go down, re-originates its LSP, floods it through FRR; sr2 reroutes /svc/alpha via FRR" ;;
    sr-link)
      line=$(measure sr-link sr1 e-sr2) || { sr_lab_diag; lab_fail "sr-link mode failed"; }
      detection="sr1's end of the sr1-sr2 veth goes down: both forwarders see the carrier loss on their af_packet ports and set their punt TAPs down; the daemons drop the adjacency at once; sr2 reroutes /svc/alpha via FRR (without the carrier mirror: hold time ${SR_HELLO}x${SR_HELLO_MULT} s)" ;;
    *) lab_fail "unknown mode $mode (carrier, tap, sr-link)" ;;
  esac
  results+=("$(jq -c --arg d "$detection" '. + {detection: $d}' <<<"$line")")
  lab_log "$mode: $(jq -c '{converge_ms, converge_min_ms, converge_max_ms, pushed_ms, restore_ms}' <<<"$line")"
done

printf '%s\n' "${results[@]}" | jq -sc \
  --argjson hello "$SR_HELLO" --argjson mult "$SR_HELLO_MULT" --argjson spf "$SR_SPF_DELAY" \
  --argjson gen "$SR_LSP_GEN" --argjson frr_hello "$FRR_HELLO" --argjson frr_mult "$FRR_HELLO_MULT" \
  --argjson frr_gen "${FRR_LSP_GEN:-1}" --argjson frr_spf "${FRR_SPF:-1}" --argjson poll "$poll_us" '
  {bench: "converge", mode: .[0].mode, converge_ms: .[0].converge_ms, converge_min_ms: .[0].converge_min_ms,
   converge_max_ms: .[0].converge_max_ms, repetitions: .[0].repetitions,
   measured: "ms from SIOCSIFFLAGS clearing IFF_UP on one veth/TAP to the far SR forwarder (sr2) applying the resulting FIB change from its shm channel (consumer counters polled every \($poll) us); pushed_ms: when sr2 controld wrote it to the channel; restore_ms: link up to the first FIB change back",
   topology: "sr1 - sr2 direct and sr1 - frr - sr2 (FRR isisd on veths); SR = dmsc-forwarder (net_af_packet ports, punt TAPs) + dmsc-controld on the TAPs; route /svc/alpha from sr1 at sr2",
   conditions: {controld_hello_interval_s: $hello, controld_hello_multiplier: $mult, controld_hold_time_s: ($hello * $mult),
     controld_spf_delay_s: $spf, controld_lsp_gen_interval_s: $gen, frr_hello_interval_s: $frr_hello,
     frr_hello_multiplier: $frr_mult, frr_lsp_gen_interval_s: $frr_gen, frr_spf_interval_s: $frr_spf,
     quiet_before_each_failure_s: 3,
     note: "each failure comes after 3 s without FIB changes, past the daemons SPF hold-down (2 s, RFC 8405 back-off): every figure is a failure in a quiet network; back-to-back flaps are slowed on purpose (short wait 200 ms, long wait 1 s)"},
   modes: (map({key: .mode, value: .}) | from_entries)}'
