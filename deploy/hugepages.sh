#!/usr/bin/env bash
# Reserves 2 MiB huge pages for dmsc-forwarder and mounts hugetlbfs (deploy/README.md).
#   hugepages.sh [--config FILE] [--check]
# FILE (default /etc/dmsc/hugepages.conf), shell-style KEY=VALUE lines, `#` comments:
#   pages_2m=1024        2 MiB pages to have in all (1024 = 2 GiB); never lowers a larger count
#   node=0               optional: reserve them on this NUMA node (the NICs' node) instead
#   mount=/dev/hugepages optional: where hugetlbfs is mounted (pagesize=2M)
# --check: changes nothing; exit 1 when fewer pages are reserved than asked or nothing is mounted.
# Exits 1 when the kernel grants fewer pages than asked (memory too fragmented: reserve them at
# boot, with dmsc-hugepages.service or `hugepages=N` on the kernel command line).
set -euo pipefail

config=/etc/dmsc/hugepages.conf
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "hugepages.sh: unexpected argument '$1'" >&2; exit 2 ;;
  esac
done

pages_2m=0 node="" mount=/dev/hugepages
if [ -r "$config" ]; then
  line_number=0
  while IFS= read -r line || [ -n "$line" ]; do
    line_number=$((line_number + 1))
    line="${line%%#*}"
    line="$(echo "$line" | tr -d '[:space:]')"
    [ -z "$line" ] && continue
    key="${line%%=*}" value="${line#*=}"
    case "$key" in
      pages_2m) [[ "$value" =~ ^[0-9]+$ ]] || { echo "$config:$line_number: pages_2m needs a number" >&2; exit 2; }; pages_2m=$value ;;
      node) [[ "$value" =~ ^[0-9]+$ ]] || { echo "$config:$line_number: node needs a number" >&2; exit 2; }; node=$value ;;
      mount) mount=$value ;;
      *) echo "$config:$line_number: unknown setting '$key' (pages_2m, node, mount)" >&2; exit 2 ;;
    esac
  done < "$config"
else
  echo "hugepages.sh: no $config: nothing to reserve" >&2
  exit 0
fi

if [ -n "$node" ]; then
  counter=/sys/devices/system/node/node$node/hugepages/hugepages-2048kB/nr_hugepages
else
  counter=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
fi
[ -e "$counter" ] || { echo "hugepages.sh: $counter missing (no 2 MiB huge pages on this kernel or node)" >&2; exit 1; }

have=$(cat "$counter")
mounted=0
grep -qs " $mount hugetlbfs " /proc/mounts && mounted=1

if [ "$check" = 1 ]; then
  echo "hugepages.sh: $have of $pages_2m 2 MiB pages${node:+ on node $node}; hugetlbfs at $mount: $([ $mounted = 1 ] && echo yes || echo no)"
  [ "$have" -ge "$pages_2m" ] && { [ "$pages_2m" = 0 ] || [ $mounted = 1 ]; }
  exit
fi

if [ "$have" -lt "$pages_2m" ]; then
  # Dropping clean caches first leaves more contiguous 2 MiB blocks to the kernel.
  sync; echo 3 > /proc/sys/vm/drop_caches || true
  echo 1 > /proc/sys/vm/compact_memory 2>/dev/null || true
  echo "$pages_2m" > "$counter"
  have=$(cat "$counter")
fi
if [ "$pages_2m" -gt 0 ] && [ $mounted = 0 ]; then
  mkdir -p "$mount"
  mount -t hugetlbfs -o pagesize=2M nodev "$mount"
fi
echo "hugepages.sh: $have 2 MiB pages${node:+ on node $node} (asked $pages_2m), hugetlbfs at $mount"
[ "$have" -ge "$pages_2m" ] || { echo "hugepages.sh: the kernel granted only $have of $pages_2m pages" >&2; exit 1; }
