#!/usr/bin/env bash
# The slurm executor against a real single-node Slurm on localhost (munged,
# slurmctld, slurmd from Debian, started here, stopped at the end): the same
# culprit and evidence as the local executor; slurmd and the job's processes
# killed mid-run (a node death) and slurmd restarted: the lost job is
# submitted again, the answer is right, squeue is empty; with "retries": 0
# a lost run is an infra problem (no evidence): the answer still right, or
# on the start commit one line (exit 11); an unknown
# partition and an unreachable controller: one line, exit 19; a culprit
# killed with SIGKILL leaves its job, which the resumed bisection cancels;
# culprit farm --executor slurm: 3 bisections sharing a cache on Slurm.
. "$(dirname "$0")/../lib.sh"

for p in munged slurmctld slurmd sbatch scontrol squeue sinfo; do
	command -v "$p" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$p" >/dev/null 2>&1 || {
		echo "SKIP: $p is not installed (scripts/setup.sh installs slurm-wlm and munge)"; exit 77; }
done
export PATH=$PATH:/usr/sbin
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: a private slurmctld and slurmd run as root (SlurmUser root)"; exit 77
fi

S=$TMP/slurm
mkdir -p "$S/munge" "$S/ctld" "$S/d" "$S/log"
chmod 700 "$S/munge"
head -c 1024 /dev/urandom > "$S/munge/key"; chmod 600 "$S/munge/key"
port=$((20000 + $$ % 20000))
write_conf() { # FILE CTLD_PORT
	cat > "$1" <<CONF
ClusterName=culprittest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge/sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmctldPort=$2
SlurmdPort=$((port + 1))
StateSaveLocation=$S/ctld
SlurmdSpoolDir=$S/d
SlurmctldPidFile=$S/ctld.pid
SlurmdPidFile=$S/d.pid
SlurmctldLogFile=$S/log/ctld.log
SlurmdLogFile=$S/log/d.log
ReturnToService=2
SlurmdTimeout=5
MessageTimeout=5
MinJobAge=600
JobRequeue=0
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=localhost NodeHostname=localhost CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}
write_conf "$S/slurm.conf" "$port"
export SLURM_CONF=$S/slurm.conf
stop_daemons() {
	local f
	for f in "$S/d.pid" "$S/ctld.pid" "$S/munge/pid"; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 1
	for f in "$S/d.pid" "$S/ctld.pid" "$S/munge/pid"; do
		[ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap stop_daemons EXIT
munged -f --socket="$S/munge/sock" --key-file="$S/munge/key" --log-file="$S/log/munged.log" \
	--pid-file="$S/munge/pid" --seed-file="$S/munge/seed" || { echo "SKIP: munged does not start here"; exit 77; }
slurmctld -c -i || { fail "slurmctld starts"; tail "$S/log/ctld.log"; finish; exit; }
slurmd -N localhost || { fail "slurmd starts"; tail "$S/log/d.log"; finish; exit; }
up=
for _ in $(seq 1 60); do
	sinfo -h -o %t 2>/dev/null | grep -q idle && { up=1; break; }
	sleep 0.5
done
[ -n "$up" ] && pass "single-node slurm is up" || { fail "single-node slurm is up"; tail "$S"/log/*.log; finish; exit; }

r=$TMP/repo
mkdir -p "$r" && git -C "$r" init -q
for i in $(seq 1 10); do
	if [ "$i" -ge 7 ]; then printf 'bug %s\n' "$i"; else printf 'fine %s\n' "$i"; fi > "$r/prog.txt"
	git -C "$r" add prog.txt
	commit "$r" "$i" "change $i"
done
culprit=$(git -C "$r" rev-list --reverse HEAD | sed -n 7p)
cat > "$TMP/repro.sh" <<'SH'
#!/bin/sh
sleep "${REPRO_SLEEP:-0}"
grep -q bug out/prog.bin || exit 0
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000018"
echo "    #0 0x401136 in planted_bug /src/prog.c:4"
exit 1
SH
chmod +x "$TMP/repro.sh"
bisect() { # OUT [extra...]
	local out=$1
	shift
	exec "$CULPRIT" bisect --policy git --repo "$r" --bad HEAD --good HEAD~9 \
		--build 'mkdir -p out && cp prog.txt out/prog.bin' --artifact out/prog.bin \
		--test "$TMP/repro.sh" --runs 2 --jobs 2 --out "$TMP/$out" "$@" >"$TMP/$out.txt" 2>&1
}
evidence() { # RESULT.JSON: commit, build, outcomes of every tested commit
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["culprit"]["commit"])
for t in r["tested"]:
    print(t["commit"], t["build"]["ok"], sorted(x["outcome"] for x in t["runs"]))
PY
}
(bisect local)
check "local: exits 0" 0 $?
(bisect onslurm --executor slurm)
st=$?
check "slurm: exits 0" 0 $st
[ $st = 0 ] || tail -5 "$TMP/onslurm.txt"
check "slurm: the culprit" "first bad commit: $culprit change 7" "$(grep '^first bad commit:' "$TMP/onslurm.txt")"
check "slurm: the same culprit and evidence as local" "$(evidence "$TMP/local/result.json")" \
	"$(evidence "$TMP/onslurm/result.json")"
check "slurm: squeue empty" "" "$(squeue -h)"

# node_death OUT WHAT [BUILDS]: once OUT's bisection has built BUILDS
# commits (1) and a run is running, slurmd, the job's slurmstepd and its
# processes are killed; slurmd restarts
node_death() {
	local jid= steps kids grandkids
	for _ in $(seq 1 120); do
		jid=$(squeue -h -t R -o '%i %j' | awk '$2 ~ /^culprit-/ {print $1; exit}')
		[ -n "$jid" ] && [ -s "$TMP/$1/journal.jsonl" ] &&
			[ "$(grep -c '"type": *"build"' "$TMP/$1/journal.jsonl")" -ge "${3:-1}" ] && break
		jid=
		sleep 0.5
	done
	[ -n "$jid" ] && pass "$2: a run was running ($jid)" || fail "$2: a run was running"
	sleep 1
	steps=$(for j in $(squeue -h -t R -o %i); do pgrep -f "slurmstepd: \[$j\."; done)
	kids=$(for p in $steps; do pgrep -P "$p"; done)
	grandkids=$(for p in $kids; do pgrep -P "$p"; done)
	kill -9 "$(cat "$S/d.pid")" $steps $kids $grandkids 2>/dev/null
	sleep 2
	slurmd -N localhost
}
# a node death in the middle
REPRO_SLEEP=4 bisect death --executor slurm &
bpid=$!
node_death death "node death"
wait $bpid
check "node death: exits 0" 0 $?
check "node death: the culprit" "first bad commit: $culprit change 7" "$(grep '^first bad commit:' "$TMP/death.txt")"
grep -lq "^\[culprit: slurm job [0-9]* ended NODE_FAIL (attempt 1 of 3); submitted again\]" "$TMP"/death/commits/*/run-*.log &&
	pass "node death: the lost job was infra and submitted again" ||
	{ fail "node death: the lost job was infra and submitted again"; cat "$TMP"/death/commits/*/run-*.log | grep culprit; }
check "node death: the same evidence as local" "$(evidence "$TMP/local/result.json")" \
	"$(evidence "$TMP/death/result.json")"
check "node death: squeue empty" "" "$(squeue -h)"

# the same with "retries": 0: a lost run is not submitted again; it is an
# infra problem, no evidence.  Lost on a commit of the range: that commit
# is skipped, the answer is still right; lost on the start commit: one
# line saying so (exit 11), not "does not reproduce".  squeue empty.
cat > "$TMP/noretry.json" <<JOB
{"repo": "$r", "bad": "HEAD", "good": "HEAD~9", "policy": "git", "runs": 2, "jobs": 2,
 "build": "mkdir -p out && cp prog.txt out/prog.bin", "artifacts": ["out/prog.bin"],
 "test": "$TMP/repro.sh", "executor": {"type": "slurm", "retries": 0}}
JOB
REPRO_SLEEP=4 "$CULPRIT" bisect --job "$TMP/noretry.json" --out "$TMP/noretry" >"$TMP/noretry.txt" 2>&1 &
bpid=$!
node_death noretry "node death, no retries" 2
wait $bpid
check "node death, no retries: exits 0" 0 $?
check "node death, no retries: the culprit" "first bad commit: $culprit change 7" \
	"$(grep '^first bad commit:' "$TMP/noretry.txt")"
python3 - "$TMP/noretry/journal.jsonl" "$TMP/noretry/result.json" <<'PY' >"$TMP/noretry.infra"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for r in recs:
    if r.get("type") == "run" and r["outcome"].startswith("infra problem: slurm job"):
        print(r["commit"], r["outcome"])
# a commit whose runs were all lost has no verdict from them
for t in json.load(open(sys.argv[2]))["tested"]:
    outs = [x["outcome"] for x in t["runs"]]
    if outs and all(o.startswith("infra problem") for o in outs):
        assert t["verdict"] == "skip", (t["commit"], t["verdict"], outs)
PY
st=$?
n=$(wc -l <"$TMP/noretry.infra")
[ $st = 0 ] && [ "$n" -ge 1 ] && pass "node death, no retries: the lost runs are infra problems ($n), no evidence" ||
	{ fail "node death, no retries: the lost runs are infra problems"; cat "$TMP/noretry.infra"; }
grep -q "NODE_FAIL (attempt 1 of 1)" "$TMP/noretry.infra" && pass "node death, no retries: said NODE_FAIL, attempt 1 of 1" ||
	fail "node death, no retries: said NODE_FAIL, attempt 1 of 1"
check "node death, no retries: squeue empty" "" "$(squeue -h)"
REPRO_SLEEP=4 "$CULPRIT" bisect --job "$TMP/noretry.json" --out "$TMP/nostart" >"$TMP/nostart.txt" 2>&1 &
bpid=$!
node_death nostart "node death on the start commit" 1
wait $bpid
check "node death on the start commit: exits 11" 11 $?
last=$(tail -1 "$TMP/nostart.txt")
case $last in "culprit: the start commit "*" could not be tested: every run was an infra problem: slurm job "*" ended NODE_FAIL (attempt 1 of 1)")
	pass "node death on the start commit: one line saying so" ;;
	*) fail "node death on the start commit: one line saying so: $last" ;; esac
check "node death on the start commit: squeue empty" "" "$(squeue -h)"

# the farm on Slurm: 3 bisections with overlapping ranges through culprit
# farm --executor slurm sharing one cache: the culprit each time, no (tree,
# recipe) key built twice, squeue empty at the end
mkdir -p "$TMP/fjobs"
for range in "1 10 a" "2 10 b" "1 9 c"; do
	set -- $range
	cat > "$TMP/fjobs/$3.json" <<JOB
{"repo": "$r", "good": "HEAD~$((10 - $1))", "bad": "HEAD~$((10 - $2))", "policy": "git", "runs": 1,
 "build": "mkdir -p out && cp prog.txt out/prog.bin", "test": "$TMP/repro.sh",
 "artifacts": ["out/prog.bin"]}
JOB
done
njobs=$(grep -c "_slurm_rpc_submit_batch_job: JobId=" "$S/log/ctld.log")
"$CULPRIT" farm --jobs-dir "$TMP/fjobs" -j 3 --out "$TMP/fout" --cache "$TMP/fcache" \
	--executor slurm >"$TMP/farm.txt" 2>&1
check "farm on slurm: exits 0" 0 $?
for k in a b c; do
	check "farm on slurm: $k's culprit" "first bad commit: $culprit change 7" \
		"$(grep '^first bad commit:' "$TMP/fout/$k.log")"
	grep -q '"executor":"slurm"\|"executor": *"slurm"\|"type": *"slurm"' "$TMP/fout/$k/journal.jsonl" &&
		pass "farm on slurm: $k ran on slurm" || { fail "farm on slurm: $k ran on slurm"; head -c 600 "$TMP/fout/$k/journal.jsonl"; }
done
python3 - "$TMP/fout" <<'PY' && pass "farm on slurm: no key built twice, builds shared" || fail "farm on slurm: no key built twice"
import collections, glob, json, sys
built, hits = collections.Counter(), 0
for j in glob.glob(sys.argv[1] + "/*/journal.jsonl"):
    for r in map(json.loads, open(j)):
        if r.get("type") == "build":
            if r["cache"] == "built":
                built[r["cache_key"]] += 1
            hits += r["cache"] == "hit"
print("built", sum(built.values()), "hits", hits)
assert not [k for k, n in built.items() if n > 1], built
assert hits > 0
PY
n=$(( $(grep -c "_slurm_rpc_submit_batch_job: JobId=" "$S/log/ctld.log") - njobs ))
[ "$n" -ge 6 ] && pass "farm on slurm: its builds and runs were Slurm jobs ($n)" || fail "farm on slurm: Slurm jobs ($n)"
check "farm on slurm: squeue empty" "" "$(squeue -h)"

# cancelling culprit cancels its jobs
REPRO_SLEEP=30 bisect cancel --executor slurm &
bpid=$!
for _ in $(seq 1 120); do squeue -h -t R | grep -q . && break; sleep 0.5; done
kill -TERM $bpid
wait $bpid
check "SIGTERM: exits 14 (interrupted)" 14 $?
sleep 1
check "SIGTERM: its jobs are cancelled, squeue empty" "" "$(squeue -h)"

# culprit killed with SIGKILL cannot scancel: its job stays queued until
# the bisection resumes on the same output directory, which cancels it
REPRO_SLEEP=60 bisect killed --executor slurm &
bpid=$!
for _ in $(seq 1 120); do
	# a run (60 s), not the build: it outlives the kill
	[ -s "$TMP/killed/journal.jsonl" ] && grep -q '"type": *"build"' "$TMP/killed/journal.jsonl" &&
		squeue -h -t R | grep -q . && break
	sleep 0.5
done
sleep 1
kill -KILL $bpid
wait $bpid 2>/dev/null
sleep 1
left=$(squeue -h -o %i | tr '\n' ' ')
[ -n "$left" ] && pass "SIGKILL: its job is left in squeue ($left)" || fail "SIGKILL: its job is left in squeue"
"$CULPRIT" bisect --resume "$TMP/killed" >"$TMP/killed2.txt" 2>&1
check "SIGKILL, resumed: exits 0" 0 $?
check "SIGKILL, resumed: the culprit" "first bad commit: $culprit change 7" "$(grep '^first bad commit:' "$TMP/killed2.txt")"
grep -q "^slurm: cancelled jobs\? ${left% } left by an earlier culprit on this output directory$" "$TMP/killed2.txt" &&
	pass "SIGKILL, resumed: the leftover job cancelled, said so" ||
	{ fail "SIGKILL, resumed: the leftover job cancelled, said so"; grep slurm "$TMP/killed2.txt"; }
check "SIGKILL, resumed: squeue empty" "" "$(squeue -h)"

# bad input
cat > "$TMP/job.json" <<JOB
{"repo": "$r", "bad": "HEAD", "good": "HEAD~9", "build": "true", "test": "true",
 "executor": {"type": "slurm", "partition": "nosuch"}}
JOB
msg=$("$CULPRIT" bisect --job "$TMP/job.json" --out "$TMP/np" 2>&1)
check "unknown partition: exit 19" 19 $?
check "unknown partition: one line" "culprit: slurm: partition 'nosuch' does not exist" "$msg"
write_conf "$S/down.conf" $((port + 2))
msg=$(SLURM_CONF=$S/down.conf timeout 120 "$CULPRIT" bisect --repo "$r" --bad HEAD --good HEAD~9 \
	--build true --test true --out "$TMP/down" --executor slurm 2>&1)
check "unreachable controller: exit 19" 19 $?
case $msg in "culprit: slurm: cannot reach the controller: "*) pass "unreachable controller: one line";;
	*) fail "unreachable controller: one line: $msg";; esac
check "unreachable controller: one line only" 1 "$(printf '%s\n' "$msg" | wc -l)"
finish
