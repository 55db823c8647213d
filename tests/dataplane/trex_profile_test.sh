#!/bin/bash
# The TRex profile (tools/trex/stl_dmsc.py) without TRex: the packets its field engine makes,
# built with Debian's scapy, go through the real forwarder and all come back forwarded.
#   trex_profile_test.sh <dmsc-forwarder> <tools/trex directory>
set -euo pipefail
forwarder=$1
trex=$2
python=/usr/bin/python3  # Debian's, with python3-scapy
work=$(mktemp -d /tmp/dmsc-trex-XXXXXX)
trap 'rm -rf "$work"' EXIT

for encap in ethernet udp4; do
  "$python" "$trex/selftest.py" expand --services 1000 --encap $encap --out "$work/sent.pcap"
  "$python" "$trex/selftest.py" routes --services 1000 --face 1 --out "$work/routes.txt"
  "$python" -c "from scapy.utils import wrpcap; wrpcap('$work/empty.pcap', [])"
  cat > "$work/sr.conf" <<CONF
stats dmsc-trex-$$
port p0 net_pcap0 mac 02:00:00:00:00:10 ipv4 10.0.0.1
port p1 net_pcap1 mac 02:00:00:00:00:11
face 1 ethernet p1 02:00:00:00:01:01
routes routes.txt
CONF
  rm -f "$work/out.pcap"
  "$forwarder" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "dmsc-trex-$$" --log-level '*:warning' \
    --vdev "net_pcap0,rx_pcap=$work/sent.pcap" --vdev "net_pcap1,rx_pcap=$work/empty.pcap,tx_pcap=$work/out.pcap" \
    -- --config "$work/sr.conf" --exit-when-idle 0.5 --duration 60 --report "$work/report.json" 2>"$work/log" ||
    { cat "$work/log"; exit 1; }
  echo "$encap: $(head -c 200 "$work/report.json")"
  "$python" "$trex/selftest.py" check --sent "$work/sent.pcap" --received "$work/out.pcap"
done

# What needs TRex itself is at least valid Python.
"$python" -m py_compile "$trex/stl_dmsc.py" "$trex/ndr.py" "$trex/dmsc_scapy.py"
