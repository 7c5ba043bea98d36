#!/usr/bin/env bash
. "$(dirname "$0")/../lib.sh"

expect_status "no arguments is a usage error" 2 "$CULPRIT"
expect_status "unknown command is a usage error" 2 "$CULPRIT" frobnicate
expect_status "--help succeeds" 0 "$CULPRIT" --help
out=$("$CULPRIT" --help)
case "$out" in *next*) pass "help lists next";; *) fail "help lists next";; esac
finish
