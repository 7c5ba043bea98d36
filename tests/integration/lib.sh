# Helpers for integration tests: source it, call check/pass/fail, end with
# finish.  Each test prints its own "N passed, N failed" line.
set -u
PASSED=0
FAILED=0
SKIPPED=0
: "${CULPRIT:?CULPRIT must point at build/culprit}"

pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "not ok - $1"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip - $1"; }

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"; echo "  expected: $2"; echo "  actual:   $3"; fi
}

# expect_status NAME EXPECTED_STATUS cmd...
expect_status() {
	local name=$1 want=$2 got
	shift 2
	"$@" >/dev/null 2>&1
	got=$?
	check "$name (exit $want)" "$want" "$got"
}

finish() {
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" -eq 0 ]
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/culprit-test.XXXXXX")
trap "[ -n \"${KEEP_TMP:-}\" ] || rm -rf \"$TMP\"" EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com \
	GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com

# commit DIR INDEX MESSAGE: commits what is staged in DIR with author and
# committer dates INDEX minutes after a fixed time, so histories repeat.
commit() {
	GIT_COMMITTER_DATE="$((1600000000 + $2 * 60)) +0000" \
	GIT_AUTHOR_DATE="$((1600000000 + $2 * 60)) +0000" git -C "$1" commit -qm "$3"
}

# linear_repo DIR CULPRIT N [FIX]: a linear history of N commits where
# state.txt says "bug" from commit CULPRIT on (until commit FIX, when
# given) and version.txt holds the commit's number.
linear_repo() {
	local i
	mkdir -p "$1" && git -C "$1" init -q
	for i in $(seq 1 "$3"); do
		if [ "$i" -ge "$2" ] && [ "$i" -lt "${4:-$(($3 + 1))}" ]; then echo bug
		else echo fine; fi > "$1/state.txt"
		echo "$i" > "$1/version.txt"
		git -C "$1" add state.txt version.txt
		commit "$1" "$i" "change $i"
	done
}
