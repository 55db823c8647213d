#!/usr/bin/env bash
# The Wireshark dissector tools/wireshark/dmsc.lua against captures of known content.
#   wireshark_dissector_test.sh [DMSC_TRAFFICGEN]
# 1. DMSC packets (tests/tools/data/dmsc-packets.pcap): Ethernet, 802.1Q, UDP/IPv4, UDP/IPv6;
#    every header field, names in text form, and the expert info of six malformed headers.
# 2. Real L2 LSPs of dmsc-controld and FRR (dmsc-isis-lsp.pcap): the Service Prefixes of TLV 251.
# 3. That LSP with TLV 251 damaged (dmsc-isis-malformed.pcap): expert info per docs §3.2.
# 4. Display filters, and the EtherType / UDP port preferences.
# 5. Robustness: all captures truncated at every length and randomly corrupted: no Lua error.
# 6. With DMSC_TRAFFICGEN: pcaps of the project's traffic generator all decode, none malformed.
# Exit 77 (skip) without tshark.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lua=${DMSC_WIRESHARK_LUA:-$here/../../tools/wireshark/dmsc.lua}  # override: check a broken copy fails
data=$here/data
trafficgen=${1:-}
command -v tshark >/dev/null || { echo "SKIP: tshark is not installed (Debian package tshark)"; exit 77; }
work=$(mktemp -d /tmp/wireshark_dissector_test.XXXXXX)
trap 'rm -rf "$work"' EXIT
t0=$(date +%s%3N)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# ts ARGS...: tshark with the dissector; its output is in the file $out (trailing tabs removed).
# Anything on stderr but the run-as-root notice, or a "Lua Error" in the dissection, fails the test.
runs=0
ts() {
  runs=$((runs + 1))
  out=$work/out.$runs
  tshark -X "lua_script:$lua" "$@" 2>"$work/stderr.$runs" | sed 's/\t*$//' >"$out"
  if grep -v 'Running as user "root"' "$work/stderr.$runs" | grep -q .; then
    fail "tshark $* wrote to stderr:"; sed 's/^/    /' "$work/stderr.$runs" >&2
  fi
  grep -q -i 'lua error' "$out" && fail "Lua error in the dissection of: tshark $*"
}
# expect NAME EXPECTED ACTUAL: exact comparison, with a diff on failure.
expect() {
  if [[ $2 == "$3" ]]; then echo "ok: $1"; return; fi
  fail "$1"; diff <(echo "$2") <(echo "$3") | sed 's/^/    /' >&2
}

# --- 1. DMSC packets -------------------------------------------------------------------------
fields=(frame.number dmsc.version dmsc.type dmsc.flags dmsc.flags.affinity dmsc.hop_limit dmsc.header_length
        dmsc.flow_key dmsc.payload_length dmsc.dst_len dmsc.src_len dmsc.dst dmsc.src dmsc.payload
        dmsc.error.reason dmsc.malformed
        dmsc.bad_version dmsc.empty_component dmsc.name_overrun dmsc.bad_header_length dmsc.truncated_header
        dmsc.truncated_payload dmsc.hop_limit_low)
expected=$(cat <<'EOF'
1	1	1	0x80	1	64	8	0x01020304	4	13	5	/svc/payments	/sg/a	70696e67
2	1	1	0x80	1	64	8	0x01020304	4	13	5	/svc/payments	/sg/a	70696e67
3	1	2	0x00	0	63	8	0xdeadbeef	100	5	13	/sg/a	/svc/payments	78787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878
4	1	3	0x00	0	1	10	0x00000007	5	22	5	/svc/pay%2Fments/eu%20west	/sr/1	70726f6265									1
5	1	5	0x00	0	64	5	0x01020304	36	5	0	/sg/a	/	01000000118040080102030400040d0503737663087061796d656e747302736701610000	1
6	1	1	0x80	1	17	7	0x0000002a	0	10	5	/svc/alpha	/sg/b
7	2	1	0x80	1	64	8	0x01020304	4	13	5	/svc/payments	/sg/a	70696e67		bad_version	1
8	1	1	0x80	1	64	8	0x01020304	4	13	5	/svc [malformed: empty component]	/sg/a	70696e67		bad_destination_name		1
9	1	1	0x80	1	64	8	0x01020304	4	40	5					bad_header_length			1,1	1	1
10	1	1	0x80	1	64	8	0x01020304	100	13	5	/svc/payments	/sg/a	70696e67		truncated_payload						1
11	1	1	0x80	1	64	9	0x01020304	4	13	5	/svc/payments	/sg/a	70696e67		bad_header_length				1
12															truncated_header					1
EOF
)
ts -r "$data/dmsc-packets.pcap" -T fields "${fields[@]/#/-e}"
actual=$(cat "$out")
expect "DMSC header fields and expert info (12 frames)" "$expected" "$actual"
ts -r "$data/dmsc-packets.pcap" -T fields -e frame.number -e frame.protocols
actual=$(cat "$out")
expect "encapsulations: Ethernet, UDP/IPv4, UDP/IPv6, 802.1Q" \
  "$(printf '%s\n' 1$'\t'eth:ethertype:dmsc:data 2$'\t'eth:ethertype:ip:udp:dmsc:data \
     3$'\t'eth:ethertype:ipv6:udp:dmsc:data 4$'\t'eth:ethertype:dmsc:data 5$'\t'eth:ethertype:dmsc:data \
     6$'\t'eth:ethertype:vlan:ethertype:dmsc 7$'\t'eth:ethertype:dmsc:data 8$'\t'eth:ethertype:dmsc:data \
     9$'\t'eth:ethertype:dmsc 10$'\t'eth:ethertype:dmsc:data 11$'\t'eth:ethertype:dmsc:data 12$'\t'eth:ethertype:dmsc)" \
  "$actual"

# --- 2. Real LSPs: d1 = dmsc-controld, FRR = frr ----------------------------------------------
ts -r "$data/dmsc-isis-lsp.pcap" -T fields -E aggregator='|' -e frame.number -e isis.lsp.lsp_id \
  -e dmsc_sp.geninfo_flags -e dmsc_sp.app_id -e dmsc_sp.name -e dmsc_sp.metric -e dmsc_sp.anycast -e dmsc_sp.flags \
  -e dmsc_sp.name_len
actual=$(cat "$out")
d1=$'0x00\t0x0d35\t/svc/alpha|/svc/pay%2Fments/eu|/svc/beta/v2\t5|20|4261412864\t0|1|0\t0x00|0x01|0x00\t10|17|12'
expect "Service Prefixes in dmsc-controld's real LSPs" \
  "$(printf '%s\n' "1	0000.0000.0001.00-00	$d1" "2	0000.0000.0010.00-00" "3	0000.0000.0001.00-00	$d1" \
     "4	0000.0000.0010.00-00" "5	0000.0000.0010.00-00")" "$actual"

# --- 3. Damaged TLV 251 -----------------------------------------------------------------------
ts -r "$data/dmsc-isis-malformed.pcap" -T fields -E aggregator='|' -e frame.number -e dmsc_sp.name \
  -e dmsc_sp.metric -e dmsc_sp.ipv4 -e dmsc_sp.subtlv.type -e dmsc_sp.bad_name -e dmsc_sp.dropped_after_malformed \
  -e dmsc_sp.metric_too_large -e dmsc_sp.name_overrun -e dmsc_sp.subtlv_overrun -e dmsc_sp.unknown_subtlv
actual=$(cat "$out")
expected=$(cat <<'EOF'
1	/svc/alpha|/svc [malformed: empty component]	5|7		1|1	1	1
2	/svc/alpha|/x	5|4261412865		1|1			1
3	/svc/alpha	5|3		1|1				1
4	/svc/alpha	5		1					1
5	/svc/alpha	5	192.0.2.1	9|1						1
6
EOF
)
expect "malformed Service Prefix sub-TLVs: expert info, later sub-TLVs dropped (docs §3.2)" "$expected" "$actual"

# --- 4. Filters and preferences ---------------------------------------------------------------
ts -r "$data/dmsc-packets.pcap" -Y 'dmsc.dst == "/svc/alpha" || dmsc.hop_limit == 63 || dmsc.src == "/sr/1"' \
  -T fields -e frame.number
actual=$(tr '\n' ' ' <"$out")
expect 'filter dmsc.dst == "/svc/alpha" || dmsc.hop_limit == 63 || dmsc.src == "/sr/1"' "3 4 6 " "$actual"
ts -r "$data/dmsc-isis-lsp.pcap" -Y 'dmsc_sp.name == "/svc/pay%2Fments/eu" && dmsc_sp.anycast == 1 && dmsc_sp.metric == 0xFE000000' \
  -T fields -e frame.number
actual=$(tr '\n' ' ' <"$out")
expect "filter on dmsc_sp.name, dmsc_sp.anycast, dmsc_sp.metric" "1 3 " "$actual"
ts -r "$data/dmsc-packets.pcap" -o dmsc.ethertype:34998 -o dmsc.udp_port:7000 -Y dmsc -T fields -e frame.number
actual=$(wc -l <"$out")
expect "preferences: another EtherType and UDP port, no frame is DMSC" 0 "$actual"
ts -r "$data/dmsc-packets.pcap" -o dmsc.udp_port:49153 -Y 'udp && dmsc' -T fields -e frame.number
actual=$(tr '\n' ' ' <"$out")
expect "preference dmsc.udp_port:49153 (frame 2's source port)" "2 " "$actual"

# --- 5. Robustness: every truncation and random corruption, no Lua error ------------------------
# (-V: a Lua runtime error shows only as an expert item "Lua Error: ..." in the tree.)
pieces=() expected_frames=0
declare -A frames_in=([dmsc-packets]=12 [dmsc-isis-lsp]=5 [dmsc-isis-malformed]=6)
for file in dmsc-packets dmsc-isis-lsp dmsc-isis-malformed; do
  pieces+=("$data/$file.pcap") expected_frames=$((expected_frames + frames_in[$file]))  # -T fields hides Lua errors
  for snap in $(seq 1 2 165); do
    editcap -s "$snap" "$data/$file.pcap" "$work/$file.s$snap.pcap" 2>/dev/null && pieces+=("$work/$file.s$snap.pcap") expected_frames=$((expected_frames + frames_in[$file]))
  done
  for seed in $(seq 1 40); do
    editcap -E 0.05 --seed "$seed" "$data/$file.pcap" "$work/$file.e$seed.pcap" 2>/dev/null && pieces+=("$work/$file.e$seed.pcap") expected_frames=$((expected_frames + frames_in[$file]))
  done
done
mergecap -a -F pcap -w "$work/all.pcap" "${pieces[@]}"
ts -r "$work/all.pcap" -V
frames=$(grep -c '^Frame [0-9]' "$out")
expect "${#pieces[@]} truncated and corrupted captures ($expected_frames frames) dissected without a Lua error" \
  "$expected_frames" "$frames"

# --- 6. The traffic generator's packets ------------------------------------------------------
if [[ -n $trafficgen && ! -x $trafficgen ]]; then
  fail "$trafficgen is not built (cmake --build BUILD --target dmsc-trafficgen)"
elif [[ -n $trafficgen ]]; then
  "$trafficgen" routes --prefixes 40 --out "$work/routes.txt" --seed 7 >/dev/null
  for encap in ethernet udp4 udp6; do
    "$trafficgen" pcap --routes "$work/routes.txt" --out "$work/$encap.pcap" --dst-mac 02:00:00:00:00:01 \
      --packets 200 --encap "$encap" --hop-limit 33 --miss-percent 0 --seed 7 >/dev/null
    ts -r "$work/$encap.pcap" -T fields -e dmsc.hop_limit -e dmsc.dst -e dmsc.malformed -e _ws.malformed
    cp "$out" "$work/$encap.txt"
    # Every destination lies under one of the routes' prefixes (at a component boundary).
    bad=$(awk -F'\t' 'NR == FNR { split($0, route, " "); prefix[route[1]] = 1; next }
                      { ok = 0; n = split($2, c, "/"); p = ""
                        for (i = 2; i <= n; i++) { p = p "/" c[i]; if (p in prefix) ok = 1 }
                        if ($1 != 33 || $3 != "" || $4 != "" || !ok) print }' "$work/routes.txt" "$work/$encap.txt")
    expect "dmsc-trafficgen --encap $encap: 200 packets decoded, hop limit 33, names under the routes" \
      "200 0" "$(wc -l <"$work/$encap.txt") $(printf '%s' "$bad" | grep -c .)"
  done
fi

echo "wireshark_dissector_test: $runs tshark runs, $(($(date +%s%3N) - t0)) ms, $failures failure(s)"
((failures == 0))
