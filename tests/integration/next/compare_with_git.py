#!/usr/bin/env python3
"""Compares `culprit next` with a live `git bisect --no-checkout`, step by step.

Generates repositories with `git fast-import` (merges, criss-cross and octopus
merges, equal committer dates, long side branches, clock skew, several roots),
runs whole bisections with real `git bisect` (random culprit, random
untestable commits marked with `git bisect skip`, several good commits, goods
that are not ancestors of bad, --first-parent) and, after every git command,
asks `culprit next` what git prints at that point, given the refs/bisect/*
state (bad, good-*, skip-*), with --ancestors-ok once git has recorded
BISECT_ANCESTORS_OK.  stdout must be identical byte for byte.

Also checks `culprit next --bad REV` without --good against
`git rev-list --bisect-vars REV` (whole history), and runs bisections on the
project's own history ($SOURCE_ROOT) when it is a git repository with at least
two commits.

Ends with the line "N passed, N failed" (N = steps compared).

Debugging:
  --quick              a few small repositories only
  --commit-graph       write a commit-graph file in every generated repository
                       (git gc writes one by default; git then reads commit
                       dates and generations from it)
  --seed S             the master seed (printed at the start of every run)
  --only I[,J...]      only the repositories with these indexes
  --keep DIR           build the repositories in DIR and leave them there, so
                       the printed reproduction commands can be run as they are
  --reference fresh-git
                       instead of culprit, replay the refs/bisect state into a
                       fresh `git bisect` (checks the harness itself and shows
                       where git's answer depends on more than the refs)
Standard library only.
"""
import argparse
import concurrent.futures
import hashlib
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HEX40 = re.compile(rb"^[0-9a-f]{40}$")
STEP_LINE = re.compile(rb"^\[([0-9a-f]{40})\] ", re.M)
MAX_STEPS = 400
COMMIT_GRAPH = False    # --commit-graph
MERGE_BASE = b"Bisecting: a merge base must be tested\n"


def outcome(out, rc):
    if out.startswith(MERGE_BASE):
        return "merge base to test"
    if out.startswith(b"Bisecting: "):
        return "next commit"
    if b" is the first bad commit\n" in out:
        return "first bad commit"
    if b"We cannot bisect more!" in out:
        return "only skipped left"
    if rc != 0:
        return "git error (merge base is bad, ...)"
    return "other"

WORDS = ("fix add remove refactor update improve handle avoid make use drop "
         "parser lexer cache index buffer queue driver socket memory lock "
         "timer scheduler config option path file crash leak race overflow "
         "error warning test doc build module device network block inode "
         "page table list tree graph node walk merge commit object").split()
UNICODE_WORDS = ["caf\u00e9", "na\u00efve", "\u00fcber", "\u65e5\u672c",
                 "\u0436\u0443\u043a", "r\u00e9sum\u00e9"]
NAMES = [("Alice Example", "alice@example.com"), ("Bob Dev", "bob@example.org"),
         ("Carol \u00c5str\u00f6m", "carol@example.net"),
         ("Dan O'Neil", "dan@example.com")]
TIMEZONES = ["+0000", "+0100", "-0700", "+0530", "-0330", "+0900"]
DIRS = ["", "src/", "src/core/", "lib/", "docs/", "drivers/net/ethernet/",
        "very/long/directory/name/that/makes/the/stat/line/truncate/"]


def git_env(home):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("GIT_") and k not in ("GIT_EXEC_PATH",):
            del env[k]
    env.update({
        "HOME": home, "XDG_CONFIG_HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C", "LANG": "C",
        "LANGUAGE": "C", "GIT_PAGER": "cat", "PAGER": "cat", "TERM": "dumb",
        "GIT_AUTHOR_NAME": "Tester", "GIT_AUTHOR_EMAIL": "tester@example.com",
        "GIT_COMMITTER_NAME": "Tester",
        "GIT_COMMITTER_EMAIL": "tester@example.com",
    })
    return env


ENV = None  # set in main()
STOP = threading.Event()  # set on SIGTERM/SIGINT: workers stop, temp dirs go


def run(args, cwd=None, input=None, check=True):
    if STOP.is_set():
        raise RuntimeError("interrupted")
    p = subprocess.run(args, cwd=cwd, input=input, env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            " ".join(args), p.returncode,
            p.stderr.decode("utf-8", "replace").strip()))
    return p


def git(gitdir, *args, check=True, input=None):
    return run(["git", "--git-dir=" + gitdir] + list(args), input=input,
               check=check)


# ---------------------------------------------------------------- generator

class History:
    """A generated commit graph: parents[i] lists indexes < i."""

    def __init__(self):
        self.parents = []
        self.shas = []


def subject(rng):
    n = rng.randint(2, 7)
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.05:
        words.insert(rng.randrange(len(words)), rng.choice(UNICODE_WORDS))
    s = " ".join(words)
    if rng.random() < 0.1:
        s = rng.choice(["net: ", "mm: ", "bisect: ", "docs: "]) + s
    if rng.random() < 0.03:
        s = s + "  with  spaces\t"
    return s


def message(rng, kind):
    if kind == "merge":
        s = "Merge branch '%s-%d'" % (rng.choice(WORDS), rng.randrange(1000))
        if rng.random() < 0.3:
            s += " into " + rng.choice(["main", "next", "maint"])
    elif kind == "octopus":
        s = "Merge branches %s" % ", ".join(
            "'%s'" % rng.choice(WORDS) for _ in range(3))
    else:
        s = subject(rng)
    r = rng.random()
    if r < 0.04:
        # a subject spread over two lines: %s joins them with a space
        return s + "\n" + subject(rng) + "\n\nBody text.\n"
    if r < 0.5:
        return s + "\n"
    body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
                     for _ in range(rng.randint(1, 4)))
    msg = s + "\n\n" + body + "\n"
    if rng.random() < 0.3:
        msg += "\nSigned-off-by: %s <%s>\n" % rng.choice(NAMES)
    return msg


def blob_text(rng, lines=None):
    n = lines if lines is not None else rng.randint(1, 25)
    return "".join("%s %d\n" % (rng.choice(WORDS), rng.randrange(10 ** 6))
                   for _ in range(n)).encode()


def gen_graph(rng, n, p):
    """Returns parents lists for n commits, shaped by the parameters p."""
    parents = []
    tips = []          # active branch tips; tips[0] is the mainline
    weights = []       # how likely each branch is extended

    def new(ps):
        parents.append(ps)
        return len(parents) - 1

    tips.append(new([]))
    weights.append(3.0)
    while len(parents) < n:
        r = rng.random()
        if r < p["merge"] and len(tips) >= 2:
            if rng.random() < p["merge_old"]:
                # merge an arbitrary older commit (a fork point of the past)
                t = 0 if rng.random() < 0.6 else rng.randrange(len(tips))
                old = rng.randrange(len(parents))
                if old != tips[t]:
                    tips[t] = new([tips[t], old])
                continue
            order = list(range(len(tips)))
            rng.shuffle(order)
            t = 0 if rng.random() < 0.6 else order[0]
            others = [i for i in order if i != t]
            kind = rng.random()
            if kind < p["octopus"] and len(others) >= 2:
                k = min(len(others), rng.randint(2, 3))
                srcs = others[:k]
                ps = [tips[t]] + [tips[s] for s in srcs]
                if len(set(ps)) != len(ps):
                    continue
                tips[t] = new(ps)
                for s in sorted(srcs, reverse=True):
                    if s != 0 and rng.random() < 0.7:
                        del tips[s], weights[s]
                continue
            s = others[0]
            if tips[s] == tips[t]:
                continue
            if kind < p["octopus"] + p["criss"]:
                a, b = tips[t], tips[s]
                tips[t] = new([a, b])
                tips[s] = new([b, a])
                continue
            tips[t] = new([tips[t], tips[s]])
            if s != 0 and rng.random() < 0.75:
                del tips[s], weights[s]
        elif r < p["merge"] + p["fork"] and len(tips) < p["max_tips"]:
            if rng.random() < p["old_fork"]:
                base = rng.randrange(len(parents))
            else:
                base = rng.choice(tips) if rng.random() < 0.5 else tips[0]
            tips.append(new([base]))
            weights.append(rng.choice([0.3, 1.0, 1.0, 4.0]))  # 4.0: long-lived
        elif p["merge"] + p["fork"] <= r < p["merge"] + p["fork"] + p["root"]:
            tips.append(new([]))
            weights.append(1.0)
        else:
            i = rng.choices(range(len(tips)), weights)[0]
            tips[i] = new([tips[i]])
    # merge every open branch back into the mainline (the last commit reaches
    # all but a few deliberately left aside)
    while len(tips) > 1:
        s = tips.pop()
        weights.pop()
        if rng.random() < 0.1 and len(tips) > 1:
            continue  # leave a dangling branch
        tips[0] = new([tips[0], s])
    return parents


def gen_dates(rng, parents, p):
    t0 = 1_500_000_000 + rng.randrange(10 ** 8)
    dates = []
    for ps in parents:
        base = max((dates[q] for q in ps), default=t0)
        r = rng.random()
        if r < p["equal"]:
            d = base
        elif r < p["equal"] + p["skew"]:
            d = base - rng.randint(1, 3 * 86400)
        else:
            d = base + rng.randint(1, p["gap"])
        dates.append(d)
    return dates


def fast_import_stream(rng, parents, dates):
    """Builds the fast-import stream; files are tracked per commit."""
    out = []
    trees = []  # set of paths per commit
    counter = 0
    for i, ps in enumerate(parents):
        tree = set(trees[ps[0]]) if ps else set()
        ops = []
        kind = "commit"
        if len(ps) > 2:
            kind = "octopus"
        elif len(ps) == 2:
            kind = "merge"
        nops = 0 if (kind != "commit" and rng.random() < 0.5) else \
            rng.choice([1, 1, 1, 1, 2, 3])
        if not ps:
            nops = max(nops, 2)
        for _ in range(nops):
            r = rng.random()
            if not tree or r < 0.12:
                counter += 1
                path = "%s%s_%d.%s" % (rng.choice(DIRS), rng.choice(WORDS),
                                       counter, rng.choice(["c", "h", "txt"]))
                if rng.random() < 0.02:
                    ops.append(("M", path, b"\0\1\2binary" + bytes([rng.randrange(256)]) * rng.randint(1, 50)))
                else:
                    ops.append(("M", path, blob_text(rng)))
                tree.add(path)
            elif r < 0.18 and len(tree) > 3:
                path = rng.choice(sorted(tree))
                ops.append(("D", path, None))
                tree.discard(path)
            elif r < 0.22 and len(tree) > 1:
                path = rng.choice(sorted(tree))
                counter += 1
                dst = "%s%s_%d.c" % (rng.choice(DIRS), rng.choice(WORDS), counter)
                ops.append(("R", path, dst))
                tree.discard(path)
                tree.add(dst)
            else:
                path = rng.choice(sorted(tree))
                ops.append(("M", path, blob_text(rng)))
        trees.append(tree)
        name, email = rng.choice(NAMES)
        tz = rng.choice(TIMEZONES)
        adate = dates[i] - rng.choice([0, 0, rng.randrange(10 ** 6)])
        msg = message(rng, kind).encode()
        if not ps:
            out.append(b"reset refs/heads/main\n")
        out.append(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
        out.append(("author %s <%s> %d %s\n" % (name, email, adate, tz)).encode())
        out.append(("committer %s <%s> %d %s\n" % (name, email, dates[i], tz)).encode())
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        if ps:
            out.append(b"from :%d\n" % (ps[0] + 1))
            for q in ps[1:]:
                out.append(b"merge :%d\n" % (q + 1))
        for op, a, b in ops:
            if op == "M":
                out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (a.encode(), len(b), b))
            elif op == "D":
                out.append(b"D %s\n" % a.encode())
            else:
                out.append(b"R %s %s\n" % (a.encode(), b.encode()))
        out.append(b"\n")
    out.append(b"reset refs/heads/main\nfrom :%d\n\n" % len(parents))
    return b"".join(out)


def shape(rng, size):
    if size == "small":
        n = rng.randint(10, 60)
    else:
        n = rng.randint(300, 2000)
    date_mode = rng.choice(["normal", "normal", "equal", "allequal", "skew"])
    p = {
        "merge": rng.choice([0.1, 0.2, 0.3, 0.4]),
        "merge_old": rng.choice([0.0, 0.05, 0.15]),
        "octopus": rng.choice([0.0, 0.1, 0.25]),
        "criss": rng.choice([0.0, 0.1, 0.3]),
        "fork": rng.choice([0.1, 0.2, 0.3]),
        "old_fork": rng.choice([0.0, 0.1, 0.3]),
        # a few extra roots (orphan branches merged later), not dozens
        "root": rng.choice([0.0, 0.0, 2.0 / n]),
        "max_tips": rng.choice([2, 4, 8, 16]),
        "equal": {"normal": 0.05, "equal": 0.5, "allequal": 1.0, "skew": 0.1}[date_mode],
        "skew": {"normal": 0.0, "equal": 0.0, "allequal": 0.0, "skew": 0.05}[date_mode],
        "gap": rng.choice([1, 5, 3600]),
    }
    return n, p, date_mode


def build_repo(gitdir, rng, size):
    n, p, date_mode = shape(rng, size)
    h = History()
    h.parents = gen_graph(rng, n, p)
    dates = gen_dates(rng, h.parents, p)
    stream = fast_import_stream(rng, h.parents, dates)
    run(["git", "init", "-q", "--bare", gitdir])
    marks = os.path.join(gitdir, "culprit-marks")
    git(gitdir, "fast-import", "--quiet", "--export-marks=" + marks, input=stream)
    git(gitdir, "symbolic-ref", "HEAD", "refs/heads/main")
    if COMMIT_GRAPH:
        # what `git gc` leaves in most users' repositories
        git(gitdir, "commit-graph", "write", "--reachable")
    shas = {}
    with open(marks) as f:
        for line in f:
            m, sha = line.split()
            shas[int(m[1:]) - 1] = sha
    os.unlink(marks)
    h.shas = [shas[i] for i in range(len(h.parents))]
    h.describe = "%d commits, %d merges (%d octopus), %s dates" % (
        len(h.parents), sum(1 for ps in h.parents if len(ps) > 1),
        sum(1 for ps in h.parents if len(ps) > 2), date_mode)
    return h


def history_from_git(gitdir):
    h = History()
    out = git(gitdir, "rev-list", "--all", "--topo-order", "--reverse",
              "--parents").stdout.decode().split("\n")
    index = {}
    for line in out:
        if not line:
            continue
        f = line.split()
        index[f[0]] = len(h.shas)
        h.shas.append(f[0])
        h.parents.append([index[q] for q in f[1:]])
    h.describe = "%d commits, %d merges" % (
        len(h.parents), sum(1 for ps in h.parents if len(ps) > 1))
    return h


# ------------------------------------------------------------- bisections

def ancestors(h, i):
    seen = {i}
    stack = [i]
    while stack:
        for q in h.parents[stack.pop()]:
            if q not in seen:
                seen.add(q)
                stack.append(q)
    return seen


def descendants(h, i):
    if not hasattr(h, "children"):
        h.children = [[] for _ in h.parents]
        for c, ps in enumerate(h.parents):
            for q in ps:
                h.children[q].append(c)
    seen = {i}
    stack = [i]
    while stack:
        for c in h.children[stack.pop()]:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


def plan_bisection(h, rng):
    """Chooses bad, culprit, goods, untestable commits and --first-parent."""
    n = len(h.parents)
    # In "side" bisections some good commits are not ancestors of bad: git
    # first has their merge bases with bad tested (unless an ancestor good
    # hides them).  Those need a bad commit that does not reach everything.
    side_mode = rng.random() < 0.3
    for _ in range(10 if side_mode else 1):
        if side_mode:
            bad = rng.randrange(n)
        else:
            # prefer late commits as bad: they have large ranges
            bad = n - 1 - min(n - 1, int(abs(rng.gauss(0, n / 6))))
        anc_set = ancestors(h, bad)
        anc = sorted(anc_set)
        culprit = rng.choice(anc)
        bad_set = descendants(h, culprit)
        good_pool = [c for c in range(n) if c not in bad_set]
        side = [c for c in good_pool if c not in anc_set]
        if side or not side_mode:
            break
    if not good_pool:
        return None
    anc_good = [c for c in anc if c not in bad_set]
    goods = []
    if not side_mode or rng.random() < 0.4:
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            if anc_good and rng.random() < 0.9:
                goods.append(rng.choice(anc_good))
            else:
                goods.append(rng.choice(good_pool))
    if side_mode and side:
        goods += [rng.choice(side) for _ in range(rng.choice([1, 1, 2]))]
    if not goods:
        goods.append(rng.choice(good_pool))
    if rng.random() < 0.04:
        # a user error: a "good" commit that is in fact bad (a descendant of
        # the culprit off bad's history, or of bad itself): git reports a bad
        # merge base or goods that are not ancestors of bad
        wrong = [c for c in bad_set if c not in anc_set]
        if wrong:
            goods.append(rng.choice(wrong))
    goods = sorted(set(goods))
    skip_rate = rng.choice([0.0, 0.0, 0.1, 0.25, 0.5])
    untestable = {c for c in range(n) if rng.random() < skip_rate}
    untestable.discard(bad)
    first_parent = rng.random() < 0.25
    return {"bad": bad, "culprit": culprit, "bad_set": bad_set,
            "goods": goods, "untestable": untestable,
            "first_parent": first_parent, "skip_rate": skip_rate}


def read_state(gitdir):
    out = git(gitdir, "for-each-ref", "--format=%(refname) %(objectname)",
              "refs/bisect/").stdout.decode().split("\n")
    bad, goods, skips = None, [], []
    for line in out:
        if not line:
            continue
        ref, sha = line.split()
        if ref == "refs/bisect/bad":
            bad = sha
        elif ref.startswith("refs/bisect/good-"):
            goods.append(sha)
        elif ref.startswith("refs/bisect/skip-"):
            skips.append(sha)
    return bad, goods, skips


def is_final(out):
    return (b" is the first bad commit\n" in out or
            b"We cannot bisect more!" in out or not STEP_LINE.search(out))


class Checker:
    """Runs `culprit next` (or the fresh-git reference) for a state."""

    def __init__(self, culprit, reference, scratch):
        self.culprit = culprit
        self.reference = reference
        self.scratch = scratch

    def args(self, gitdir, bad, goods, skips, first_parent, ancestors_ok=False):
        a = [self.culprit, "next", "--repo", gitdir, "--bad", bad]
        for g in goods:
            a += ["--good", g]
        for s in skips:
            a += ["--skip", s]
        if first_parent:
            a.append("--first-parent")
        if ancestors_ok:
            a.append("--ancestors-ok")
        return a

    def fresh(self, gitdir, bad, goods, skips, first_parent, ancestors_ok=False):
        return fresh_git(gitdir, self.scratch, bad, goods, skips, first_parent,
                         ancestors_ok)

    def __call__(self, gitdir, bad, goods, skips, first_parent, ancestors_ok=False):
        if STOP.is_set():
            raise RuntimeError("interrupted")
        if self.reference == "fresh-git":
            return self.fresh(gitdir, bad, goods, skips, first_parent, ancestors_ok)
        if self.reference == "fresh-git-stateless":
            return self.fresh(gitdir, bad, goods, skips, first_parent)
        try:
            p = subprocess.run(self.args(gitdir, bad, goods, skips, first_parent, ancestors_ok),
                               env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=120)
        except subprocess.TimeoutExpired:
            return -9, b"", b"compare-with-git: culprit next ran over 120 s and was killed"
        return p.returncode, p.stdout, p.stderr


def fresh_git(gitdir, scratch, bad, goods, skips, first_parent, ancestors_ok=False):
    """What a fresh `git bisect` prints for this refs/bisect state.

    With ancestors_ok, BISECT_ANCESTORS_OK is created as a live bisection
    does once the merge-base check has passed: git then skips that check."""
    if not os.path.isdir(scratch):
        run(["git", "init", "-q", "--bare", scratch])
        with open(os.path.join(scratch, "objects", "info", "alternates"), "w") as f:
            f.write(os.path.join(os.path.abspath(gitdir), "objects") + "\n")
        git(scratch, "update-ref", "--no-deref", "HEAD", bad)
    start = ["bisect", "start", "--no-checkout"]
    if first_parent:
        start.append("--first-parent")
    git(scratch, *start)
    git(scratch, "bisect", "bad", bad)
    if skips:
        git(scratch, "bisect", "skip", *skips)
    if ancestors_ok:
        open(os.path.join(scratch, "BISECT_ANCESTORS_OK"), "w").close()
    if goods:
        p = git(scratch, "bisect", "good", *goods, check=False)
    else:
        p = git(scratch, "bisect", "next", check=False)
    return p.returncode, p.stdout, p.stderr


def step_ok(git_out, got):
    rc, out, err = got
    if rc < 0 or rc >= 128 or b"Sanitizer" in err or b"LeakSanitizer" in err:
        return False
    return out == git_out


class Result:
    def __init__(self):
        self.bisections = 0
        self.steps = 0
        self.passed = 0
        self.stateful = 0
        self.kinds = {}
        self.features = {}
        self.skipped_bisections = 0
        self.failures = []   # dicts with details
        self.notes = []
        self.lines = []


def bisect_once(h, gitdir, plan, check, res, label, rng):
    sha = h.shas
    bad = sha[plan["bad"]]
    goods = [sha[g] for g in plan["goods"]]
    start = ["bisect", "start", "--no-checkout"]
    if plan["first_parent"]:
        start.append("--first-parent")
    p = git(gitdir, *(start + [bad] + goods), check=False)
    cmd_log = ["git bisect " + " ".join(start[1:] + [bad] + goods)]
    res.bisections += 1
    index = {s: i for i, s in enumerate(sha)}
    steps = 0
    # Whether BISECT_ANCESTORS_OK existed before the last git command: then
    # git skipped its ancestry check in that command.  (It is written by the
    # command whose check passes, after that check ran.)
    checked_before = False
    try:
        while True:
            steps += 1
            b, gs, ss = read_state(gitdir)
            if b is None and steps == 1 and p.returncode != 0:
                # `git bisect start` refused (e.g. "Some good revs are not
                # ancestors of the bad rev") and cleaned its state up
                b, gs, ss = bad, list(goods), []
            if b is None:
                res.steps += 1  # a harness error counts as a failed step
                res.notes.append("%s: no refs/bisect/bad after '%s': %s" % (
                    label, cmd_log[-1], p.stderr.decode("utf-8", "replace").strip()))
                break
            # culprit must not depend on the order of its arguments
            rng.shuffle(gs)
            rng.shuffle(ss)
            ancestors_ok = checked_before
            got = check(gitdir, b, gs, ss, plan["first_parent"], ancestors_ok)
            res.steps += 1
            k = outcome(p.stdout, p.returncode)
            res.kinds[k] = res.kinds.get(k, 0) + 1
            for feat, on in (("with --first-parent", plan["first_parent"]),
                             ("with skipped commits", bool(ss)),
                             ("with several goods", len(gs) > 1)):
                if on:
                    res.features[feat] = res.features.get(feat, 0) + 1
            if ancestors_ok:
                # git checked the ancestry in an earlier command and did not
                # again; culprit is told so (--ancestors-ok)
                res.stateful += 1
            if step_ok(p.stdout, got):
                res.passed += 1
            else:
                res.failures.append({
                    "label": label, "step": steps, "gitdir": gitdir,
                    "git_cmds": list(cmd_log), "git_rc": p.returncode,
                    "git_out": p.stdout, "git_err": p.stderr,
                    "args": check.args(gitdir, b, gs, ss, plan["first_parent"], ancestors_ok),
                    "got": got})
            if p.returncode != 0 or is_final(p.stdout) or steps >= MAX_STEPS:
                break
            cur = git(gitdir, "rev-parse", "BISECT_HEAD").stdout.decode().strip()
            c = index[cur]
            if c in plan["untestable"]:
                verdict = "skip"
            elif c in plan["bad_set"]:
                verdict = "bad"
            else:
                verdict = "good"
            checked_before = os.path.exists(os.path.join(gitdir, "BISECT_ANCESTORS_OK"))
            p = git(gitdir, "bisect", verdict, cur, check=False)
            cmd_log.append("git bisect %s %s" % (verdict, cur))
    finally:
        git(gitdir, "bisect", "reset", check=False)


def no_good_checks(h, gitdir, check, res, label, rng, count):
    """`culprit next --bad REV` without --good vs git rev-list --bisect-vars."""
    n = len(h.shas)
    for _ in range(count):
        c = rng.randrange(n) if rng.random() < 0.5 else n - 1
        if not h.parents[c]:
            continue  # a root alone: git bisect would call it the first bad commit
        bad = h.shas[c]
        v = git(gitdir, "rev-list", "--bisect-vars", bad).stdout.decode()
        vars_ = dict(line.split("=", 1) for line in v.split("\n") if "=" in line)
        rev = vars_["bisect_rev"].strip("'")
        nr = int(vars_["bisect_good"])
        steps = int(vars_["bisect_steps"])
        subj = git(gitdir, "log", "-1", "--format=%s", rev).stdout
        want = ("Bisecting: %d revision%s left to test after this (roughly %d step%s)\n" % (
            nr, "" if nr == 1 else "s", steps, "" if steps == 1 else "s")).encode()
        want += b"[" + rev.encode() + b"] " + subj
        if check.reference.startswith("fresh-git"):
            got = (0, want, b"")  # git has no stateless equivalent
        else:
            got = check(gitdir, bad, [], [], False)
        res.steps += 1
        if step_ok(want, got):
            res.passed += 1
        else:
            res.failures.append({
                "label": label + " (no --good)", "step": 1, "gitdir": gitdir,
                "git_cmds": ["git rev-list --bisect-vars " + bad], "git_rc": 0,
                "git_out": want, "git_err": b"",
                "args": check.args(gitdir, bad, [], [], False), "got": got})


def repo_seed(seed, i):
    return int(hashlib.sha256(("%s:%d" % (seed, i)).encode()).hexdigest()[:16], 16)


def run_repo(task):
    i, size, nbis, seed, base, culprit, reference, deadline = task
    res = Result()
    rng = random.Random(repo_seed(seed, i))
    gitdir = os.path.join(base, "repo-%03d.git" % i)
    if os.path.exists(gitdir):
        shutil.rmtree(gitdir)
    scratch = os.path.join(base, "scratch-%03d.git" % i)
    t0 = time.time()
    if size == "self":
        run(["git", "clone", "-q", "--bare", "--no-local", culprit_source(), gitdir])
        h = history_from_git(gitdir)
    else:
        h = build_repo(gitdir, rng, size)
    check = Checker(culprit, reference, scratch)
    done = 0
    attempts = 0
    while done < nbis and attempts < nbis * 5:
        if time.time() > deadline:
            res.skipped_bisections += nbis - done
            break
        attempts += 1
        plan = plan_bisection(h, rng)
        if plan is None:
            continue
        label = "repo %d bisection %d" % (i, done)
        bisect_once(h, gitdir, plan, check, res, label, rng)
        done += 1
    no_good_checks(h, gitdir, check, res, "repo %d" % i, rng, 2)
    if os.path.isdir(scratch):
        shutil.rmtree(scratch)
    res.lines.append("repo %3d (%s): %s; %d bisections, %d steps, %d failed, %.1fs" % (
        i, size, h.describe, done, res.steps, res.steps - res.passed,
        time.time() - t0))
    return res


SOURCE_ROOT = None


def culprit_source():
    return SOURCE_ROOT


def self_history_ok(root):
    if not root or not os.path.isdir(root):
        return False
    p = subprocess.run(["git", "-C", root, "rev-list", "--count", "--all"],
                       env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode == 0 and int(p.stdout.strip() or 0) >= 2


def show(b):
    return b.decode("utf-8", "replace").rstrip("\n").replace("\n", "\n    | ")


def report_failure(f, seed, i_only_hint, base, kept):
    print("--- MISMATCH: %s, step %d" % (f["label"], f["step"]))
    print("  git commands so far (in %s):" % f["gitdir"])
    for c in f["git_cmds"][-12:]:
        print("    " + c)
    args = list(f["args"])
    if not kept:
        print("  reproduce the repository (in DIR): %s --seed %s --only %s --keep DIR" % (
            sys.argv[0], seed, i_only_hint))
        args = [a.replace(base, "DIR") for a in args]
    print("  culprit command:")
    print("    " + " ".join(shlex.quote(a) for a in args))
    print("  git stdout (exit %d):" % f["git_rc"])
    print("    | " + show(f["git_out"]))
    rc, out, err = f["got"]
    print("  culprit stdout (exit %d):" % rc)
    print("    | " + show(out))
    a, b = f["git_out"].split(b"\n"), out.split(b"\n")
    for k in range(max(len(a), len(b))):
        la = a[k] if k < len(a) else None
        lb = b[k] if k < len(b) else None
        if la != lb:
            print("  first difference, line %d:\n    git:     %r\n    culprit: %r" % (k + 1, la, lb))
            break
    if err:
        print("  culprit stderr:")
        print("    | " + show(err[:4000]))


def probe(culprit):
    """Fails clearly when culprit next is missing."""
    if not os.access(culprit, os.X_OK):
        return "CULPRIT=%s is not an executable" % culprit
    p = subprocess.run([culprit, "next", "--help"], env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if b"not built yet" in p.stderr or b"not built yet" in p.stdout:
        return "`culprit next` is not implemented yet (%s)" % p.stderr.decode(
            "utf-8", "replace").strip()
    return None


def main():
    global ENV, SOURCE_ROOT, COMMIT_GRAPH
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--culprit", default=os.environ.get("CULPRIT"))
    ap.add_argument("--source-root", default=os.environ.get("SOURCE_ROOT") or
                    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
    ap.add_argument("--seed", default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--commit-graph", action="store_true",
                    help="write a commit-graph file in every generated repository")
    ap.add_argument("--only", default=None, help="comma-separated repo indexes")
    ap.add_argument("--keep", default=None, metavar="DIR")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--reference", choices=["culprit", "fresh-git", "fresh-git-stateless"],
                    default="culprit")
    ap.add_argument("--show", type=int, default=5, help="mismatches shown in detail")
    ap.add_argument("--budget", type=float, default=270,
                    help="seconds; no new bisection starts after that (default 270)")
    args = ap.parse_args()

    def on_signal(signum, frame):
        STOP.set()
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    seed = args.seed if args.seed is not None else str(random.SystemRandom().randrange(10 ** 6))
    SOURCE_ROOT = args.source_root
    COMMIT_GRAPH = args.commit_graph
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="culprit-next-") as tmp:
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        ENV = git_env(home)
        if "ASAN_OPTIONS" not in ENV:
            ENV["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
        if args.reference == "culprit":
            if not args.culprit:
                print("compare-with-git: set CULPRIT or pass --culprit")
                print("0 passed, 1 failed")
                return 1
            args.culprit = os.path.abspath(args.culprit)
            why = probe(args.culprit)
            if why:
                print("compare-with-git: FAIL: " + why)
                print("0 passed, 1 failed")
                return 1
        base = tmp
        if args.keep:
            base = os.path.abspath(args.keep)
            os.makedirs(base, exist_ok=True)

        # (size, bisections per repository)
        if args.quick:
            plan = [("small", 6)] * 8 + [("medium", 4)]
        else:
            plan = [("small", 8)] * 40 + [("medium", 12)] * 8
        deadline = t0 + args.budget
        tasks = []
        for i, (size, nbis) in enumerate(plan):
            tasks.append((i, size, nbis, seed, base, args.culprit, args.reference, deadline))
        if self_history_ok(SOURCE_ROOT):
            tasks.append((len(plan), "self", 6 if args.quick else 20, seed, base,
                          args.culprit, args.reference, deadline))
            self_note = None
        else:
            self_note = "skip - project history: %s is not a git repository with >= 2 commits" % SOURCE_ROOT
        if args.only is not None:
            keep = {int(x) for x in args.only.split(",")}
            tasks = [t for t in tasks if t[0] in keep]
        # the project's history first, then one medium repository for every
        # five small ones, so that a time budget (a busy machine) still
        # leaves a mix of both
        selfs = [t for t in tasks if t[1] == "self"]
        mediums = [t for t in tasks if t[1] == "medium"]
        smalls = [t for t in tasks if t[1] == "small"]
        tasks = selfs
        while mediums or smalls:
            tasks += mediums[:1] + smalls[:5]
            mediums, smalls = mediums[1:], smalls[5:]

        print("compare-with-git: seed %s, %d repositories, against %s" % (
            seed, len(tasks), args.culprit if args.reference == "culprit" else "fresh git bisect"))
        sys.stdout.flush()
        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            futs = {ex.submit(run_repo, t): t for t in tasks}
            for fut in concurrent.futures.as_completed(futs):
                t = futs[fut]
                try:
                    r = fut.result()
                except Exception as e:  # a harness error is a failure too
                    r = Result()
                    r.steps = 1
                    r.failures.append(None)
                    r.lines.append("repo %d: harness error: %s" % (t[0], e))
                results.append((t[0], r))
        results.sort(key=lambda x: x[0])
        bis = sum(r.bisections for _, r in results)
        steps = sum(r.steps for _, r in results)
        passed = sum(r.passed for _, r in results)
        for _, r in results:
            for line in r.lines:
                print(line)
            for note in r.notes:
                print("note: " + note)
        if self_note:
            print(self_note)
        stateful = sum(r.stateful for _, r in results)
        kinds = {}
        for _, r in results:
            for k, v in r.kinds.items():
                kinds[k] = kinds.get(k, 0) + v
        feats = {}
        for _, r in results:
            for k, v in r.features.items():
                feats[k] = feats.get(k, 0) + v
        cut = sum(r.skipped_bisections for _, r in results)
        cpu = os.times()
        print("compare-with-git: %d bisections, %d steps compared, %d matched, "
              "%.0fs wall, %.0fs CPU" % (bis, steps, passed, time.time() - t0,
                                         cpu.children_user + cpu.children_system +
                                         cpu.user + cpu.system))
        print("compare-with-git: git's answers: " + ", ".join(
            "%d %s" % (v, k) for k, v in sorted(kinds.items(), key=lambda x: -x[1])))
        print("compare-with-git: steps " + ", ".join(
            "%d %s" % (v, k) for k, v in sorted(feats.items(), key=lambda x: -x[1])))
        if cut:
            print("compare-with-git: time budget (%.0fs) reached: %d planned bisections not run" % (
                args.budget, cut))
        if stateful:
            print("compare-with-git: %d steps after git had passed its merge-base check "
                  "(BISECT_ANCESTORS_OK; culprit next --ancestors-ok)" % stateful)
        shown = 0
        for i, r in results:
            for f in r.failures:
                if f is None or shown >= args.show:
                    continue
                shown += 1
                report_failure(f, seed, i, base, bool(args.keep))
        print("%d passed, %d failed" % (passed, steps - passed))
        return 0 if steps and passed == steps else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("compare-with-git: interrupted")
        print("0 passed, 1 failed")
        sys.exit(1)
