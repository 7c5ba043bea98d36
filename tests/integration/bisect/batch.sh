#!/usr/bin/env bash
# culprit bisect --policy culprit --jobs 4: a run request becomes a batch
# only as wide as it is worth (cp_batch_width, docs/cost.md), so with a
# reliable crash the 4 slots do not quadruple the runs; the culprit and its
# posterior are those of --jobs 1.
. "$(dirname "$0")/../lib.sh"

repo=$TMP/r
mkdir -p "$repo"
git -C "$repo" init -q
for i in $(seq 1 24); do
	n=8; [ "$i" -ge 15 ] && n=9
	{
		echo '#include <stdlib.h>'
		echo '#include <string.h>'
		echo "/* version $i */"
		echo "int main(void) { char *p = malloc(8); memset(p, 0, $n); free(p); return 0; }"
	} > "$repo/prog.c"
	git -C "$repo" add prog.c
	commit "$repo" "$i" "change $i"
done
culprit_sha=$(git -C "$repo" rev-list --reverse HEAD | sed -n 15p)
good_sha=$(git -C "$repo" rev-list --reverse HEAD | sed -n 1p)
for j in 1 4; do
	"$CULPRIT" bisect --repo "$repo" --bad HEAD --good "$good_sha" --policy culprit \
		--build 'cc -g -fsanitize=address -o prog prog.c' --test ./prog --jobs $j \
		--out "$TMP/o$j" > "$TMP/o$j.txt" 2>&1
	check "--jobs $j exits 0" 0 $?
	check "--jobs $j finds the culprit" "first bad commit: $culprit_sha change 15" \
		"$(grep '^first bad commit:' "$TMP/o$j.txt")"
done
python3 - "$TMP/o1/result.json" "$TMP/o4/result.json" <<'PY' && pass "--jobs 4: same posterior, no more than 2 runs over --jobs 1" || fail "--jobs 4: same posterior, no more than 2 runs over --jobs 1"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def runs(r):
    return sum(t["evidence"]["target"] + t["evidence"]["clean"] + t["evidence"]["other"] for t in r["tested"])
assert abs(a["bayes"]["posterior"] - b["bayes"]["posterior"]) < 0.01, (a["bayes"], b["bayes"])
assert runs(a) >= 1 and runs(b) <= runs(a) + 2, (runs(a), runs(b))
PY
finish
