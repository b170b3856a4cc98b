#!/bin/sh
# Benchmark of `contactsync push`: CONTACTS creates (default 100,000) against
# a local Sendblue emulator that adds LATENCY ms (default 20) to every
# request.
#
#  1. The main run: the default batch size, the emulator enforcing RATE
#     (default 50/s) and the profile knowing it; prints requests/s,
#     contacts/s and the share of the allowed rate used.
#  2. The batch-size sweep (BATCHES, default "10 25 50 100 250 500 1000",
#     empty for none), no rate limit: where more contacts per request stop
#     paying, and what failures cost with 2% of requests failing
#     (FAULT_RATE): each create of a failed batch is looked up.
#
# Every run starts from an empty account and is checked: the account must
# hold exactly CONTACTS contacts and no number may have been created twice.
#   scripts/bench-push.sh [CONTACTS]
#
# `scripts/bench-push.sh requests [CONTACTS] [PROVIDER...]` instead counts
# what each kind of change costs in requests, from the emulator's counters,
# for each provider (default altum atom sendblue; CONTACTS default 1,000,
# no latency, no rate limit): CONTACTS creates, CONTACTS updates (the first
# name of each), a run with nothing to change (must send 0 writes),
# sendblue's opt-outs (--on-missing optout; altum and atom have none) and
# deletes (--mode mirror --force, the list down to one contact). Prints
# write requests and all requests per changed contact, and RESULT lines.
set -eu
mode=main
if [ "${1:-}" = requests ]; then
	mode=requests
	shift
fi
if [ "$mode" = main ]; then
	n=${1:-100000}
else
	n=${1:-1000}
	[ $# -eq 0 ] || shift	# the rest: providers
fi
latency=${LATENCY:-20}
rate=${RATE:-50/s}
batches=${BATCHES-10 25 50 100 250 500 1000}
fault_rate=${FAULT_RATE:-0.02}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
[ -x /usr/bin/time ] || { echo "bench-push: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3

work=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-push.XXXXXX")
. "$top/scripts/emulator.sh"
trap 'emu_stop; rm -rf "$work"' EXIT INT TERM
cs="$top/contactsync"

# CONTACTS distinct, valid UK mobile numbers with names and two custom fields.
awk -v n="$n" 'BEGIN {
	print "phone,first_name,last_name,email,plan"
	for (i = 0; i < n; i++)
		printf "+44771%07d,First%d,Last%d,p%d@example.com,%s\n", i, i, i, i, (i % 3 ? "gold" : "basic")
}' >"$work/contacts.csv"
"$cs" --store "$work/store" import --region GB "$work/contacts.csv" >/dev/null

start_emulator() { # ARGS...: a fresh sendblue emulator; sets url
	emu_start --dialect sendblue --latency "$latency" "$@"
}

# push_run BATCH RATE-LINE: pull the empty account, push everything; prints
# "requests wall_s 429s retries rate_wait_s peak_rss_mb" after checking the
# account.
push_run() {
	printf '[profile bench]\nprovider = sendblue\nbase_url = %s\napi_key_id_env = BENCH_KEY_ID\napi_secret_env = BENCH_SECRET\nregion = GB\n%s\n' \
		"$url" "$2" >"$work/bench.ini"
	BENCH_KEY_ID=test-key-id BENCH_SECRET=test-secret \
		"$cs" --store "$work/store" --config "$work/bench.ini" -q pull bench
	rc=0
	BENCH_KEY_ID=test-key-id BENCH_SECRET=test-secret /usr/bin/time -v \
		"$cs" --store "$work/store" --config "$work/bench.ini" --log-format json \
		push bench --batch-size "$1" --results "$work/results" \
		>"$work/summary.json" 2>"$work/push.err" || rc=$?
	if [ $rc -ne 0 ]; then
		echo "bench-push: push exited $rc" >&2
		tail -n 20 "$work/push.err" >&2
		exit 1
	fi
	curl -s -f "$url/_emulator/contacts" >"$work/account.json"
	curl -s -f "$url/_emulator/stats" >"$work/stats.json"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/push.err")
	"$py" - "$n" "$work/summary.json" "$work/account.json" "$work/stats.json" "$rss" <<'PY'
import json, sys
n = int(sys.argv[1])
summary = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
account = json.load(open(sys.argv[3]))
stats = json.load(open(sys.argv[4]))
phones = {c["phone"] for c in account}
if len(account) != n or len(phones) != n:
    sys.exit(f"bench-push: the account holds {len(account)} contacts "
             f"({len(phones)} numbers), expected {n}")
if stats["creates_of_existing"]:
    sys.exit(f"bench-push: {stats['creates_of_existing']} creates of an existing number")
if summary["operations"]["create"]["done"] != n:
    sys.exit(f"bench-push: {summary['operations']['create']['done']} creates done, expected {n}")
print(summary["requests"], summary["wall_s"], summary["status_429"], summary["retries"],
      summary["rate_wait_s"], int(sys.argv[5]) / 1024)
PY
}

# ---- requests per changed contact ---------------------------------------
# requests_stats: "writes requests" the emulator counted since its stats
# were reset (writes: every endpoint but the readings).
requests_stats() {
	curl -s -f "$url/_emulator/stats" | "$py" -c '
import json, sys
s = json.load(sys.stdin)["endpoints"]
reads = ("GET ", "POST /api/address-book/list", "POST /api/address-book/detail", "POST /api/contact/detail")
print(sum(v["total"] for k, v in s.items() if not k.startswith(reads)), sum(v["total"] for v in s.values()))'
}

# req_run PROVIDER OP CHANGED LIST [PUSH OPTIONS...]: imports LIST, pulls,
# pushes, prints the counts and a RESULT line.
req_run() {
	p=$1 op=$2 changed=$3 list=$4
	shift 4
	"$cs" --store "$work/rstore" import --region GB "$work/$list" >/dev/null
	BENCH_KEY=test-key BENCH_KEY_ID=test-key-id BENCH_SECRET=test-secret \
		"$cs" --store "$work/rstore" --config "$work/req.ini" -q pull bench
	curl -s -f -X POST "$url/_emulator/stats/reset" >/dev/null
	t0=$(date +%s.%N)
	rc=0
	BENCH_KEY=test-key BENCH_KEY_ID=test-key-id BENCH_SECRET=test-secret \
		"$cs" --store "$work/rstore" --config "$work/req.ini" push bench --results "$work/res" \
		"$@" >"$work/push.out" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	if [ $rc -ne 0 ]; then
		echo "bench-push: $p $op: push exited $rc" >&2
		tail -n 20 "$work/push.out" >&2
		exit 1
	fi
	set -- $(requests_stats)
	if [ "$op" = none ] && [ "$1" -ne 0 ]; then
		echo "bench-push: $p: a run with nothing to change sent $1 writes" >&2
		exit 1
	fi
	awk -v p="$p" -v op="$op" -v c="$changed" -v w="$1" -v r="$2" -v t0="$t0" -v t1="$t1" \
		-v results="$work/results" 'BEGIN {
		printf "%-9s %-8s %8d %8d %9d %14s %14s %8.2f\n", p, op, c, w, r,
			c ? sprintf("%.4f", w / c) : "-", c ? sprintf("%.4f", r / c) : "-", t1 - t0
		printf "RESULT op=push-%s-%s size=%d wall=%.3f writes=%d requests=%d writes_per_contact=%s rows=%d\n",
			p, op, c, t1 - t0, w, r, c ? sprintf("%.4f", w / c) : "0", c >>results
	}'
}

if [ "$mode" = requests ]; then
	[ $# -gt 0 ] || set -- altum atom sendblue
	for f in create update; do
		awk -v n="$n" -v f="$f" 'BEGIN {
			print "phone,first_name,last_name,email"
			for (i = 0; i < n; i++)
				printf "+44771%07d,%s%d,Last%d,p%d@example.com\n", i, (f == "create" ? "First" : "Renamed"), i, i, i
		}' >"$work/$f.csv"
	done
	head -n 2 "$work/update.csv" >"$work/one.csv"
	echo "bench-push requests: $n contacts per run, no latency, no rate limit ($(nproc) cores)"
	printf '%-9s %-8s %8s %8s %9s %14s %14s %8s\n' provider op changed writes requests \
		writes/contact requests/contact wall_s
	for p in "$@"; do
		case $p in
		sendblue) auth='api_key_id_env = BENCH_KEY_ID
api_secret_env = BENCH_SECRET' ;;
		atom) auth='api_key_env = BENCH_KEY
address_book = Bench' ;;
		*) auth='api_key_env = BENCH_KEY' ;;
		esac
		emu_start --dialect "$p" --rate 0
		[ "$p" != atom ] || curl -s -f -X POST -H 'Authorization: Bearer test-key' \
			-H 'Content-Type: application/json' -d '{"name":"Bench"}' "$url/api/address-book/new" >/dev/null
		printf '[profile bench]\nprovider = %s\nbase_url = %s\n%s\nrate = 0\nregion = GB\n' \
			"$p" "$url" "$auth" >"$work/req.ini"
		rm -rf "$work/rstore"
		req_run "$p" create "$n" create.csv
		req_run "$p" update "$n" update.csv
		req_run "$p" none 0 update.csv
		req_run "$p" delete $((n - 1)) one.csv --mode mirror --force
		# an opted-out contact is never deleted (it is the record of the
		# STOP): sendblue's opt-outs are measured on the contacts made again
		[ "$p" != sendblue ] || req_run "$p" create-again $((n - 1)) update.csv
		[ "$p" != sendblue ] || req_run "$p" opt-out $((n - 1)) one.csv --on-missing optout --force
	done
	cat "$work/results"
	exit 0
fi

default_batch=$("$cs" push --help | sed -n 's/.*--batch-size N.*(default \([0-9]*\)).*/\1/p')
echo "bench-push: $n creates, Sendblue emulator with ${latency} ms latency, $(nproc) cores"
echo

rate_n=${rate%%/*}
rate_per=${rate#*/}
rate_per=${rate_per%%,*}
case $rate in *,burst=*) burst=${rate##*,burst=} ;; *) burst=$rate_n ;; esac
start_emulator --rate "$rate"
set -- $(push_run "$default_batch" "rate = $rate")
awk -v n="$n" -v b="$default_batch" -v rate="$rate" -v rn="$rate_n" -v rp="$rate_per" -v burst="$burst" \
	-v req="$1" -v s="$2" -v e429="$3" -v wait="$5" -v rss="$6" 'BEGIN {
	per = rp; sub(/[a-z]+$/, "", per); if (per == "") per = 1
	unit = rp; sub(/^[0-9.]+/, "", unit)
	secs = per * (unit == "ms" ? 0.001 : unit == "m" ? 60 : unit == "h" ? 3600 : 1)
	allowed = rn / secs
	printf "main run: batch %d, rate %s (the emulator enforces it, the profile knows it)\n", b, rate
	printf "  %d requests in %.2f s: %.1f requests/s, %.0f contacts/s\n", req, s, req / s, n / s
	# What the limit allowed in that time: the burst, then the rate.
	printf "  share of the allowed rate used: %.1f%% (%d of the %d requests a %s limit with burst %d allows in %.2f s)\n",
		100 * req / (burst + allowed * s), req, burst + allowed * s, rate, burst, s
	printf "  429s: %d, time waiting for the rate limit: %.1f s, peak RSS %.1f MB\n", e429, wait, rss
}'
main_result="RESULT op=push-sendblue-create-rate-$rate size=$n wall=$2 rss_mb=$6 rows=$n requests=$1"
echo "$main_result"
echo

printf 'batch-size sweep, no rate limit (requests/s bounded by latency and concurrency):\n'
printf '%6s %9s %8s %11s %11s | %-34s\n' batch requests wall_s requests/s contacts/s \
	"with ${fault_rate} of requests failing: retries, wall_s"
for b in $batches; do
	start_emulator
	set -- $(push_run "$b" "")
	req=$1 s=$2
	start_emulator --fail-rate "$fault_rate" --stall 2000
	set -- $(push_run "$b" "")
	awk -v b="$b" -v n="$n" -v req="$req" -v s="$s" -v freq="$1" -v fs="$2" -v fretry="$4" 'BEGIN {
		printf "%6d %9d %8.2f %11.1f %11.0f | %5d retries, %8.2f s\n", b, req, s, req / s, n / s, fretry, fs
	}'
done
