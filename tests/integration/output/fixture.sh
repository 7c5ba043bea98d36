# A finished bisection to render: a repository with a merge, a tag and a
# culprit whose message is hostile HTML, and an output directory with
# result.json and run logs.  Source it after lib.sh; sets REPO, OUT, BAD,
# GOOD, CULPRIT_SHA, PARENT_SHA, MERGE_SHA, MID.
REPO=$TMP/fixture-repo
OUT=$TMP/fixture-out
git init -q -b main "$REPO"
(
	cd "$REPO" || exit 1
	printf 'CORE\nM:\tCore Maint <core@example.com>\nL:\tcore-list@example.com\nS:\tMaintained\nF:\tsrc/\n' >MAINTAINERS
	echo 0 >src.txt; mkdir -p src; echo 0 >src/a.c
	git add -A && git commit -qm "initial"
	for i in 1 2 3 4 5 6; do echo $i >>src/a.c; git commit -qam "main: step $i"; done
	git checkout -qb topic HEAD~3
	for i in 1 2 3; do echo $i >>src.txt; git commit -qam "topic: change $i"; done
	git checkout -q main
	git merge -q --no-ff -m "Merge branch 'topic'" topic
	git tag v1.0
	for i in 7 8; do echo $i >>src/a.c; git commit -qam "main: step $i"; done
	echo bug >>src/a.c
	git commit -q -a -F - <<'MSG'
core: <img src=x onerror=alert(2)> make it faster

This message is hostile: <script>alert(1)</script> "quotes" & <b>bold</b>
and </pre><script>alert(5)</script> to break out of a <pre>.

Signed-off-by: Tester <tester@example.com>
Reviewed-by: Rev <rev@example.com>
MSG
	for i in 9 10 11; do echo $i >>src/a.c; git commit -qam "main: step $i"; done
)
BAD=$(git -C "$REPO" rev-parse HEAD)
GOOD=$(git -C "$REPO" rev-list --max-parents=0 HEAD)
CULPRIT_SHA=$(git -C "$REPO" rev-parse HEAD~3)
PARENT_SHA=$(git -C "$REPO" rev-parse HEAD~4)
MERGE_SHA=$(git -C "$REPO" rev-parse v1.0)
MID=$(git -C "$REPO" rev-parse HEAD~8)
mkdir -p "$OUT/commits/$CULPRIT_SHA" "$OUT/commits/$BAD"
cat >"$OUT/commits/$CULPRIT_SHA/run-0.log" <<'LOG'
booting
==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1 bp 0x2 sp 0x3
READ of size 4 at 0x602000000010 thread T0
    #0 0x55 in evil_func src/a.c:10 <script>alert(3)</script>
    #1 0x56 in main src/main.c:5

SUMMARY: AddressSanitizer: heap-use-after-free src/a.c:10 in evil_func
LOG
TARGET=$("$CULPRIT" report "$OUT/commits/$CULPRIT_SHA/run-0.log" | head -1)
python3 - "$OUT" "$REPO" "$BAD" "$GOOD" "$CULPRIT_SHA" "$PARENT_SHA" "$MERGE_SHA" "$MID" "$TARGET" <<'PY'
import json, sys
out, repo, bad, good, culprit, parent, merge, mid, target = sys.argv[1:]
crash = "crashed: " + target
def t(c, outcomes, verdict, label=""):
    return {"commit": c, "label": label, "build": {"ok": True, "duration_s": 2.5},
            "runs": [{"index": i, "outcome": o, "duration_s": 1.25} for i, o in enumerate(outcomes)],
            "verdict": verdict}
tested = [
    t(bad, [crash, crash, crash, "OK"], "crashed"),
    t(mid, ["OK", "OK", "OK", "OK"], "clean"),
    t(merge, ["OK", "crashed: WARNING in <script>alert(4)</script>", "OK", "OK"], "skip"),
    t(culprit, [crash, "OK", crash, crash], "crashed"),
    t(parent, ["OK", "OK", "OK", "infra problem: the VM <did not> boot"], "skip"),
]
res = {"version": 1, "mode": "cause", "status": "found", "target": target,
       "culprit": {"commit": culprit, "subject": "core: <img src=x onerror=alert(2)> make it faster",
                   "author": "Tester", "email": "tester@example.com",
                   "signature": "5ig", "parent_signature": "5ig"},
       "candidates": [],
       "job": {"repo": repo, "bad": bad, "good": [good], "runs": 4, "jobs": 1, "fix": False},
       "tested": tested,
       "posterior": [{"commit": culprit, "p": 0.87}, {"commit": parent, "p": 0.13}],
       "totals": {"revisions_tested": 5, "build_s": 12.5, "test_s": 25.0, "total_s": 37.5}}
json.dump(res, open(out + "/result.json", "w"), indent=2)
PY
