# Numeric cells read through their number format: each fixture of
# tests/fixtures/numfmt (XLSX from openpyxl, xlsxwriter, SheetJS, ExcelJS;
# ODS from LibreOffice and one written by hand with every way ODF gives a
# cell its data style; XLS from xlwt and LibreOffice) imported and
# exported, its Value column compared cell by cell with LibreOffice's "as
# shown" CSV of the same file (committed as *.shown.csv, and made afresh
# when LibreOffice is installed).
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

F="$TOP/tests/fixtures/numfmt"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# soffice_csv with "save cell contents as shown" on (the 9th token).
soffice_shown() {
	tmo=
	command -v timeout >/dev/null 2>&1 && tmo="timeout 180"
	$tmo soffice -env:UserInstallation="file://$T/lo-profile" --headless \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false' \
		--outdir "$2" "$1" >"$T/soffice.log" 2>&1
}

# cells CSV: "phone|name|value" lines of a CSV with those three columns
# (a header names them).
cells() {
	"$PY" - "$1" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
head = [h.lower() for h in rows[0]]
p, n, v = head.index("phone"), head.index("name"), head.index("value")
for r in rows[1:]:
    print("%s|%s|%s" % (r[p], r[n], r[v]))
PYEOF
}

for file in "$F"/numfmt-*.xlsx "$F"/numfmt-*.ods "$F"/numfmt-*.xls; do
	f=$(basename "${file%.*}")
	f=${f#numfmt-}
	if [ "$have_soffice" = 1 ]; then
		mkdir -p lo
		soffice_shown "$file" lo
		check_same "$f: committed expectation is LibreOffice's as-shown CSV" \
			"$F/numfmt-$f.shown.csv" "lo/numfmt-$f.csv"
	fi
	check_rc "$f: import" 0 cs import --force "$file"
	cs export -o got.csv
	cells "$F/numfmt-$f.shown.csv" >want.txt
	cells got.csv >got.txt
	check_same "$f: every Value cell as LibreOffice shows it" want.txt got.txt
done

# SheetJS and ExcelJS write 0.1+0.2 as 0.30000000000000004; it reads 0.3.
unzip -p "$F/numfmt-exceljs.xlsx" xl/worksheets/sheet1.xml >sheet1.xml
check_grep "float noise written by ExcelJS" "<v>0.30000000000000004</v>" sheet1.xml
check_rc "exceljs: import" 0 cs import --force "$F/numfmt-exceljs.xlsx"
cs export -o got.csv
check_grep "read as 0.3" "^+447911100005,noise,,,,,,0.3$" got.csv

# The formatted digits are the phone numbers the sheet shows.
# (plus49, esc_plus and tel hold the same number: one contact; most other
# Value cells are no phone number, hence --max-rejects 100%)
cs import --force --max-rejects 100% --region IT --map phone=Value --ignore Phone \
	"$F/numfmt-openpyxl.xlsx" >out.txt 2>&1
cs export -o phones.csv
check_grep "\"+\"0 is a German number" "^+4915123456781," phones.csv
check_grep "0########## keeps the Italian 0" "^+390612345677,it_zero" phones.csv

# The same from an ODS: its data styles' digits are the numbers.
cs import --force --max-rejects 100% --region US --map phone=Value --ignore Phone \
	"$F/numfmt-odfhand.ods" >out.txt 2>&1
cs export -o phones.csv
check_grep "ODS (###) ###-#### is a US number" "^+12025550123,us_cond" phones.csv
check_grep "ODS \"+\"0 is a German number" "^+4915123456781,plus49" phones.csv

finish
