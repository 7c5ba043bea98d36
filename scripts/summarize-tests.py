#!/usr/bin/env python3
"""Sums the per-test counts in meson's testlog.json into one closing line.

A test reports its own counts as cmocka lines ("[  PASSED  ] N test(s).",
"[  FAILED  ] N test(s)") or as a line "N passed, N failed[, N skipped]".
A test that printed neither counts as one case, by its exit status."""
import json
import re
import sys

OWN = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$", re.M)
CM_PASS = re.compile(r"^\[  PASSED  \] (\d+) test", re.M)
CM_FAIL = re.compile(r"^\[  FAILED  \] (\d+) test", re.M)


def main(path):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            t = json.loads(line)
            out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
            result = t.get("result")
            own = OWN.findall(out)
            p = f_ = s = 0
            if own:
                p, f_, s = (int(x or 0) for x in own[-1])
            elif CM_PASS.search(out) or CM_FAIL.search(out):
                p = sum(int(x) for x in CM_PASS.findall(out))
                f_ = sum(int(x) for x in CM_FAIL.findall(out))
            elif result == "SKIP":
                s = 1
            if result in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS") and f_ == 0:
                f_ = 1  # crashed, leaked or timed out after its own count
            if result == "OK" and p == 0 and f_ == 0 and s == 0:
                p = 1
            passed += p
            failed += f_
            skipped += s
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
