"""A pod of the dmsc lab (tools/lab/README.md): a host behind a service gateway that serves
names and calls other services, with DMSC packets directly over Ethernet (docs/wire-format.md).

    pod.py --iface IF --mac MAC --gateway-mac MAC --name POD --serve PREFIX [--serve ...]
           [--flow NAME RATE ...] --stats FILE

- Serving: a Request whose destination is under a served prefix is answered with a Response
  (destination: the Request's source; source: PREFIX/POD; Flow Key, flags and payload copied).
- Calling: for each --flow, RATE Requests per second to NAME/POD/<seq>, source
  <first served prefix>/POD, so the Responses route back here. The payload carries the sequence
  number and the send time: each Response gives a round-trip time.
- With --go GO, the calls start once the file GO exists: the lab creates it when every pod
  serves, so no call goes to a pod that is not listening yet.
- Every 0.5 s (and right after the socket is open), FILE gets a JSON object (written whole, then renamed): per flow sent, answered,
  lost (unanswered after 1 s), round-trip times; requests served; frames that were not ours.

Runs until SIGTERM/SIGINT. No scapy: the header is built and read with struct, so a pod costs
little CPU at a few hundred packets per second. Run inside the pod's network namespace, as root.
"""

import argparse
import json
import os
import select
import signal
import socket
import struct
import time

ETHERTYPE = 0x88B5
REQUEST, RESPONSE = 1, 2
LOST_AFTER_S = 1.0
PAYLOAD = struct.Struct("!IQQ")  # flow index, sequence number, send time (ns)


def encode_name(text):
    wire = b""
    for component in text.strip("/").split("/"):
        raw = component.encode()
        wire += bytes([len(raw)]) + raw
    return wire


def decode_name(wire):
    parts, offset = [], 0
    while offset < len(wire):
        length = wire[offset]
        parts.append(wire[offset + 1:offset + 1 + length].decode(errors="replace"))
        offset += 1 + length
    return "/" + "/".join(parts)


def under(name_wire, prefix_wire):
    """Component-wise prefix test on wire names (a byte prefix at a component boundary)."""
    return name_wire.startswith(prefix_wire)


def build(dst_mac, src_mac, packet_type, flags, flow_key, dst, src, payload):
    names_end = 12 + len(dst) + len(src)
    header_length = (names_end + 3) & ~3
    header = struct.pack("!BBBBIHBB", (1 << 4) | packet_type, flags, 64, header_length // 4, flow_key,
                         len(payload), len(dst), len(src))
    return (dst_mac + src_mac + struct.pack("!H", ETHERTYPE) + header + dst + src +
            b"\0" * (header_length - names_end) + payload)


def parse(frame):
    """(type, flags, flow_key, dst, src, payload) or None for a frame that is not a DMSC packet."""
    if len(frame) < 26 or struct.unpack_from("!H", frame, 12)[0] != ETHERTYPE:
        return None
    first, flags, _hop, words, flow_key, payload_length, dst_len, src_len = struct.unpack_from("!BBBBIHBB", frame, 14)
    header_end = 14 + words * 4
    if first >> 4 != 1 or 12 + dst_len + src_len > words * 4 or header_end + payload_length > len(frame):
        return None
    dst = frame[26:26 + dst_len]
    src = frame[26 + dst_len:26 + dst_len + src_len]
    return first & 15, flags, flow_key, dst, src, frame[header_end:header_end + payload_length]


class Flow:
    def __init__(self, pod, to, rate):
        self.to, self.rate = to, rate
        self.prefix = encode_name(to + "/" + pod)
        self.sent = self.answered = self.late = 0
        self.outstanding = {}  # seq -> send time (s)
        self.lost = 0
        self.rtts_ms = []      # of the last stats period
        self.next_send = time.monotonic()

    def expire(self, now):
        for seq in [s for s, t in self.outstanding.items() if now - t > LOST_AFTER_S]:
            del self.outstanding[seq]
            self.lost += 1


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 3)


def run(args):
    mac = bytes.fromhex(args.mac.replace(":", ""))
    gateway = bytes.fromhex(args.gateway_mac.replace(":", ""))
    serves = [encode_name(p) for p in args.serve]
    source = encode_name(args.serve[0] + "/" + args.name) if args.serve else b""
    flows = [Flow(args.name, to, int(rate)) for to, rate in args.flow]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
    sock.bind((args.iface, ETHERTYPE))
    sock.setblocking(False)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    served = foreign = 0
    started = time.monotonic()
    next_stats = started
    calling = args.go is None  # with --go, calls wait until the lab says every pod serves
    while not stop:
        now = time.monotonic()
        if not calling and os.path.exists(args.go):
            calling = True
            for flow in flows:
                flow.next_send = now
        for index, flow in enumerate(flows if calling else []):
            while flow.next_send <= now:
                seq = flow.sent
                dst = flow.prefix + encode_name("/%d" % seq)
                payload = PAYLOAD.pack(index, seq, time.monotonic_ns())
                try:
                    sock.send(build(gateway, mac, REQUEST, 0, seq & 0xFFFFFFFF, dst, source, payload))
                    flow.outstanding[seq] = now
                    flow.sent += 1
                except BlockingIOError:
                    pass
                flow.next_send += 1.0 / flow.rate
            flow.expire(now)
        if now >= next_stats:
            next_stats = now + 0.5
            write_stats(args, flows, served, foreign, now - started)
        wake = min([next_stats] + [f.next_send for f in flows if calling] + ([] if calling else [now + 0.01]))
        ready, _, _ = select.select([sock], [], [], max(0.0, wake - time.monotonic()))
        if not ready:
            continue
        while True:
            try:
                frame, address = sock.recvfrom(65535)
            except BlockingIOError:
                break
            if address[2] == socket.PACKET_OUTGOING:
                continue
            packet = parse(frame)
            if packet is None or frame[0:6] != mac:
                foreign += 1
                continue
            packet_type, flags, flow_key, dst, src, payload = packet
            if packet_type == REQUEST and any(under(dst, p) for p in serves):
                answer_src = next(p for p in serves if under(dst, p)) + encode_name("/" + args.name)
                sock.send(build(gateway, mac, RESPONSE, flags, flow_key, src, answer_src, payload))
                served += 1
            elif packet_type == RESPONSE and len(payload) >= PAYLOAD.size:
                index, seq, sent_ns = PAYLOAD.unpack_from(payload)
                flow = flows[index] if index < len(flows) and under(dst, source) else None
                if flow is None or seq not in flow.outstanding:
                    foreign += 1
                    continue
                del flow.outstanding[seq]
                flow.answered += 1
                flow.rtts_ms.append((time.monotonic_ns() - sent_ns) / 1e6)
            else:
                foreign += 1
    write_stats(args, flows, served, foreign, time.monotonic() - started)


def write_stats(args, flows, served, foreign, elapsed):
    report = {"pod": args.name, "elapsed_s": round(elapsed, 3), "served": served, "foreign": foreign, "flows": []}
    for flow in flows:
        report["flows"].append({
            "to": flow.to, "rate": flow.rate, "sent": flow.sent, "answered": flow.answered, "lost": flow.lost,
            "outstanding": len(flow.outstanding), "rtt_ms_p50": percentile(flow.rtts_ms, 50),
            "rtt_ms_p99": percentile(flow.rtts_ms, 99), "rtt_samples": len(flow.rtts_ms)})
        flow.rtts_ms = flow.rtts_ms[-2000:]
    temporary = args.stats + ".tmp"
    with open(temporary, "w") as out:
        json.dump(report, out)
    os.replace(temporary, args.stats)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iface", required=True)
    parser.add_argument("--mac", required=True)
    parser.add_argument("--gateway-mac", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--serve", action="append", default=[])
    parser.add_argument("--flow", nargs=2, action="append", default=[], metavar=("NAME", "RATE"))
    parser.add_argument("--stats", required=True)
    parser.add_argument("--go", help="start calling once this file exists (serving starts at once)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
