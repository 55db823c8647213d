#!/usr/bin/env python3
"""Lists and trims IS-IS captures (classic pcap, Ethernet) for the golden data in this folder.

  isis_pcap.py list FILE [NAMES]             one line per IS-IS frame: type, sender, TLV order
  isis_pcap.py pick RULES IN OUT [NAMES]     keeps the frames RULES selects, in capture order

NAMES maps sender MACs to names: "aa:bb:..=r1,cc:dd:..=r2". RULES, comma-separated:
  iih-states   per sender, the first p2p IIH in each three-way state (Down, Initializing, Up)
  lsp-last     per sender and LSP ID, the last copy seen (highest sequence number)
  csnp-last    per sender, the last CSNP       psnp-last   per sender, the last PSNP
  SENDER:RULE  restricts RULE to one sender, e.g. r1:lsp-last,r2:psnp-last
Standard library only: runs under any python3.
"""
import struct
import sys

PDU_NAMES = {15: "L1 LAN IIH", 16: "L2 LAN IIH", 17: "P2P IIH", 18: "L1 LSP", 20: "L2 LSP",
             24: "L1 CSNP", 25: "L2 CSNP", 26: "L1 PSNP", 27: "L2 PSNP"}
ADJ_STATES = {0: "Up", 1: "Initializing", 2: "Down"}


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if endian is None:
        sys.exit(f"{path}: not a classic pcap file (pcapng? write with tcpdump -w)")
    header = data[:24]
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit(f"{path}: link type {linktype}, expected 1 (Ethernet)")
    records, off = [], 24
    while off + 16 <= len(data):
        ts_sec, ts_frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        records.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return header, records


def write_pcap(path, header, records):
    with open(path, "wb") as f:
        f.write(header)
        for rec_header, frame in records:
            f.write(rec_header + frame)


def tlvs(pdu, start):
    off, out = start, []
    while off + 2 <= len(pdu):
        t, length = pdu[off], pdu[off + 1]
        out.append((t, pdu[off + 2:off + 2 + length]))
        off += 2 + length
    return out


def mac(b):
    return ":".join(f"{x:02x}" for x in b)


def parse(frame, names):
    """Returns a dict describing an IS-IS frame, or None for anything else."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack(">H", frame[12:14])[0]
    if ethertype <= 0x5DC and frame[14:17] == b"\xfe\xfe\x03":
        pdu = frame[17:]
    elif ethertype == 0x8870 and frame[14:17] == b"\xfe\xfe\x03":
        pdu = frame[17:]
    else:
        return None
    if len(pdu) < 8 or pdu[0] != 0x83:
        return None
    src = mac(frame[6:12])
    info = {"sender": names.get(src, src), "type": pdu[4] & 0x1F, "hlen": pdu[1],
            "frame_len": len(frame), "dst": mac(frame[0:6])}
    info["name"] = PDU_NAMES.get(info["type"], f"type {info['type']}")
    t = info["type"]
    if t == 17:
        info["pdu_len"] = struct.unpack(">H", pdu[17:19])[0]
        info["holding"] = struct.unpack(">H", pdu[15:17])[0]
    elif t in (18, 20):
        info["pdu_len"] = struct.unpack(">H", pdu[8:10])[0]
        info["lifetime"] = struct.unpack(">H", pdu[10:12])[0]
        info["lsp_id"] = pdu[12:20].hex()
        info["seq"] = struct.unpack(">I", pdu[20:24])[0]
        info["cksum"] = struct.unpack(">H", pdu[24:26])[0]
        info["flags"] = pdu[26]
    elif t in (24, 25, 26, 27):
        info["pdu_len"] = struct.unpack(">H", pdu[8:10])[0]
    info["tlvs"] = tlvs(pdu[:info.get("pdu_len", len(pdu))], info["hlen"])
    info["state"] = None
    for tlv_type, value in info["tlvs"]:
        if t == 17 and tlv_type == 240 and value:
            info["state"] = ADJ_STATES.get(value[0], str(value[0]))
    return info


def describe(i, info):
    parts = [f"{i:3d} {info['sender']:>4} {info['name']:<8} frame {info['frame_len']:4d}"]
    if "pdu_len" in info:
        parts.append(f"pdu {info['pdu_len']:4d}")
    if info["type"] == 17:
        parts.append(f"hold {info['holding']} state {info['state']}")
    if "lsp_id" in info:
        lsp = info["lsp_id"]
        parts.append(f"lsp {lsp[:4]}.{lsp[4:8]}.{lsp[8:12]}.{lsp[12:14]}-{lsp[14:16]} "
                     f"seq {info['seq']:#x} life {info['lifetime']} cksum {info['cksum']:#06x}")
    order = []
    for tlv_type, value in info["tlvs"]:
        extra = ""
        if tlv_type == 8:
            extra = f"[{len(value)}]"
        elif tlv_type == 10 and value:
            extra = f"[type {value[0]}, {len(value)}]"
        elif tlv_type == 240:
            extra = f"[{value.hex()}]"
        order.append(f"{tlv_type}{extra}")
    parts.append("tlvs " + " ".join(order))
    return "  ".join(parts)


def parse_names(arg):
    names = {}
    for item in filter(None, (arg or "").split(",")):
        addr, name = item.split("=")
        names[addr.lower()] = name
    return names


def pick(rules, records, names):
    infos = [(i, parse(frame, names)) for i, (_, frame) in enumerate(records)]
    infos = [(i, info) for i, info in infos if info]
    keep = set()
    for rule in rules.split(","):
        sender, _, rule = rule.rpartition(":")
        chosen = {}
        for i, info in infos:
            if sender and info["sender"] != sender:
                continue
            if rule == "iih-states" and info["type"] == 17 and info["state"]:
                chosen.setdefault((info["sender"], info["state"]), i)
            elif rule == "lsp-last" and info["type"] in (18, 20):
                chosen[(info["sender"], info["lsp_id"])] = i
            elif rule == "csnp-last" and info["type"] in (24, 25):
                chosen[info["sender"]] = i
            elif rule == "psnp-last" and info["type"] in (26, 27):
                chosen[info["sender"]] = i
            elif rule not in ("iih-states", "lsp-last", "csnp-last", "psnp-last"):
                sys.exit(f"unknown rule {rule}")
        keep.update(chosen.values())
    return [records[i] for i in sorted(keep)]


def main(argv):
    if len(argv) >= 2 and argv[0] == "list":
        _, records = read_pcap(argv[1])
        names = parse_names(argv[2] if len(argv) > 2 else "")
        for i, (_, frame) in enumerate(records, 1):
            info = parse(frame, names)
            print(describe(i, info) if info else f"{i:3d} (not IS-IS)")
    elif len(argv) >= 4 and argv[0] == "pick":
        header, records = read_pcap(argv[2])
        picked = pick(argv[1], records, parse_names(argv[4] if len(argv) > 4 else ""))
        write_pcap(argv[3], header, picked)
        print(f"{argv[3]}: {len(picked)} of {len(records)} frames")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
