#!/bin/sh
# Benchmark of the phone fast path: generates ROWS realistic contacts
# (default 1,000,000, build/tools/gencontacts), then times libphonenumber
# alone and phone_parse with the fast path on (and off) over the same rows,
# and prints µs per number, the ratio and the share decided natively.
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
build/tools/phone_bench "$work/contacts.csv" GB
