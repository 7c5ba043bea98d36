#!/usr/bin/env bash
# Conformance on the syzkaller report corpus (shared/corpus/linux-reports):
# runs the scorer with `culprit report --json` and checks the four figures
# of issue 4: exact title >= 97%, no crash on no-crash logs, corrupted flag
# >= 95%, type >= 95%.  Skips when ../shared is not next to the repository.
. "$(dirname "$0")/../lib.sh"

SHARED="${SOURCE_ROOT:-$(dirname "$0")/../../..}/../shared"
CORPUS="$SHARED/corpus/linux-reports"
SCORER="$SHARED/tools/score-report-corpus.py"
if [ ! -d "$CORPUS" ] || [ ! -f "$SCORER" ]; then
	skip "corpus not found at $CORPUS (needs ../shared next to the repository)"
	finish
	exit 0
fi

cat >"$TMP/parse.sh" <<EOS
#!/bin/sh
"$CULPRIT" report --json -
rc=\$?
[ \$rc -eq 0 ] || [ \$rc -eq 10 ]
EOS
chmod +x "$TMP/parse.sh"
python3 "$SCORER" "$CORPUS" --cmd "$TMP/parse.sh" --json \
	--mismatches "$TMP/mismatches.jsonl" >"$TMP/summary.json" 2>"$TMP/err"
if [ $? -ne 0 ]; then
	fail "scorer ran"
	cat "$TMP/err"
	finish
	exit 1
fi

# figure NAME KEY TARGET_PERCENT
figure() {
	python3 - "$TMP/summary.json" "$2" "$3" "$1" <<'EOP'
import json, sys
s = json.load(open(sys.argv[1]))
v = s[sys.argv[2]]
pct = 100.0 * v["ok"] / v["n"] if v["n"] else 0.0
print("%s: %.1f%% (%d/%d), target %s%%" % (sys.argv[4], pct, v["ok"], v["n"], sys.argv[3]))
sys.exit(0 if pct >= float(sys.argv[3]) else 1)
EOP
}

for spec in "exact title:title:97" "no crash on no-crash logs:no_false_positive:100" \
	"corrupted flag:corrupted:95" "type:type:95"; do
	IFS=: read -r name key target <<<"$spec"
	if out=$(figure "$name" "$key" "$target"); then pass "$out"; else
		fail "$out"; fi
done
errors=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"])' "$TMP/summary.json")
check "no command errors or timeouts" 0 "$errors"
if [ "$FAILED" -ne 0 ]; then
	echo "mismatching cases:"
	head -20 "$TMP/mismatches.jsonl"
fi
finish
