# Shared helpers for the end-to-end tests: each check prints "ok - ..." or
# "not ok - ..." (counted by tests/run.sh). Sourced, not run.
set -u
BIN=${CONTACTSYNC_BIN:?CONTACTSYNC_BIN is not set (run through tests/run.sh)}
TOOLS=${CONTACTSYNC_TOOLS:-}
TOP=${CONTACTSYNC_TOP:-$(pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export CONTACTSYNC_STORE="$T/store"
nfail=0

cs() { "$BIN" "$@"; }

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; nfail=$((nfail + 1)); }

# check_rc DESC EXPECTED_RC CMD...: runs CMD (stdout to out.txt, stderr to err.txt)
check_rc() {
	desc=$1 want=$2
	shift 2
	"$@" >out.txt 2>err.txt
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$desc"
	else
		fail "$desc (exit $got, wanted $want)"
		sed 's/^/#   /' err.txt | head -5
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1 (wanted '$2', got '$3')"
	fi
}

# check_grep DESC PATTERN FILE
check_grep() {
	if grep -q -e "$2" "$3"; then
		pass "$1"
	else
		fail "$1 (no '$2' in $3)"
		sed 's/^/#   /' "$3" | head -5
	fi
}

# check_same DESC FILE1 FILE2
check_same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1 ($2 and $3 differ)"
		diff "$2" "$3" | head -10 | sed 's/^/#   /'
	fi
}

finish() {
	[ "$nfail" -eq 0 ]
	exit $?
}

# soffice_csv XLSX OUTDIR: the first sheet as CSV in OUTDIR, by LibreOffice.
# Filter options: ',' '"' UTF-8, from line 1, default cell format and
# language, then "quote all text cells" off, so quoting follows the same
# rule as contactsync's (only cells holding the delimiter, a quote or a line
# break); a private profile, so parallel runs do not share LibreOffice's
# lock. have_soffice is 1 when LibreOffice is installed.
soffice_csv() {
	tmo=
	command -v timeout >/dev/null 2>&1 && tmo="timeout 180"
	$tmo soffice -env:UserInstallation="file://$T/lo-profile" --headless \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false' \
		--outdir "$2" "$1" >"$T/soffice.log" 2>&1
}
# soffice_sheets XLSX DIR: every sheet of XLSX as DIR/NAME-SHEET.csv, by LibreOffice
# (the 12th token of the CSV filter options, -1: all sheets, since 7.2)
soffice_sheets() {
	mkdir -p "$2"
	tmo=
	command -v timeout >/dev/null 2>&1 && tmo="timeout 180"
	$tmo soffice -env:UserInstallation="file://$T/lo-profile" --headless \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
		--outdir "$2" "$1" >"$T/soffice.log" 2>&1
}

have_soffice=0
command -v soffice >/dev/null 2>&1 && have_soffice=1
