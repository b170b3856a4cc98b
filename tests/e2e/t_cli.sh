# CLI contract: help, usage errors, exit codes, store location, phone.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

check_rc "--help exits 0" 0 cs --help
check_grep "help lists exit codes" "6  stopped early (time budget, SIGINT, SIGTERM, or a wait beyond" out.txt
check_grep "help lists commands" "import" out.txt
for c in phone import export; do
	check_rc "$c --help exits 0" 0 cs $c --help
	check_grep "$c help shows usage" "usage: contactsync $c" out.txt
	check_rc "$c -h exits 0" 0 cs $c -h
done
check_rc "help import" 0 cs help import
check_rc "unknown command exits 2" 2 cs frobnicate
check_eq "usage error is one line" 1 "$(wc -l <err.txt | tr -d ' ')"
check_rc "unknown option exits 2" 2 cs import --frob x.csv
check_eq "option error is one line" 1 "$(wc -l <err.txt | tr -d ' ')"
check_rc "missing option value exits 2" 2 cs phone --region
check_rc "usage error wins over a missing store" 2 cs --store nowhere export --frob
check_rc "help needs no store" 0 cs --store nowhere export --help
check_rc "no command exits 2" 2 cs
check_rc "bad --log-format exits 2" 2 cs --log-format xml phone 1

# phone
check_rc "phone valid exits 0" 0 cs phone --region GB "07911 123456"
check_eq "plain output" "+447911123456" "$(cat out.txt)"
check_rc "phone invalid exits 1" 1 cs phone --region GB "07911 123456" 12
check_eq "plain marks invalid with -" "+447911123456 -" "$(tr '\n' ' ' <out.txt | sed 's/ $//')"
check_rc "phone tsv" 0 cs phone --format tsv --region US "(212) 555-0142 x7"
check_eq "tsv columns" "$(printf '+12125550142\t(212) 555-0142 x7\tfixed_line_or_mobile\t\t7')" "$(cat out.txt)"
check_rc "phone json" 1 cs phone --format json "07911 123456"
check_grep "json reason no_region" '"reason":"no_region"' out.txt
check_rc "phone from stdin" 1 sh -c "printf '+447911123456\n\n+4479\n' | '$BIN' phone --format tsv"
check_eq "stdin: one line per input" 3 "$(wc -l <out.txt | tr -d ' ')"
check_grep "empty line is empty" "$(printf '^-\t\t\tempty')" out.txt
check_grep "too short" "too_short" out.txt
check_rc "phone unknown region exits 2" 2 cs phone --region QQ 1
# The international reading: a German mobile whose '+' was lost. python3-
# phonenumbers: parse('+4915123456781') is a MOBILE, parse('4915123456781',
# 'DE') the FIXED_LINE +494915123456781.
check_rc "phone: digits without '+' read as international" 0 cs phone --region DE 4915123456781
check_eq "international reading: the mobile" "+4915123456781" "$(cat out.txt)"
check_grep "international reading said on stderr, with the strict answer" \
	"'4915123456781' read as international: +4915123456781 (mobile); --strict-phone reads +494915123456781 (fixed_line)" err.txt
check_rc "phone --strict-phone" 0 cs phone --strict-phone --region DE 4915123456781
check_eq "--strict-phone: libphonenumber's national reading" "+494915123456781" "$(cat out.txt)"
check_eq "--strict-phone: nothing said" "" "$(cat err.txt)"
check_rc "phone tsv, read as international" 0 cs phone --format tsv --region DE 4915123456781
check_eq "tsv columns unchanged" "$(printf '+4915123456781\t4915123456781\tmobile\t\t')" "$(cat out.txt)"
check_rc "phone json, read as international" 0 cs phone --format json --region DE 4915123456781 4930123456
check_grep "json read_international true" '"e164":"+4915123456781".*"read_international":true' out.txt
check_grep "json read_international false for a landline" '"e164":"+4930123456".*"read_international":false' out.txt
check_eq "json: nothing on stderr" "" "$(cat err.txt)"

# store location: --store, then $CONTACTSYNC_STORE, then ./.contactsync
printf 'phone\n+447911123456\n' >one.csv
check_rc "import into \$CONTACTSYNC_STORE" 0 cs import one.csv
check_rc "store created there" 0 test -f "$CONTACTSYNC_STORE/data.mdb"
check_rc "--store wins" 0 cs --store other import one.csv
check_rc "--store created" 0 test -f other/data.mdb
check_rc "default ./.contactsync" 0 env -u CONTACTSYNC_STORE "$BIN" import one.csv
check_rc "default store created" 0 test -f .contactsync/data.mdb

# Output that cannot be written is a failure (exit 1), not a silent success.
if [ -w /dev/full ]; then
	check_rc "export to /dev/full fails" 1 sh -c "'$BIN' export >/dev/full"
	check_grep "says why" "cannot write" err.txt
fi
check_rc "-o into a missing directory exits 2" 2 cs export -o nodir/x.csv

# JSON logs
check_rc "json log format" 2 cs --log-format json import nothere.csv
check_grep "json log line" '^{"time":"[0-9T:Z-]*","level":"error","msg":"cannot open' err.txt
check_rc "quiet import prints no summary" 0 cs -q import one.csv
check_eq "nothing on stdout with -q" "" "$(cat out.txt)"
finish
