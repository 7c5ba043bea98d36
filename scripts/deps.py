#!/usr/bin/env python3
"""Dependency edges of culprit and the cycles among them.

Two graphs:
  parts: src/A -> src/B when a file under src/A has #include "B/...";
  files: a.c -> b.c when a.o uses a symbol b.o defines (nm of the static
         library), which is how files of one part that share an internal
         header still depend on each other.
Prints every cycle (strongly connected group) and exits 1 when one is not
listed in the allow file (lines "file.c file.c ..." naming a known group,
to be broken by its owner; a group may only shrink).

Usage: deps.py --src DIR [--lib libculprit.a] [--allow FILE] [--edges]
"""
import argparse
import collections
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^/"]+)/[^"]+"', re.M)


def part_edges(src):
    g = collections.defaultdict(set)
    for part in sorted(os.listdir(src)):
        d = os.path.join(src, part)
        if not os.path.isdir(d):
            continue
        for root, _, names in os.walk(d):
            for n in names:
                if not n.endswith((".c", ".h")):
                    continue
                with open(os.path.join(root, n), encoding="utf-8",
                          errors="replace") as f:
                    for dep in INCLUDE.findall(f.read()):
                        if dep != part and os.path.isdir(os.path.join(src, dep)):
                            g[part].add(dep)
    return g


def object_name(member):
    # meson names members like "libculprit.a.p/src_vcs_repo.c.o"
    base = os.path.basename(member)
    base = base[:-2] if base.endswith(".o") else base
    return base[4:].replace("_", "/", 1) if base.startswith("src_") else base


def file_edges(lib):
    out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True,
                         check=True).stdout
    defs, uses = {}, collections.defaultdict(set)
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        head = line.split(":")
        if len(head) < 3:
            continue
        obj = object_name(head[1])
        typ, sym = fields[-2], fields[-1]
        if typ in ("T", "D", "B", "R"):
            defs[sym] = obj
        elif typ == "U":
            uses[obj].add(sym)
    g = collections.defaultdict(set)
    for obj, syms in uses.items():
        for s in syms:
            if s in defs and defs[s] != obj:
                g[obj].add(defs[s])
    return g


def cycles(g):
    """Tarjan's strongly connected groups of more than one node."""
    index, low, stack, on, groups = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return groups


def load_allow(path):
    allowed = []
    if not path:
        return allowed
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                allowed.append(set(line))
    return allowed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--lib")
    ap.add_argument("--allow")
    ap.add_argument("--edges", action="store_true")
    a = ap.parse_args()
    allowed = load_allow(a.allow)
    bad = 0
    graphs = [("parts", part_edges(a.src))]
    if a.lib:
        graphs.append(("files", file_edges(a.lib)))
    for kind, g in graphs:
        if a.edges:
            for v in sorted(g):
                for w in sorted(g[v]):
                    print(f"{kind}: {v} -> {w}")
        for group in cycles(g):
            ok = kind == "files" and any(set(group) <= al for al in allowed)
            print(f"{kind} cycle{' (allowed)' if ok else ''}: {' '.join(group)}")
            bad += not ok
    print(f"{bad} cycle(s) not allowed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
