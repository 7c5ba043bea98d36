#!/usr/bin/env bash
# No include cycles between parts (src/A including "B/..." and back) and no
# call cycles between files (a.c using what b.c defines and back), except
# the groups listed in cycles-allowed.  First the checker itself must see a
# cycle it is shown, in a tiny library and a tiny source tree.
. "$(dirname "$0")/../lib.sh"
LIB=$1
DEPS="$SOURCE_ROOT/scripts/deps.py"
HERE="$SOURCE_ROOT/tests/integration/structure"

if ! command -v nm >/dev/null || ! command -v python3 >/dev/null; then
	echo "SKIP: needs nm and python3"; exit 77
fi

# the checker sees a call cycle between two objects of one part
mkdir -p "$TMP/lib" "$TMP/src/a" "$TMP/src/b"
printf 'int b1(void);\nint a1(void) { return b1(); }\nint a2(void) { return 2; }\n' > "$TMP/lib/a.c"
printf 'int a2(void);\nint b1(void) { return a2(); }\n' > "$TMP/lib/b.c"
( cd "$TMP/lib" && cc -c a.c -o src_x_a.c.o && cc -c b.c -o src_x_b.c.o &&
  ar rc lib.a src_x_a.c.o src_x_b.c.o )
out=$(python3 "$DEPS" --src "$TMP/src" --lib "$TMP/lib/lib.a")
check "checker fails on a call cycle" 1 $?
check "checker names the call cycle" "files cycle: x/a.c x/b.c" "$(echo "$out" | grep '^files cycle')"
printf 'x/a.c x/b.c\n' > "$TMP/allow"
python3 "$DEPS" --src "$TMP/src" --lib "$TMP/lib/lib.a" --allow "$TMP/allow" >/dev/null
check "an allowed group passes" 0 $?

# the checker sees an include cycle between parts
echo '#include "b/b.h"' > "$TMP/src/a/a.c"; : > "$TMP/src/a/a.h"
echo '#include "a/a.h"' > "$TMP/src/b/b.h"
out=$(python3 "$DEPS" --src "$TMP/src")
check "checker fails on an include cycle" 1 $?
check "checker names the include cycle" "parts cycle: a b" "$(echo "$out" | grep '^parts cycle')"

# culprit itself
out=$(python3 "$DEPS" --src "$SOURCE_ROOT/src" --lib "$LIB" --allow "$HERE/cycles-allowed")
status=$?
echo "$out"
check "no include or call cycles in culprit beyond the allowed groups" 0 $status
for pair in "report/describe.c report/parse.c" "vcs/repo.c vcs/search.c"; do
	set -- $pair
	if echo "$out" | grep -E "cycle.* $1( |$)" | grep -qE " $2( |$)"; then
		fail "$1 and $2 no longer call each other"
	else
		pass "$1 and $2 no longer call each other"
	fi
done
finish
