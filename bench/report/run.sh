#!/usr/bin/env bash
# Throughput and peak memory of the crash-report parser.
#
# usage: bench/report/run.sh [SIZE_MIB]     (default 1024)
#
# Builds bench_report optimized, without sanitizers, in build-bench-report/,
# generates a SIZE_MIB no-crash kernel console log in /tmp (deleted at the
# end), and prints MB/s and peak RSS for it and for the syzkaller report
# corpus (../shared/corpus/linux-reports, when present; one stream per log).
set -euo pipefail

size_mib=${1:-1024}
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$root/build-bench-report
export LC_ALL=C

if [ ! -f "$bdir/build.ninja" ]; then
	echo "bench: configuring $bdir (release, no sanitizers)" >&2
	opts=(--buildtype=release -Db_sanitize=none -Dwerror=false)
	if ! meson setup "$bdir" "$root" "${opts[@]}" -Dtests=disabled >/dev/null; then
		rm -rf "$bdir"
		meson setup "$bdir" "$root" "${opts[@]}" >/dev/null
	fi
fi
ninja -C "$bdir" bench/report/bench_report >/dev/null || {
	ninja -C "$bdir" bench/report/bench_report
	exit 1
}
bench=$bdir/bench/report/bench_report

log=$(mktemp /tmp/culprit-bench-report.XXXXXX)
trap 'rm -f "$log"' EXIT
python3 - "$log" "$size_mib" <<'EOP'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
msgs = [
    "random: crng init done",
    "EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.",
    "audit: type=1400 audit(1700000000.123:45): apparmor=\"STATUS\" operation=\"profile_load\"",
    "pci 0000:00:01.0: [8086:7000] type 00 class 0x060100",
    "virtio_net virtio0 enp0s4: renamed from eth0",
    "IPv6: ADDRCONF(NETDEV_CHANGE): enp0s4: link becomes ready",
    "systemd[1]: Started Journal Service.",
    "device lo entered promiscuous mode",
    "netlink: 'syz-executor.3': attribute type 10 has an invalid length.",
    "loop0: detected capacity change from 0 to 8192",
    "FAT-fs (loop0): Volume was not properly unmounted. Some data may be corrupt.",
    "kworker/u4:2 (123) used greatest stack depth: 10456 bytes left",
    "usb 1-1: new high-speed USB device number 2 using dummy_hcd",
    "hid-generic 0003:0004:0005.0001: unknown main item tag 0x0",
    "sched: RT throttling activated",
    "TCP: request_sock_TCP: Possible SYN flooding on port 20002. Sending cookies.",
]
block = []
t = 0.0
size = 0
while size < (1 << 20):
    t += rnd.random() / 100
    tid = rnd.randint(1, 30000)
    line = "[%12.6f][T%5d] %s\n" % (t, tid, rnd.choice(msgs))
    block.append(line)
    size += len(line)
data = "".join(block).encode()[: 1 << 20]
data = data[: data.rfind(b"\n") + 1]
with open(path, "wb") as f:
    written = 0
    while written < mib << 20:
        f.write(data)
        written += len(data)
EOP
bytes=$(stat -c %s "$log")
echo "no-crash log: $((bytes / 1048576)) MiB of console lines (generated in /tmp)"
# A first read warms the page cache so the parser, not the disk, is timed.
cat "$log" >/dev/null
"$bench" "$log"

corpus="$root/../shared/corpus/linux-reports"
if [ -d "$corpus" ]; then
	echo "corpus: $corpus"
	"$bench" "$corpus"/*/log
else
	echo "corpus: not found at $corpus (skipped)"
fi
