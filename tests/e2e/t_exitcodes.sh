# Exit codes that mean one thing (issue 18): rejected rows are reported (a
# warning that -q still shows, the rejects file) and leave the status of
# import and sync at 0; more than --max-rejects (or the profile's
# max_rejects) stops before any write with 3 and the emulator sees no
# request; diff --exit-code is 1 when the plan is not empty, 0 when the
# account matches. The words of each code are written once (exitcode.h):
# --help, every command's footer, the man page's EXIT STATUS and the
# README's table must say the same (EXITCODES_README names another README,
# to check a draft).
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"
. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

README=${EXITCODES_README:-$TOP/README.md}

# --- one table: --help, the footers, the man page, the README ---------------------
# "N words" per code, continuation lines joined
cs --help | awk '/^exit codes:/ { on = 1; next } on && /^$/ { exit }
	on && /^  [0-9]  / { if (line) print line; line = substr($0, 3); sub(/  /, " ", line); next }
	on && /^     / { sub(/^ +/, ""); line = line " " $0 } END { if (line) print line }' >codes.help
check_eq "--help: seven codes" 7 "$(wc -l <codes.help | tr -d ' ')"
check_grep "--help: rejected rows are not failed" "^0 success (rejected input rows are reported, not failed)$" codes.help
check_grep "--help: 1 is failed operations" "^1 some operations failed at the provider" codes.help
for c in import sync push migrate diff; do
	cs "$c" --help | awk '/^exit status:/ { on = 1; next } on && /^$/ { exit }
		on && /^  [0-9]  / { if (line) print line; line = substr($0, 3); sub(/  /, " ", line); next }
		on && /^     / { sub(/^ +/, ""); line = line " " $0 } END { if (line) print line }' >codes.$c
	check_same "$c --help: the exit codes of --help" codes.help "codes.$c"
done

# the man page's entries, lower-cased first letter and no final full stop
MANWIDTH=400 man -l "$TOP/doc/contactsync.1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' |
	awk '/^EXIT STATUS/ { on = 1; next } on && /^[A-Z]/ { exit }
	on && /^       [0-9]  / { if (line) print line; sub(/^ +/, ""); line = $0; next }
	on && /^ +[^ ]/ && line { sub(/^ +/, ""); line = line " " $0 }
	on && /^$/ && line { print line; line = "" } END { if (line) print line }' |
	sed 's/^\([0-9]\) *\(.\)/\1 \l\2/; s/\.$//; s/  */ /g' >codes.man
if [ -s codes.man ]; then
	check_same "man page: EXIT STATUS says what --help says" codes.help codes.man
else
	pass "man page: EXIT STATUS (skipped: no man(1) here)"
fi

# the README's table: "| N | words |", backticks dropped
sed -n '/^## Exit codes/,/^## /p' "$README" |
	sed -n 's/^| \([0-9]\) | \(.*\) |$/\1 \2/p' | tr -d '`' >codes.readme
check_same "README: the exit-code table says what --help says" codes.help codes.readme

# --- import: rejects reported, not failed -----------------------------------------
printf 'phone,name\n+447911123456,Ann\nnot a number,Bob\n+447911123457,Cid\n' >one.csv
check_rc "import, 1 of 3 rows rejected: exit 0" 0 cs import --rejects rej1.csv one.csv
check_grep "a warning with the count and the file" "^warning: 1 of 3 rows rejected: they are in 'rej1.csv'" err.txt
check_grep "the counts on stdout" "rejected: not_a_number 1" out.txt
check_rc "the same with -q: exit 0" 0 cs -q import --rejects rej1.csv one.csv
check_eq "-q: nothing on stdout" "" "$(cat out.txt)"
check_eq "-q: one warning line" "warning: 1 of 3 rows rejected: they are in 'rej1.csv' (fix them there and import that file again)" "$(cat err.txt)"
check_eq "the rejects file holds the row" "not a number,Bob,not_a_number" \
	"$(sed -n 2p rej1.csv | cut -d, -f1-3)"
check_rc "--log-format json -q: exit 0" 0 cs --log-format json -q import one.csv
check_grep "the warning as a JSON event" '"level":"warning".*1 of 3 rows rejected' err.txt
cs export >set.before

# --- import --max-rejects: exit 3 before any write --------------------------------
printf 'phone,name\n+447911123458,Dan\nnope,Eve\nnever,Fay\n' >two.csv
check_rc "2 of 3 rejected, more than the default 50%: exit 3" 3 cs import --rejects rej2.csv two.csv
check_grep "says so, with both counts and the ceiling" "2 of 3 rows rejected, more than --max-rejects 50%: the desired set is unchanged (the rows are in 'rej2.csv')" err.txt
cs export >set.after
check_same "the desired set is unchanged" set.before set.after
check_eq "the rejects file is written" 3 "$(wc -l <rej2.csv | tr -d ' ')"
check_rc "--append: the guard still holds" 3 cs import --append two.csv
cs export >set.after
check_same "the desired set is unchanged by --append" set.before set.after
check_rc "--force does not lift it" 3 cs import --force two.csv
check_rc "--max-rejects 67%: 2 of 3 (66.7%) pass" 0 cs import --max-rejects 67% --force two.csv
check_rc "--max-rejects 66.5%: 2 of 3 stop" 3 cs import --max-rejects 66.5% --force two.csv
check_rc "--max-rejects 2: a count, 2 pass" 0 cs import --max-rejects 2 --force two.csv
check_rc "--max-rejects 0: one reject stops" 3 cs import --max-rejects 0 one.csv
check_grep "names the ceiling as given" "more than --max-rejects 0:" err.txt
check_rc "--max-rejects 0 without rejects: exit 0" 0 cs import --max-rejects 0 set.before
for bad in -1 abc 101% 1.5 0.123%; do
	check_rc "--max-rejects $bad: usage error" 2 cs import --max-rejects "$bad" one.csv
done

# --- sync: rejects do not fail it; too many stop it before any request ------------
export SB_ID=kid SB_SECRET=sbsecret
start sb --dialect sendblue --key-id kid --secret sbsecret
profile sb sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
# API requests of every endpoint, reads included (the emulator's own
# /_emulator/ calls are not endpoints)
total() { curl -s "$U/_emulator/stats" | "$PY" -c 'import json,sys; print(sum(v["total"] for v in json.load(sys.stdin)["endpoints"].values()))'; }
contacts() { curl -s "$U/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

check_rc "sync -q with a rejected row, every operation done: exit 0" 0 \
	cs --config cs.ini -q sync sb one.csv
check_eq "sync -q: nothing on stdout" "" "$(cat out.txt)"
check_grep "sync -q: the warning names the count and the file" \
	"^warning: 1 of 3 rows rejected: they are in '.*/rejects.csv'" err.txt
check_eq "the two valid contacts were created" 2 "$(contacts)"
check_rc "diff --exit-code after a pull: the account matches (0)" 0 \
	sh -c "'$BIN' --config cs.ini pull sb && '$BIN' --config cs.ini diff sb --exit-code"
check_grep "and the plan says so" "create 0" out.txt

reset_stats "$U"
check_rc "sync with 2 of 3 rejected: exit 3" 3 cs --config cs.ini sync sb two.csv
check_grep "the import guard named" "2 of 3 rows rejected, more than --max-rejects 50%" err.txt
check_eq "no request reached the service" 0 "$(total)"
check_eq "the account is as it was" 2 "$(contacts)"

# the profile's max_rejects, and the command line over it
awk 'BEGIN { print "phone,name"; for (i = 0; i < 8; i++) printf "+4479111235%02d,N%d\n", i, i;
	print "bad one,X"; print "bad two,Y" }' >ten.csv
profile sbq sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET
max_rejects = 1'
reset_stats "$U"
check_rc "profile max_rejects = 1, 2 of 10 rejected: exit 3" 3 cs --config cs.ini sync sbq ten.csv
check_grep "the ceiling is the profile's" "2 of 10 rows rejected, more than --max-rejects 1:" err.txt
check_eq "no request reached the service" 0 "$(total)"
check_rc "--max-rejects 20% over the profile's: exit 0" 0 \
	cs --config cs.ini sync sbq ten.csv --max-rejects 20%
check_eq "the eight valid contacts are there too" 10 "$(contacts)"
check_rc "(that sync's requests are counted: the count above can fail)" 0 test "$(total)" -gt 0
printf '[profile bad]\nprovider = sendblue\nbase_url = %s\nmax_rejects = lots\n' "$U" >bad.ini
check_rc "max_rejects = lots: a configuration error" 2 cs --config bad.ini diff bad
check_grep "names the key and the line" "line 4: max_rejects must be a count N or a share P% (0 to 100), not 'lots'" err.txt

# --- diff --exit-code: 1 when the plan is not empty ---------------------------------
cs --config cs.ini pull sbq >/dev/null 2>&1
sed 's/^+447911123500,N0$/+447911123500,Renamed/' ten.csv >eleven.csv
printf '+447911123599,New\n' >>eleven.csv
cs import --max-rejects 2 eleven.csv >/dev/null 2>&1
check_rc "diff --exit-code with a create and an update: exit 1" 1 cs --config cs.ini diff sbq --exit-code
check_grep "the plan is still printed" "create 1" out.txt
check_rc "diff without --exit-code: exit 0" 0 cs --config cs.ini diff sbq
check_rc "diff --exit-code --format json: exit 1" 1 cs --config cs.ini diff sbq --exit-code --format json
check_rc "diff --exit-code -o: exit 1, the plan written" 1 cs --config cs.ini diff sbq --exit-code --format csv -o plan.csv
check_eq "plan.csv: a create and an update" "create update" "$(cut -d, -f1 plan.csv | sed 1d | sort -u | tr '\n' ' ' | sed 's/ $//')"
finish
