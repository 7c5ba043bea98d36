#!/usr/bin/env python3
"""Builds a git repository shaped like git's own history, for the benchmark.

usage: make-history.py DEST [--commits 80000] [--merge-rate 0.25] [--seed S]

The shape: a mainline ("master") that receives topic branches of varied
length (mostly 1-5 commits, a few dozen at most), forked from a recent
mainline commit or sometimes from an old one, and merged back with --no-ff
merges; a few long-lived branches ("maint", "next", "seen") that receive
topics too and are themselves merged into master now and then (merges of
merges); some commits directly on master; committer dates that mostly grow,
with equal timestamps and a little clock skew.  Every commit changes one
small file, so the repository stays small.  Built with `git fast-import`
into DEST (a bare repository, created; must not exist).  Standard library
only; downloads nothing.
"""
import argparse
import os
import random
import subprocess
import sys
import time

WORDS = ("fix add remove refactor update improve handle avoid make use drop "
         "parser cache index buffer queue config option path file crash leak "
         "race error test doc build module merge commit object").split()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dest")
    ap.add_argument("--commits", type=int, default=80000)
    ap.add_argument("--merge-rate", type=float, default=0.25)
    ap.add_argument("--seed", default="1")
    a = ap.parse_args()
    if os.path.exists(a.dest):
        sys.exit("make-history: %s exists" % a.dest)
    if not 0 <= a.merge_rate < 0.9 or a.commits < 2:
        sys.exit("make-history: need --commits >= 2 and 0 <= --merge-rate < 0.9")
    rng = random.Random(a.seed)
    t_start = time.time()

    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    subprocess.run(["git", "init", "-q", "--bare", a.dest], check=True, env=env)
    fi = subprocess.Popen(["git", "--git-dir=" + a.dest, "fast-import", "--quiet",
                           "--depth=10", "--active-branches=50"],
                          stdin=subprocess.PIPE, env=env)
    out = fi.stdin
    # mark i+1 = commit i
    parents_of = []       # only the first parent, for old fork points
    date = [1_100_000_000]
    master_hist = []      # master's commits in order (fork points)
    n = 0

    def commit(ref, ps, kind):
        nonlocal n
        n += 1
        r = rng.random()
        if r < 0.15:
            pass                          # same timestamp as the previous one
        elif r < 0.155:
            date[0] -= rng.randint(1, 86400)   # clock skew
        else:
            date[0] += rng.randint(1, 4000)
        d = date[0]
        who = rng.choice(("Junio", "Jeff", "Johannes", "Taylor", "Elijah",
                          "Patrick", "Derrick", "Rene"))
        if kind == "merge":
            msg = "Merge branch '%s/%s-%d'\n" % (who.lower()[:2], rng.choice(WORDS), n)
        else:
            msg = "%s: %s %s\n\nSigned-off-by: %s <%s@example.com>\n" % (
                rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS), who, who.lower())
        msg = msg.encode()
        buf = [b"commit %s\nmark :%d\n" % (ref, n),
               b"author %s <%s@example.com> %d +0000\n" % (who.encode(), who.lower().encode(), d - rng.randrange(100000)),
               b"committer %s <%s@example.com> %d +0000\n" % (who.encode(), who.lower().encode(), d),
               b"data %d\n%s" % (len(msg), msg)]
        if ps:
            buf.append(b"from :%d\n" % ps[0])
            for q in ps[1:]:
                buf.append(b"merge :%d\n" % q)
        if kind != "merge" or rng.random() < 0.1:
            f = rng.randrange(512)
            content = b"%d %d\n" % (n, rng.randrange(1 << 30))
            buf.append(b"M 100644 inline d%02d/f%03d\ndata %d\n%s\n" % (
                f % 32, f, len(content), content))
        buf.append(b"\n")
        out.write(b"".join(buf))
        parents_of.append(ps[0] if ps else 0)
        return n

    # long-lived branches and the mainline
    master = commit(b"refs/heads/master", [], "commit")
    master_hist.append(master)
    long_lived = {}
    for name in (b"maint", b"next", b"seen"):
        long_lived[name] = commit(b"refs/heads/" + name, [master], "commit")

    topics = []           # [tip, commits so far, target length]
    slots = {}
    free_slots = list(range(200))
    target_merges = int(a.commits * a.merge_rate)
    target_plain = a.commits - target_merges
    # topics absorb most plain commits; their mean length follows the ratio
    mean_len = max(1.0, 0.88 * target_plain / max(1, target_merges))

    def new_topic():
        r = rng.random()
        if r < 0.75:
            base = master_hist[-1 - min(len(master_hist) - 1, int(rng.expovariate(1 / 3)))]
        elif r < 0.9:
            # an old fork point: months back on master
            base = master_hist[rng.randrange(max(0, len(master_hist) - 3000), len(master_hist))]
        else:
            base = long_lived[b"maint"]
        length = max(1, min(60, int(rng.expovariate(1 / mean_len)) + 1))
        slot = free_slots.pop()
        ref = b"refs/heads/topic-%d" % slot
        tip = commit(ref, [base], "commit")
        topics.append([tip, 1, length, slot])

    merges = 0
    while n < a.commits:
        want_merge = merges < target_merges * n / a.commits
        ready = [t for t in topics if t[1] >= t[2]]
        if want_merge and (ready or rng.random() < 0.05):
            r = rng.random()
            if r < 0.04:
                # a long-lived branch merged into master: a merge of merges
                name = rng.choice([b"maint", b"next"])
                m = commit(b"refs/heads/master", [master_hist[-1], long_lived[name]], "merge")
                master_hist.append(m)
                if name == b"next":
                    # next restarts from master, as in git.git
                    long_lived[b"next"] = commit(b"refs/heads/next", [long_lived[b"next"], m], "merge")
                    merges += 1
                merges += 1
                continue
            if not ready:
                continue
            t = ready[rng.randrange(len(ready))]
            into = rng.random()
            if into < 0.08:
                name = b"maint"
            elif into < 0.2:
                name = rng.choice([b"next", b"seen"])
            else:
                name = None
            if name:
                long_lived[name] = commit(b"refs/heads/" + name, [long_lived[name], t[0]], "merge")
                merges += 1
                if rng.random() < 0.5:
                    continue  # the topic graduates to master later
            m = commit(b"refs/heads/master", [master_hist[-1], t[0]], "merge")
            master_hist.append(m)
            merges += 1
            topics.remove(t)
            free_slots.append(t[3])
            continue
        r = rng.random()
        if r < 0.06 or (not topics and not free_slots):
            master_hist.append(commit(b"refs/heads/master", [master_hist[-1]], "commit"))
        elif r < 0.09:
            name = rng.choice(list(long_lived))
            long_lived[name] = commit(b"refs/heads/" + name, [long_lived[name]], "commit")
        elif free_slots and (len(topics) < 8 or rng.random() < 0.15):
            new_topic()
        elif topics:
            t = topics[rng.randrange(len(topics))]
            t[0] = commit(b"refs/heads/topic-%d" % t[3], [t[0]], "commit")
            t[1] += 1
        else:
            new_topic()
    # open topics stay as branches; point HEAD at master
    out.write(b"reset refs/heads/master\nfrom :%d\n\n" % master_hist[-1])
    out.close()
    if fi.wait() != 0:
        sys.exit("make-history: git fast-import failed")
    subprocess.run(["git", "--git-dir=" + a.dest, "symbolic-ref", "HEAD",
                    "refs/heads/master"], check=True, env=env)
    print("make-history: %s: %d commits (%d merges) in %.1fs" % (
        a.dest, n, merges, time.time() - t_start))


if __name__ == "__main__":
    main()
