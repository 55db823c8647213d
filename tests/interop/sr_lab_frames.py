"""DMSC data packets through the SR lab (sr_lab.sh), built and read with tools/trex's scapy layer.

    sr_lab_frames.py probe --from NS IFACE SRC_MAC DST_MAC --name PREFIX --count N [--hop-limit H]
                           --watch NS IFACE DST_MAC [--watch ...] [--timeout S]

Opens a receiving socket on each watched interface (each in its own network namespace), then
sends N DMSC-over-Ethernet packets to PREFIX/<i> from IFACE in namespace NS, and prints one line:
for each watch, how many of this probe's packets arrived there forwarded, that is addressed to
its DST_MAC, to a name under PREFIX, with hop limit H-1. It waits until all N arrived somewhere
(then 0.2 s more, to catch duplicates) or for S seconds (default 2). Frames of the probe that
arrive otherwise changed are reported on stderr. One process does it all (setns), so a probe
costs one Python start instead of a tcpdump per interface.

Run as root with Debian's /usr/bin/python3 (python3-scapy).
"""

import argparse
import ctypes
import os
import random
import select
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "trex"))

from dmsc_scapy import DMSC, ETHERTYPE, encode_name  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

CLONE_NEWNET = 0x40000000
PACKET_OUTGOING = 4
libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, "setns %s: %s" % (path, os.strerror(error)))
    finally:
        os.close(fd)


def socket_in(namespace, iface, protocol):
    """A packet socket bound to IFACE of NAMESPACE; it stays there when we leave."""
    enter_netns("/run/netns/" + namespace)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(protocol))
    sock.bind((iface, protocol))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    return sock


def probe(args):
    home = "/proc/self/ns/net"
    home_fd = os.open(home, os.O_RDONLY)
    watches = []
    for namespace, iface, mac in args.watch:
        watches.append((socket_in(namespace, iface, ETHERTYPE), mac.lower()))
    namespace, iface, src_mac, dst_mac = getattr(args, "from")
    sender = socket_in(namespace, iface, 0)
    if libc.setns(home_fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns back")

    tag = "/h2/probe-%08x" % random.getrandbits(32)
    tag_wire = encode_name(tag)
    prefix_wire = encode_name(args.name)
    for i in range(args.count):
        frame = Ether(src=src_mac, dst=dst_mac, type=ETHERTYPE) / DMSC(
            dst="%s/%d" % (args.name, i), src=tag, hop_limit=args.hop_limit, flow_key=i) / (b"dmsc-lab" * 4)
        sender.send(bytes(frame))

    counts = [0] * len(watches)
    deadline = time.monotonic() + args.timeout
    all_in = None
    while True:
        now = time.monotonic()
        if now >= deadline or (all_in is not None and now >= all_in):
            break
        ready, _, _ = select.select([w[0] for w in watches], [], [], min(deadline, all_in or deadline) - now)
        for index, (sock, mac) in enumerate(watches):
            if sock not in ready:
                continue
            data, address = sock.recvfrom(65535)
            if address[2] == PACKET_OUTGOING:
                continue
            packet = Ether(data)
            if not packet.haslayer(DMSC) or packet[DMSC].src != tag_wire:
                continue  # not this probe's
            header = packet[DMSC]
            if packet.dst.lower() == mac and header.dst.startswith(prefix_wire) and header.hop_limit == args.hop_limit - 1:
                counts[index] += 1
            else:
                print("probe packet arrived changed on watch %d: %s" % (index, packet.summary()), file=sys.stderr)
        if all_in is None and sum(counts) >= args.count:
            all_in = time.monotonic() + 0.2
    print(" ".join(str(c) for c in counts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("probe")
    p.add_argument("--from", nargs=4, metavar=("NS", "IFACE", "SRC_MAC", "DST_MAC"), required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--hop-limit", type=int, default=64)
    p.add_argument("--watch", nargs=3, action="append", metavar=("NS", "IFACE", "DST_MAC"), required=True)
    p.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    probe(args)


if __name__ == "__main__":
    main()
