#!/usr/bin/env bash
# Live comparison of `culprit next` with `git bisect --no-checkout` at every
# step of randomized bisections (see compare_with_git.py --help).
# Needs CULPRIT (build/culprit); SOURCE_ROOT adds the project's own history.
# Extra arguments go to the script: --quick, --seed S, --only I, --keep DIR.
exec python3 "$(dirname "$0")/compare_with_git.py" "$@"
