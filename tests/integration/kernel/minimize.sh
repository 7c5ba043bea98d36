#!/usr/bin/env bash
# Config minimization (issue 16), on the fake kernel (fake-kernel.sh): a
# config with 64 options beyond the baseline (debug options among them);
# the bug needs CONFIG_SETHOSTNAME_CHECK, which depends on
# CONFIG_DEBUG_KERNEL (the fake olddefconfig drops an option whose
# dependency is off, as Kconfig does).  culprit kconfig-minimize keeps both
# and drops most of the rest; the minimized config still reproduces, a
# bisection with it finds the culprit; a rerun takes the journal's
# answers; an option the kernel does not know is reported by kernel-build.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-kernel.sh"

r=$TMP/linux
fake_tree "$r"
{
	echo "CONFIG_64BIT"; echo "CONFIG_MODULES"; echo "CONFIG_DEBUG_KERNEL"
	echo "CONFIG_SETHOSTNAME_CHECK CONFIG_DEBUG_KERNEL"
	for i in $(seq 1 30); do echo "CONFIG_DEBUG_OPTION_$i CONFIG_DEBUG_KERNEL"; done
	for i in $(seq 1 30); do echo "CONFIG_DRIVER_$i"; done
} > "$r/scripts/kconfig/known"
for i in 1 2 3 4 5; do
	if [ "$i" -ge 4 ]; then echo "bug needs=CONFIG_SETHOSTNAME_CHECK $i"; else echo "fine $i"; fi > "$r/state"
	git -C "$r" add -A
	commit "$r" "$i" "change $i"
done
nth() { git -C "$r" rev-list --reverse HEAD | sed -n "$1p"; }

full=$TMP/syzbot.config
{
	echo "# a big config: 64 options beyond tinyconfig"
	echo "CONFIG_64BIT=y"; echo "# CONFIG_MODULES is not set"; echo "CONFIG_DEBUG_KERNEL=y"
	for i in $(seq 1 30); do echo "CONFIG_DEBUG_OPTION_$i=y"; done
	echo "CONFIG_SETHOSTNAME_CHECK=y"
	for i in $(seq 1 30); do echo "CONFIG_DRIVER_$i=y"; done
	echo 'CONFIG_CMDLINE="console=ttyS0"'
	echo "CONFIG_UNKNOWN_TO_THIS_KERNEL=y"
} > "$full"
fake_job "$TMP/job.json" "$r" HEAD "$(nth 1)" "$TMP/o" "" '"policy": "git"'
sed -i "s|$FAKE_CONFIG|$full|" "$TMP/job.json"

"$CULPRIT" kconfig-minimize --job "$TMP/job.json" --out "$TMP/min" --max-tests 40 >"$TMP/min.txt" 2>&1
check "kconfig-minimize exits 0" 0 $?
grep -q "^config: 66 options, 64 of them set beyond the baseline (tinyconfig)$" "$TMP/min.txt" &&
	pass "64 options beyond the baseline" || fail "the diff: $(grep '^config:' "$TMP/min.txt")"
m=$TMP/min/minimized.config
grep -q "^CONFIG_SETHOSTNAME_CHECK=y$" "$m" && pass "keeps the option the bug needs" || fail "keeps the option the bug needs"
grep -q "^CONFIG_DEBUG_KERNEL=y$" "$m" && pass "keeps its dependency" || fail "keeps its dependency"
kept=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kept_count"])' "$TMP/min/minimize.json")
others=$(grep -cE '^CONFIG_(DEBUG_OPTION|DRIVER)_[0-9]+=y$' "$m")
[ "$kept" = 2 ] && [ "$others" = 0 ] && pass "drops most of the rest ($kept kept, $others of 60 others left)" ||
	fail "drops most of the rest: $kept kept, $others others"
tests=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tests"])' "$TMP/min/minimize.json")
echo "# $tests tests"
[ "$tests" -le 41 ] && pass "within the test budget ($tests)" || fail "tests: $tests"
grep -q "^minimized to $kept of 64 options beyond the baseline in $tests tests ([0-9]* built now): " "$TMP/min.txt" &&
	pass "the summary line" || fail "the summary line: $(tail -2 "$TMP/min.txt")"

# a rerun: every answer from the journal, nothing built
"$CULPRIT" kconfig-minimize --job "$TMP/job.json" --out "$TMP/min" --max-tests 40 >"$TMP/min2.txt" 2>&1
check "a rerun exits 0" 0 $?
grep -q "^try #" "$TMP/min2.txt" && fail "a rerun tested again" || pass "a rerun takes the journal's answers"
cmp -s "$m" "$TMP/min/minimized.config" && pass "the same result" || fail "the same result"

# the bisection with the minimized config
sed "s|$full|$m|; s|$TMP/o\"|$TMP/o2\"|; s|$TMP/o-kbuild|$TMP/o2-kbuild|" "$TMP/job.json" > "$TMP/job2.json"
"$CULPRIT" bisect --job "$TMP/job2.json" >"$TMP/b.txt" 2>&1
check "the bisection with the minimized config finds the culprit" "first bad commit: $(nth 4) change 4" \
	"$(grep '^first bad commit:' "$TMP/b.txt")"

# kernel.minimize in the job: culprit bisect minimizes first, then bisects with it
sed "s|\"ccache\": false|\"ccache\": false, \"minimize\": {\"baseline\": \"tinyconfig\", \"max_tests\": 40}|; s|$TMP/o\"|$TMP/o3\"|; s|$TMP/o-kbuild|$TMP/o3-kbuild|" \
	"$TMP/job.json" > "$TMP/job3.json"
"$CULPRIT" bisect --job "$TMP/job3.json" >"$TMP/b3.txt" 2>&1
check "bisect with kernel.minimize finds the culprit" "first bad commit: $(nth 4) change 4" \
	"$(grep '^first bad commit:' "$TMP/b3.txt")"
grep -q "^kernel config minimized: $TMP/o3/minimize/minimized.config$" "$TMP/b3.txt" &&
	grep -q "^minimized to 2 of 64 options" "$TMP/o3/minimize/log" &&
	pass "bisect says it minimized first" || fail "bisect says it minimized first: $(head -3 "$TMP/b3.txt")"
c=$(nth 5)
[ -f "$TMP/o3/commits/$c/config" ] && ! grep -q "CONFIG_DRIVER_1=y" "$TMP/o3/commits/$c/config" &&
	grep -q "CONFIG_SETHOSTNAME_CHECK=y" "$TMP/o3/commits/$c/config" &&
	pass "the bisection built with the minimized config" || fail "the bisection built with the minimized config"

# the full config's unknown option: reported and dropped by kernel-build
grep -q "config: [0-9]* options\? this kernel does not know (or whose dependencies it lacks), dropped by olddefconfig:.* CONFIG_UNKNOWN_TO_THIS_KERNEL" \
	"$TMP/min/tries"/*/build.log && pass "an unknown option is reported" || fail "an unknown option is reported"

# bad input: a baseline that is not a config; a tree without scripts/kconfig
printf 'hello\n' > "$TMP/notconfig"
"$CULPRIT" kconfig-minimize --job "$TMP/job.json" --out "$TMP/min3" --baseline "$TMP/notconfig" >"$TMP/min3.txt" 2>&1
st=$?
[ "$st" = 15 ] && grep -q "not a kernel config" "$TMP/min3.txt" && pass "a baseline that is not a config: exit 15" ||
	fail "bad baseline: exit $st $(tail -1 "$TMP/min3.txt")"
git -C "$r" rm -rq scripts/kconfig && commit "$r" 6 "no kconfig"
sed -i 's|"bad": "HEAD"|"bad": "'"$(git -C "$r" rev-parse HEAD)"'"|' "$TMP/job.json"
"$CULPRIT" kconfig-minimize --job "$TMP/job.json" --out "$TMP/min4" >"$TMP/min4.txt" 2>&1
st=$?
[ "$st" = 15 ] && grep -q "has no scripts/kconfig: cannot make a tinyconfig baseline" "$TMP/min4.txt" &&
	pass "a tree without scripts/kconfig: one line, exit 15" || fail "no kconfig: exit $st $(tail -1 "$TMP/min4.txt")"
finish
