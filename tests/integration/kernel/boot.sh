#!/usr/bin/env bash
# The boot test before the reproducer (issue 16), on the fake kernel
# (fake-kernel.sh: the real kernel-build, vm-run --boot and driver; a fake
# make and QEMU).  A commit that crashes during boot with another crash is
# "another crash" for that commit, skipped, and the reproducer is not run on
# it; the bisection still finds the reproducer's culprit.  A boot crash that
# is the crash bisected is evidence of "crashed".  A host-side failure is an
# infra problem.  Reported in the log, the journal, result.json and the page.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-kernel.sh"

# history: 1 good; 2; 3 the reproducer's culprit; 4-6 crash at boot
# (WARNING in fake_initcall); 7 boots again; 8; 9
r=$TMP/linux
fake_tree "$r"
states=("fine 1" "fine 2" "bug 3" "bug bootcrash 4" "bug bootcrash 5" "bug bootcrash 6" "bug 7" "bug 8" "bug 9")
for i in $(seq 1 9); do
	echo "${states[$((i - 1))]}" > "$r/state"
	git -C "$r" add -A
	commit "$r" "$i" "change $i"
done
nth() { git -C "$r" rev-list --reverse HEAD | sed -n "$1p"; }
target="BUG: unable to handle kernel NULL pointer dereference in sys_sethostname"

for policy in git culprit; do
	o=$TMP/o-$policy
	fake_job "$TMP/job-$policy.json" "$r" HEAD "$(nth 1)" "$o" "" "\"policy\": \"$policy\""
	"$CULPRIT" bisect --job "$TMP/job-$policy.json" >"$TMP/out-$policy.txt" 2>&1
	check "$policy: exits 0" 0 $?
	check "$policy: finds the reproducer's culprit" "first bad commit: $(nth 3) change 3" \
		"$(grep '^first bad commit:' "$TMP/out-$policy.txt")"
	grep -q "^crash: $target$" "$TMP/out-$policy.txt" && pass "$policy: the target is the reproducer's crash" ||
		fail "$policy: target: $(grep '^crash:' "$TMP/out-$policy.txt")"
	# every tested boot-crashing commit: another crash, skipped, no reproducer run
	n=0 bad=0
	for i in 4 5 6; do
		c=$(nth "$i")
		[ -d "$o/commits/$c" ] || continue
		n=$((n + 1))
		ls "$o/commits/$c"/run-*.log >/dev/null 2>&1 && { bad=1; echo "# $i: the reproducer ran"; }
		v=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([t for t in r["tested"] if t["commit"]==sys.argv[2]][0]["boot"]["verdict"])' "$o/result.json" "$c" 2>&1)
		[ "$v" = "another crash" ] || { bad=1; echo "# $i: result.json boot verdict '$v'"; }
		grep -q '"type": *"boot", *"commit": *"'"$c"'"\|"commit": *"'"$c"'".*"type": *"boot"' "$o/journal.jsonl" ||
			{ bad=1; echo "# $i: no boot record in the journal"; }
	done
	[ "$n" -ge 1 ] && [ "$bad" = 0 ] && pass "$policy: $n boot-crashing commits: another crash, skipped, no reproducer run" ||
		fail "$policy: boot-crashing commits ($n tested)"
	grep -q "^boot test: boot failed: WARNING in fake_initcall (another crash: WARNING in fake_initcall; the commit is skipped, the reproducer is not run)$" \
		"$TMP/out-$policy.txt" && pass "$policy: the log says another crash" || fail "$policy: the log says another crash"
	grep -q "crashed: WARNING in fake_initcall\|first bad commit: $(nth 4)" "$TMP/out-$policy.txt" &&
		fail "$policy: the boot crash was taken for the target" || pass "$policy: the boot crash is never the target"
	grep -q "^boot test: OK" "$TMP/out-$policy.txt" && pass "$policy: clean boots say OK" || fail "$policy: clean boots say OK"
done
# the page (culprit show writes index.html): a boot test column
"$CULPRIT" show "$TMP/o-git" >/dev/null 2>&1
grep -q "another crash" "$TMP/o-git/index.html" 2>/dev/null && grep -q "<th>boot test</th>" "$TMP/o-git/index.html" &&
	pass "the page shows the boot test" || fail "the page shows the boot test"

# the crash bisected happens at boot: evidence of "crashed" (no reproducer run needed)
r2=$TMP/linux2
fake_tree "$r2"
states=("fine 1" "fine 2" "fine 3" "bootcrash 4" "bootcrash 5" "bootcrash 6")
for i in $(seq 1 6); do
	echo "${states[$((i - 1))]}" > "$r2/state"
	git -C "$r2" add -A
	commit "$r2" "$i" "change $i"
done
nth2() { git -C "$r2" rev-list --reverse HEAD | sed -n "$1p"; }
fake_job "$TMP/job-t.json" "$r2" HEAD "$(nth2 1)" "$TMP/o-t" "" '"crash": "WARNING in fake_initcall"'
"$CULPRIT" bisect --job "$TMP/job-t.json" >"$TMP/out-t.txt" 2>&1
check "boot crash = target: exits 0" 0 $?
check "boot crash = target: the culprit" "first bad commit: $(nth2 4) change 4" "$(grep '^first bad commit:' "$TMP/out-t.txt")"
grep -q "^boot test: boot failed: WARNING in fake_initcall (the crash bisected, at boot: the commit crashes)$" "$TMP/out-t.txt" &&
	pass "boot crash = target: logged as the crash bisected" || fail "boot crash = target: logged"
ls "$TMP/o-t/commits/$(nth2 6)"/run-*.log >/dev/null 2>&1 &&
	fail "boot crash = target: the reproducer ran on a kernel that crashed at boot" ||
	pass "boot crash = target: no reproducer run on the start commit"

# a boot-failure bisection: --crash "boot failed: T", the boot test is the reproducer
: > "$TMP/qemu-calls"
fake_job "$TMP/job-b.json" "$r2" HEAD "$(nth2 1)" "$TMP/o-b" ""
"$CULPRIT" bisect --job "$TMP/job-b.json" --crash "boot failed: WARNING in fake_initcall" >"$TMP/out-b.txt" 2>&1
check "boot failure: exits 0" 0 $?
check "boot failure: the culprit" "first bad commit: $(nth2 4) change 4" "$(grep '^first bad commit:' "$TMP/out-b.txt")"
grep -q "^bisecting a boot failure (WARNING in fake_initcall): the boot test is the reproducer$" "$TMP/out-b.txt" &&
	pass "boot failure: logged as such" || fail "boot failure: logged as such"
calls=$(wc -l < "$TMP/qemu-calls")
boots=$(grep -c 'culprit.boot_test=1' "$TMP/qemu-calls")
[ "$calls" -ge 4 ] && [ "$calls" = "$boots" ] && pass "boot failure: all $calls VMs were boot tests (no reproducer)" ||
	fail "boot failure: $boots of $calls VMs were boot tests"
grep -q "^run #[0-9]*: boot failed: WARNING in fake_initcall$\|^all runs: boot failed: WARNING in fake_initcall$" "$TMP/out-b.txt" &&
	pass "boot failure: runs say boot failed" || fail "boot failure: runs say boot failed"
# "boot failed" alone: any boot failure, here a kernel that stops before user space
r4=$TMP/linux4
fake_tree "$r4"
states=("fine 1" "fine 2" "nouser 3" "nouser 4")
for i in $(seq 1 4); do
	echo "${states[$((i - 1))]}" > "$r4/state"
	git -C "$r4" add -A
	commit "$r4" "$i" "change $i"
done
nth4() { git -C "$r4" rev-list --reverse HEAD | sed -n "$1p"; }
fake_job "$TMP/job-a.json" "$r4" HEAD "$(nth4 1)" "$TMP/o-a" "" '"crash": "boot failed"'
"$CULPRIT" bisect --job "$TMP/job-a.json" >"$TMP/out-a.txt" 2>&1
check "any boot failure: the culprit" "first bad commit: $(nth4 3) change 3" "$(grep '^first bad commit:' "$TMP/out-a.txt")"
# without a boot test there is nothing to bisect a boot failure with
"$CULPRIT" bisect --repo "$r4" --bad HEAD --good "$(nth4 1)" --build true --test true \
	--out "$TMP/o-x" --crash "boot failed: WARNING in x" >"$TMP/out-x.txt" 2>&1
st=$?
[ "$st" = 10 ] && grep -q "needs a boot test" "$TMP/out-x.txt" && pass "boot failure without a boot test: exit 10" ||
	fail "boot failure without a boot test: exit $st: $(cat "$TMP/out-x.txt")"

# a host-side failure at boot: infra problem, skipped
r3=$TMP/linux3
fake_tree "$r3"
states=("fine 1" "fine 2" "bug hostfail 3" "bug 4")
for i in $(seq 1 4); do
	echo "${states[$((i - 1))]}" > "$r3/state"
	git -C "$r3" add -A
	commit "$r3" "$i" "change $i"
done
nth3() { git -C "$r3" rev-list --reverse HEAD | sed -n "$1p"; }
fake_job "$TMP/job-i.json" "$r3" HEAD "$(nth3 1)" "$TMP/o-i" "" '"policy": "git"'
"$CULPRIT" bisect --job "$TMP/job-i.json" >"$TMP/out-i.txt" 2>&1
grep -q "^boot test: infra problem: .*failed to initialize kvm.* (the commit is skipped, the reproducer is not run)$" "$TMP/out-i.txt" &&
	pass "a host-side boot failure is an infra problem, skipped" || fail "host-side failure: $(grep '^boot test' "$TMP/out-i.txt")"

# vm.boot_test false: no boot test
fake_job "$TMP/job-n.json" "$r3" HEAD "$(nth3 1)" "$TMP/o-n" "" '"policy": "git"'
sed -i 's/"accel": "tcg"/"accel": "tcg", "boot_test": false/' "$TMP/job-n.json"
"$CULPRIT" bisect --job "$TMP/job-n.json" >"$TMP/out-n.txt" 2>&1
grep -q "^boot test:" "$TMP/out-n.txt" && fail "vm.boot_test false: no boot test" || pass "vm.boot_test false: no boot test"
# the start commit itself crashes at boot: one line that says so, exit 12,
# not "the crash does not reproduce" (the reproducer never ran there)
fake_job "$TMP/job-s.json" "$r" "$(nth 5)" "$(nth 1)" "$TMP/o-s" "" '"policy": "git"'
"$CULPRIT" bisect --job "$TMP/job-s.json" >"$TMP/out-s.txt" 2>"$TMP/err-s.txt"
check "start commit crashes at boot: exit 12" 12 $?
grep -q "^culprit: the start commit $(nth 5) does not boot (boot failed: WARNING in fake_initcall.*): the reproducer was not run$" "$TMP/err-s.txt" &&
	pass "start commit crashes at boot: the error says it does not boot" ||
	fail "start commit crashes at boot: $(cat "$TMP/err-s.txt")"

finish
