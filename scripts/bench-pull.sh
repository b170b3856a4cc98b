#!/bin/sh
# Benchmark of `contactsync pull`: for each PROVIDER (default: sendblue
# altum), a local emulator is seeded with N contacts (default 1,000,000)
# through its generate endpoint (POST /_emulator/generate: made in place,
# ~4 s for a million), then the account is pulled into an empty store:
#   sendblue  keyset paging over created_at, 1,000 contacts a page (the
#             most the API gives; its offset stops at 10,000)
#   altum     pages of 1,000 (results_per_page=1000), the rate limit lifted
#             on both sides (emulator --rate 0, profile rate = 0)
#   atom      one address-book detail request (its only listing)
# Prints wall time, contacts/s, requests (the client's count and the
# emulator's), peak RSS and the emulator's CPU time, checks the snapshot
# holds N contacts, and prints a RESULT line per provider for
# scripts/bench-all.sh.
#   scripts/bench-pull.sh [N] [PROVIDER...]
# RUNS (default 1) pulls each account that many times into an empty store;
# then (unless AGAIN=0) once more into the store holding the last snapshot,
# as a nightly pull does: numbers the store knows valid are not parsed
# again (RESULT op=pull-PROVIDER-again).
set -eu
n=${1:-1000000}
[ $# -eq 0 ] || shift
[ $# -gt 0 ] || set -- sendblue altum
runs=${RUNS:-1}
again=${AGAIN:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
[ -x /usr/bin/time ] || { echo "bench-pull: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-pull.XXXXXX")
. "$top/scripts/emulator.sh"
trap 'emu_stop; rm -rf "$work"' EXIT INT TERM
cs="$top/contactsync"

start_emulator() { # DIALECT: a fresh emulator without rate limit; sets url
	emu_start --dialect "$1" --rate 0
}

emu_cpu() { # the emulator's CPU seconds so far (user + system)
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$emu_pid/stat"
}

echo "bench-pull: $n contacts per account, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for provider in "$@"; do
	start_emulator "$provider"
	t0=$(date +%s.%N)
	curl -s -f -X POST -d "{\"count\":$n,\"first_phone\":\"+447710000000\"}" \
		"$url/_emulator/generate" >"$work/seed.json" || {
		echo "bench-pull: seeding the $provider emulator failed" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	case $provider in
	sendblue) auth='api_key_id_env = BENCH_KEY_ID
api_secret_env = BENCH_SECRET' ;;
	atom) auth='api_key_env = BENCH_KEY
address_book = Book 1' ;;
	*) auth='api_key_env = BENCH_KEY' ;;
	esac
	printf '[profile bench]\nprovider = %s\nbase_url = %s\n%s\nrate = 0\nregion = GB\n' \
		"$provider" "$url" "$auth" >"$work/bench.ini"
	echo "$provider: seeded in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"
	run=0
	while [ $run -lt $((runs + again)) ]; do
		run=$((run + 1))
		kind=
		if [ $run -le "$runs" ]; then
			rm -rf "$work/store"
		else
			kind=-again
		fi
		curl -s -f -X POST "$url/_emulator/stats/reset" >/dev/null
		cpu0=$(emu_cpu)
		BENCH_KEY=test-key BENCH_KEY_ID=test-key-id BENCH_SECRET=test-secret /usr/bin/time -v \
			"$cs" --store "$work/store" --config "$work/bench.ini" --log-format json \
			pull bench 2>"$work/time.txt" || {
			echo "bench-pull: pull from $provider failed" >&2
			grep -v '^	' "$work/time.txt" | tail -n 5 >&2
			exit 1
		}
		cpu1=$(emu_cpu)
		wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
		cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$work/time.txt" | awk '{ s += $1 } END { print s }')
		secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
		# the log's phase_end line (standard error, with time's report)
		pulled=$(sed -n 's/.*"event":"phase_end".*"contacts":\([0-9]*\).*/\1/p' "$work/time.txt")
		requests=$(sed -n 's/.*"event":"phase_end".*"requests":\([0-9]*\).*/\1/p' "$work/time.txt")
		emu_requests=$(curl -s -f "$url/_emulator/stats" | grep -o '"total":[0-9]*' |
			awk -F: '{ s += $2 } END { print s + 0 }')
		# the snapshot itself, counted by reading it back
		in_store=$("$cs" --store "$work/store" export --from remote:bench --format csv | tail -n +2 | wc -l)
		if [ "$pulled" != "$n" ] || [ "$in_store" != "$n" ]; then
			echo "bench-pull: $provider: pulled '$pulled', the snapshot holds $in_store, expected $n" >&2
			exit 1
		fi
		awk -v p="$provider" -v n="$n" -v s="$secs" -v rss="$rss" -v req="$requests" \
			-v ereq="$emu_requests" -v ecpu="$(echo "$cpu0 $cpu1" | awk '{ print $2 - $1 }')" -v run="$run" \
			-v cpu="$cpu" -v kind="$kind" 'BEGIN {
			printf "  run %d%s: %.2f s wall (CPU %.1f s), %.0f contacts/s, %d requests (emulator saw %d), peak RSS %.1f MB, emulator CPU %.2f s; snapshot holds %d\n",
				run, kind == "" ? "" : " (again, the store holding the last snapshot)", s, cpu, n / s, req, ereq, rss / 1024, ecpu, n
		}'
		echo "RESULT op=pull-$provider$kind size=$n wall=$secs cpu=$cpu rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') rows=$n requests=$requests"
	done
done
