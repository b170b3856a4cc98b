# Opt-out cells as exports write them: spreadsheet booleans in every
# format (tests/fixtures/exports/make-booleans.py) and the words of
# optval.h in a CSV. The expected values are written by hand from the
# generator's rows and optval.h's tables: true = opted out, false = not,
# empty = unknown.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

F="$TOP/tests/fixtures/exports"

# phone, opted_out and VIP of each exported contact, found by header name
cols() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["phone"] " " $c["opted_out"] " " (("VIP" in c) ? $c["VIP"] : "") }' "$1"
}

# From make-booleans.py's ROWS: a boolean TRUE/FALSE, an empty cell, the
# error constants #N/A and #NULL! (empty, not a boolean), the text "yes",
# the numbers 1 and 0. The VIP column shows the cell as the reader gives it.
cat >want-booleans.txt <<'WANT'
+447911123401 true TRUE
+447911123402 false FALSE
+447911123403  TRUE
+447911123404  FALSE
+447911123405  
+447911123406 true 
+447911123407 true 0
+447911123408 false 1
WANT

for f in optout-booleans-xlwt.xls optout-booleans-openpyxl.xlsx \
	optout-booleans-libreoffice.ods optout-booleans-libreoffice.xls; do
	rm -rf "$CONTACTSYNC_STORE"
	check_rc "$f: imported, nothing rejected" 0 cs import "$F/$f"
	check_grep "$f: every row staged" "rows read 8 = staged 8 + merged 0 + rejected 0" out.txt
	cs export --format csv -o got.csv
	cols got.csv >got-booleans.txt
	check_same "$f: opt-out booleans read as TRUE/FALSE, errors as empty" \
		want-booleans.txt got-booleans.txt
done

# Not compared with LibreOffice's CSV of the .xls: LibreOffice shows a
# BOOLERR boolean through the cell's number format, and xlwt's is General,
# so it writes 1 and 0 where Excel shows TRUE and FALSE (MS-XLS 2.4.24:
# the record holds a Boolean); the generator's Python True/False are the
# truth here.

# The words real exports write in an opt-out column (optval.h).
cat >words.csv <<'CSV'
Phone,Opted Out
+447911123501,opt out
+447911123502,opted-out
+447911123503,unsubscribe
+447911123504,1.0
+447911123505,TRUE
+447911123506,subscribed
+447911123507,cleaned
+447911123508,pending
+447911123509,not_subscribed
+447911123510,Nein
+447911123511,não
+447911123512,Oui
+447911123513,✓
+447911123514,0.0
+447911123515,
+447911123516,maybe
CSV
cat >want-words.txt <<'WANT'
+447911123501 true 
+447911123502 true 
+447911123503 true 
+447911123504 true 
+447911123505 true 
+447911123506 false 
+447911123507 true 
+447911123508 true 
+447911123509 true 
+447911123510 false 
+447911123511 false 
+447911123512 true 
+447911123513 true 
+447911123514 false 
+447911123515  
WANT
rm -rf "$CONTACTSYNC_STORE"
check_rc "words: 'maybe' rejected (reported: exit 0)" 0 cs import --rejects rej.csv words.csv
check_grep "words: accounting" "rows read 16 = staged 15 + merged 0 + rejected 1" out.txt
check_grep "words: 'maybe' is bad_opt_out, the cell named" ",bad_opt_out,[^,]*,maybe,words.csv,17$" rej.csv
cs export --format csv -o got.csv
cols got.csv >got-words.txt
check_same "words: each read as optval.h says" want-words.txt got-words.txt

finish
