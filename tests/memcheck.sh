#!/bin/sh
# `make memcheck`: end-to-end tests with every contactsync run under
# valgrind's memcheck. A run with a memory error or a leak valgrind calls
# definite fails the suite (exit 1), whatever the test itself checked.
# Ends with "memcheck: N runs, E with errors, B bytes definitely lost".
#   MEMCHECK_TESTS  e2e test names (default: the import/export ones)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tests=${MEMCHECK_TESTS:-t_roundtrip t_spreadsheets t_htmlxls}
logs=$(mktemp -d "${TMPDIR:-/tmp}/contactsync-memcheck.XXXXXX")

command -v valgrind >/dev/null 2>&1 || {
	echo "memcheck: valgrind is not installed (scripts/install-deps.sh installs it)" >&2
	exit 1
}

# The binary the tests run: contactsync under memcheck, one log per process.
cat >"$logs/contactsync" <<EOF
#!/bin/sh
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite \\
	--errors-for-leak-kinds=definite --error-exitcode=99 \\
	--log-file="$logs/vg.%p.log" "$top/contactsync" "\$@"
EOF
chmod +x "$logs/contactsync"

failed=0
for t in $tests; do
	CONTACTSYNC_BIN="$logs/contactsync" CONTACTSYNC_TOOLS="$top/build/tools" \
		CONTACTSYNC_TOP="$top" sh "tests/e2e/$t.sh" >"$logs/$t.out" 2>&1
	rc=$?
	ok=$(grep -c '^ok - ' "$logs/$t.out")
	bad=$(grep -c '^not ok - ' "$logs/$t.out")
	if [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ]; then
		echo "FAIL $t under memcheck ($ok passed, $bad failed, exit $rc)"
		grep '^not ok' "$logs/$t.out" | head -10 | sed 's/^/    /'
		failed=1
	else
		echo "ok   $t under memcheck ($ok passed)"
	fi
done

# --quiet leaves a log empty unless memcheck found something.
runs=$(find "$logs" -name 'vg.*.log' | wc -l)
dirty=$(find "$logs" -name 'vg.*.log' -size +0 | wc -l)
lost=$(cat "$logs"/vg.*.log 2>/dev/null |
	sed -n 's/.* \([0-9,]*\) bytes in [0-9,]* blocks are definitely lost.*/\1/p' |
	tr -d , | awk '{s += $1} END {print s + 0}')
echo "memcheck: $runs runs, $dirty with errors, $lost bytes definitely lost"
if [ "$dirty" -ne 0 ]; then
	find "$logs" -name 'vg.*.log' -size +0 | head -3 | while read -r f; do
		sed 's/^/    /' "$f" | head -40
	done
	failed=1
fi
[ "$runs" -gt 0 ] || { echo "memcheck: no run was recorded" >&2; failed=1; }
if [ "$failed" -eq 0 ]; then
	rm -rf "$logs"
else
	echo "memcheck: logs in $logs"
fi
exit "$failed"
