#!/bin/sh
# Runs libFuzzer targets built by `make fuzz` (build-fuzz/fuzz/fuzz_NAME).
#   run.sh NAME...            fuzz each for $FUZZ_TIME seconds (default 600),
#                             $FUZZ_JOBS targets at once (default 1)
#   run.sh --merge NAME...    add to tests/fuzz/corpus/NAME/ the inputs of
#                             build-fuzz/corpus/NAME/ that cover something new
# New inputs go to build-fuzz/corpus/NAME/ (scratch, not committed); the
# committed seeds in tests/fuzz/corpus/NAME/ are only read. Crashes go to
# build-fuzz/crashes/NAME/; a fixed one is kept as a regression in
# tests/fuzz/crashes/NAME/. Logs in build-fuzz/logs/NAME.log end with
# libFuzzer's final statistics.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=build-fuzz
time=${FUZZ_TIME:-600}
LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
jobs=${FUZZ_JOBS:-1}

if [ "${1:-}" = "--merge" ]; then
	shift
	for t in "$@"; do
		mkdir -p "tests/fuzz/corpus/$t"
		"$out/fuzz/fuzz_$t" -merge=1 -rss_limit_mb=2048 "tests/fuzz/corpus/$t" \
			"$out/corpus/$t" 2>&1 | tail -2
	done
	exit 0
fi

one() { # name
	t=$1
	mkdir -p "$out/corpus/$t" "$out/crashes/$t" "$out/logs"
	echo "fuzz_$t: ${time}s, log in $out/logs/$t.log"
	# tests/fuzz/fuzz_NAME.options: more flags (one -max_len= that lets the
	# readers cross their 64 KiB chunks)
	# (xlsin_freexl: xlsin's, with FreeXL instrumented)
	seeds=${t%_freexl}
	opts=$(cat "tests/fuzz/fuzz_$seeds.options" 2>/dev/null)
	extra=
	[ "$seeds" = "$t" ] || extra="tests/fuzz/crashes/$seeds"
	# shellcheck disable=SC2086
	"$out/fuzz/fuzz_$t" -max_total_time="$time" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t/" $opts \
		"$out/corpus/$t" "tests/fuzz/corpus/$seeds" $extra >"$out/logs/$t.log" 2>&1
	rc=$?
	tail -n 14 "$out/logs/$t.log" | grep -E '^(#|stat::|==|SUMMARY|Done)' | sed "s/^/  $t: /"
	return $rc
}

failed=0
running=0
for t in "$@"; do
	one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait || failed=1
		running=0
	fi
done
wait || failed=1
[ "$failed" -eq 0 ] || echo "a target failed: see $out/crashes/ and $out/logs/"
exit "$failed"
