# Legacy encodings read right (issue 17): each sample of
# tests/fixtures/encodings (encoded by Python's codecs, see its README) is
# imported without --encoding (detected) and with it, and the export must
# give the sample's text, the generator's own strings (NAME.expected.csv).
# Detection: libuchardet, plus the Mac Roman / Windows-1252 scorer; an
# uncertain guess warns, naming the file and suggesting --encoding.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

FIX="$TOP/tests/fixtures/encodings"

# same_text DESC NAME: the export's phone, name and city are those of
# NAME.expected.csv (compared as sets of rows: the export is sorted by phone)
same_text() {
	cs export -o out.csv
	res=$(/usr/bin/python3 - "$FIX/$2.expected.csv" out.csv <<'PYEOF'
import csv, sys
def rows(p):
    with open(p, newline="", encoding="utf-8") as f:
        return sorted((r["phone"], r["name"], r["city"]) for r in csv.DictReader(f))
want, got = rows(sys.argv[1]), rows(sys.argv[2])
print("ok" if want == got else "differ: %r" % [(w, g) for w, g in zip(want, got) if w != g][:2])
PYEOF
)
	check_eq "$1" ok "$res"
}

imp() { cs import --max-shrink-percent 100 "$@"; }

# Detected: Mac Roman (which uchardet 0.0.7 cannot name: the scorer tells it
# from Windows-1252), ISO-8859-2 (uchardet answers ISO-8859-16 for this
# sample; ISO-8859-2 wins among the Central European readings), Shift-JIS,
# GB18030, KOI8-R (uchardet's answers).
for s in macroman:macintosh latin2:iso-8859-2 shiftjis:shift_jis gb18030:gb18030 koi8r:koi8-r; do
	name=${s%%:*} enc=${s#*:}
	check_rc "$name: imported without --encoding" 0 imp "$FIX/$name.csv"
	same_text "$name: detected, the export gives the original text" "$name"
	if grep -q "a guess\|not recognised" err.txt; then
		fail "$name: no warning about the encoding"
		sed 's/^/#   /' err.txt | head -3
	else
		pass "$name: no warning about the encoding"
	fi
	check_rc "$name: imported with --encoding $enc" 0 imp --encoding "$enc" "$FIX/$name.csv"
	same_text "$name: --encoding $enc, the export gives the original text" "$name"
done

# ISO-8859-15 cannot be told from Windows-1252 by any detector (they differ
# in eight bytes, all letters or signs in both): the guess is Windows-1252,
# and since it puts symbols inside words (¼uvre, C½ur) it warns, naming the
# file and --encoding; given, the text is right.
check_rc "latin9: imported without --encoding" 0 imp "$FIX/latin9.csv"
check_grep "latin9: the guess warns, naming the file and --encoding" \
	"latin9.csv': read as windows-1252, a guess.*--encoding" err.txt
check_rc "latin9: imported with --encoding iso-8859-15" 0 imp --encoding iso-8859-15 "$FIX/latin9.csv"
same_text "latin9: --encoding iso-8859-15, the export gives € and Œ" latin9

# The Mac Roman sample read as Windows-1252 because the user said so: the
# user wins (JosŽ), no guess is made; three rows hold a byte Windows-1252
# leaves undefined (Mac Roman's ç 0x8D, è 0x8F, Å 0x81: cp1252.txt), so they
# are rejected as bad_encoding.
check_rc "macroman given as windows-1252: exit 0 (rejects are reported)" 0 imp --encoding windows-1252 "$FIX/macroman.csv"
check_grep "the rows with an undefined byte are rejected" "staged 3 + merged 0 + rejected 3" out.txt
check_grep "as bad_encoding" "rejected: bad_encoding 3" out.txt
cs export -o forced.csv
check_grep "the encoding given is the one used" "^+33612345670,JosŽ Nœ–ez," forced.csv

# Too little text for uchardet (two Shift-JIS names, no cities): no answer,
# and the warning says which encoding was assumed.
/usr/bin/python3 -c 'import sys; sys.stdout.buffer.write("phone,name\n+819012345670,山田太郎\n+819012345671,佐藤花子\n".encode("shift_jis"))' >short-sjis.csv
check_rc "short Shift-JIS without --encoding" 0 imp short-sjis.csv
check_grep "no answer: the warning names the file, what was assumed and --encoding" \
	"short-sjis.csv': the encoding was not recognised and was taken to be .*--encoding" err.txt
check_rc "short Shift-JIS with --encoding shift_jis" 0 imp --encoding shift_jis short-sjis.csv
cs export -o short.csv
check_grep "given, the names are right" "^+819012345670,山田太郎," short.csv

# A byte invalid in the encoding given rejects its row (bad_encoding), as
# with UTF-8 given; the other rows are read.
printf 'phone,name\n+819012345670,\203|\n+819012345671,x\377\n' >bad-sjis.csv
check_rc "a byte invalid in Shift-JIS: exit 0 (rejects are reported)" 0 imp --encoding shift_jis bad-sjis.csv
check_grep "its row is rejected as bad_encoding" "rows read 2 = staged 1 + merged 0 + rejected 1" out.txt
cs export -o bad.csv
check_grep "the other row is read" "^+819012345670,ポ," bad.csv

# Any name iconv knows is accepted; another is a usage error naming it.
check_rc "an unknown encoding is a usage error" 2 imp --encoding klingon "$FIX/koi8r.csv"
check_grep "the message names it" "unknown encoding 'klingon'" err.txt
check_rc "a known one is checked up front, whatever the file" 2 imp --encoding klingon nothing.xlsx
check_grep "before the file is opened" "unknown encoding 'klingon'" err.txt
finish
