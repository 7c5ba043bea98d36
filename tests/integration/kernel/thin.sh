#!/usr/bin/env bash
# Release thinning (issue 16): with no good commit, culprit tests release
# tags newest first; a tag whose build needs what culprit cannot provide is
# skipped before it is built, with the reason logged and in result.json:
# no installed compiler for its kernel version, a Kconfig that does not
# know an option of kernel.must_hold, no scripts/kconfig.  On the fake
# kernel (fake-kernel.sh).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-kernel.sh"

mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "newcc (Fake 12.2) 12.2.0"\n' > "$TMP/bin/newcc"
chmod +x "$TMP/bin/newcc"
printf '6.0 - newcc\n5.12 6.0 missingcc\n- 5.12 newcc\n' > "$TMP/table.txt"

r=$TMP/linux
fake_tree "$r"
kasan() { printf 'config 64BIT\n\tbool\n\nmenuconfig KASAN\n\tbool "KASAN"\n' > "$r/Kconfig"; }
nokasan() { printf 'config 64BIT\n\tbool\n' > "$r/Kconfig"; }
step() {	# step N VERSION PATCHLEVEL STATE KCONFIG [TAG]
	fake_version "$r" "$2" "$3"
	echo "$4" > "$r/state"
	$5
	git -C "$r" add -A
	commit "$r" "$1" "change $1"
	[ -z "${6:-}" ] || git -C "$r" tag "$6"
}
step 1 5 4 "fine 1" kasan v5.4
step 2 5 10 "fine 2" nokasan v5.10
step 3 5 15 "fine 3" kasan v5.15
step 4 6 0 "fine 4" kasan
step 5 6 0 "bug 5" kasan v6.0
step 6 6 1 "bug 6" kasan
nth() { git -C "$r" rev-list --reverse HEAD | sed -n "$1p"; }

cat > "$TMP/job.json" <<JSON
{"repo": "$r", "bad": "HEAD", "out": "$TMP/o", "runs": 2, "jobs": 2, "policy": "git",
 "kernel": {"config": "$FAKE_CONFIG", "ccache": false, "build_dir": "$TMP/kb",
            "compilers_file": "$TMP/table.txt", "must_hold": ["CONFIG_KASAN=y", "# CONFIG_MODULES is not set"]},
 "vm": {"qemu": "$FAKE_QEMU", "busybox": "/bin/true", "accel": "tcg", "boot_timeout": 20, "run_timeout": 20},
 "repro": {"sh": "$TMP/repro.sh"}}
JSON
printf 'CONFIG_KASAN=y\n' >> "$FAKE_CONFIG"
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/job.json" >"$TMP/out.txt" 2>&1
check "exits 0" 0 $?
check "finds the culprit" "first bad commit: $(nth 5) change 5" "$(grep '^first bad commit:' "$TMP/out.txt")"
check "the releases in order" "testing release v6.0
skipping release v5.15: no compiler for Linux 5.15: missingcc is not installed
skipping release v5.10: its Kconfig does not know CONFIG_KASAN, which the config needs (kernel.must_hold)
testing release v5.4" "$(grep -E '^(testing|skipping) release' "$TMP/out.txt")"
check "result.json releases_skipped" "v5.15 no compiler for Linux 5.15: missingcc is not installed
v5.10 its Kconfig does not know CONFIG_KASAN, which the config needs (kernel.must_hold)" \
	"$(python3 -c 'import json,sys; [print(x["tag"], x["reason"]) for x in json.load(open(sys.argv[1]))["releases_skipped"]]' "$TMP/o/result.json" 2>&1)"

# a tag whose tree has no scripts/kconfig: skipped too (a side branch merged
# with -s ours, so the head keeps its kconfig tools)
git -C "$r" checkout -q -b old "$(nth 1)"
git -C "$r" rm -rq scripts/kconfig && commit "$r" 7 "no kconfig"
git -C "$r" tag v5.12
git -C "$r" checkout -q master
git -C "$r" merge -q -s ours --no-edit old
printf '6.0 - newcc\n5.5 6.0 missingcc\n- 5.5 newcc\n' > "$TMP/table.txt"
sed -i 's|/o"|/o2"|; s|/kb"|/kb2"|' "$TMP/job.json"
PATH=$TMP/bin:$PATH "$CULPRIT" bisect --job "$TMP/job.json" >"$TMP/out2.txt" 2>&1
check "no scripts/kconfig: the releases" "testing release v6.0
skipping release v5.15: no compiler for Linux 5.15: missingcc is not installed
skipping release v5.12: no scripts/kconfig in its tree: culprit cannot configure it
skipping release v5.10: no compiler for Linux 5.10: missingcc is not installed
testing release v5.4" "$(grep -E '^(testing|skipping) release' "$TMP/out2.txt")"
finish
