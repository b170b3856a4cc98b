#!/bin/sh
# Benchmark of the XLSX path: generates ROWS realistic contacts (default
# 1,000,000), imports them as CSV into a scratch store, exports the desired
# set as XLSX, imports that workbook into a second store, and prints wall
# time and peak RSS of each step, the workbook's size, and whether the
# second store holds the same set as the first (compared through their CSV
# exports). A step that fails is reported as such, with its first error
# line, and the script goes on with what it can still measure.
#   scripts/bench-xlsx.sh [ROWS]
# Targets for the export on 2 cores: under 15 s, peak RSS under 200 MB.
set -eu
rows=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
[ -x /usr/bin/time ] || { echo "bench-xlsx: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-xlsx.XXXXXX")
trap 'rm -rf "$work"' EXIT
csv="$work/contacts.csv"
xlsx="$work/contacts.xlsx"
build/tools/gencontacts "$rows" >"$csv"
echo "input: $rows rows, $(du -m "$csv" | cut -f1) MB of CSV ($(nproc) cores)"

# step NAME OKRC CMD...: runs CMD under /usr/bin/time -v; sets rc, secs, rss_mb.
step() {
	name=$1 okrc=$2
	shift 2
	rc=0
	/usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.err")
	secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss_mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.err" |
		awk '{ printf "%.1f", $1 / 1024 }')
	# 1 from import only means some generated rows were invalid, on purpose
	if [ "$rc" -gt "$okrc" ]; then
		status="FAILED (exit $rc): $(grep -v -e '^	' -e '^Command' "$work/$name.err" | head -1)"
	else
		status=ok
	fi
}

rows_fmt() { printf '%-14s %9s %14s  %s\n' "$@"; }

cs="$top/contactsync"
table=$(rows_fmt step "wall s" "peak RSS MB" notes)

step import_csv 1 "$cs" --store "$work/s1" import --region GB "$csv"
table="$table
$(rows_fmt "import CSV" "$secs" "$rss_mb" "$status; $(grep '^desired set' "$work/import_csv.out" || true)")"
results=""
result() { # OP: a RESULT line for the step just run, when it went well
	[ "$status" != ok ] || results="$results
RESULT op=$1 size=$rows wall=$secs rss_mb=$rss_mb rows=$rows"
}

step export_xlsx 1 "$cs" --store "$work/s1" export --format xlsx -o "$xlsx"
export_ok=$status
note="$status"
sheets=0
if [ -f "$xlsx" ]; then
	sheets=$(unzip -l "$xlsx" | grep -c ' xl/worksheets/sheet[0-9]*\.xml$' || true)
	note="$note; $(du -m "$xlsx" | cut -f1) MB, $sheets sheet(s)"
fi
table="$table
$(rows_fmt "export XLSX" "$secs" "$rss_mb" "$note")"
result export-xlsx
export_secs=$secs export_rss=$rss_mb

same="not compared"
if [ "$export_ok" = ok ]; then
	# import reads one sheet: the continuation sheets are appended one by one
	step import_xlsx 1 "$cs" --store "$work/s2" import --region GB "$xlsx"
	tsecs=$secs trss=$rss_mb out=import_xlsx
	n=2
	while [ "$status" = ok ] && [ "$n" -le "$sheets" ]; do
		step "import_xlsx$n" 1 "$cs" --store "$work/s2" import --region GB --append \
			--sheet "$n" "$xlsx"
		tsecs=$(awk -v a="$tsecs" -v b="$secs" 'BEGIN { printf "%.2f", a + b }')
		trss=$(awk -v a="$trss" -v b="$rss_mb" 'BEGIN { print (b > a ? b : a) }')
		out=import_xlsx$n
		n=$((n + 1))
	done
	secs=$tsecs rss_mb=$trss
	note=$status
	[ "$sheets" -gt 1 ] && note="$note; $sheets imports (--append --sheet N)"
	if [ "$status" = ok ]; then
		note="$note; $(grep '^desired set' "$work/$out.out" || true)"
		"$cs" --store "$work/s1" export -o "$work/s1.csv"
		"$cs" --store "$work/s2" export -o "$work/s2.csv"
		if cmp -s "$work/s1.csv" "$work/s2.csv"; then
			same="identical"
		else
			same="DIFFERENT ($(diff "$work/s1.csv" "$work/s2.csv" | grep -c '^[<>]') lines differ)"
		fi
	fi
	table="$table
$(rows_fmt "import XLSX" "$secs" "$rss_mb" "$note")"
	result import-xlsx
else
	table="$table
$(rows_fmt "import XLSX" - - "not run: no workbook")"
fi

echo "$table"
echo "round trip CSV -> store -> XLSX -> store: $same"
awk -v s="$export_secs" -v r="$export_rss" 'BEGIN {
	printf "export targets: %.2f s (< 15 s: %s), %.1f MB (< 200 MB: %s)\n",
		s, s < 15 ? "met" : "MISSED", r, r < 200 ? "met" : "MISSED"
}'
[ -z "$results" ] || echo "$results" | sed '/^$/d'
