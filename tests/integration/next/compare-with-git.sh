#!/usr/bin/env bash
# Live comparison of `culprit next` with `git bisect --no-checkout` at every
# step of randomized bisections (see compare_with_git.py --help): the full
# plan on a new seed each run (printed first; CULPRIT_COMPARE_SEED fixes it),
# within the script's wall-clock budget.
# Needs CULPRIT (build/culprit); SOURCE_ROOT adds the project's own history.
# Extra arguments go to the script: --quick, --seed S, --only I, --keep DIR.
if [ $# -eq 0 ] && [ -n "${CULPRIT_COMPARE_SEED:-}" ]; then
	set -- --seed "$CULPRIT_COMPARE_SEED"
fi
exec python3 "$(dirname "$0")/compare_with_git.py" "$@"
