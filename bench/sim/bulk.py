#!/usr/bin/env python3
"""Bulk random scenarios over real git histories: the accuracy and
calibration check of culprit's engine (docs/model.md, bench/README.md).

usage: bulk.py [--repo DIR]... [--scenarios N] [--trials T] [--seed S]
               [--policies culprit,syzkaller,git] [--culprit PATH] [--jobs J]
               [--json FILE] [--keep DIR] [--check] [--min-range A] [--max-range B]
               [--sim-args ARGS]

Each scenario is drawn at random (seeded) over one of the histories: a range
good..bad of A..B commits (150..650; fewer on a short history) cut from the
first-parent line, a culprit drawn from the commits of the range (merges
and side-branch commits among them), the reproducer's chance p uniform in
[0.05, 0.5], and one of these families:

  flaky        one bug, constant p
  masking      and a second, unrelated flaky crash (with boot failures)
               introduced elsewhere in or before the range
  p-change     p changes to another value in [0.05, 0.5] at a later commit
               that contains the culprit
  build-broken a stretch of commits near the culprit that do not build
               (never the culprit or its first parent)
  merge        the culprit is a merge commit
  deterministic  p = 1 (git's choice and build count are the reference)

Every scenario is bisected --trials times by each policy (culprit sim, the
same engine as culprit bisect).  The report: for the culprit policy, the
calibration (for each bucket of reported confidence, trials and observed
accuracy), per family and per p range; every policy's accuracy, builds and
runs side by side, and the ratios against the syzkaller policy.  --check
exits 1 when a bound of the calibration issue fails: a bucket's observed
accuracy below its lower edge, answers claimed >= 0.99 right < 99%, a family
below 0.99 accuracy, or culprit's runs above 0.5x syzkaller's.

Histories (--repo, repeatable): default this project's own history and a
git-shaped history of 4000 commits (25% merges, bench/next/make-history.py)
made in a temporary directory; git's own or the kernel lab's repository when
given.  Standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAMILIES = [("flaky", 3), ("masking", 2), ("p-change", 2), ("build-broken", 1),
            ("merge", 1), ("deterministic", 1)]
BUCKETS = [0.0, 0.5, 0.8, 0.95, 0.99]
P_RANGES = [(0.05, 0.1), (0.1, 0.2), (0.2, 0.35), (0.35, 0.5), (1.0, 1.0)]


def git(repo, *args):
    return subprocess.run(["git", "-C", repo] + list(args), check=True,
                          capture_output=True, text=True).stdout


class History:
    """One repository: its first-parent line and the commit graph."""

    def __init__(self, path):
        self.path = path
        head = "HEAD"
        self.parents = {}
        order = []
        for line in git(path, "rev-list", "--parents", "--topo-order", head).splitlines():
            f = line.split()
            self.parents[f[0]] = f[1:]
            order.append(f[0])
        self.order = order            # children before parents
        self.line = git(path, "rev-list", "--first-parent", head).split()
        self.merges = {c for c, p in self.parents.items() if len(p) > 1}

    def ancestors(self, tip, stop):
        """Commits reachable from tip and not from stop (git's stop..tip)."""
        excl = set()
        todo = [stop]
        while todo:
            c = todo.pop()
            if c in excl:
                continue
            excl.add(c)
            todo.extend(self.parents.get(c, []))
        out, todo, seen = [], [tip], set()
        while todo:
            c = todo.pop()
            if c in seen or c in excl:
                continue
            seen.add(c)
            out.append(c)
            todo.extend(self.parents.get(c, []))
        return out

    def descendants_in(self, c, rng_set):
        children = {}
        for x in rng_set:
            for p in self.parents.get(x, []):
                children.setdefault(p, []).append(x)
        out, todo = set(), [c]
        while todo:
            x = todo.pop()
            for ch in children.get(x, []):
                if ch not in out:
                    out.add(ch)
                    todo.append(ch)
        return out


def pick_range(h, r, lo, hi):
    """bad on the first-parent line and good = bad~k with lo..hi commits between."""
    n = len(h.line)
    for _ in range(40):
        i = r.randrange(0, max(1, n // 3))
        k = r.randrange(max(2, lo // 4), max(3, hi // 2))
        for _ in range(8):
            if i + k >= n:
                k = n - 1 - i
            if k < 1:
                break
            cand = h.ancestors(h.line[i], h.line[i + k])
            if len(cand) < lo:
                k = int(k * 1.5) + 1
            elif len(cand) > hi:
                k = max(1, int(k / 1.5))
            else:
                return h.line[i], h.line[i + k], cand
    return None


def make_scenario(h, idx, r, lo, hi):
    got = pick_range(h, r, lo, hi)
    if not got:
        return None
    bad, good, cand = got
    fams, weights = zip(*FAMILIES)
    fam = r.choices(fams, weights)[0]
    merges = [c for c in cand if c in h.merges]
    if fam == "merge" and not merges:
        fam = "flaky"
    culprit = r.choice(merges) if fam == "merge" else r.choice(cand)
    p = 1.0 if fam == "deterministic" else round(r.uniform(0.05, 0.5), 3)
    bug = {"title": "general protection fault in target_function", "introduced": culprit, "p": p}
    sc = {"name": f"bulk-{idx}-{fam}", "repo": h.path, "bad": bad, "good": [good],
          "cost": {"build_s": 600, "run_s": 120},
          "bugs": [bug], "target": bug["title"]}
    cset = set(cand)
    if fam == "masking":
        other = r.choice(cand + [good])
        sc["bugs"].append({"title": "WARNING in kvm_wait", "introduced": other,
                           "p": round(r.uniform(0.1, 0.5), 3), "p_boot": 0.05})
    elif fam == "p-change":
        later = sorted(h.descendants_in(culprit, cset))
        if later:
            bug["p_after"] = {"at": r.choice(later), "p": round(r.uniform(0.05, 0.5), 3)}
        else:
            fam = "flaky"
    elif fam == "build-broken":
        # a stretch around the culprit: nearby ancestors and descendants
        near = []
        x = culprit
        fp = h.parents.get(culprit, [None])[0]
        for _ in range(8):
            ps = h.parents.get(x, [])
            if not ps or ps[0] not in cset:
                break
            x = ps[0]
            if x != fp:
                near.append(x)
        desc = sorted(h.descendants_in(culprit, cset) - {bad})
        r.shuffle(desc)
        near += desc[:4]
        if near:
            sc["build_fails"] = r.sample(near, min(len(near), r.randint(2, 6)))
        else:
            fam = "flaky"
    sc["name"] = f"bulk-{idx}-{fam}"
    return fam, p, sc


def run_sim(culprit, path, policy, trials, seed, extra=()):
    out = subprocess.run([culprit, "sim", "--scenario", path, "--policy", policy,
                          "--trials", str(trials), "--seed", str(seed), "--json", *extra],
                         capture_output=True, text=True, timeout=3600)
    if out.returncode:
        raise RuntimeError(f"{path} {policy}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def bucket_of(c):
    i = len(BUCKETS) - 1
    while i > 0 and c < BUCKETS[i]:
        i -= 1
    return i


def p_range_of(p):
    for lo, hi in P_RANGES:
        if lo <= p <= hi:
            return f"{lo:.2f}-{hi:.2f}" if lo != hi else "1 (deterministic)"
    return "?"


def drawn(repos, a):
    """Draws a.scenarios scenarios over the histories and writes their files."""
    hists = [History(os.path.abspath(p)) for p in repos]
    sdir = a.keep or os.path.join(a.tmp, "scenarios")
    os.makedirs(sdir, exist_ok=True)
    r = random.Random(a.seed)
    scen = []
    idx = 0
    tries = 0
    while len(scen) < a.scenarios and tries < a.scenarios * 4:
        tries += 1
        h = hists[idx % len(hists)] if len(hists[idx % len(hists)].line) > 20 else hists[-1]
        # a short history (this project's own) gets ranges that fit it
        lo = min(a.min_range, len(h.parents) // 3)
        hi = min(a.max_range, max(lo + 10, len(h.parents) * 2 // 3))
        got = make_scenario(h, idx, r, lo, hi)
        idx += 1
        if not got:
            continue
        fam, p, sc = got
        path = os.path.join(sdir, f"{sc['name']}.json")
        with open(path, "w") as f:
            json.dump(sc, f)
        scen.append((path, fam, p, os.path.basename(h.path)))
    return scen


def reused(sdir):
    """The scenarios a --keep run wrote, in the order it drew them."""
    scen = []
    names = [n for n in os.listdir(sdir) if n.startswith("bulk-") and n.endswith(".json")]
    for n in sorted(names, key=lambda n: int(n.split("-")[1])):
        path = os.path.join(sdir, n)
        with open(path) as f:
            sc = json.load(f)
        if not os.path.isdir(sc["repo"]):
            sys.exit(f"bulk.py: {path}: its history {sc['repo']} is gone")
        fam = sc["name"].split("-", 2)[2]
        scen.append((path, fam, sc["bugs"][0]["p"], os.path.basename(sc["repo"])))
    return scen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", action="append", default=[])
    ap.add_argument("--scenarios", type=int, default=500)
    ap.add_argument("--trials", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--policies", default="culprit,syzkaller,git")
    ap.add_argument("--culprit", default=os.environ.get("CULPRIT", ""))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", help="write every trial's result here")
    ap.add_argument("--keep", help="write the scenario files (and the made history) here "
                    "(default: a temporary directory)")
    ap.add_argument("--reuse", help="bisect the scenarios a --keep run left in this directory "
                    "instead of drawing new ones (the same ranges for two builds of culprit)")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--sim-args", default="",
                    help="more arguments for every culprit sim, e.g. '--cost kernel --vms 20 --build-slots 2' "
                         "(the calibration under batches on 20 VMs, docs/cost.md)")
    ap.add_argument("--min-range", type=int, default=150)
    ap.add_argument("--max-range", type=int, default=650)
    a = ap.parse_args()
    if not a.culprit:
        sys.exit("bulk.py: give --culprit PATH or set CULPRIT")
    a.tmp = tempfile.mkdtemp(prefix="culprit-bulk-")
    try:
        if a.reuse:
            scen = reused(a.reuse)
        else:
            repos = list(a.repo)
            if not repos:
                repos.append(ROOT)
                # kept with the scenarios, so that --reuse finds it
                hist = os.path.join(a.keep or a.tmp, "git-shaped.git")
                if not os.path.isdir(hist):
                    subprocess.run([sys.executable,
                                    os.path.join(ROOT, "bench", "next", "make-history.py"),
                                    hist, "--commits", "4000", "--seed", str(a.seed)],
                                   check=True, capture_output=True)
                repos.append(hist)
            scen = drawn(repos, a)
        policies = a.policies.split(",")
        results = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            extra = a.sim_args.split() if a.sim_args else []
            futs = {ex.submit(run_sim, a.culprit, path, pol, a.trials, a.seed + 1000 * i, extra): (i, pol)
                    for i, (path, _, _, _) in enumerate(scen) for pol in policies}
            for f in concurrent.futures.as_completed(futs):
                results[futs[f]] = f.result()
        report(scen, policies, results, a)
        ok = check(scen, results, policies) if a.check else True
        return 0 if ok else 1
    finally:
        shutil.rmtree(a.tmp, ignore_errors=True)


def trials_of(scen, results, pol):
    for i, (path, fam, p, repo) in enumerate(scen):
        for t in results[(i, pol)]["results"]:
            yield fam, p, repo, t


def table(rows, head):
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    print()


def acc(ts):
    return f"{sum(t['correct'] for t in ts) / len(ts):.3f}" if ts else "-"


def report(scen, policies, results, a):
    ntr = len(scen) * a.trials
    print(f"{len(scen)} scenarios x {a.trials} trials = {ntr} trials per policy, seed {a.seed}; "
          f"histories: {', '.join(sorted({s[3] for s in scen}))}\n")
    if a.json:
        with open(a.json, "w") as f:
            json.dump([{"scenario": scen[i][0], "family": scen[i][1], "p": scen[i][2],
                        "policy": pol, "results": results[(i, pol)]["results"]}
                       for i in range(len(scen)) for pol in policies], f)
    if "culprit" in policies:
        ts = list(trials_of(scen, results, "culprit"))
        print("Calibration of the culprit policy (reported confidence -> observed accuracy):\n")
        rows = []
        for b, lo in enumerate(BUCKETS):
            hi = BUCKETS[b + 1] if b + 1 < len(BUCKETS) else 1.0
            sel = [t for _, _, _, t in ts if bucket_of(t["confidence"]) == b]
            rows.append([f"[{lo:.2f}, {hi:.2f}{']' if b == len(BUCKETS) - 1 else ')'}",
                         len(sel), acc(sel)])
        table(rows, ["reported confidence", "trials", "observed accuracy"])
        for key, name in ((lambda x: x[0], "family"), (lambda x: p_range_of(x[1]), "p range")):
            groups = {}
            for x in ts:
                groups.setdefault(key(x), []).append(x[3])
            rows = []
            for g in sorted(groups):
                sel = groups[g]
                hiconf = [t for t in sel if t["confidence"] >= 0.99]
                rows.append([g, len(sel), acc(sel), len(hiconf), acc(hiconf),
                             f"{sum(t['confidence'] < 0.99 for t in sel)}"])
            table(rows, [name, "trials", "accuracy", "claimed >= 0.99", "their accuracy",
                         "below 0.99 (uncertain)"])
    print("Policies side by side (means per trial):\n")
    fams = sorted({s[1] for s in scen})
    rows = []
    for fam in fams + ["all"]:
        row = [fam]
        for pol in policies:
            sel = [t for f, _, _, t in trials_of(scen, results, pol) if fam in ("all", f)]
            row.append(f"{acc(sel)} / {sum(t['builds'] for t in sel) / len(sel):.1f} / "
                       f"{sum(t['runs'] for t in sel) / len(sel):.1f}")
        rows.append(row)
    table(rows, ["family"] + [f"{p}: accuracy / builds / runs" for p in policies])
    if "culprit" in policies and "syzkaller" in policies:
        c = list(trials_of(scen, results, "culprit"))
        z = list(trials_of(scen, results, "syzkaller"))
        for what in ("runs", "builds", "time_s"):
            sc_ = sum(t[3][what] for t in c)
            sz = sum(t[3][what] for t in z)
            print(f"culprit / syzkaller {what}: {sc_ / len(c):.1f} / {sz / len(z):.1f} = "
                  f"{sc_ / sz:.3f}")
        print()


def check(scen, results, policies):
    ts = list(trials_of(scen, results, "culprit"))
    ok = True
    for b, lo in enumerate(BUCKETS):
        sel = [t for _, _, _, t in ts if bucket_of(t["confidence"]) == b]
        if sel and sum(t["correct"] for t in sel) / len(sel) < lo:
            print(f"CHECK FAILED: bucket >= {lo}: accuracy {acc(sel)} over {len(sel)} trials")
            ok = False
    fams = {}
    for f, _, _, t in ts:
        fams.setdefault(f, []).append(t)
    for f, sel in sorted(fams.items()):
        if sum(t["correct"] for t in sel) / len(sel) < 0.99:
            print(f"CHECK FAILED: family {f}: accuracy {acc(sel)} over {len(sel)} trials")
            ok = False
    if "syzkaller" in policies:
        rc = sum(t["runs"] for _, _, _, t in ts)
        rz = sum(t["runs"] for _, _, _, t in trials_of(scen, results, "syzkaller"))
        if rz and rc > 0.5 * rz:
            print(f"CHECK FAILED: culprit runs {rc} > 0.5 x syzkaller's {rz}")
            ok = False
    print("check: " + ("all bounds hold" if ok else "FAILED"))
    return ok


if __name__ == "__main__":
    sys.exit(main())
