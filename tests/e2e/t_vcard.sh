# vCard files (tests/fixtures/vcard: iCloud 3.0, Android 2.1, Outlook 2.1,
# RFC 6350 4.0, python3-vobject 3.0) give the contacts and the rejects that
# expect.py computed with python3-vobject and python3-phonenumbers, never
# from contactsync's own output: per file the exit status, the contacts
# (phone, names, company, tags), the rejected cards counted by reason and
# the rejects file's rows (a card without TEL, a card with only a fax or a
# pager: empty). Then: the file is found by its content whatever its name;
# E-mail and Note are custom fields only when --columns names them; a
# broken file is refused with the line named.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

F="$TOP/tests/fixtures/vcard"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CMP="$TOP/tests/e2e/compare_export.py"

compare() {
	if "$PY" "$CMP" "$2" "$3" "$4" >cmp.txt 2>&1; then
		pass "$1"
	else
		fail "$1"
		head -20 cmp.txt
	fi
}

# import_file NAME REGION PATH: imports PATH into a store of its own and
# compares it with expected/NAME.
import_file() {
	exp="$F/expected/$1"
	rc_want=0	# rejected rows are reported, not failed
	CONTACTSYNC_STORE="$T/store-$(basename "$3")"
	export CONTACTSYNC_STORE
	rm -f rej.csv got.csv
	check_rc "$(basename "$3"): import --region $2 exits $rc_want" "$rc_want" \
		cs import --region "$2" --rejects rej.csv "$3" </dev/null
	cp out.txt import.txt
	if ! cs export --format csv -o got.csv </dev/null >out.txt 2>err.txt; then
		fail "$(basename "$3"): export"
		sed 's/^/#   /' err.txt | head -5
		return
	fi
	compare "$(basename "$3"): contacts as expected" contacts got.csv "$exp.csv"
	compare "$(basename "$3"): rejects by reason" counts import.txt "$exp.rejects"
	if [ -f rej.csv ]; then
		compare "$(basename "$3"): rejected cards" rows rej.csv "$exp.rejects"
	else
		[ -s "$exp.rejects" ] && fail "$(basename "$3"): rejected cards (no rejects file)"
	fi
}

while read -r name region; do
	[ -n "$name" ] || continue
	import_file "$name" "$region" "$F/$name"
done <"$F/expected/manifest"

# By content, whatever the name: an Android export saved as .csv and .txt.
cp "$F/android-2.1.vcf" contacts.csv
cp "$F/android-2.1.vcf" contacts.txt
import_file android-2.1.vcf FR "$T/contacts.csv"
import_file android-2.1.vcf FR "$T/contacts.txt"

# E-mail and Note are not pushed unless --columns names them; named, the
# note is the card's, unescaped (what vobject reads), its line break made a
# space as every value's whitespace is (text_clean).
CONTACTSYNC_STORE="$T/store-optin"
export CONTACTSYNC_STORE
cs import --region US "$F/icloud-3.0.vcf" </dev/null >/dev/null 2>&1
cs export --format csv -o plain.csv </dev/null
check_eq "E-mail and Note not pushed without --columns" "" \
	"$(head -1 plain.csv | tr ',' '\n' | grep -E '^(E-mail|Note)$')"
cs import --region US --columns Note,E-mail "$F/icloud-3.0.vcf" </dev/null >/dev/null 2>&1
cs export --format csv -o cols.csv </dev/null
check_eq "--columns Note: the note of the card" \
	"$("$PY" -c 'import sys, vobject
c = next(vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()))
print(repr(" ".join(c.note.value.split())), c.email.value)' "$F/icloud-3.0.vcf")" \
	"$("$PY" -c 'import csv, sys
r = next(x for x in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if x["phone"] == "+14155550132")
print(repr(r["Note"]), r["E-mail"])' cols.csv)"

# Strict: a card cut before END:VCARD and a line that is not a content
# line are refused, the line named; nothing is imported.
CONTACTSYNC_STORE="$T/store-bad"
export CONTACTSYNC_STORE
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut\r\nTEL;type=CELL:+1 415 555 0132\r\n' >cut.vcf
check_rc "a card without END:VCARD is refused" 2 cs import --region US cut.vcf </dev/null
check_grep "the refusal names the card's line" "cut.vcf' line 1: the card has no END:VCARD" err.txt
printf 'BEGIN:VCARD\nVERSION:3.0\nFN:X\nthis is not a vCard line\nEND:VCARD\n' >junk.vcf
check_rc "a line without ':' is refused" 2 cs import --region US junk.vcf </dev/null
check_grep "the refusal names the line" "junk.vcf' line 4: not a vCard line" err.txt

if "$PY" -c "import phonenumbers, vobject" 2>/dev/null; then
	check_rc "expected/ is what expect.py computes" 0 "$PY" "$F/expect.py" --check
else
	echo "# python3-phonenumbers or python3-vobject missing: expect.py --check skipped"
fi
finish
