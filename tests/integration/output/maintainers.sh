#!/bin/bash
# culprit maintainers against the kernel's own scripts/get_maintainer.pl on a
# real MAINTAINERS file (Debian's linux-source-6.1), for a sample of files:
# the same set of addresses for each file (--no-git --no-rolestats).
. "$SOURCE_ROOT/tests/integration/lib.sh"

TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
if [ ! -f "$TARBALL" ]; then
	skip "get_maintainer.pl comparison: $TARBALL absent (apt-get install linux-source-6.1)"
	finish
	exit $?
fi
if ! command -v perl >/dev/null; then
	skip "get_maintainer.pl comparison: perl absent"
	finish
	exit $?
fi
tar -xJf "$TARBALL" -C "$TMP" linux-source-6.1/MAINTAINERS \
	linux-source-6.1/scripts/get_maintainer.pl || { fail "extracting $TARBALL"; finish; exit 1; }
K=$TMP/linux-source-6.1
# what get_maintainer.pl needs to take the directory for a kernel tree
touch "$K/COPYING" "$K/CREDITS" "$K/Kbuild" "$K/Makefile" "$K/README"
mkdir -p "$K/Documentation" "$K/arch" "$K/include" "$K/drivers" "$K/fs" "$K/init" \
	"$K/ipc" "$K/kernel" "$K/lib" "$K/scripts"

FILES="kernel/locking/lockdep.c kernel/locking/irqflag-debug.c include/linux/irqflags.h
lib/Kconfig.debug mm/hugetlb.c mm/gup.c io_uring/io_uring.c arch/x86/kernel/kvm.c
net/ipv4/tcp.c net/core/dev.c drivers/net/ethernet/intel/e1000e/netdev.c
drivers/gpu/drm/i915/i915_driver.c drivers/gpu/drm/amd/amdgpu/amdgpu_device.c
drivers/usb/core/hub.c drivers/usb/gadget/legacy/raw_gadget.c fs/ext4/inode.c
fs/btrfs/ctree.c fs/xfs/xfs_inode.c fs/f2fs/file.c fs/nfs/inode.c sound/core/pcm.c
sound/soc/codecs/wm8994.c drivers/media/usb/uvc/uvc_driver.c drivers/bluetooth/btusb.c
net/bluetooth/hci_core.c net/wireless/nl80211.c net/mac80211/rx.c
drivers/net/wireless/ath/ath9k/hif_usb.c arch/arm64/kernel/setup.c arch/arm/mach-imx/cpu.c
arch/arm/boot/dts/imx6q.dtsi arch/arm64/boot/dts/rockchip/rk3399.dtsi
drivers/pinctrl/mediatek/pinctrl-mt8183.c drivers/clk/meson/g12a.c drivers/soc/qcom/smem.c
drivers/iio/adc/ad7124.c drivers/hid/hid-core.c drivers/input/joystick/xpad.c block/blk-mq.c
drivers/block/loop.c drivers/scsi/sd.c drivers/nvme/host/core.c security/selinux/hooks.c
crypto/aes_generic.c virt/kvm/kvm_main.c tools/testing/selftests/bpf/test_progs.c
kernel/bpf/verifier.c include/uapi/linux/bpf.h drivers/staging/rtl8723bs/core/rtw_ap.c
kernel/sched/core.c init/main.c Makefile scripts/get_maintainer.pl
drivers/net/ethernet/stmicro/stmmac/dwmac-rk.c arch/arm/mach-s3c/mach-crag6410.c"

# the files must exist for get_maintainer.pl -f
for f in $FILES; do mkdir -p "$K/$(dirname "$f")"; [ -e "$K/$f" ] || : >"$K/$f"; done

addresses() { sed -e 's/.*<\(.*\)>.*/\1/' | tr 'A-Z' 'a-z' | sort -u; }

n=0
for f in $FILES; do
	want=$(cd "$K" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --no-keywords -f "$f" 2>/dev/null | addresses)
	got=$("$CULPRIT" maintainers --repo "$K" --addresses "$f" 2>&1 | addresses)
	check "same addresses as get_maintainer.pl for $f" "$want" "$got"
	[ -n "$want" ] && n=$((n + 1))
done
check "get_maintainer.pl found maintainers for most files" 1 $((n > 40))

# the section listing: names and their M/R/L/S lines
out=$("$CULPRIT" maintainers --repo "$K" kernel/locking/lockdep.c)
case $out in
*"LOCKING PRIMITIVES"*"M:	Peter Zijlstra <peterz@infradead.org>"*"THE REST"*)
	pass "maintainers lists the sections, deepest first" ;;
*) fail "maintainers lists the sections, deepest first"; echo "$out" | head -20 ;;
esac
# several files at once give the union, as get_maintainer.pl does
want=$(cd "$K" && perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats \
	--no-keywords -f mm/gup.c -f net/core/dev.c 2>/dev/null | addresses)
got=$("$CULPRIT" maintainers --repo "$K" --addresses mm/gup.c net/core/dev.c | addresses)
check "several files: the union" "$want" "$got"
# the culprit of ../shared/reference/syzbot-bisection-log.txt, replayed on a
# repository holding this MAINTAINERS: syzbot mailed it To exactly these
R=$TMP/lockdep
mkdir -p "$R/include/linux" "$R/kernel/locking" "$R/lib"
cp "$K/MAINTAINERS" "$R/"
touch "$R/include/linux/irqflags.h" "$R/kernel/locking/Makefile" "$R/lib/Kconfig.debug"
git -C "$R" init -q && git -C "$R" add -A && git -C "$R" commit -qm base
for f in include/linux/irqflags.h kernel/locking/Makefile kernel/locking/irqflag-debug.c \
	lib/Kconfig.debug; do echo x >>"$R/$f"; done
git -C "$R" add -A
GIT_AUTHOR_NAME="Mark Rutland" GIT_AUTHOR_EMAIL=mark.rutland@arm.com git -C "$R" commit -q -F - <<'MSG'
lockdep: report broken irq restoration

Signed-off-by: Mark Rutland <mark.rutland@arm.com>
Signed-off-by: Peter Zijlstra (Intel) <peterz@infradead.org>
Link: https://lkml.kernel.org/r/20210111153707.10071-1-mark.rutland@arm.com
MSG
out=$("$CULPRIT" recipients --repo "$R" HEAD)
check "syzbot's lockdep culprit: the To syzbot mailed" \
	"To: linux-kernel@vger.kernel.org, mark.rutland@arm.com, mingo@redhat.com, peterz@infradead.org, will@kernel.org" \
	"$(echo "$out" | sed -n 1p)"
check "syzbot's lockdep culprit: the locking reviewers Cc" \
	"Cc: boqun.feng@gmail.com, longman@redhat.com" "$(echo "$out" | sed -n 2p)"

expect_status "no file given" 2 "$CULPRIT" maintainers --repo "$K"
expect_status "no MAINTAINERS" 9 "$CULPRIT" maintainers --repo "$TMP/nowhere" x.c
finish
