#!/bin/sh
# Benchmark of `contactsync import`: generates ROWS realistic contacts
# (default 1,000,000), measures what libphonenumber alone needs to parse,
# validate and format their numbers, then imports the file with --jobs 1
# (rows processed in the reading thread) and with the default number of
# jobs (one worker per online CPU), and prints for each the wall time,
# rows per second, peak RSS and the ratio to the libphonenumber baseline.
# Both imports must give the same store (their CSV exports are compared).
# Ends with RESULT lines (baseline-libphonenumber, import-jobs1, import)
# for scripts/bench-all.sh.
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

# run TAG LABEL [import options]: one import into a new store, its
# figures; the store's export goes to export-TAG.csv
run() {
	tag=$1 label=$2
	shift 2
	rm -rf "$work/store"
	/usr/bin/time -v ./contactsync --store "$work/store" import --region GB \
		--rejects "$work/rejects.csv" "$@" "$csv" >"$work/out.txt" 2>"$work/time.txt" || [ $? -eq 1 ]
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
	cpu=$(sed -n 's/.*Percent of CPU this job got: //p' "$work/time.txt")
	secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	store_mb=$(du -m "$work/store/data.mdb" | cut -f1)
	./contactsync --store "$work/store" export -o "$work/export-$tag.csv"
	awk -v l="$label" -v rows="$rows" -v s="$secs" -v rss="$rss" -v b="$base_s" -v st="$store_mb" -v cpu="$cpu" 'BEGIN {
		printf "import %s: %.2f s wall, %.0f rows/s, CPU %s, peak RSS %.1f MB, store %d MB, %.2f x libphonenumber alone\n",
			l, s, rows / s, cpu, rss / 1024, st, s / b
	}'
	op=import
	[ "$tag" = default ] || op=import-jobs$tag
	results="${results}RESULT op=$op size=$rows wall=$secs rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') rows=$rows cpu=$cpu
"
}
results="RESULT op=baseline-libphonenumber size=$rows wall=$base_s rows=$rows
"

run 1 "--jobs 1" --jobs 1
cat "$work/out.txt"
run default "--jobs $(nproc) (default)"
if cmp -s "$work/export-1.csv" "$work/export-default.csv"; then
	echo "stores of both imports: identical exports"
else
	echo "bench-import: the two imports' stores differ" >&2
	exit 1
fi
printf %s "$results"
