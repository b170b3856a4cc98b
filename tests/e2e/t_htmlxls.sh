# "xls" files that are not Excel binaries (tests/fixtures/htmlxls): HTML
# tables as web apps export them and Excel 2003 XML Spreadsheets
# ("SpreadsheetML") from LibreOffice and from a script, detected by
# content whatever their name. Expectations come from outside contactsync:
# the HTML files' from make-htmlxls.py (the rows it wrote, numbers through
# python3-phonenumbers); the SpreadsheetML files' from LibreOffice's own
# CSV of each (expected/NAME.lo.csv), imported the same way, except for
# what LibreOffice 7.4 does not read back from SpreadsheetML (Boolean
# cells come back empty) or shows its own way (dates as MM/DD/YYYY),
# which is checked against the format's documented values.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

F="$TOP/tests/fixtures/htmlxls"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CMP="$TOP/tests/e2e/compare_export.py"

compare() { # DESC KIND GOT WANT
	if "$PY" "$CMP" "$2" "$3" "$4" >cmp.txt 2>&1; then
		pass "$1"
	else
		fail "$1"
		head -20 cmp.txt
	fi
}

rejected() { # REJECTS.csv: its rows as ROW:REASON ...
	"$PY" -c 'import csv, sys
print(" ".join(r["_row"] + ":" + r["_reason"] for r in csv.DictReader(open(sys.argv[1]))))' "$1"
}

fresh() { # a store of its own for each import
	CONTACTSYNC_STORE="$T/store-$1"
	export CONTACTSYNC_STORE
	rm -rf "$CONTACTSYNC_STORE"
}

# ---- HTML tables: contacts, rejects by reason and row ----------------
for name in webapp-tabletoexcel.xls php-cp1252-spans.xls; do
	exp="$F/expected/$name"
	rc_want=0	# rejected rows are reported, not failed
	fresh "$name"
	rm -f rej.csv got.csv
	check_rc "$name: import --region DE exits $rc_want" "$rc_want" \
		cs import --region DE --rejects rej.csv "$F/$name" </dev/null
	cp out.txt import.txt
	check_grep "$name: read as HTML, not CSV" "rows read" import.txt
	cs export --format csv -o got.csv </dev/null >/dev/null 2>&1 || fail "$name: export"
	compare "$name: contacts as expected" contacts got.csv "$exp.csv"
	compare "$name: rejects by reason" counts import.txt "$exp.rejects"
	if [ -f rej.csv ]; then
		compare "$name: rejected rows" rows rej.csv "$exp.rejects"
	else
		[ -s "$exp.rejects" ] && fail "$name: rejected rows (no rejects file)"
	fi
done
check_grep "title row above the header skipped (colspan)" "1 rows above the header skipped" import.txt

# ---- SpreadsheetML: the same desired set as LibreOffice's CSV --------
# Boolean and date columns aside (see above); the row numbers of the
# rejects (ss:Index rows) must be the sheet's, as in LibreOffice's CSV.
for name in python-spreadsheetml.xls libreoffice-xml2003.xls; do
	lo="$F/expected/$name.lo.csv"
	fresh "$name-lo"
	cp "$lo" lo.csv
	cs import --region DE --ignore "SMS Opt Out,Customer Since" --rejects rej-lo.csv lo.csv \
		</dev/null >/dev/null 2>&1
	cs export --format csv -o want.csv </dev/null >/dev/null 2>&1
	fresh "$name"
	check_rc "$name: import exits 0 (one row without a number: reported, not failed)" 0 \
		cs import --region DE --ignore "SMS Opt Out,Customer Since" --rejects rej.csv \
		"$F/$name" </dev/null
	cs export --format csv -o got.csv </dev/null >/dev/null 2>&1
	check_same "$name: same desired set as LibreOffice's CSV of it" want.csv got.csv
	check_eq "$name: four contacts" 5 "$(wc -l <got.csv | tr -d ' ')"
	check_eq "$name: rejected row numbered as the sheet does" \
		"$(rejected rej-lo.csv)" "$(rejected rej.csv)"
	case $name in
	python-*) row=9 ;;	# <Row ss:Index="9">
	*) row=6 ;;		# line 6 of libreoffice-source.csv
	esac
	check_eq "$name: the row without a number is row $row" "$row:empty" "$(rejected rej.csv)"
	# Number cells holding phones, Boolean and DateTime cells (Microsoft's
	# XML Spreadsheet Reference: Boolean 1/0, DateTime ISO 8601).
	fresh "$name-all"
	cs import --region DE "$F/$name" </dev/null >/dev/null 2>&1
	cs export --format csv -o all.csv </dev/null >/dev/null 2>&1
	check_grep "$name: Number 4915123456781 is +4915123456781, Boolean 0 not opted out, date ISO" \
		"^+4915123456781,Anna Müller,,,Müller & Söhne GmbH,,false,2019-04-01," all.csv
	check_grep "$name: Boolean 1 is opted out" "^+4915123456782,Dr. Weber,,,,,true,2021-11-30," all.csv
done

# LibreOffice still reads them as committed (when it is installed).
if [ "$have_soffice" = 1 ]; then
	for name in python-spreadsheetml.xls libreoffice-xml2003.xls; do
		mkdir -p lo
		cp "$F/$name" "lo/$name"
		soffice_csv "lo/$name" lo
		check_same "$name: LibreOffice's CSV is expected/$name.lo.csv" \
			"$F/expected/$name.lo.csv" "lo/${name%.xls}.csv"
	done
else
	echo "# soffice not installed: LibreOffice's CSVs not remade"
fi

# ---- sheets, names, messages -----------------------------------------
fresh sheet
check_rc "--sheet archiv (case aside) reads the second worksheet" 0 \
	cs import --region DE --sheet archiv "$F/python-spreadsheetml.xls"
cs export --format csv -o sheet.csv
check_eq "the second worksheet's contact" "+4915123456790" "$(tail -n +2 sheet.csv | cut -d, -f1)"
check_rc "--sheet that does not exist exits 2" 2 \
	cs import --region DE --sheet Nope "$F/python-spreadsheetml.xls"
check_grep "message lists the worksheets" "no sheet 'Nope' (sheets: 'Kontakte', 'Archiv')" err.txt

fresh named
cp "$F/webapp-tabletoexcel.xls" export.csv
check_rc "an HTML export named .csv is read as HTML" 0 cs import --region DE export.csv

printf '<!DOCTYPE html>\n<html><head><title>Export</title></head>\n<body><p>Your session has expired.</p></body></html>\n' >f.xls
check_rc "a page without a table exits 2" 2 cs import --region DE f.xls
check_grep "it says what the file is" "'f.xls': an HTML page without a table: not a contact list" err.txt
if grep -q "no phone column" err.txt; then
	fail "no misleading phone-column hint"
else
	pass "no misleading phone-column hint"
fi

head -c 2000 "$F/python-spreadsheetml.xls" >cut.xls
check_rc "a truncated SpreadsheetML file exits 2" 2 cs import --region DE cut.xls
check_grep "the message names the line" "'cut.xls' line [0-9]* column [0-9]*: " err.txt
finish
