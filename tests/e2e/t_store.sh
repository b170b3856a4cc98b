# Replace vs --append, failed imports leave the store unchanged, the writer
# lock, and the schema version guard.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

printf 'phone,name,city\n+447911123456,Ann,Leeds\n+447911123457,Bob,York\n' >a.csv
printf 'phone,name,city\n+447911123457,Bob Smith,\n+447911123458,Cat,Hull\n' >b.csv

check_rc "import a" 0 cs import a.csv
check_rc "import b replaces" 0 cs import b.csv
cs export -o r.csv
check_eq "replace: only b's contacts" "+447911123457 +447911123458" "$(cut -d, -f1 r.csv | tail -n +2 | tr '\n' ' ' | sed 's/ $//')"

check_rc "import a" 0 cs import a.csv
check_rc "append b" 0 cs import --append b.csv
check_grep "append summary" "desired set 'default': 3 contacts (1 updated)" out.txt
cs export -o ap.csv
check_grep "append keeps a's contact" "^+447911123456,Ann," ap.csv
check_grep "append merges the same person: new name, empty city keeps old" "^+447911123457,Bob Smith,.*,York$" ap.csv
check_grep "append adds b's new contact" "^+447911123458,Cat," ap.csv

# Failed imports leave the store as it was, and no rejects file behind.
cs export -o before.csv
printf 'phone,name\n+447911123459,Dan\n"+447911123460,unterminated\n' >bad.csv
check_rc "unterminated quote exits 2" 2 cs import --rejects rj.csv a.csv bad.csv
check_grep "error names file and row" "'bad.csv' row 3" err.txt
cs export -o after.csv
check_same "store unchanged after a failed import" before.csv after.csv
check_rc "no rejects file left behind" 1 test -e rj.csv
check_rc "missing file exits 2" 2 cs import a.csv missing.csv
check_grep "error names the missing file" "cannot open 'missing.csv'" err.txt
cs export -o after2.csv
check_same "store unchanged after a missing file" before.csv after2.csv
check_rc "bad encoding name exits 2" 2 cs import --encoding klingon a.csv
check_rc "bad region exits 2" 2 cs import --region XX a.csv

# Writers share the store: while an import of the list 'default' waits for
# its input, an import of another list goes through (each list has its own
# lock; a second import of the same list waits: t_lists.sh), and readers
# see the last complete set.
mkfifo slow.csv
"$BIN" import --force slow.csv >/dev/null 2>&1 &
holder=$!
i=0
while [ $i -lt 50 ] && ! grep -q "$holder" store/list-default.lock 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
check_rc "an import of another list goes on beside it" 0 cs import --list other a.csv
check_rc "readers are not blocked by the writer" 0 cs export -o during.csv
check_same "reader sees the last complete set" before.csv during.csv
printf 'phone\n+447911123499\n' >slow.csv
wait $holder
check_eq "first writer finished" 0 $?
check_rc "lock released when the holder exits" 0 cs import a.csv
# A writer killed with SIGKILL leaves no stale lock.
rm -f slow.csv && mkfifo slow.csv
"$BIN" import --force slow.csv >/dev/null 2>&1 &
holder=$!
i=0
while [ $i -lt 50 ] && ! grep -q "$holder" store/list-default.lock 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill -9 $holder
wait $holder 2>/dev/null
check_rc "lock of a killed writer is taken over" 0 cs import a.csv
exec 3<>slow.csv; exec 3>&-

# Store from a newer schema is refused (exit 5).
if [ -x "$TOOLS/store_poke" ]; then
	check_rc "poke schema version" 0 "$TOOLS/store_poke" store schema 99
	check_rc "newer schema refused" 5 cs export
	check_grep "says which version" "schema version 99" err.txt
	check_grep "says a newer contactsync wrote it" "written by a newer contactsync" err.txt
	cp store/data.mdb newer.mdb
	check_rc "a writer refuses it too" 5 cs import a.csv
	check_grep "the writer says why" "schema version 99; this contactsync reads up to version" err.txt
	check_same "the refused writer changed nothing" newer.mdb store/data.mdb
	check_rc "status refuses it" 5 cs status
	check_rc "the version is left alone: still refused" 5 cs export
else
	fail "tool store_poke not built"
fi
check_rc "export from a missing store exits 5" 5 cs --store nowhere export
finish
