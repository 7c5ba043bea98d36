#!/bin/bash
# culprit recipients on a small repository with a MAINTAINERS file: trailers
# (with the -and- forms, without Cc: and stable@), M:/R:/L:/S:/F:/X:/N:/K:,
# To and Cc split as syzbot does, MAINTAINERS read from the commit's tree.
. "$SOURCE_ROOT/tests/integration/lib.sh"

R=$TMP/repo
git init -q "$R"
cd "$R" || exit 1
cat >MAINTAINERS <<'M'
List of maintainers (prose the parser skips)
	M: *Mail* patches to: FullName <address@domain>

FOO DRIVER
M:	Foo Maint <Foo@Example.com>
R:	Rev Iewer <rev@example.com>
L:	foo-list@example.com
L:	closed@example.com (subscribers-only)
S:	Maintained
F:	drivers/foo/
X:	drivers/foo/excluded.c

ODD THING
M:	Odd Person <odd@example.com>
S:	Odd Fixes
F:	lib/odd*.c

NAMED
M:	Named <named@example.com>
S:	Supported
N:	bar

KEYWORD
M:	Kw <kw@example.com>
S:	Maintained
K:	\bmagic_call\b

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
M
mkdir -p drivers/foo lib src
echo base >README
git add -A && git commit -qm base
echo 'int a;' >drivers/foo/a.c
echo 'int o;' >lib/odd1.c
printf 'void f(void) { magic_call(); }\n' >src/bar.c
git add -A
GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="Author@Example.COM" git commit -q -F - <<'MSG'
foo: the culprit

Some text.

Signed-off-by: A U Thor <author@example.com>
Reviewed-and-tested-by: R T <RT@example.com>
Acked-by: Ack <ack@example.com>
Co-developed-by: Co <co@example.com>
Reported-by: Rep <rep@example.com>
Cc: Cc Person <cc@example.com>
Cc: stable@vger.kernel.org # 5.10
Tested-by: stable@kernel.org
MSG
out=$("$CULPRIT" recipients --repo "$R" HEAD)
check "To: author, trailers, maintainers of Maintained/Supported, lists" \
	"To: ack@example.com, author@example.com, co@example.com, foo-list@example.com, foo@example.com, kw@example.com, named@example.com, rt@example.com" \
	"$(echo "$out" | sed -n 1p)"
check "Cc: reviewers, odd fixers, LKML when a subsystem list is To" \
	"Cc: linux-kernel@vger.kernel.org, odd@example.com, rev@example.com" \
	"$(echo "$out" | sed -n 2p)"

echo 'int x;' >drivers/foo/excluded.c
git add -A && git commit -qm "foo: excluded file"
check "X: excludes; LKML is To when it is the only list" \
	"To: linux-kernel@vger.kernel.org, tester@example.com" \
	"$("$CULPRIT" recipients --repo "$R" HEAD | sed -n 1p)"

# MAINTAINERS is read from the commit, not from the worktree or HEAD
sed -i 's/Foo Maint <Foo@Example.com>/New Maint <new@example.com>/' MAINTAINERS
git commit -qam "MAINTAINERS: new foo maintainer"
case $("$CULPRIT" recipients --repo "$R" HEAD~2 | sed -n 1p) in
*foo@example.com*) pass "MAINTAINERS of the culprit's own tree" ;;
*) fail "MAINTAINERS of the culprit's own tree" ;;
esac
out=$("$CULPRIT" maintainers --repo "$R" drivers/foo/a.c)
case $out in
*"FOO DRIVER"*"M:	New Maint <new@example.com>"*"THE REST"*) pass "maintainers: HEAD's MAINTAINERS" ;;
*) fail "maintainers: HEAD's MAINTAINERS"; echo "$out" ;;
esac
case $("$CULPRIT" maintainers --repo "$R" --rev HEAD~1 drivers/foo/a.c) in
*"Foo Maint"*) pass "maintainers --rev" ;;
*) fail "maintainers --rev" ;;
esac
check "maintainers --addresses: get_maintainer.pl's order, chiefs and subscribers-only left out" \
	"New Maint <new@example.com>
Rev Iewer <rev@example.com>
foo-list@example.com
linux-kernel@vger.kernel.org" "$("$CULPRIT" maintainers --repo "$R" --addresses drivers/foo/a.c)"

# no MAINTAINERS at all: the commit's people only
R2=$TMP/plain
git init -q "$R2" && cd "$R2" && echo x >x && git add x && git commit -qm x
check "no MAINTAINERS: the author only" "To: tester@example.com
Cc:" "$("$CULPRIT" recipients --repo "$R2" HEAD)"
expect_status "unknown revision" 4 "$CULPRIT" recipients --repo "$R2" nosuchrev
expect_status "not a repository" 3 "$CULPRIT" recipients --repo "$TMP" HEAD
expect_status "no revision" 2 "$CULPRIT" recipients --repo "$R2"
finish
