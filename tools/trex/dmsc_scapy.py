"""Scapy layer for the DMSC data packet (docs/wire-format.md §4), for TRex profiles and tests.

    Ether(dst=..., type=0x88B5) / DMSC(dst="/svc/payments", src="/sg/a") / payload
    Ether() / IP() / UDP(dport=6464) / DMSC(...)

Names are given in text form ("/svc/a", %XX escapes for opaque octets) or as wire bytes.
Header Length, Payload Length, both name lengths and the padding are filled in on build.
"""

from scapy.fields import BitEnumField, BitField, ByteField, IntField, ShortField, StrLenField
from scapy.layers.inet import UDP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, bind_layers

ETHERTYPE = 0x88B5
UDP_PORT = 6464
PACKET_TYPES = {1: "request", 2: "response", 3: "probe", 4: "probe_reply", 5: "error"}
UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def encode_name(text):
    """Text form -> wire form (length-prefixed components)."""
    if isinstance(text, (bytes, bytearray)):
        return bytes(text)
    if not text.startswith("/"):
        raise ValueError("a name starts with '/': %r" % text)
    wire = b""
    for component in text.split("/")[1:]:
        if component == "":
            continue
        raw = bytearray()
        i = 0
        while i < len(component):
            if component[i] == "%":
                raw.append(int(component[i + 1:i + 3], 16))
                i += 3
            else:
                raw.append(ord(component[i]))
                i += 1
        if not 1 <= len(raw) <= 254:
            raise ValueError("component length %d" % len(raw))
        wire += bytes([len(raw)]) + bytes(raw)
    if len(wire) > 255:
        raise ValueError("name longer than 255 octets")
    return wire


def decode_name(wire):
    """Wire form -> canonical text form."""
    parts, offset = [], 0
    while offset < len(wire):
        length = wire[offset]
        component = wire[offset + 1:offset + 1 + length]
        parts.append("".join(chr(c) if c in UNRESERVED else "%%%02X" % c for c in component))
        offset += 1 + length
    return "/" + "/".join(parts)


def component_offsets(wire):
    """(offset of the component's first octet, length) for each component of a wire name."""
    result, offset = [], 0
    while offset < len(wire):
        result.append((offset + 1, wire[offset]))
        offset += 1 + wire[offset]
    return result


class NameField(StrLenField):
    def h2i(self, pkt, x):
        return encode_name(x) if isinstance(x, str) else x

    def any2i(self, pkt, x):
        return self.h2i(pkt, x)

    def i2repr(self, pkt, x):
        return decode_name(x)


class DMSC(Packet):
    name = "DMSC"
    fields_desc = [
        BitField("version", 1, 4),
        BitEnumField("type", 1, 4, PACKET_TYPES),
        ByteField("flags", 0),  # 0x80: A (affinity)
        ByteField("hop_limit", 64),
        ByteField("header_length", None),  # in 4-octet words
        IntField("flow_key", 0),
        ShortField("payload_length", None),
        ByteField("dst_length", None),
        ByteField("src_length", None),
        NameField("dst", b"", length_from=lambda p: p.dst_length),
        NameField("src", b"", length_from=lambda p: p.src_length),
        StrLenField("padding", b"", length_from=lambda p: p.header_length * 4 - 12 - p.dst_length - p.src_length),
    ]

    def post_build(self, header, payload):
        dst_length, src_length = len(self.dst), len(self.src)
        names_end = 12 + dst_length + src_length
        header_length = (names_end + 3) & ~3
        header = header[:names_end] + b"\x00" * (header_length - names_end)
        fields = bytearray(header)
        if self.header_length is None:
            fields[3] = header_length // 4
        if self.payload_length is None:
            fields[8:10] = len(payload).to_bytes(2, "big")
        if self.dst_length is None:
            fields[10] = dst_length
        if self.src_length is None:
            fields[11] = src_length
        return bytes(fields) + payload

    def extract_padding(self, s):
        return s[:self.payload_length], s[self.payload_length:]

    def name_offset(self):
        """Offset of the destination name in the DMSC header."""
        return 12


bind_layers(Ether, DMSC, type=ETHERTYPE)
bind_layers(UDP, DMSC, dport=UDP_PORT)
