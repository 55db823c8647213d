#!/usr/bin/env bash
# Installs every Debian 12 package dmsc needs to build, test and benchmark.
# Idempotent: safe to run again; does nothing when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
  dpdk dpdk-dev libdpdk-dev
  libhyperscan-dev
  libyang2-dev libyang2-tools
  frr
  libgtest-dev libgmock-dev libbenchmark-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  liburcu-dev
  libssl-dev
  libnuma-dev libpcap-dev
  python3 python3-scapy python3-yaml
  iproute2 tcpdump jq
  tshark
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark pulls in wireshark-common, which asks whether non-root users may capture: answer no
# beforehand. Only when tshark is to be installed; setting the same answer again is harmless.
if printf '%s\n' "${missing[@]}" | grep -qx tshark; then
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
