"""TRex stateless profile: DMSC requests towards many service names.

    trex> start -f tools/trex/stl_dmsc.py -m 10mpps --port 0 -t services=65536,encap=ethernet

Each packet is Ether / DMSC (/ IP / UDP for encap=udp4) with destination
/<prefix>/<4-octet binary service id>/<method>; TRex's field engine counts the service id
through `services` values (first_service .. first_service + services - 1) and the flow key
with it, so one stream sweeps that many FIB entries. The DMSC header has no checksum; for
UDP/IPv4 the field engine fixes the IPv4 checksum and the UDP checksum is sent as zero
("no checksum", docs/wire-format.md §6.2).

Routes matching the sweep: `python3 tools/trex/selftest.py routes --services N`.
The packet building (base_packet, field_engine) needs only scapy, so it is tested here
without TRex (tools/trex/selftest.py); get_streams() needs TRex's trex_stl_lib.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dmsc_scapy import DMSC, UDP_PORT, component_offsets, decode_name, encode_name  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402


class DmscProfile:
    def __init__(self, prefix="/bench", method="get", services=65536, first_service=0, encap="ethernet",
                 dst_mac="02:00:00:00:00:10", src_mac="02:00:00:00:77:01", dst_ip="10.0.0.1", src_ip="10.0.0.2",
                 payload=16, hop_limit=64):
        self.prefix, self.method = prefix, method
        self.services, self.first_service = int(services), int(first_service)
        self.encap = encap
        self.dst_mac, self.src_mac, self.dst_ip, self.src_ip = dst_mac, src_mac, dst_ip, src_ip
        self.payload, self.hop_limit = int(payload), int(hop_limit)
        if self.encap not in ("ethernet", "udp4"):
            raise ValueError("encap must be ethernet or udp4")
        if self.services < 1 or self.first_service + self.services > 1 << 32:
            raise ValueError("services out of range")

    def service_name(self, service):
        """The text name of service number `service` (what the routes file holds)."""
        raw = service.to_bytes(4, "big")
        return decode_name(encode_name(self.prefix) + bytes([len(raw)]) + raw)  # canonical text form

    def base_packet(self):
        destination = encode_name(self.service_name(self.first_service) + "/" + self.method)
        dmsc = DMSC(hop_limit=self.hop_limit, flow_key=self.first_service, dst=destination, src="/trex/client")
        outer = Ether(dst=self.dst_mac, src=self.src_mac)
        if self.encap == "udp4":
            outer = outer / IP(src=self.src_ip, dst=self.dst_ip, flags="DF", ttl=64) / UDP(sport=0xC000, dport=UDP_PORT, chksum=0)
        return outer / dmsc / Raw(bytes(self.payload))

    def field_engine(self):
        """The writes TRex's VM makes per packet: (variable, offset in the frame, size)."""
        frame = self.base_packet()
        dmsc_offset = len(frame) - len(frame[DMSC])
        destination = bytes(frame[DMSC].dst)
        prefix_components = len(component_offsets(encode_name(self.prefix)))
        service_offset, _ = component_offsets(destination)[prefix_components]
        return {
            "variables": [{"name": "service", "min": self.first_service, "max": self.first_service + self.services - 1,
                           "size": 4, "op": "inc"}],
            "writes": [("service", dmsc_offset + 12 + service_offset, 4),  # the binary name component
                       ("service", dmsc_offset + 4, 4)],                   # the flow key
            "fix_ipv4": self.encap == "udp4",
        }

    def with_tunables(self, tunables):
        """A copy configured by TRex tunables (-t services=...,encap=...)."""
        settings = dict(self.__dict__)
        settings.update({key: value for key, value in tunables.items() if key in settings})
        return DmscProfile(**settings)

    def get_streams(self, direction=0, **kwargs):
        if kwargs:
            return self.with_tunables(kwargs).get_streams(direction)
        from trex_stl_lib.api import (STLFlowStats, STLPktBuilder, STLScVmRaw, STLStream, STLTXCont,  # noqa: F401
                                      STLVmFixIpv4, STLVmFlowVar, STLVmWrFlowVar)
        engine = self.field_engine()
        instructions = []
        for variable in engine["variables"]:
            instructions.append(STLVmFlowVar(name=variable["name"], min_value=variable["min"],
                                             max_value=variable["max"], size=variable["size"], op=variable["op"]))
        for name, offset, _ in engine["writes"]:
            instructions.append(STLVmWrFlowVar(fv_name=name, pkt_offset=offset))
        if engine["fix_ipv4"]:
            instructions.append(STLVmFixIpv4(offset="IP"))
        packet = STLPktBuilder(pkt=self.base_packet(), vm=STLScVmRaw(instructions))
        return [STLStream(packet=packet, mode=STLTXCont())]


def register():
    return DmscProfile()
