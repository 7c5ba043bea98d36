# Starting and stopping `culprit serve` for a test.  Source after lib.sh.
# field ID NAME: a field of /api/bisections/ID; wait_state ID STATE SECONDS.
# write_repro FILE: the fixture's reproducer (crashes where src/a.c has the
# bug); it waits while $GATE exists, and on its Nth run (counted in
# $GATE.count) while $GATE.N exists, so a test can hold a bisection running.
# start_serve LOGFILE ARGS...: sets SERVE_PID and URL (http://127.0.0.1:PORT);
# stop_serve: SIGTERM, then checks it exited 0 with no sanitizer report.
SERVE_PID=
start_serve() {
	local log=$1 i
	shift
	rm -f "$TMP/port"
	"$CULPRIT" serve --port 0 --port-file "$TMP/port" "$@" 2>"$log" &
	SERVE_PID=$!
	for i in $(seq 1 200); do
		[ -s "$TMP/port" ] && break
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$TMP/port" ]; then
		fail "culprit serve started"; cat "$log"
		SERVE_PID=
		return 1
	fi
	URL=http://127.0.0.1:$(cat "$TMP/port")
}
stop_serve() {
	local log=$1 st
	[ -n "$SERVE_PID" ] || return 0
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
	st=$?
	SERVE_PID=
	check "serve stops cleanly on SIGTERM" 0 "$st"
	grep -q 'Sanitizer' "$log" && { fail "no sanitizer report from serve"; cat "$log"; } || true
}
# a server left running by a failed test is stopped with it
trap '[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
# status URLPATH [curl args]: the HTTP status code only (the path as given)
status() {
	local p=$1
	shift
	curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' "$@" "$URL$p"
}
field() { curl -s "$URL/api/bisections/$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"$2\"])"; }
wait_state() {
	local i
	for i in $(seq 1 "$(($3 * 5))"); do
		[ "$(field "$1" state)" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}
write_repro() {
	cat >"$1" <<'SH'
#!/bin/sh
echo run >>"$GATE.count"
n=$(wc -l <"$GATE.count")
while [ -e "$GATE" ] || [ -e "$GATE.$n" ]; do sleep 0.2; done
grep -q bug "$CULPRIT_WORKTREE/src/a.c" || exit 0
echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 bp 0x2 sp 0x3"
echo "    #0 0x55 in evil_func src/a.c:10"
echo "SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func"
exit 1
SH
	chmod +x "$1"
}
