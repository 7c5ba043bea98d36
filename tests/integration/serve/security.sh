#!/bin/bash
# culprit serve against hostile requests and hostile data: path traversal in
# every URL part and query parameter, planted symlinks, POST without or
# with a wrong token, oversized bodies, bad jobs, crash text and titles
# with HTML/JS (escaped on every page), and a store it must refuse.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"
. "$SOURCE_ROOT/tests/integration/serve/serve-lib.sh"

S=$TMP/store.db
# a second, hostile bisection: every text a crash or a commit can carry
H=$TMP/hostile
mkdir -p "$H/commits/$CULPRIT_SHA"
python3 - "$H" "$CULPRIT_SHA" <<'PY'
import json, sys
h, sha = sys.argv[1:]
x = '<script>alert("x")</script><img src=x onerror=alert(7)>'
res = {"version": 1, "mode": "cause", "status": "found", "target": "KASAN: " + x,
       "culprit": {"commit": sha, "subject": "subj " + x},
       "job": {"repo": "/no/repo\"><b>" + x, "bad": sha},
       "flags": ["flag " + x],
       "tested": [{"commit": sha, "label": "", "build": {"ok": True, "duration_s": 1},
                   "runs": [{"index": 0, "outcome": "crashed: KASAN: " + x, "duration_s": 1}],
                   "verdict": "crashed"}]}
json.dump(res, open(h + "/result.json", "w"))
open(h + "/log", "w").write("bisection log " + x + "\n")
open(h + "/commits/" + sha + "/run-0.log", "w").write("run log " + x + "\n")
PY
ln -s /etc/passwd "$OUT/log"
mkdir -p "$TMP/elsewhere"
echo "secret outside the store" >"$TMP/elsewhere/run-0.log"
ln -s "$TMP/elsewhere" "$OUT/commits/$BAD-x"
rm -rf "$OUT/commits/$BAD" && ln -s "$TMP/elsewhere" "$OUT/commits/$BAD"
"$CULPRIT" store import --store "$S" "$OUT" "$H" >/dev/null
check "import the fixture and the hostile bisection" 0 $?

start_serve "$TMP/serve.err" --store "$S" || { finish; exit 1; }
grep -q "http://127.0.0.1:" "$TMP/serve.err" && pass "listens on 127.0.0.1 by default" || fail "listens on 127.0.0.1 by default"
check "list page" 200 "$(status /)"
check "bisection page" 200 "$(status /bisection/2)"
check "hostile run log served" 200 "$(status "/bisection/2/commits/$CULPRIT_SHA/run-0.log")"
grep -q '^run log <script>' "$TMP/body" && pass "a log is served as it is" || fail "a log is served as it is"
curl -s -D "$TMP/headers" -o /dev/null "$URL/bisection/2/log"
grep -qi '^content-type: text/plain' "$TMP/headers" && pass "logs are text/plain" || fail "logs are text/plain"
grep -qi '^x-content-type-options: nosniff' "$TMP/headers" && pass "never sniffed as HTML" || fail "never sniffed as HTML"
grep -qi "^content-security-policy: default-src 'none'" "$TMP/headers" && pass "CSP: no script, no network" || fail "CSP: no script, no network"

# traversal: nothing outside the store's data, whatever the URL says
for p in "/bisection/1/log" "/bisection/1/commits/$BAD/run-0.log" \
	"/bisection/1/../../../../etc/passwd" "/bisection/1/commits/../../../../../etc/passwd" \
	"/bisection/1/commits/%2e%2e/%2e%2e/etc/passwd" "/bisection/%2e%2e%2f%2e%2e%2fetc%2fpasswd" \
	"/bisection/1/commits/$CULPRIT_SHA/..%2f..%2f..%2fresult.json" "/bisection/1/commits/$CULPRIT_SHA/run-0.log/../../result.json" \
	"/bisection/1/commits/$CULPRIT_SHA/run-0.logx" "/bisection/1/commits/${CULPRIT_SHA^^}/run-0.log" \
	"/bisection/1/result.json" "/bisection/1/journal.jsonl" "/bisection/1/worktree/src/a.c" \
	"/api/bisections/1/../../../etc/passwd" "/api/bisections/-1" "/api/bisections/0x1" "/bisection/01" \
	"/bisection/99999999999999999999999" "/etc/passwd" "//etc/passwd" "/api/../etc/passwd" "/bisection/1/log/" \
	"/api/bisections/1/commits/$BAD-x/run-0.log"; do
	st=$(status "$p")
	check "GET $p refused" 404 "$st"
	if grep -q -e 'root:' -e 'secret outside' "$TMP/body"; then fail "nothing outside the store for $p"; fi
done
for q in "state=../../etc/passwd" "state=done%27%20OR%201=1--" "sort=../x" "limit=-1" "limit=1e9" \
	"limit=99999999999999999999" "offset=x" "limit=0"; do
	check "GET /api/bisections?$q refused" 400 "$(status "/api/bisections?$q")"
done
check "a title filter that is SQL is only text" '{"total":0,"bisections":[]}' \
	"$(curl -s "$URL/api/bisections?title=%27%20OR%20%271%27=%271")"
check "a %-wildcard title is only text" 0 "$(curl -s "$URL/api/bisections?title=%25" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
check "filter by state and title" 1 "$(curl -s "$URL/api/bisections?state=done&title=kasan" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"

# escaping: no markup from the data, on every page
for p in / "/?title=%3Cscript%3E" /bisection/2 /bisection/2/report.txt; do
	curl -s "$URL$p" >"$TMP/page"
	if grep -q -e '<script>alert' -e '<img src=x' -e '<b><script' "$TMP/page"; then
		fail "$p: hostile markup escaped"; grep -o '.\{20\}<script>alert.\{20\}' "$TMP/page" | head -3
	else
		pass "$p: hostile markup escaped"
	fi
done
curl -s "$URL/" | grep -q 'KASAN: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' && pass "the title shown as text" || fail "the title shown as text"
curl -s "$URL/?title=%22%3E%3Cscript%3E" | grep -q 'value="&quot;&gt;&lt;script&gt;"' && pass "a filter echoed escaped" || fail "a filter echoed escaped"
curl -s "$URL/?limit=1&title=%22%3E%3Cscript%3E%26x%3D" >"$TMP/page"
grep -q 'value="&quot;&gt;&lt;script&gt;&amp;x=' "$TMP/page" && pass "a filter with & echoed escaped" || fail "a filter with & echoed escaped"
curl -s "$URL/?limit=1&title=a" >"$TMP/page"
grep -q '<a rel="next" href="/?offset=1&amp;limit=1&amp;title=a">older</a>' "$TMP/page" && pass "a next-page link keeping the filter" || fail "a next-page link keeping the filter"
curl -s "$URL/?limit=1&offset=1&title=%3C%22%26" >"$TMP/page"
grep -q '<a rel="prev" href="/?offset=0&amp;limit=1&amp;title=%3C%22%26">newer</a>' "$TMP/page" && pass "a prev-page link, its filter encoded" || fail "a prev-page link, its filter encoded"
grep -q 'rel="next"' "$TMP/page" && fail "no next link on the last page" || pass "no next link on the last page"
curl -s "$URL/api/bisections/2" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["title"].startswith("KASAN: <script>")' \
	&& pass "JSON carries the text as it is" || fail "JSON carries the text as it is"

# read-only by default
check "POST without --token-file: forbidden" 403 "$(status /api/jobs -X POST -H 'Authorization: Bearer x' --data '{}')"
check "PUT: method not allowed" 405 "$(status /api/jobs -X PUT --data '{}')"
check "DELETE: method not allowed" 405 "$(status /bisection/1 -X DELETE)"
# a huge URL and a huge header: refused, the server lives on
raw() {
	python3 - "$(cat "$TMP/port")" "$1" <<'PY'
import socket, sys
port, what = int(sys.argv[1]), sys.argv[2]
big = "a" * 300000
req = ("GET /bisection/" + big + " HTTP/1.1\r\nHost: x\r\n\r\n" if what == "url"
       else "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n")
s = socket.create_connection(("127.0.0.1", port), timeout=30)
try:
    s.sendall(req.encode())
except OSError:
    pass
try:
    line = s.recv(100).decode(errors="replace").split("\r\n")[0]
except OSError:
    line = "closed"
print(line.split(" ")[1] if line.startswith("HTTP/") else "closed")
PY
}
st=$(raw url)
case $st in 413|414|431|closed) pass "a 300 KB URL refused ($st)" ;; *) fail "a 300 KB URL refused ($st)" ;; esac
st=$(raw header)
case $st in 413|431|closed) pass "a 300 KB header refused ($st)" ;; *) fail "a 300 KB header refused ($st)" ;; esac
check "the server still answers" 200 "$(status /)"
stop_serve "$TMP/serve.err"

# with a token and a jobs directory
T=$TMP/token
echo "s3cret-token-0123456789" >"$T"
chmod 600 "$T"
J=$TMP/jobs
mkdir -p "$J"
start_serve "$TMP/serve2.err" --store "$S" --token-file "$T" --jobs-dir "$J" || { finish; exit 1; }
job='{"repo": "'$REPO'", "bad": "'$BAD'", "good": ["'$GOOD'"], "build": "true", "test": "true", "out": "/etc/owned"}'
check "POST without a token" 401 "$(status /api/jobs -X POST --data "$job")"
check "POST with a wrong token" 401 "$(status /api/jobs -X POST -H 'Authorization: Bearer s3cret-token-012345678X' --data "$job")"
check "POST with a prefix of the token" 401 "$(status /api/jobs -X POST -H 'Authorization: Bearer s3cret' --data "$job")"
check "POST with the token as Basic" 401 "$(status /api/jobs -X POST -H 'Authorization: Basic s3cret-token-0123456789' --data "$job")"
AUTH='Authorization: Bearer s3cret-token-0123456789'
head -c 100000 /dev/zero | tr '\0' ' ' >"$TMP/big"
check "an oversized body" 413 "$(status /api/jobs -X POST -H "$AUTH" --data-binary @"$TMP/big")"
check "an oversized body sent chunked" 413 "$(status /api/jobs -X POST -H "$AUTH" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big")"
check "a body that is not JSON" 400 "$(status /api/jobs -X POST -H "$AUTH" --data 'not json')"
check "a job without its commands" 400 "$(status /api/jobs -X POST -H "$AUTH" --data '{"repo": "/x"}')"
check "a job with an unknown field" 400 "$(status /api/jobs -X POST -H "$AUTH" --data '{"repo": "/x", "bad": "HEAD", "build": "true", "test": "true", "shell": "rm -rf /"}')"
check "no job file from refused posts" 0 "$(ls "$J" | wc -l)"
check "a good job, the right token" 201 "$(status /api/jobs -X POST -H "$AUTH" --data "$job")"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body")
f=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job_file"])' "$TMP/body")
[ -f "$f" ] && pass "the job file is in the jobs directory" || fail "the job file is in the jobs directory"
case $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["out"])' "$f") in
	"$J"/*) pass "the posted out is replaced by the server's" ;;
	*) fail "the posted out is replaced by the server's" ;;
esac
check "the job is queued in the store" queued "$(curl -s "$URL/api/bisections/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
check "a queued bisection has a page" 200 "$(status "/bisection/$id")"
stop_serve "$TMP/serve2.err"

# a store serve must not use
head -c 10000 /dev/urandom >"$TMP/bad.db"
"$CULPRIT" serve --store "$TMP/bad.db" --port 0 >/dev/null 2>"$TMP/err"
check "serve on a corrupt store exits 17" 17 $?
check "with one line saying so" 1 "$(grep -c 'corrupt or not a culprit store' "$TMP/err")"
cp "$S" "$TMP/newer.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE culprit_schema SET version = 99"); c.commit()' "$TMP/newer.db"
"$CULPRIT" serve --store "$TMP/newer.db" --port 0 >/dev/null 2>"$TMP/err"
check "serve on a store of a newer schema exits 17" 17 $?
check "with one line saying so" 1 "$(grep -c 'schema version 99, newer than this culprit' "$TMP/err")"
check "its rows left as they were" "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM bisections").fetchone()[0])' "$S")" \
	"$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM bisections").fetchone()[0])' "$TMP/newer.db")"
expect_status "a short token file" 15 "$CULPRIT" serve --store "$S" --token-file <(echo short)
expect_status "--listen that is not an address" 2 "$CULPRIT" serve --store "$S" --listen 'localhost; rm'
finish
