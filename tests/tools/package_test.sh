#!/usr/bin/env bash
# The Debian package and the install tree of a built tree: cpack makes the .deb (into a scratch
# directory, not the build tree), dpkg-deb lists the binaries, units and examples and shows the
# dependencies; `cmake --install --prefix` fills a scratch prefix.
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$1
scratch=$(mktemp -d /tmp/dmsc-package-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" > "$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$scratch"/out/dmsc_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no dmsc_*_amd64.deb in $scratch/out"
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/dmsc-forwarder ./usr/bin/dmsc-controld ./usr/bin/dmsc-trafficgen ./usr/bin/dmsc-exporter ./usr/bin/dmscctl \
            ./usr/share/dmsc/yang/dmsc-controld.yang ./usr/share/dmsc/yang/dmsc-forwarder.yang \
            ./usr/lib/systemd/system/dmsc-forwarder.service ./usr/lib/systemd/system/dmsc-controld.service \
            ./usr/lib/systemd/system/dmsc-exporter.service ./usr/lib/systemd/system/dmsc-hugepages.service \
            ./usr/lib/dmsc/hugepages.sh ./usr/share/doc/dmsc/examples/sr-two-port/forwarder.conf \
            ./usr/share/doc/dmsc/examples/sr-two-port/controld.conf ./usr/share/doc/dmsc/README.md; do
  grep -q " $path\$" <<< "$contents" || fail "$path missing from $(basename "$deb")"
done
info=$(dpkg-deb --info "$deb")
echo "$info" | sed -n '/Package:/,$p'
depends=$(grep '^ Depends:' <<< "$info") || fail "no Depends"
for dependency in libssl3 librte-eal23 librte-ethdev23 librte-mempool-ring23 librte-net-tap23 libc6; do
  grep -q "$dependency" <<< "$depends" || fail "Depends lacks $dependency: $depends"
done
grep -q '^ Recommends:.*frr' <<< "$info" || fail "frr not recommended"
grep -q '^ Package: dmsc$' <<< "$info" || fail "package name"
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q postinst || fail "no postinst"

cmake --install "$build" --prefix "$scratch/prefix" > /dev/null
for path in bin/dmsc-forwarder bin/dmsc-controld bin/dmsc-trafficgen bin/dmsc-exporter lib/dmsc/hugepages.sh \
            lib/systemd/system/dmsc-forwarder.service share/doc/dmsc/examples/sr-two-port/forwarder.env; do
  [ -e "$scratch/prefix/$path" ] || fail "cmake --install: $path missing"
done
"$scratch/prefix/bin/dmsc-exporter" --help > /dev/null
if command -v systemd-analyze > /dev/null; then
  # Unit syntax only (the binaries are not at /usr/bin here): unknown keys and bad values.
  for unit in "$scratch"/prefix/lib/systemd/system/*.service; do
    systemd-analyze verify "$unit" 2>&1 | grep -E 'Unknown (key|section)|Failed to parse|Invalid' && fail "$unit"
  done
fi
echo "package_test: $(basename "$deb") OK"
