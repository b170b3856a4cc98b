#!/bin/sh
# Benchmark of the phone fast path: generates ROWS realistic contacts
# (default 1,000,000, build/tools/gencontacts), then times libphonenumber
# alone and phone_parse with the fast path on (and off) over the same rows,
# and prints µs per number, the ratio and the share decided natively,
# then RESULT lines for scripts/bench-all.sh.
#   scripts/bench-phone.sh [ROWS]
set -eu
rows=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-phone.XXXXXX")
trap 'rm -rf "$work"' EXIT
build/tools/gencontacts "$rows" >"$work/contacts.csv"
echo "input: $rows rows ($(nproc) cores)"
build/tools/phone_bench "$work/contacts.csv" GB | tee "$work/out.txt"
# RESULT lines for scripts/bench-all.sh: the seconds each way
sed -n 's/^libphonenumber alone (lpn_parse): \([0-9.]*\) s.*/RESULT op=phone-libphonenumber size='"$rows"' wall=\1 rows='"$rows"'/p
s/^phone_parse, fast path on: *\([0-9.]*\) s.*/RESULT op=phone-fastpath size='"$rows"' wall=\1 rows='"$rows"'/p' "$work/out.txt"
