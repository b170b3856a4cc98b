#!/bin/sh
# Benchmark of `contactsync import`: generates ROWS realistic contacts
# (default 1,000,000), measures what libphonenumber alone needs to parse,
# validate and format their numbers, then imports the file and prints rows
# per second, peak RSS and the ratio to the libphonenumber baseline.
# Ends with RESULT lines (baseline-libphonenumber, import) for
# scripts/bench-all.sh.
#   scripts/bench-import.sh [ROWS]
set -eu
rows=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
[ -x /usr/bin/time ] || { echo "bench-import: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
csv="$work/contacts.csv"
build/tools/gencontacts "$rows" >"$csv"
size=$(du -m "$csv" | cut -f1)
echo "input: $rows rows, ${size} MB ($(nproc) cores)"

base=$(build/tools/phone_baseline "$csv" GB)
base_s=$(echo "$base" | sed 's/.*seconds //')
echo "libphonenumber alone: $base"

/usr/bin/time -v ./contactsync --store "$work/store" import --region GB \
	--rejects "$work/rejects.csv" "$csv" >"$work/out.txt" 2>"$work/time.txt" || [ $? -eq 1 ]
cat "$work/out.txt"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
store_mb=$(du -m "$work/store/data.mdb" | cut -f1)
awk -v rows="$rows" -v s="$secs" -v rss="$rss" -v b="$base_s" -v st="$store_mb" 'BEGIN {
	printf "import: %.2f s wall, %.0f rows/s, peak RSS %.1f MB, store %d MB\n", s, rows / s, rss / 1024, st
	printf "ratio import / libphonenumber alone: %.2f\n", s / b
}'
echo "RESULT op=baseline-libphonenumber size=$rows wall=$base_s rows=$rows"
echo "RESULT op=import size=$rows wall=$secs rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') rows=$rows"
