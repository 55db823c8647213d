#!/usr/bin/python3
"""Writes dmsc-packets.pcap (DMSC data packets, Ethernet and UDP, good and malformed) and
dmsc-isis-malformed.pcap (d1's real LSP from dmsc-isis-lsp.pcap with its TLV 251 damaged), the
inputs of tests/tools/wireshark_dissector_test.sh. Needs scapy: run with /usr/bin/python3.

    /usr/bin/python3 make_dmsc_capture.py [OUTDIR]

Good packets are built with the project's scapy layer (tools/trex/dmsc_scapy.py); malformed
ones are the known packet of docs/wire-format.md §10 with one field broken by hand. Timestamps
are fixed (frame N at N seconds) so the output is the same on every run.
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "tools", "trex"))

from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Dot1Q, Ether  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402

from dmsc_scapy import DMSC, ETHERTYPE  # noqa: E402

A, B = "02:00:00:00:00:01", "02:00:00:00:00:02"
# docs/wire-format.md §10: Request, A flag, hop 64, flow 0x01020304, /sg/a -> /svc/payments, "ping".
KNOWN = bytes.fromhex("11804008010203040004" "0d05" "03737663087061796d656e7473" "0273670161" "0000") + b"ping"


def eth(payload):
    return Ether(dst=A, src=B, type=ETHERTYPE) / payload


def raw_eth(data):
    return Ether(dst=A, src=B, type=ETHERTYPE) / data


def broken(offset, value):
    data = bytearray(KNOWN)
    data[offset] = value
    return bytes(data)


def error_payload(reason, detail, header):
    return bytes([reason, 0]) + detail.to_bytes(2, "big") + header


packets = [
    # 1-6: well formed.
    raw_eth(KNOWN),
    Ether(dst=A, src=B) / IP(src="192.0.2.1", dst="192.0.2.2", ttl=64, flags="DF") / UDP(sport=49153, dport=6464) / KNOWN,
    Ether(dst=A, src=B) / IPv6(src="2001:db8::2", dst="2001:db8::1") / UDP(sport=0xC000 | 0x3EEF, dport=6464)
    / DMSC(type=2, flags=0, hop_limit=63, flow_key=0xDEADBEEF, dst="/sg/a", src="/svc/payments") / (b"x" * 100),
    eth(DMSC(type=3, hop_limit=1, flow_key=7, dst="/svc/pay%2Fments/eu%20west", src="/sr/1") / b"probe"),
    eth(DMSC(type=5, hop_limit=64, flow_key=0x01020304, dst="/sg/a", src=b"")
        / error_payload(1, 0, KNOWN[:32])),
    Ether(dst=A, src=B) / Dot1Q(vlan=10, type=ETHERTYPE) / DMSC(type=1, flags=0x80, hop_limit=17, flow_key=42,
                                                               dst="/svc/alpha", src="/sg/b") / b"",
    # 7-12: malformed, one reason each (docs/wire-format.md §4.3).
    raw_eth(broken(0, 0x21)),                                  # 7 version 2: bad_version
    raw_eth(broken(16, 0x00)),                                 # 8 "svc" then a zero length octet: empty component
    raw_eth(KNOWN[:10] + bytes([40, 5]) + KNOWN[12:20]),       # 9 Dst Name Len 40 past the packet
    raw_eth(broken(9, 100)),                                   # 10 Payload Length 100, 4 present
    raw_eth(broken(3, 9)),                                     # 11 Header Length 9, names say 8
    raw_eth(KNOWN[:8]),                                        # 12 8 octets: truncated_header
]
for i, p in enumerate(packets):
    p.time = 1700000000 + i

outdir = sys.argv[1] if len(sys.argv) > 1 else here
wrpcap(os.path.join(outdir, "dmsc-packets.pcap"), packets)

# d1's first LSP (frame 1 of the real capture), TLV 251 value replaced by damaged variants.
lsp = bytes(rdpcap(os.path.join(here, "dmsc-isis-lsp.pcap"))[0])
tlv_at = lsp.index(bytes([0xFB, 0x42, 0x00, 0x0D, 0x35]))
tlv_end = tlv_at + 2 + lsp[tlv_at + 1]


def sp(flags, metric, name, extra=b""):
    value = bytes([flags]) + metric.to_bytes(4, "big") + bytes([len(name)]) + name + extra
    return bytes([1, len(value)]) + value


def with_geninfo(sub_tlvs, app=0x0D35, flags=0):
    value = bytes([flags]) + app.to_bytes(2, "big") + sub_tlvs
    tlv = bytes([251, len(value)]) + value
    pdu = bytearray(lsp[17:tlv_at - 0] + tlv + lsp[tlv_end:])  # from the IS-IS header on
    pdu[8:10] = len(pdu).to_bytes(2, "big")                    # PDU length
    return Ether(lsp[:12] + (len(pdu) + 3).to_bytes(2, "big") + lsp[14:17] + bytes(pdu))


good = sp(0, 5, bytes.fromhex("0373766305616c706861"))  # /svc/alpha, metric 5
lsps = [
    # 1: good, then a name with an empty component, then a good one that must be dropped.
    with_geninfo(good + sp(0, 7, bytes.fromhex("0373766300")) + sp(1, 9, bytes.fromhex("0178"))),
    # 2: metric above 0xFE000000.
    with_geninfo(good + sp(0, 0xFE000001, bytes.fromhex("0178"))),
    # 3: name length 30 past the sub-TLV.
    with_geninfo(good + bytes([1, 8, 0, 0, 0, 0, 3, 30, 1, 0x78])),
    # 4: sub-TLV length 200 past the GENINFO TLV.
    with_geninfo(good + bytes([1, 200, 0, 0, 0, 0, 3])),
    # 5: an unknown sub-TLV (type 9) is skipped, the Service Prefix after it is kept; IPv4 flag set.
    with_geninfo(bytes([192, 0, 2, 1]) + bytes([9, 2, 0xAA, 0xBB]) + good, flags=0x04),
    # 6: another application's GENINFO: not ours, no subtree.
    with_geninfo(good, app=0x0001),
]
for i, p in enumerate(lsps):
    p.time = 1700000100 + i
wrpcap(os.path.join(outdir, "dmsc-isis-malformed.pcap"), lsps)
print("wrote %d DMSC frames and %d LSPs to %s" % (len(packets), len(lsps), outdir))
