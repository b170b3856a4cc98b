# export --format xlsx: a real zip, every cell text, the header frozen and
# filtered, widths set; and LibreOffice, converting the workbook back to
# CSV, gives byte for byte the CSV export (when soffice is installed).
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

cp "$TOP/samples/contacts.csv" in.csv
check_rc "import samples (rejects reported: exit 0)" 0 cs import --force --region GB in.csv
check_rc "export csv" 0 cs export -o e.csv
check_rc "export xlsx" 0 cs export --format xlsx -o e.xlsx
check_eq "nothing on stderr" "" "$(cat err.txt)"
check_eq "xlsx is a zip" "PK" "$(head -c 2 e.xlsx)"
unzip -l e.xlsx >list.txt 2>&1
check_grep "zip holds the first sheet" " xl/worksheets/sheet1.xml$" list.txt
check_eq "one sheet only" 1 "$(grep -c ' xl/worksheets/sheet[0-9]*\.xml$' list.txt)"
check_eq "no temporary file left" "" "$(ls | grep '\.tmp' || true)"

unzip -p e.xlsx xl/worksheets/sheet1.xml >sheet1.xml
tr '<' '\n' <sheet1.xml | grep '^c ' >cells.txt
check_eq "13 phone cells below the header" 13 \
	"$(grep -c '^c r="A\([2-9]\|1[0-9]\)"' cells.txt)"
check_eq "every phone cell is a string" 0 \
	"$(grep '^c r="A[0-9]*"' cells.txt | grep -vc 't="\(s\|inlineStr\)"')"
check_eq "no cell anywhere is a number" 0 "$(grep -vc 't="\(s\|inlineStr\)"' cells.txt)"
check_grep "spreadsheet-looking number kept as text" '<t>+447400123456</t>' sheet1.xml
check_grep "header frozen" '<pane ySplit="1" [^>]*state="frozen"' sheet1.xml
check_grep "autofilter over header and rows" '<autoFilter ref="A1:J14"/>' sheet1.xml
check_grep "header cells styled" '<c r="A1" s="1" t="inlineStr"><is><t>phone</t>' sheet1.xml
unzip -p e.xlsx xl/styles.xml >styles.xml
check_grep "the header style is bold" '<b/>' styles.xml
check_grep "column widths set" '<col min="1" max="1" width="[0-9.]*" customWidth="1"/>' sheet1.xml
check_grep "email column as wide as its longest value" '<col min="8" max="8" width="27\.' sheet1.xml
unzip -p e.xlsx xl/workbook.xml >wb.xml
check_grep "sheet named Contacts" '<sheet name="Contacts"' wb.xml

# Usage errors
check_rc "xlsx to standard output is a usage error" 2 cs export --format xlsx
check_grep "and says why" "needs -o FILE" err.txt
check_rc "unknown format" 2 cs export --format xls -o x.xls
check_grep "formats listed" "csv, json or xlsx" err.txt
check_rc "xlsx into a missing directory exits 2" 2 cs export --format xlsx -o nodir/x.xlsx
check_grep "names the file" "'nodir/x.xlsx'" err.txt

# The previous file stays until the new one is complete.
cp e.xlsx keep.xlsx
check_rc "export over an existing file" 0 cs export --format xlsx -o keep.xlsx
check_eq "replaced by a zip" "PK" "$(head -c 2 keep.xlsx)"

# Values a spreadsheet likes to reinterpret: formulas, numbers with leading
# zeros or exponents, Excel's own _xHHHH_ escapes, quotes and separators,
# wide and astral characters.
cat >tricky.csv <<'EOF'
phone,name,Code,Formula,Notes,City
+447911123456,=1+1,007,=SUM(A1:A2),"_x0041_ stays, ""quoted""",東京
+447911123457,@cmd,1.5E+3,+1,"a;b|c	tab",Zoë 😀
+447911123458,-2,0044,TRUE,line with 'single' quotes,
EOF
check_rc "import tricky values" 0 cs import --force tricky.csv
check_rc "export tricky csv" 0 cs export -o tricky-out.csv
check_rc "export tricky xlsx" 0 cs export --format xlsx -o tricky.xlsx
unzip -p tricky.xlsx xl/worksheets/sheet1.xml >t1.xml
check_grep "literal escape protected" '<t xml:space="preserve">_x005F_x0041_ stays, "quoted"</t>\|<t>_x005F_x0041_ stays, "quoted"</t>' t1.xml
check_grep "formula written as text" '<t>=SUM(A1:A2)</t>' t1.xml
check_eq "no formula cells" 0 "$(grep -c '<f>' t1.xml)"
check_eq "no number cells" 0 "$(tr '<' '\n' <t1.xml | grep '^c ' | grep -vc 't="\(s\|inlineStr\)"')"

# A value longer than a cell holds is cut, with a warning and exit 1.
awk 'BEGIN { s = ""; for (i = 0; i < 40000; i++) s = s "x"; print "phone,Notes"; print "+447911123456," s; print "+447911123457,short" }' >long.csv
check_rc "import a 40,000-character value" 0 cs import --force long.csv
check_rc "export of a cut value exits 1" 1 cs export --format xlsx -o long.xlsx
check_grep "warning says what, where and which column" \
	"'long.xlsx': 1 value cut to a cell's 32767 characters (the first at 'Contacts'!H2, column 'Notes')" err.txt
check_eq "the file is still written" "PK" "$(head -c 2 long.xlsx 2>/dev/null)"
check_eq "cut to exactly 32,767 characters" 32767 \
	"$(unzip -p long.xlsx xl/worksheets/sheet1.xml | tr '<>' '\n\n' | awk 'length > 1000 { print length }')"
unzip -p long.xlsx xl/worksheets/sheet1.xml >l1.xml
check_grep "the next row is whole" '<t>short</t>' l1.xml

# Read back by our own importer: the same set.
check_rc "import the XLSX export" 0 cs import --force e.xlsx
cs export -o back.csv
check_same "XLSX round trip is exact" e.csv back.csv
check_rc "import the tricky XLSX" 0 cs import --force tricky.xlsx
cs export -o tricky-back.csv
check_same "tricky values round trip exactly" tricky-out.csv tricky-back.csv

# Read back by another program. A skipped check is not a passed one: it
# only leaves a comment.
if [ "$have_soffice" -eq 1 ]; then
	mkdir lo
	if soffice_csv e.xlsx lo; then
		pass "LibreOffice opens the workbook"
	else
		fail "LibreOffice opens the workbook"
		sed 's/^/#   /' "$T/soffice.log" | head -5
	fi
	check_same "LibreOffice's CSV of the workbook is the CSV export" e.csv lo/e.csv
	mkdir lo2
	soffice_csv tricky.xlsx lo2
	check_same "tricky values survive LibreOffice unchanged" tricky-out.csv lo2/tricky.csv
else
	echo "# soffice not installed: LibreOffice read-back checks not run"
fi
finish
