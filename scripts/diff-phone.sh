#!/bin/sh
# Differential test of the phone fast path (src/phonefast.c) against
# libphonenumber: N generated inputs (default 1,000,000; deterministic seed,
# SEED to change it) across every region and non-geographical entity.
# Prints the inputs, the share the fast path decided (overall and per
# category) and every difference; exit status 1 when there is any.
#   scripts/diff-phone.sh [N [SEED]]
set -eu
n=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
exec build/tools/phone_diff "$n" ${2:+"$2"}
