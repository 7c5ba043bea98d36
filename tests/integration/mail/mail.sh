#!/bin/bash
# culprit mail: the syzbot-style message of a finished bisection in an mbox
# (parsed back with Python's email package), addressed as culprit
# recipients computes; held below the confidence threshold and without a
# culprit; header injection and non-ASCII titles; mboxrd quoting; a
# stand-in sendmail (a script writing its input to a file: nothing is
# sent) that works, fails and hangs.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"

printf 'bisecting cause commit\nFrom here on a line mbox must quote\n>From one already quoted\n' >"$OUT/log"
M=$TMP/out.mbox
"$CULPRIT" mail --mbox "$M" "$OUT" 2>"$TMP/err"
check "mail exits 0" 0 $?
grep -q "written to $M" "$TMP/err" && pass "says where it went" || fail "says where it went"
python3 - "$M" >"$TMP/parsed" <<'PY'
import mailbox, sys
from email.header import decode_header, make_header
msgs = list(mailbox.mbox(sys.argv[1]))
print(len(msgs))
m = msgs[0]
for h in ("To", "Cc", "Subject", "X-Culprit-Confidence"):
    v = m.get(h)
    print(h + ": " + (" ".join(str(make_header(decode_header(v))).split()) if v else ""))
print("BODY")
print(m.get_payload())
PY
want_to=$("$CULPRIT" recipients --repo "$REPO" "$CULPRIT_SHA" | sed -n 's/^To: //p')
check "one message" 1 "$(head -1 "$TMP/parsed")"
check "To: the recipients culprit computes" "$want_to" "$(sed -n 's/^To: //p' "$TMP/parsed" | sed 's/, */, /g')"
check "Subject: the crash title" "$TARGET" "$(sed -n 's/^Subject: //p' "$TMP/parsed")"
conf=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1])).get("confidence", 0))' "$OUT/result.json" 2>/dev/null)
has() { grep -qF -- "$2" "$TMP/parsed" && pass "$1" || { fail "$1"; echo "  missing: $2"; }; }
has "syzbot's opening" "culprit has bisected this issue to:"
has "the culprit commit" "commit $CULPRIT_SHA"
has "its message" "This message is hostile"
has "the confidence" "confidence: "
has "the flags" "flaky reproducer"
has "a Fixes tag" "Fixes: ${CULPRIT_SHA:0:12} (\"core: <img src=x onerror=alert(2)> make it faster\")"
has "the crash report" "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
has "the bisection log" "bisecting cause commit"
has "links to the absolute directory" "bisection log:  $OUT/log"
grep -q '^>From here on' "$M" && pass "mboxrd: a From line quoted" || fail "mboxrd: a From line quoted"
grep -q '^>>From one already' "$M" && pass "mboxrd: a quoted one quoted again" || fail "mboxrd: a quoted one quoted again"
"$CULPRIT" mail --mbox "$M" "$OUT" 2>/dev/null
check "appended, not overwritten" 2 "$(python3 -c 'import mailbox,sys; print(len(mailbox.mbox(sys.argv[1])))' "$M")"
check "the mbox is private" 600 "$(stat -c %a "$M")"

# links into culprit serve when the store knows the directory
"$CULPRIT" store import --store "$TMP/s.db" "$OUT" >/dev/null
"$CULPRIT" mail --url http://results.example --store "$TMP/s.db" --mbox "$TMP/l.mbox" "$OUT" 2>/dev/null
grep -q '^bisection page: http://results.example/bisection/1$' "$TMP/l.mbox" && pass "links to the served page" || fail "links to the served page"

# held: below the threshold, no culprit
pct=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r.get("confidence", ""))' "$OUT/result.json")
"$CULPRIT" mail --hold-below 99.99 --mbox "$TMP/held.mbox" "$OUT" 2>"$TMP/err"
check "held mail exits 0" 0 $?
grep -q "held $OUT: confidence .* is below 99.99%" "$TMP/err" && pass "held below the threshold, says why" || { fail "held below the threshold, says why"; cat "$TMP/err"; }
[ ! -s "$TMP/held.mbox" ] && pass "nothing written when held" || fail "nothing written when held"
"$CULPRIT" mail --hold-below 50 --mbox "$TMP/held.mbox" "$OUT" 2>/dev/null
check "above the threshold: written" 1 "$(grep -c '^From culprit@localhost ' "$TMP/held.mbox")"
I=$TMP/interrupted
mkdir -p "$I"
head -1 "$OUT/result.json" >/dev/null
printf '{"journal":"culprit","format":1,"header":{"repo":"%s","bad":"%s","runs":1}}\n' "$REPO" "$BAD" >"$I/journal.jsonl"
"$CULPRIT" mail --mbox "$TMP/i.mbox" "$I" 2>"$TMP/err"
grep -q "held $I: no culprit" "$TMP/err" && pass "no culprit: held" || fail "no culprit: held"

# header injection and a non-ASCII title
E=$TMP/evil
cp -r "$OUT" "$E"
python3 - "$E/result.json" <<'PY'
import json, sys
p = sys.argv[1]
r = json.load(open(p))
r["target"] = "KASAN: use-after-free in ünïcödé_ßtraße_" + "é" * 40 + "\r\nBcc: victim@example.com\nX-Evil: 1"
json.dump(r, open(p, "w"))
PY
"$CULPRIT" mail --mbox "$TMP/e.mbox" "$E" 2>/dev/null
check "evil title: exit 0" 0 $?
grep -qi '^Bcc:' "$TMP/e.mbox" && fail "no injected Bcc header" || pass "no injected Bcc header"
grep -qi '^X-Evil:' "$TMP/e.mbox" && fail "no injected header" || pass "no injected header"
subj=$(python3 -c '
import mailbox,sys
from email.header import decode_header, make_header
m = list(mailbox.mbox(sys.argv[1]))[0]
print(str(make_header(decode_header(m["Subject"]))))' "$TMP/e.mbox")
case $subj in
	"KASAN: use-after-free in ünïcödé_ßtraße_éééé"*"Bcc: victim@example.com X-Evil: 1") pass "non-ASCII title decodes back" ;;
	*) fail "non-ASCII title decodes back"; echo "  got: $subj" ;;
esac
python3 - "$TMP/e.mbox" <<'PY' && pass "every encoded word is whole UTF-8" || fail "every encoded word is whole UTF-8"
import base64, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
words = re.findall(r"=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=", text)
assert len(words) > 1, words
for w in words:
    base64.b64decode(w).decode("utf-8")
PY

# through a sendmail-compatible program (a stand-in: nothing leaves the machine)
cat >"$TMP/sendmail" <<SH
#!/bin/sh
echo "\$@" >"$TMP/sent.args"
cat >"$TMP/sent.msg"
SH
printf '#!/bin/sh\ncat >/dev/null\nexit 3\n' >"$TMP/sendmail-fails"
printf '#!/bin/sh\nsleep 600\n' >"$TMP/sendmail-hangs"
chmod +x "$TMP"/sendmail*
"$CULPRIT" mail --sendmail "$TMP/sendmail" "$OUT" 2>/dev/null
check "sendmail: exit 0" 0 $?
check "sendmail: -t -oi" "-t -oi" "$(cat "$TMP/sent.args")"
grep -q "^Subject: $TARGET" "$TMP/sent.msg" && pass "sendmail: got the message" || fail "sendmail: got the message"
expect_status "a sendmail that fails" 11 "$CULPRIT" mail --sendmail "$TMP/sendmail-fails" "$OUT"
start=$(date +%s)
expect_status "a sendmail that hangs is killed" 11 "$CULPRIT" mail --sendmail "$TMP/sendmail-hangs" --timeout 2 "$OUT"
[ $(( $(date +%s) - start )) -lt 30 ] && pass "killed at the timeout" || fail "killed at the timeout"
pgrep -f "$TMP/sendmail-hangs" >/dev/null && fail "its process group is gone" || pass "its process group is gone"
expect_status "a missing sendmail" 11 "$CULPRIT" mail --sendmail "$TMP/no-such-sendmail" "$OUT"
expect_status "both --mbox and --sendmail" 2 "$CULPRIT" mail --mbox "$M" --sendmail "$TMP/sendmail" "$OUT"
expect_status "a missing directory" 9 "$CULPRIT" mail --mbox "$M" "$TMP/nothing-here"
finish
