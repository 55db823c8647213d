#!/usr/bin/python3
"""NDR/PDR search for an SR box with TRex (stateless), the DMSC profile stl_dmsc.py.

  ndr.py --server 127.0.0.1 --tx-port 0 --rx-port 1 --max-mpps 30 \
         --tunables services=65536,encap=ethernet [--pdr-loss 0.001] [--duration 10]

Binary search on the offered rate: a trial sends for --duration seconds and counts what came
back on the rx port. NDR is the highest rate with no loss, PDR the highest with loss at most
--pdr-loss. Prints one JSON object. Needs TRex's trex_stl_lib on PYTHONPATH
(e.g. <trex>/automation/trex_control_plane/interactive).
"""

import argparse
import json
import os
import sys
import time


def trial(client, profile, args, rate):
    tx, rx = args.tx_port, args.rx_port
    client.reset(ports=[tx, rx])
    client.add_streams(profile.get_streams(), ports=[tx])
    client.clear_stats()
    client.start(ports=[tx], mult="%.6fmpps" % rate, duration=args.duration)
    client.wait_on_traffic(ports=[tx])
    time.sleep(0.5)  # packets in flight
    stats = client.get_stats()
    sent, received = stats[tx]["opackets"], stats[rx]["ipackets"]
    loss = (sent - received) / sent if sent else 1.0
    print("trial %.3f Mpps: sent %d received %d loss %.6f" % (rate, sent, received, loss), file=sys.stderr)
    return loss


def search(client, profile, args, acceptable_loss):
    low, high = 0.0, args.max_mpps
    while high - low > args.resolution:
        rate = (low + high) / 2
        if trial(client, profile, args, rate) <= acceptable_loss:
            low = rate
        else:
            high = rate
    return low


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="127.0.0.1")
    parser.add_argument("--tx-port", type=int, default=0)
    parser.add_argument("--rx-port", type=int, default=1)
    parser.add_argument("--max-mpps", type=float, required=True, help="upper bound of the search (line rate)")
    parser.add_argument("--resolution", type=float, default=0.1, help="Mpps")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--pdr-loss", type=float, default=0.001)
    parser.add_argument("--tunables", default="", help="profile tunables, key=value,...")
    args = parser.parse_args()

    from trex_stl_lib.api import STLClient, STLProfile
    tunables = dict(item.split("=", 1) for item in args.tunables.split(",") if item)
    profile = STLProfile.load_py(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stl_dmsc.py"), **tunables)
    client = STLClient(server=args.server)
    client.connect()
    try:
        ndr = search(client, profile, args, 0.0)
        pdr = search(client, profile, args, args.pdr_loss)
    finally:
        client.disconnect()
    print(json.dumps({"ndr_mpps": round(ndr, 3), "pdr_mpps": round(pdr, 3), "pdr_loss": args.pdr_loss,
                      "trial_seconds": args.duration, "tunables": tunables}))


if __name__ == "__main__":
    main()
