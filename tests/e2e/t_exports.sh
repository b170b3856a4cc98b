# Real-world contact exports (tests/fixtures/exports: Google, Outlook,
# Salesforce, HubSpot, Shopify, Mailchimp, Zoho, spreadsheets from openpyxl,
# xlsxwriter, SheetJS, ExcelJS and LibreOffice) give the contacts and the
# rejects that expect.py computed from the rules with
# python3-phonenumbers, never from contactsync's own output. Per fixture:
# the exit status, the contacts (phone, names, company, tags, opted_out),
# the rejected rows counted by reason on stdout, and the rejects file's rows.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

F="$TOP/tests/fixtures/exports"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CMP="$TOP/tests/e2e/compare_export.py"

# compare DESC KIND GOT WANT: one ok/not ok from compare_export.py
compare() {
	if "$PY" "$CMP" "$2" "$3" "$4" >cmp.txt 2>&1; then
		pass "$1"
	else
		fail "$1"
		head -20 cmp.txt
	fi
}

while read -r name region; do
	[ -n "$name" ] || continue
	exp="$F/expected/$name"
	CONTACTSYNC_STORE="$T/store-$name"
	export CONTACTSYNC_STORE
	rm -f rej.csv got.csv
	# rejected rows are reported (a warning), not failed: exit 0 either way
	check_rc "$name: import --region $region exits 0" 0 \
		cs import --region "$region" --rejects rej.csv "$F/$name" </dev/null
	cp out.txt import.txt
	if [ -s "$exp.rejects" ]; then
		check_grep "$name: a warning names the rejects file" "^warning: [0-9]* of [0-9]* rows rejected: they are in 'rej.csv'" err.txt
	fi
	if ! cs export --format csv -o got.csv </dev/null >out.txt 2>err.txt; then
		fail "$name: export"
		sed 's/^/#   /' err.txt | head -5
		continue
	fi
	compare "$name: contacts as expected" contacts got.csv "$exp.csv"
	compare "$name: rejects by reason" counts import.txt "$exp.rejects"
	if [ -f rej.csv ]; then
		compare "$name: rejected rows" rows rej.csv "$exp.rejects"
	else
		fail "$name: rejected rows (no rejects file)"
	fi
done <"$F/expected/manifest"

# The expectations are what expect.py computes now (when phonenumbers is here).
if "$PY" -c "import phonenumbers, openpyxl" 2>/dev/null && command -v soffice >/dev/null 2>&1; then
	check_rc "expected/ is what expect.py computes" 0 "$PY" "$F/expect.py" --check
else
	echo "# python3-phonenumbers, openpyxl or soffice missing: expect.py --check skipped"
fi
finish
