#!/bin/bash
# The PostgreSQL back end against a real server this test starts (initdb
# in a temporary directory, a free port on 127.0.0.1, stopped at the end):
# the store's unit tests run on it, and the same output directories
# imported into SQLite and PostgreSQL give the same list, filter, sort and
# get results, from the CLI and from culprit serve.  An unreachable server
# and a newer schema are refused with exit 17.
. "$SOURCE_ROOT/tests/integration/lib.sh"
. "$SOURCE_ROOT/tests/integration/output/fixture.sh"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || PGBIN=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
	echo "SKIP: PostgreSQL's initdb/pg_ctl are not installed (scripts/setup.sh installs postgresql)"
	exit 77
fi
UNIT=${STORE_UNIT_TEST:-}
PGD=$TMP/pg
mkdir -p "$PGD"
# PostgreSQL will not run as root: the server runs as the postgres user there
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "SKIP: running as root and there is no postgres user to run the server"
		exit 77
	fi
	chmod 755 "$TMP"
	chown postgres "$PGD"
	as_pg() { runuser -u postgres -- "$@"; }
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PGSTARTED=
stop_pg() {
	[ -n "$PGSTARTED" ] && as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1
	PGSTARTED=
}
trap 'stop_pg; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
as_pg "$PGBIN/initdb" -D "$PGD/data" -U culprit -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1
check "initdb" 0 $?
as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w -t 60 \
	-o "-p $PORT -k $PGD -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1
st=$?
check "the server starts on 127.0.0.1:$PORT" 0 $st
if [ $st -ne 0 ]; then cat "$TMP/initdb.log" "$PGD/server.log" 2>/dev/null | tail -20; finish; exit 1; fi
PGSTARTED=1
PG="postgresql://culprit@127.0.0.1:$PORT/postgres"

# the unit tests, on PostgreSQL
if [ -n "$UNIT" ]; then
	CULPRIT_TEST_STORE=$PG "$UNIT" >"$TMP/unit.log" 2>&1
	check "store unit tests on PostgreSQL" 0 $?
	grep -E 'PASSED|FAILED|SKIPPED' "$TMP/unit.log" | sed 's/^/  /'
	[ $? -eq 0 ] || tail -20 "$TMP/unit.log"
	PGU="postgresql://culprit@127.0.0.1:$PORT/postgres"
	# leave an empty database for what follows
	"$PGBIN/psql" -q "$PGU" -c 'DROP TABLE IF EXISTS tested, bisections, culprit_schema' >/dev/null 2>&1
fi

# the same directories into both
H=$TMP/hostile
cp -r "$OUT" "$H"
python3 - "$H/result.json" <<'PY'
import json, sys
p = sys.argv[1]; r = json.load(open(p))
r["target"] = "WARNING in 100%_<b>odd</b> 'quoted' title"
r["job"]["repo"] = "/git/other"
json.dump(r, open(p, "w"))
PY
I=$TMP/interrupted
mkdir -p "$I"
printf '{"journal":"culprit","format":1,"header":{"repo":"%s","bad":"%s","runs":1,"crash":"%s"}}\n{"type":"build","commit":"%s","ok":true,"duration_s":1}\n' \
	"$REPO" "$BAD" "$TARGET" "$BAD" >"$I/journal.jsonl"
for store in "$TMP/s.db" "$PG"; do
	"$CULPRIT" store import --store "$store" "$OUT" "$H" >/dev/null &&
	"$CULPRIT" store import --store "$store" "$I" >/dev/null &&
	"$CULPRIT" store import --store "$store" --state running "$H" >/dev/null
	check "import into $(case $store in postgres*) echo PostgreSQL;; *) echo SQLite;; esac)" 0 $?
done
norm() { python3 -c '
import json, sys
d = json.load(sys.stdin)
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("created", "updated")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
print(json.dumps(strip(d), sort_keys=True))'; }
same() {
	local what=$1 a b
	shift
	a=$("$CULPRIT" store "$@" --store "$TMP/s.db" | norm)
	b=$("$CULPRIT" store "$@" --store "$PG" | norm)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "same on both: $what"; else
		fail "same on both: $what"; echo "  sqlite:   ${a:0:300}"; echo "  postgres: ${b:0:300}"; fi
}
same "list" list
same "oldest first" list --oldest
same "state running" list --state running
same "state interrupted" list --state interrupted
same "title, any case" list --title "heap-USE-after"
same "title with % and _" list --title "100%_"
same "title with a quote" list --title "'quoted'"
same "repo" list --repo /git/other
same "limit" list --limit 2
for id in 1 2 3; do same "get $id" get "$id"; done
check "the list is not empty" 3 "$("$CULPRIT" store list --store "$PG" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "finished keeps every digit" \
	"$("$CULPRIT" store get --store "$TMP/s.db" 1 | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["finished"]))')" \
	"$("$CULPRIT" store get --store "$PG" 1 | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["finished"]))')"

# culprit serve on each gives the same API answers
. "$SOURCE_ROOT/tests/integration/serve/serve-lib.sh"
trap 'stop_pg; [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
for store in "$TMP/s.db" "$PG"; do
	tag=$(case $store in postgres*) echo pg;; *) echo sqlite;; esac)
	start_serve "$TMP/serve-$tag.err" --store "$store" || continue
	for q in "" "?state=done" "?title=heap&sort=oldest" "?limit=1&offset=1"; do
		curl -s "$URL/api/bisections$q" | norm >>"$TMP/api-$tag"
	done
	curl -s "$URL/api/bisections/2" | norm >>"$TMP/api-$tag"
	curl -s -o /dev/null -w '%{http_code}\n' "$URL/bisection/1" >>"$TMP/api-$tag"
	stop_serve "$TMP/serve-$tag.err"
done
cmp -s "$TMP/api-sqlite" "$TMP/api-pg" && pass "serve: the same API answers on both" || { fail "serve: the same API answers on both"; diff "$TMP/api-sqlite" "$TMP/api-pg" | head -5; }
check "serve on PostgreSQL rendered the page" 200 "$(tail -1 "$TMP/api-pg")"

# refused: a newer schema, an unreachable server
v=$("$PGBIN/psql" -qtA "$PG" -c 'SELECT version FROM culprit_schema')
"$PGBIN/psql" -q "$PG" -c 'UPDATE culprit_schema SET version = 99' >/dev/null 2>&1
"$CULPRIT" store list --store "$PG" >/dev/null 2>"$TMP/err"
check "PostgreSQL store with a newer schema: exit 17" 17 $?
grep -q 'schema version 99, newer' "$TMP/err" && pass "says so" || fail "says so"
"$PGBIN/psql" -q "$PG" -c "UPDATE culprit_schema SET version = $v" >/dev/null 2>&1
check "its rows kept" 3 "$("$CULPRIT" store list --store "$PG" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
stop_pg
"$CULPRIT" store list --store "$PG" >/dev/null 2>"$TMP/err"
check "a server that is down: exit 17" 17 $?
check "with one line" 1 "$(wc -l <"$TMP/err")"
finish
