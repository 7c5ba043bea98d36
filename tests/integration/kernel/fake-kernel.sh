# A fake kernel for the kernel flow's fast tests: sourced after ../lib.sh.
# The real culprit kernel-build and vm-run run on it, only make's targets
# and QEMU are stand-ins:
#
#   fake_tree DIR        a git repository whose Makefile answers
#                        olddefconfig, bzImage and vmlinux like Kbuild's
#                        (O= build directory, CC=); it has scripts/kconfig/.
#                        Its file "state" holds words the fake QEMU acts on:
#                          bootcrash  WARNING in fake_initcall before user space
#                          bootcrash2 BUG: kernel NULL pointer dereference in boot
#                          bug        the reproducer's crash (a NULL dereference
#                                     in __x64_sys_sethostname)
#                          nouser     the kernel stops before user space
#                          hostfail   QEMU itself fails (a host problem)
#                          needs=CONFIG_X  "bug" shows only with CONFIG_X=y
#                          broken     the build fails ("error: ...")
#                        vmlinux is an ELF object holding the state, so the
#                        kernel signature follows it.
#   fake_version DIR V P sets VERSION/PATCHLEVEL in DIR/Makefile
#   FAKE_QEMU            the fake QEMU (a shell script), for vm.qemu
#   FAKE_CONFIG          a small .config
#
# Each VM the fake QEMU starts appends its -append line to $TMP/qemu-calls.

fake_tree() {
	local d=$1
	mkdir -p "$d/scripts/kconfig" && git -C "$d" init -q
	echo "# the kconfig tools live here" > "$d/scripts/kconfig/Makefile"
	# olddefconfig: with scripts/kconfig/known ("SYM [DEPENDENCY]" lines),
	# options not listed are dropped (an unknown symbol) and so are those
	# whose dependency is not =y; without it the config stays as it is
	cat > "$d/scripts/kconfig/olddefconfig.sh" <<'SH'
known=scripts/kconfig/known
[ -f "$known" ] || exit 0
cfg=$1
for pass in 1 2 3; do
	awk -v known="$known" '
		BEGIN { while ((getline l < known) > 0) { split(l, w, " "); k[w[1]] = 1; dep[w[1]] = w[2] } }
		{ line[NR] = $0; if ($0 ~ /^CONFIG_[A-Z0-9_]+=y$/) { split($0, a, "="); on[a[1]] = 1 } }
		END {
			for (i = 1; i <= NR; i++) {
				l = line[i]; s = l
				if (l ~ /^CONFIG_/) { split(l, a, "="); s = a[1] }
				else if (l ~ /^# CONFIG_.* is not set$/) { split(l, a, " "); s = a[2] }
				else { print l; continue }
				if (!(s in k)) continue
				if (dep[s] != "" && !(dep[s] in on) && l ~ /=y$/) continue
				print l
			}
		}' "$cfg" > "$cfg.new" && mv "$cfg.new" "$cfg"
done
SH
	printf 'config 64BIT\n\tbool\n' > "$d/Kconfig"
	cat > "$d/Makefile" <<'MK'
VERSION = 6
PATCHLEVEL = 1
SUBLEVEL = 0
.PHONY: olddefconfig tinyconfig bzImage vmlinux
olddefconfig:
	@test -f $(O)/.config
	@sh scripts/kconfig/olddefconfig.sh $(O)/.config
tinyconfig:
	@mkdir -p $(O)
	@printf 'CONFIG_64BIT=y\n# CONFIG_MODULES is not set\n' > $(O)/.config
bzImage:
	@if grep -qw broken state; then echo "kernel/sys.c:1: error: this commit does not build"; exit 1; fi
	@mkdir -p $(O)/arch/x86/boot
	@$(CC) --version | head -n1 > $(O)/cc-used
	@cat state $(O)/.config > $(O)/arch/x86/boot/bzImage
vmlinux:
	@printf 'const char culprit_state[] = "%s";\n' "$$(tr -d '\n"' < state)" > $(O)/state.c
	@gcc -c -o $(O)/vmlinux $(O)/state.c
MK
	echo "fine" > "$d/state"
	git -C "$d" add -A
}

fake_version() {
	sed -i -e "s/^VERSION = .*/VERSION = $2/" -e "s/^PATCHLEVEL = .*/PATCHLEVEL = $3/" "$1/Makefile"
}

FAKE_CONFIG=$TMP/fake.config
printf '# fake kernel config\nCONFIG_64BIT=y\n# CONFIG_MODULES is not set\n' > "$FAKE_CONFIG"

FAKE_QEMU=$TMP/fake-qemu
cat > "$FAKE_QEMU" <<EOF2
#!/bin/sh
calls=$TMP/qemu-calls
EOF2
cat >> "$FAKE_QEMU" <<'EOF2'
kernel= console= append=
while [ $# -gt 0 ]; do
	case $1 in
	-kernel) kernel=$2; shift ;;
	-serial) console=${2#file:}; shift ;;
	-append) append=$2; shift ;;
	esac
	shift
done
echo "$append" >> "$calls"
out() { printf '%s\r\n' "$@" >> "$console"; }
report() {	# report TITLE-LINE FUNCTION: a kernel report, then the panic
	out "[    1.000000] $1" \
	    "[    1.000001] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0 #1" \
	    "[    1.000002] RIP: 0010:$2+0x8/0xb" \
	    "[    1.000003] Call Trace:" \
	    "[    1.000004]  <TASK>" \
	    "[    1.000005]  $2+0x8/0xb" \
	    "[    1.000006]  do_one_initcall+0x3e/0x59" \
	    "[    1.000007]  kernel_init+0x9b/0x157" \
	    "[    1.000008]  </TASK>" \
	    "[    1.000009] Kernel panic - not syncing: Fatal exception"
}
if grep -qw hostfail "$kernel"; then
	echo "qemu-system-x86_64: -accel kvm: failed to initialize kvm: Permission denied" >&2
	exit 1
fi
: > "$console"
out "[    0.000000] Linux version 6.1.0 (fake) #1"
if grep -qw bootcrash "$kernel"; then
	out "[    0.900000] ------------[ cut here ]------------"
	report "WARNING: CPU: 0 PID: 1 at init/main.c:100 fake_initcall+0x8/0xb" fake_initcall
	exit 0
fi
if grep -qw bootcrash2 "$kernel"; then
	report "BUG: kernel NULL pointer dereference, address: 0000000000000008" fake_boot_probe
	exit 0
fi
grep -qw nouser "$kernel" && exit 0
out "culprit-vm: user space started" "culprit-vm: basic test ok"
case $append in *culprit.boot_test=1*) out "reboot: Restarting system"; exit 0 ;; esac
out "culprit-vm: repro start"
# "needs=CONFIG_X" in the state: the bug shows only when the config has CONFIG_X=y
need=$(sed -n 's/.*needs=\(CONFIG_[A-Z0-9_]*\).*/\1/p' "$kernel" | head -n1)
if grep -qw bug "$kernel" && { [ -z "$need" ] || grep -q "^$need=y" "$kernel"; }; then
	report "BUG: kernel NULL pointer dereference, address: 0000000000000041" __x64_sys_sethostname
	exit 0
fi
out "culprit-vm: repro exit status 0" "reboot: Restarting system"
exit 0
EOF2
chmod +x "$FAKE_QEMU"
printf '#!/bin/sh\necho repro\n' > "$TMP/repro.sh"

# fake_job FILE REPO BAD GOOD OUT [EXTRA-KERNEL-FIELDS] [EXTRA-JOB-FIELDS]
fake_job() {
	cat > "$1" <<JSON
{"repo": "$2", "bad": "$3", "good": ["$4"], "out": "$5", "runs": 2, "jobs": 2,
 "kernel": {"config": "$FAKE_CONFIG", "ccache": false, "build_dir": "$5-kbuild"${6:+, $6}},
 "vm": {"qemu": "$FAKE_QEMU", "busybox": "/bin/true", "accel": "tcg",
        "boot_timeout": 20, "run_timeout": 20},
 "repro": {"sh": "$TMP/repro.sh"}${7:+, $7}}
JSON
}
