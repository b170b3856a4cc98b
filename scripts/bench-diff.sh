#!/bin/sh
# Benchmark of `contactsync diff`: N desired contacts (default 1,000,000)
# against a remote snapshot of N contacts that differs by a planted amount
# (10% changed, 1% new, 1% deleted; tests/tools/gensnapshot.c writes it
# through the project's own snapshot and store code, as a pull would).
# Times `diff --mode mirror --format json -o FILE` (the plan written to a
# file, one operation a line), checks the plan's creates, updates and
# deletes against what was planted, and prints wall time, rows/s (desired +
# remote records merged per second) and peak RSS, then a RESULT line for
# scripts/bench-all.sh.
#   scripts/bench-diff.sh [N] [PROVIDER]     (PROVIDER: sendblue, altum, atom)
# RUNS (default 1) times the diff that many times and reports each run.
set -eu
n=${1:-1000000}
provider=${2:-sendblue}
runs=${RUNS:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
[ -x /usr/bin/time ] || { echo "bench-diff: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cs="$top/contactsync"

# N valid UK mobile numbers ending in an even digit (gensnapshot's deletes
# are the odd neighbours), names and two custom fields.
awk -v n="$n" 'BEGIN {
	print "phone,first_name,last_name,email,plan"
	for (i = 0; i < n; i++)
		printf "+44771%07d,First%d,Last%d,p%d@example.com,%s\n", 2 * i, i, i, i, (i % 3 ? "gold" : "basic")
}' >"$work/desired.csv"
printf '[profile bench]\nprovider = %s\nbase_url = http://127.0.0.1:9\napi_key_env = BENCH_KEY\napi_key_id_env = BENCH_KEY\napi_secret_env = BENCH_KEY\nregion = GB\n' \
	"$provider" >"$work/bench.ini"
[ "$provider" != atom ] || printf 'address_book = Bench\ncustom_slots = email,plan\n' >>"$work/bench.ini"
[ "$provider" = sendblue ] || sed -i '/api_key_id_env\|api_secret_env/d' "$work/bench.ini"
[ "$provider" != sendblue ] || sed -i '/^api_key_env/d' "$work/bench.ini"

t0=$(date +%s.%N)
"$cs" --store "$work/store" -q import --region GB "$work/desired.csv"
planted=$(build/tools/gensnapshot "$work/store" bench "$provider")
t1=$(date +%s.%N)
echo "bench-diff: $n desired vs a $provider snapshot, $planted ($(nproc) cores; store built in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s)"
set -- $(echo "$planted" | sed 's/[a-z]*=//g; s/planted//')
want_c=$1 want_u=$2 want_d=$3 remote=$4

run=0
while [ $run -lt "$runs" ]; do
	run=$((run + 1))
	rm -f "$work/plan.jsonl"
	/usr/bin/time -v "$cs" --store "$work/store" --config "$work/bench.ini" \
		diff bench --mode mirror --format json -o "$work/plan.jsonl" 2>"$work/time.txt" || {
		echo "bench-diff: diff failed" >&2
		cat "$work/time.txt" >&2
		exit 1
	}
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
	secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	# one line per operation, then the summary
	got=$(awk '
		/^{"op":"create"/ { c++ } /^{"op":"update"/ { u++ } /^{"op":"delete"/ { d++ }
		/^{"summary"/ { s = $0 }
		END { printf "%d %d %d %s\n", c, u, d, s }' "$work/plan.jsonl")
	set -- $got
	if [ "$1" != "$want_c" ] || [ "$2" != "$want_u" ] || [ "$3" != "$want_d" ]; then
		echo "bench-diff: the plan has creates=$1 updates=$2 deletes=$3, planted creates=$want_c updates=$want_u deletes=$want_d" >&2
		exit 1
	fi
	case $4 in
	*"\"create\":$want_c,\"update\":$want_u,\"delete\":$want_d,"*) ;;
	*) echo "bench-diff: the plan's summary disagrees: $4" >&2; exit 1 ;;
	esac
	plan_mb=$(du -m "$work/plan.jsonl" | cut -f1)
	awk -v n="$n" -v r="$remote" -v s="$secs" -v rss="$rss" -v run="$run" -v mb="$plan_mb" \
		-v c="$want_c" -v u="$want_u" -v d="$want_d" 'BEGIN {
		printf "run %d: diff %.2f s wall, %.0f rows/s (desired + remote), peak RSS %.1f MB; plan %d MB: creates %d, updates %d, deletes %d (as planted)\n",
			run, s, (n + r) / s, rss / 1024, mb, c, u, d
	}'
	echo "RESULT op=diff size=$n wall=$secs rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') rows=$n"
done
