#!/usr/bin/python3
"""Checks the TRex profile without TRex, with Debian's python3-scapy.

  selftest.py routes --services N --face F --out routes.txt     routes matching the sweep
  selftest.py expand --services N --out packets.pcap [--encap ethernet|udp4]
        the packets TRex's field engine makes from the profile's base packet (its writes
        applied as TRex's VM applies them), each checked to decode to the expected name
  selftest.py check --sent packets.pcap --received out.pcap
        every sent packet came back once, hop limit decremented, all else unchanged
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dmsc_scapy import DMSC, decode_name  # noqa: E402
from scapy.layers.inet import IP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402
from stl_dmsc import DmscProfile  # noqa: E402


def ipv4_checksum(header):
    total = sum(int.from_bytes(header[i:i + 2], "big") for i in range(0, len(header), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def expand(profile, count):
    """What TRex sends: the base packet with each VM write applied for values min, min+1, ..."""
    base = bytes(profile.base_packet())
    engine = profile.field_engine()
    variable = engine["variables"][0]
    span = variable["max"] - variable["min"] + 1
    frames = []
    for i in range(count):
        value = variable["min"] + i % span
        frame = bytearray(base)
        for _, offset, size in engine["writes"]:
            frame[offset:offset + size] = value.to_bytes(size, "big")
        if engine["fix_ipv4"]:
            ip = len(Ether(base)) - len(Ether(base)[IP])
            frame[ip + 10:ip + 12] = b"\x00\x00"
            frame[ip + 10:ip + 12] = ipv4_checksum(bytes(frame[ip:ip + 20])).to_bytes(2, "big")
        frames.append(bytes(frame))
        decoded = Ether(bytes(frame))[DMSC]
        expected = profile.service_name(value) + "/" + profile.method
        if decode_name(decoded.dst) != expected or decoded.flow_key != value:
            sys.exit("selftest: packet %d decodes to %s flow %d, wanted %s flow %d" %
                     (i, decode_name(decoded.dst), decoded.flow_key, expected, value))
    return frames


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["routes", "expand", "check"])
    parser.add_argument("--services", type=int, default=256)
    parser.add_argument("--face", type=int, default=1)
    parser.add_argument("--encap", default="ethernet")
    parser.add_argument("--out")
    parser.add_argument("--sent")
    parser.add_argument("--received")
    args = parser.parse_args()
    profile = DmscProfile(services=args.services, encap=args.encap)
    if args.command == "routes":
        with open(args.out, "w") as out:
            for service in range(profile.first_service, profile.first_service + profile.services):
                out.write("%s %d\n" % (profile.service_name(service), args.face))
    elif args.command == "expand":
        frames = expand(profile, profile.services)
        wrpcap(args.out, [Ether(frame) for frame in frames])
        print("selftest: %d packets of %d octets" % (len(frames), len(frames[0])))
    else:
        sent = [Ether(bytes(p))[DMSC] for p in rdpcap(args.sent)]
        received = [Ether(bytes(p))[DMSC] for p in rdpcap(args.received)]
        expected = {}
        for packet in sent:
            packet.hop_limit -= 1
            expected[bytes(packet)] = expected.get(bytes(packet), 0) + 1
        for packet in received:
            key = bytes(packet)
            if expected.get(key, 0) == 0:
                sys.exit("selftest: a received packet was not sent (or came twice): %s" % packet.summary())
            expected[key] -= 1
        missing = sum(expected.values())
        if missing:
            sys.exit("selftest: %d sent packets did not come back" % missing)
        print("selftest: all %d packets forwarded, hop limit decremented, otherwise unchanged" % len(received))


if __name__ == "__main__":
    main()
