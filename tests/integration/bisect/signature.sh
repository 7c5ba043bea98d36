#!/usr/bin/env bash
# Build signatures of declared artifacts (--artifact): written to
# commits/<sha>/signature and logged; the git policy takes the verdict of a
# commit with the same signature without running the test; the culprit
# policy gives the signatures to the engine and runs --jobs at once; a
# run's log is cut at --output-max with its tail kept.
. "$(dirname "$0")/../lib.sh"

# 20 commits; from commit 12 on the program is "bug" and later commits only
# edit a comment, so every commit from 12 on builds the same binary.
r=$TMP/repo
mkdir -p "$r" && git -C "$r" init -q
for i in $(seq 1 20); do
	if [ "$i" -ge 12 ]; then printf 'bug\n# note %s\n' "$i"; else printf 'fine %s\n' "$i"; fi > "$r/prog.txt"
	git -C "$r" add prog.txt
	commit "$r" "$i" "change $i"
done
culprit=$(git -C "$r" rev-list --reverse HEAD | sed -n 12p)
good=$(git -C "$r" rev-list --reverse HEAD | sed -n 1p)
BUILD='mkdir -p out && grep -v "^#" prog.txt > out/prog.bin'
cat > "$TMP/repro.sh" <<'SH'
#!/bin/sh
grep -q bug out/prog.bin || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "WRITE of size 1 at 0x602000000018 thread T0"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"

# 1. the git policy: a commit built like one tested already takes its verdict
"$CULPRIT" bisect --policy git --repo "$r" --bad HEAD --good "$good" --build "$BUILD" \
	--artifact 'out/*.bin' --test "$TMP/repro.sh" --runs 2 --out "$TMP/g" >"$TMP/g.txt" 2>&1
check "git policy: exits 0" 0 $?
check "git policy: finds the culprit" "first bad commit: $culprit change 12" \
	"$(grep '^first bad commit:' "$TMP/g.txt")"
head=$(git -C "$r" rev-parse HEAD)
grep -q "^same signature as $head: crashed" "$TMP/g.txt" &&
	pass "git policy: same signature as the start commit, its verdict taken" ||
	fail "git policy: same signature as the start commit, its verdict taken"
sig=$(grep -m1 '^build signature: ' "$TMP/g.txt" | cut -d' ' -f3)
[ "${#sig}" = 64 ] && pass "build signature logged (SHA-256 hex)" || fail "build signature logged: '$sig'"
check "commits/<sha>/signature holds it" "$sig" "$(cat "$TMP/g/commits/$head/signature")"
want=$(cd "$TMP" && mkdir -p w && printf 'bug\n' > w/prog.bin && python3 - <<'PY'
import hashlib, struct
data = b"bug\n"
h = hashlib.sha256()
h.update(b"out/prog.bin\0F" + data + struct.pack("<Q", len(data)))
print(h.hexdigest())
PY
)
check "the signature is SHA-256 over name, bytes and size" "$want" "$sig"
python3 - "$TMP/g/result.json" "$culprit" <<'PY' && pass "git policy: result.json shows signatures and the shared verdict" || fail "git policy: result.json shows signatures and the shared verdict"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["policy"] == "git"
shared = [t for t in r["tested"] if "same_signature_as" in t]
assert shared and all(not t["runs"] for t in shared), shared
assert all(t["build"]["signature"] for t in r["tested"] if t["build"]["ok"])
assert r["job"]["artifacts"] == ["out/*.bin"]
PY
runs_g=$(grep -c '"type": *"run"' "$TMP/g/journal.jsonl")
"$CULPRIT" bisect --resume "$TMP/g" >"$TMP/gr.txt" 2>&1
check "git policy: resume finds the same culprit" "first bad commit: $culprit change 12" \
	"$(grep '^first bad commit:' "$TMP/gr.txt")"
check "git policy: resume runs nothing again" "$runs_g" "$(grep -c '"type": *"run"' "$TMP/g/journal.jsonl")"

# a declared artifact the build does not make: no signature, no sharing
"$CULPRIT" bisect --policy git --repo "$r" --bad HEAD --good "$good" --build "$BUILD" \
	--artifact 'out/missing' --test "$TMP/repro.sh" --runs 1 --out "$TMP/m" >"$TMP/m.txt" 2>&1
check "missing artifact: exits 0" 0 $?
grep -q "^build signature: none (no artifact matches 'out/missing')" "$TMP/m.txt" &&
	pass "missing artifact: said so" || fail "missing artifact: said so"
grep -q '^same signature' "$TMP/m.txt" && fail "missing artifact: nothing shared" ||
	pass "missing artifact: nothing shared"

# 2. the culprit policy (the default) with the signatures and --jobs 2
"$CULPRIT" bisect --repo "$r" --bad HEAD --good "$good" --build "$BUILD" \
	--artifact out --test "$TMP/repro.sh" --runs 2 --jobs 2 --out "$TMP/c" >"$TMP/c.txt" 2>&1
check "culprit policy: exits 0" 0 $?
check "culprit policy: finds the culprit" "first bad commit: $culprit change 12" \
	"$(grep '^first bad commit:' "$TMP/c.txt")"
grep -q '^same signature as [0-9a-f]\{40\}: their runs count for both$' "$TMP/c.txt" &&
	pass "culprit policy: an equal build's shared evidence is logged" ||
	fail "culprit policy: an equal build's shared evidence is logged"
python3 - "$TMP/c/result.json" <<'PY' && pass "culprit policy: signatures in result.json, each run recorded once, not a no-op" || fail "culprit policy: signatures in result.json, each run recorded once, not a no-op"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["policy"] == "culprit" and r["status"] == "found"
assert r["bayes"]["noop"] is False
for t in r["tested"]:
    if t["build"]["ok"]:
        assert len(t["build"]["signature"]) == 64, t
        # batches are as wide as they are worth (up to --jobs), so any count
        assert sorted(x["index"] for x in t["runs"]) == list(range(len(t["runs"]))), t
PY

# 3. the culprit's build equals its parent's: flagged
r2=$TMP/noop
mkdir -p "$r2" && git -C "$r2" init -q
for i in $(seq 1 12); do
	printf 'version %s\n' "$i" > "$r2/prog.txt"
	[ "$i" -ge 8 ] && printf 'version 7\n' > "$r2/prog.txt"
	if [ "$i" -ge 8 ]; then echo bug; else echo fine; fi > "$r2/state.txt"
	[ "$i" -ge 9 ] && printf 'version %s\n' "$i" > "$r2/prog.txt"
	git -C "$r2" add prog.txt state.txt
	commit "$r2" "$i" "change $i"
done
cat > "$TMP/repro2.sh" <<'SH'
#!/bin/sh
grep -q bug state.txt || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "WRITE of size 1 at 0x602000000018 thread T0"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro2.sh"
"$CULPRIT" bisect --repo "$r2" --bad HEAD --good HEAD~11 --build 'cp prog.txt prog.bin' \
	--artifact prog.bin --test "$TMP/repro2.sh" --runs 2 --out "$TMP/n" >"$TMP/n.txt" 2>&1
status=$?
echo "no-op culprit: exit $status; $(grep -E '^(culprit|first bad commit):' "$TMP/n.txt" | tr '\n' ' ')"
if grep -q "^the culprit's build equals its parent's" "$TMP/n.txt"; then
	pass "no-op culprit: flagged in the log"
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["bayes"]["noop"] is True' \
		"$TMP/n/result.json" && pass "no-op culprit: result.json bayes.noop" ||
		fail "no-op culprit: result.json bayes.noop"
else
	fail "no-op culprit: flagged in the log"
fi

# 4. --output-max: a run printing 3 MiB keeps 1 MiB of head and its tail
cat > "$TMP/loud.sh" <<'SH'
#!/bin/sh
head -c 3145728 /dev/zero | tr '\0' 'x' | fold -w 100
exec "$REPRO"
SH
chmod +x "$TMP/loud.sh"
REPRO=$TMP/repro.sh "$CULPRIT" bisect --repo "$r" --bad HEAD --good "$good" --build "$BUILD" \
	--test "$TMP/loud.sh" --runs 1 --output-max 1M --out "$TMP/l" >"$TMP/l.txt" 2>&1
check "output-max: exits 0" 0 $?
size=$(stat -c %s "$TMP/l/commits/$head/run-0.log")
[ "$size" -lt 1400000 ] && pass "output-max: run log $size bytes (3 MiB printed)" ||
	fail "output-max: run log $size bytes"
grep -q 'AddressSanitizer: heap-buffer-overflow' "$TMP/l/commits/$head/run-0.log" &&
	pass "output-max: the crash report at the end is kept" || fail "output-max: the crash report is kept"
expect_status "output-max: a bad size is a usage error" 2 "$CULPRIT" bisect --repo "$r" \
	--bad HEAD --build true --test true --output-max 12Q --out "$TMP/bad"
finish
