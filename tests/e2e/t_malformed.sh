# Bad input accounting: every file of the malformed corpus (the small ones
# committed in tests/fixtures/malformed, the large and binary ones made by
# make-malformed.py) is imported. Each gives exit 0, 2 or 3 (never a
# signal, never 1: rejected rows are reported, not failed), the outcome and
# message the table below expects, and:
#   exit 2: an error naming the file, and the desired set unchanged;
#   exit 3: the guard against an import without contacts, the set unchanged;
#   exit 0: rows read = staged + merged + rejected, in the text summary
#   and in the JSON log's phase_end alike, the rejects file holds exactly
#   the rejected rows, and the store holds exactly `total` contacts.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
FIX="$TOP/tests/fixtures"
mkdir corpus
cp "$FIX"/malformed/*.csv "$FIX"/malformed/*.jsonl corpus/
"$PY" "$FIX/malformed/make-malformed.py" corpus "$FIX"
check_rc "at least 30 malformed files" 0 test "$(ls corpus | wc -l)" -ge 30

# (the set is put back after each file with --force: most files yield fewer)
printf 'phone,name\n+447400900001,Base\n+447400900002,Line\n' >base.csv
cs import base.csv >/dev/null
cs export -o base-export.csv
tmo=
command -v timeout >/dev/null 2>&1 && tmo="timeout 120"
seen=""

# expect FILE RC PATTERN [IMPORT OPTIONS]: PATTERN (grep -E) must be in
# the error (exit 2) or in the summary and rejects file (exit 0). The
# rejects guard is set at 100% (t_exitcodes checks it): the accounting of
# files that are mostly rejects is what this test is for.
expect() {
	f=$1 want=$2 pat=$3
	shift 3
	seen="$seen $f"
	$tmo "$BIN" --log-format json import --region GB --max-rejects 100% --rejects rj.csv "$@" "corpus/$f" >out.json 2>err.json
	rc=$?
	if [ "$rc" -gt 3 ]; then
		fail "$f: exit $rc (a crash, a signal or a store error)"
		sed 's/^/#   /' err.json | head -5
		cs import --force base.csv >/dev/null
		return
	fi
	check_eq "$f: exit status" "$want" "$rc"
	$tmo "$BIN" import --region GB --max-rejects 100% --rejects rj-text.csv "$@" "corpus/$f" >out.txt 2>err.txt
	check_eq "$f: the text run ends the same" "$rc" "$?"
	if [ "$rc" -eq 3 ]; then
		check_grep "$f: says what is wrong ($pat)" "$pat" err.txt
		cs export -o after.csv
		check_same "$f: the desired set is unchanged" base-export.csv after.csv
		rm -f rj.csv rj-text.csv
		return
	fi
	if [ "$rc" -eq 2 ]; then
		if grep -q "^error: .*'corpus/$f'" err.txt && grep -q '"event":"error"' err.json; then
			pass "$f: the error names the file"
		else
			fail "$f: the error names the file"
			sed 's/^/#   /' err.txt | head -3
		fi
		if grep -E -q "$pat" err.txt; then
			pass "$f: says what is wrong ($pat)"
		else
			fail "$f: says what is wrong (no '$pat')"
			sed 's/^/#   /' err.txt | head -3
		fi
		cs export -o after.csv
		check_same "$f: the desired set is unchanged" base-export.csv after.csv
		check_rc "$f: no rejects file left behind" 1 test -e rj.csv
		return
	fi
	# the accounting: the text summary, the JSON phase_end, the rejects file, the store
	cs export --format json -o set.jsonl
	res=$("$PY" - "$f" <<'PYEOF'
import csv, json, re, sys
csv.field_size_limit(1 << 30)
f = sys.argv[1]
text = open("out.txt", encoding="utf-8", errors="replace").read()
m = re.search(r"rows read (\d+) = staged (\d+) \+ merged (\d+) \+ rejected (\d+)", text)
if not m:
    print("no accounting line in the summary"); sys.exit()
rr, st, me, rj = map(int, m.groups())
if rr != st + me + rj:
    print("text: %d != %d + %d + %d" % (rr, st, me, rj)); sys.exit()
ends = [json.loads(l) for l in open("err.json") if '"phase_end"' in l]
if len(ends) != 1:
    print("%d phase_end events" % len(ends)); sys.exit()
e = ends[0]
if not e["ok"]:
    print("phase_end not ok"); sys.exit()
if e["rows_read"] != e["staged"] + e["merged"] + e["rejected"]:
    print("json: %(rows_read)d != %(staged)d + %(merged)d + %(rejected)d" % e); sys.exit()
if (e["rows_read"], e["staged"], e["merged"], e["rejected"]) != (rr, st, me, rj):
    print("json and text disagree"); sys.exit()
if sum(e["rejected_by"].values()) != rj:
    print("rejected_by adds up to %d, not %d" % (sum(e["rejected_by"].values()), rj)); sys.exit()
rows = list(csv.reader(open("rj-text.csv", newline="", encoding="utf-8", errors="replace"))) if rj else []
if rj and len(rows) - 1 != rj:
    print("rejects file: %d rows for %d rejected" % (len(rows) - 1, rj)); sys.exit()
stored = sum(1 for l in open("set.jsonl") if l.strip())
if stored != e["total"] or stored != st:
    print("store holds %d, total %s, staged %d" % (stored, e["total"], st)); sys.exit()
print("ok %d %d %d %d %d" % (rr, st, me, rj, e["blank"]))
PYEOF
)
	case "$res" in
	ok*) pass "$f: rows read = staged + merged + rejected ($res), the rejects file and the store agree" ;;
	*) fail "$f: accounting: $res" ;;
	esac
	if grep -E -q "$pat" out.txt err.txt rj-text.csv 2>/dev/null; then
		pass "$f: shows '$pat'"
	else
		fail "$f: shows '$pat'"
		sed 's/^/#   /' out.txt err.txt | head -5
	fi
	rm -f rj.csv rj-text.csv
	cs import --force base.csv >/dev/null
}

# text files (those that yield no contact stop at the guard, exit 3; with
# --allow-empty their accounting is checked)
expect empty.csv 3 "yields no contacts"
expect bom-only.csv 3 "yields no contacts"
expect only-header.csv 3 "yields no contacts (0 rows read"
expect only-blank-lines.csv 3 "yields no contacts"
expect only-delimiters.csv 3 "yields no contacts"
expect blank-lines-100k.csv 0 "100000 blank rows skipped"
expect no-phone-column.csv 2 "no phone column found; name it with --map phone=COLUMN \\(columns: 'name', 'email'\\)"
expect quote-never-closed.csv 2 "row 3: unterminated quoted field"
expect quote-open-at-eof.csv 2 "row 3: unterminated quoted field"
expect quoted-cell-1mb-never-closed.csv 2 "row 2: unterminated quoted field"
expect stray-quotes.csv 2 "row 3: unterminated quoted field"
expect truncated-mid-quote.csv 2 "row 2001: unterminated quoted field"
expect truncated-mid-row.csv 0 "rows read 1034 = staged 1034"
expect ragged-rows.csv 0 "too_many_cells"
expect mixed-line-endings.csv 0 "4 contacts; 1 blank rows skipped"
expect cr-only.csv 0 "rows read 2 = staged 2"
expect nul-bytes.csv 0 "bad_encoding 3" --allow-empty
expect utf16le-no-bom.csv 2 "holds NUL bytes.*--encoding utf-16le"
expect utf16be-no-bom.csv 2 "holds NUL bytes.*--encoding utf-16le"
expect utf16le-no-bom.csv 0 "rows read 2 = staged 2" --encoding utf-16le
expect utf16-bom-odd-bytes.csv 2 "no phone column found"
expect utf16le-odd-length.csv 2 "incomplete UTF-16 character"
expect latin1.csv 0 "rows read 2 = staged 2"
expect latin1.csv 0 "bad_encoding 1" --encoding utf-8
expect invalid-utf8.csv 0 "rows read 4 = staged 4"
expect invalid-utf8.csv 0 "bad_encoding 3" --encoding utf-8
expect cell-1mb.csv 0 "rows read 2 = staged 2"
expect columns-10000.csv 0 "rows read 2 = staged 2"
expect columns-25000.csv 2 "row 1: more than 20000 cells"
expect row-17mib.csv 2 "row 2: row is larger than 16777216 bytes"
expect garbage.csv 2 "no phone column found"
expect garbage-with-phone-header.csv 0 "not_a_number" --allow-empty
# JSON lines
expect not-objects.jsonl 0 "rows read 8 = staged 1 .*rejected 7"
expect truncated.jsonl 0 "bad_json 1"
expect garbage-after-object.jsonl 0 "bad_json 3" --allow-empty
expect json-bad-strings.jsonl 0 "bad_json 3" --allow-empty
expect line-1mb-no-newline.jsonl 0 "bad_json 1" --allow-empty
expect deep-nesting.jsonl 0 "bad_json 1" --allow-empty
expect garbage.json 0 "bad_json" --allow-empty
expect garbage.jsonl 0 "bad_json" --allow-empty
# spreadsheets: cut short, damaged, hostile
expect garbage.xlsx 2 "no phone column found"
expect garbage.ods 2 "no phone column found"
expect garbage.xls 2 "no phone column found"
expect truncated.xlsx 2 "not a zip archive, or a truncated or corrupt one"
expect truncated-zip-header.xlsx 2 "not a zip archive, or a truncated or corrupt one"
expect truncated.ods 2 "not a zip archive, or a truncated or corrupt one"
expect truncated.xls 2 "not a valid .xls workbook"
expect truncated-ole-header.xls 2 "not a valid .xls workbook"
expect ole-header-garbage-body.xls 2 "not a valid .xls workbook"
expect xlsx-missing-sheet.xlsx 2 "missing part 'xl/worksheets/sheet1.xml'"
expect xlsx-no-workbook.xlsx 2 "missing part 'xl/workbook.xml'"
expect xlsx-bad-xml.xlsx 2 "malformed XML in 'xl/worksheets/sheet1.xml'"
expect xlsx-shared-string-out-of-range.xlsx 2 "cell A3: no shared string"
expect xlsx-absurd-cell-refs.xlsx 2 "invalid row number"
expect xlsx-10000-columns.xlsx 0 "rows read 1 = staged 1"
expect xlsx-only-header.xlsx 3 "yields no contacts (0 rows read"
expect zip-bomb.xlsx 2 "inflates more than 1000 times \(zip bomb\?\)"
expect zip-empty.xlsx 2 "holds NUL bytes: not a text file"
expect ods-bad-xml.ods 2 "content.xml line 1"
expect ods-no-tables.ods 2 "no sheets"
expect ods-repeat-bomb.ods 2 "more than 20000 cells in the row"

# every file of the corpus is in the table above
missing=""
for f in $(ls corpus); do
	case " $seen " in *" $f "*) ;; *) missing="$missing $f" ;; esac
done
check_eq "every corpus file was imported" "" "$missing"
finish
