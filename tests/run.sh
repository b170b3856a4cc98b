#!/bin/sh
# Runs every unit test (cmocka) and every end-to-end script, and ends with
# the line "N passed, N failed". Exit status 1 when anything failed.
#   CONTACTSYNC_BIN    binary under test (default ./contactsync)
#   CONTACTSYNC_BUILD  build directory with tests/ (default build)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${CONTACTSYNC_BUILD:-build}
CONTACTSYNC_BIN=${CONTACTSYNC_BIN:-$top/contactsync}
export CONTACTSYNC_BIN
export CONTACTSYNC_TOOLS="$top/$BUILD/tools"
export CONTACTSYNC_TOP="$top"

passed=0
failed=0
failures=""
log=$(mktemp -d "${TMPDIR:-/tmp}/contactsync-tests.XXXXXX")

count() { # file: adds the pass/fail counts found in a log
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test(s), listed below.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	p2=$(grep -c '^ok - ' "$1")
	f2=$(grep -c '^not ok - ' "$1")
	echo $((p + p2)) $((f + f2))
}

run() { # name command...
	name=$1
	shift
	out="$log/$name.log"
	"$@" >"$out" 2>&1
	rc=$?
	set -- $(count "$out")
	p=$1 f=$2
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed or failed outside any check
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures="$failures $name"
		echo "FAIL $name ($p passed, $f failed)"
		grep -E '^not ok|\[  FAILED  \]|\[  ERROR   \]|error|Assertion|Sanitizer|runtime error' "$out" | head -20 | sed 's/^/    /'
	else
		echo "ok   $name ($p passed)"
	fi
}

# The source tree's layer rule (README, Source layout): includes point down,
# no module cycle, no log_* in the library, no provider named in the core.
run layers python3 tests/src/layers.py

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	run "$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=STDOUT "$t"
done

# Fuzz corpora and crash reproducers, through the targets' entry points.
for t in "$BUILD"/fuzz/replay_*; do
	[ -x "$t" ] || continue
	name=${t##*/replay_}
	run "fuzz_$name" "$t" "$name" "tests/fuzz/corpus/$name" "tests/fuzz/crashes/$name"
done

for t in tests/e2e/t_*.sh; do
	[ -f "$t" ] || continue
	run "$(basename "$t" .sh)" sh "$t"
done

if [ -n "$failures" ]; then
	echo "failed:$failures (logs in $log)"
else
	rm -rf "$log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
