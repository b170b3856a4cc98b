# XLSX, ODS and XLS import: a spreadsheet gives the same desired set as the
# CSV it was made from (files written by LibreOffice, openpyxl and
# contactsync's own exporter), sheet and header selection, and clear errors
# for broken, encrypted and oversized files.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

F="$TOP/tests/fixtures/sheets"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

check_rc "import the source CSV (a reject, reported: exit 0)" 0 cs import --force --region GB "$F/contacts.csv"
check_grep "CSV accounting" "rows read 8 = staged 7 + merged 0 + rejected 1" out.txt
cs export -o want.csv

same_as_csv() { # DESC FILE [import options]
	desc=$1 file=$2
	shift 2
	check_rc "$desc: import" 0 cs import --force --region GB "$@" "$file"
	check_grep "$desc: accounting" "rows read 8 = staged 7 + merged 0 + rejected 1" out.txt
	cs export -o got.csv
	check_same "$desc: same desired set as the CSV" want.csv got.csv
}

for f in contacts-libreoffice.xlsx contacts-libreoffice.ods contacts-libreoffice.xls \
	contacts-openpyxl.xlsx; do
	same_as_csv "fixture $f" "$F/$f"
done
check_grep "numeric phone cell recovered, 7.5 kept" "^+447400123456,,Harry,Wilson,,newsletter,,2023-11-15,,7.5$" got.csv
check_grep "date as ISO 8601, 18 without noise" '^+447911123456,,Olivia,Bennett,Harbour Cafe,newsletter;vip,false,2024-03-01,"likes ""flat whites"", oat milk",18$' got.csv

# Fresh files from the programs themselves, when they are installed.
if command -v soffice >/dev/null 2>&1; then
	mkdir -p lo
	for ext in xlsx ods xls; do
		soffice -env:UserInstallation="file://$T/lo-profile" --headless \
			--infilter=CSV:44,34,76,1 --convert-to "$ext" --outdir lo \
			"$F/contacts.csv" >/dev/null 2>&1
		same_as_csv "LibreOffice $ext made now" "lo/contacts.$ext"
	done
else
	echo "# soffice not installed: fresh LibreOffice conversions not checked"
fi
if "$PY" -c "import openpyxl" 2>/dev/null; then
	"$PY" "$F/openpyxl-from-csv.py" "$F/contacts.csv" fresh-openpyxl.xlsx
	same_as_csv "openpyxl made now" fresh-openpyxl.xlsx
else
	echo "# openpyxl not installed: fresh openpyxl file not checked"
fi
check_rc "export xlsx (libxlsxwriter)" 0 cs export --format xlsx -o ours.xlsx
check_rc "re-import our own XLSX" 0 cs import --force ours.xlsx
cs export -o ours.csv
check_same "own XLSX round trip" want.csv ours.csv

# Kind is chosen by content, not by name.
cp "$F/contacts-libreoffice.xlsx" renamed.csv
same_as_csv "XLSX named .csv" renamed.csv
check_rc "XLSX on standard input" 0 sh -c "'$BIN' import --region GB - <'$F/contacts-libreoffice.ods'"
cs export -o got.csv
check_same "ODS from stdin gives the same set" want.csv got.csv

# Sheet selection: the openpyxl file has a hidden first sheet "Old list".
check_rc "--sheet by name picks the hidden sheet" 0 cs import --force --sheet "Old list" "$F/contacts-openpyxl.xlsx"
cs export -o old.csv
check_eq "hidden sheet content" "+447911000000" "$(tail -n +2 old.csv | cut -d, -f1)"
check_rc "--sheet by number" 0 cs import --force --sheet 1 "$F/contacts-openpyxl.xlsx"
check_rc "--sheet 2 is the contacts" 0 cs import --force --region GB --sheet 2 "$F/contacts-openpyxl.xlsx"
check_rc "--sheet that does not exist exits 2" 2 cs import --force --sheet Nope "$F/contacts-openpyxl.xlsx"
check_grep "message lists the sheets" "no sheet 'Nope' (sheets: 'Old list', 'Contacts')" err.txt
check_rc "--sheet on ODS" 2 cs import --force --sheet Nope "$F/contacts-libreoffice.ods"
check_grep "ODS message names the sheet" "no sheet 'Nope'" err.txt

# A second visible sheet that is not read is reported, never silently skipped.
if "$PY" -c "import openpyxl" 2>/dev/null; then
	"$PY" - <<'PYEOF'
from openpyxl import Workbook
wb = Workbook()
a = wb.active
a.title = "Contacts"
a.append(["Phone", "Name"])
a.append(["+447911123456", "Ann"])
b = wb.create_sheet("Contacts (2)")
b.append(["Phone", "Name"])
b.append(["+447911123457", "Bob"])
wb.save("two.xlsx")
PYEOF
	check_rc "two sheets with one header: both read" 0 cs import --force two.xlsx
	check_eq "both sheets' contacts" 2 "$(cs export | tail -n +2 | wc -l | tr -d ' ')"
	check_rc "--sheet naming the first only: reported, exit 0" 0 cs import --force --sheet Contacts two.xlsx
	check_grep "the unread sheet reported" "only sheet 'Contacts' was read (read the others with --sheet all or --sheet NAME,NAME); 1 later sheet with the same header was not: 'Contacts (2)'" err.txt
	check_rc "second sheet appended" 0 cs import --sheet "Contacts (2)" --append two.xlsx
	check_eq "both sheets' contacts" 2 "$(cs export | tail -n +2 | wc -l | tr -d ' ')"
else
	echo "# openpyxl not installed: multi-sheet warning not checked"
fi

# --header-row skips title rows above the header.
{ printf 'Contact list,,\nexported 2024-03-01,,\n'; cat "$F/contacts.csv"; } >titled.csv
check_rc "--header-row 3" 0 cs import --force --region GB --header-row 3 titled.csv
check_grep "rows above the header reported" "2 rows above the header skipped" out.txt
cs export -o got.csv
check_same "--header-row gives the same set" want.csv got.csv
check_rc "--header-row at a blank row exits 2" 2 cs import --force --header-row 7 "$F/contacts.csv"
check_grep "says the row is empty" "row 7 is empty" err.txt

# Broken, encrypted and oversized files: exit 2, a message naming the
# file, and the store unchanged.
cs import --force --region GB "$F/contacts.csv" >/dev/null 2>&1
cs export -o before.csv
bad() { # DESC PATTERN FILE [options]
	desc=$1 pat=$2 file=$3
	shift 3
	check_rc "$desc exits 2" 2 cs import --force "$@" "$file"
	check_grep "$desc: clear message" "$pat" err.txt
}
head -c 3000 "$F/contacts-libreoffice.xlsx" >truncated.xlsx
bad "truncated zip" "truncated.xlsx" truncated.xlsx
cp "$F/contacts-libreoffice.xlsx" corrupt.xlsx
printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' |
	dd of=corrupt.xlsx bs=1 seek=1500 conv=notrunc 2>/dev/null
bad "corrupt zip" "corrupt.xlsx" corrupt.xlsx
"$PY" - "$F/contacts-libreoffice.xlsx" <<'PYEOF'
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
def rewrite(out, drop=None, replace=None, extra=None):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename == drop:
                continue
            data = src.read(info.filename)
            if replace and info.filename == replace[0]:
                data = replace[1]
            z.writestr(info.filename, data)
        if extra:
            z.writestr(extra[0], extra[1])
rewrite("noworkbook.xlsx", drop="xl/workbook.xml")
rewrite("malformed.xlsx", replace=("xl/worksheets/sheet1.xml",
        src.read("xl/worksheets/sheet1.xml")[:700] + b"<row><c r=\"A2\" <<<"))
sheet = src.read("xl/worksheets/sheet1.xml")
# 200 MB of small empty comments: every XML token is small, so only the
# inflation caps can stop it.
rewrite("bomb.xlsx", replace=("xl/worksheets/sheet1.xml",
        sheet.replace(b"<sheetData>", b"<sheetData>" + b"<!---->" * (30 << 20))))
# A stored (uncompressed) part with one byte changed: only the CRC can tell.
with zipfile.ZipFile("stored.xlsx", "w", zipfile.ZIP_STORED) as z:
    for info in src.infolist():
        z.writestr(info.filename, src.read(info.filename))
data = bytearray(open("stored.xlsx", "rb").read())
at = data.find(b"Olivia")
data[at] = ord("X")
open("crc.xlsx", "wb").write(data)
PYEOF
bad "checksum mismatch" "corrupt (checksum mismatch)" crc.xlsx
bad "missing workbook part" "xl/workbook.xml" noworkbook.xlsx
bad "malformed XML" "malformed XML" malformed.xlsx
bad "zip bomb by ratio" "inflates more than 20 times" bomb.xlsx --zip-max-ratio 20
bad "zip bomb by size" "more than 10485760 bytes" bomb.xlsx --zip-max-bytes 10M
bad "encrypted ODS" "password-protected" "$F/../encrypted/contacts-password-libreoffice.ods"
bad "encrypted XLS" "password-protected" "$F/../encrypted/contacts-password-libreoffice.xls"
# An encrypted OOXML file is an OLE container with an EncryptedPackage
# stream; this synthetic one only has the signature and the stream name.
{ printf '\320\317\021\340\241\261\032\341'; head -c 1000 /dev/zero;
  printf 'E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0'; head -c 1000 /dev/zero; } >enc.xlsx
bad "encrypted XLSX" "password-protected" enc.xlsx
bad "XLS claiming 1.5 GB of cells" "claim 1536 MB of cells" "$F/../xls/claims-6-sheets-65536x256.xls"
printf 'PK\003\004garbage' >notzip.xlsx
bad "not really a zip" "notzip.xlsx" notzip.xlsx
cs export -o after.csv
check_same "store unchanged after every bad file" before.csv after.csv
finish
