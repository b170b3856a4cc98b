# Hostile and broken servers (the emulator's hostile modes), for each
# provider: a 100 MB answer, an endless chunked one, one dripping a byte a
# second, invalid JSON, valid JSON of the wrong shape (nulls everywhere,
# strings for numbers, fields left out), a redirect to another listener,
# and an account that changes while it is listed. Each pull ends with exit
# 4 and a message naming the profile and the request (or, where the answer
# can be read honestly, with an exact snapshot), the previous snapshot
# intact, no credential at the redirect target, and in a few seconds (the
# profiles' timeout is 2 s). Creates answered badly are verified, never
# sent twice.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini

# 2,500 people: more than two pages of altum's 1000 and of sendblue's;
# sendblue's in tens per second, so its page boundaries fall inside a
# second (the keyset listing then continues with an offset)
"$PY" - <<'PYEOF'
import json
n = 2500
def phone(i): return "+4479%08d" % (11000000 + i)
json.dump([{"phone": phone(i), "first_name": "F%d" % i, "opted_out": i % 100 == 0,
            "created_at": "2026-01-01T%02d:%02d:%02dZ" % (i // 36000, (i // 600) % 60, (i // 10) % 60)}
           for i in range(n)], open("sendblue.json", "w"))
json.dump([{"phone": phone(i), "name": "F%d" % i} for i in range(n)], open("altum.json", "w"))
json.dump([{"phone": "0" + phone(i)[3:], "first_name": "F%d" % i, "book": 1} for i in range(n)],
          open("atom.json", "w"))
PYEOF

start sb --dialect sendblue --key-id kid --secret sbsecret
SB=$U
start al --dialect altum --key alkey --rate 0
AL=$U
start at --dialect atom --key atkey --rate 0
AT=$U
curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
	-d '{"name":"Customers"}' "$AT/api/address-book/new" >/dev/null
load "$SB" sendblue.json
load "$AL" altum.json
load "$AT" atom.json
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET
timeout = 2s'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0
timeout = 2s'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Customers
rate = 0
timeout = 2s'

url() { case $1 in sb) echo "$SB" ;; al) echo "$AL" ;; at) echo "$AT" ;; esac; }
hostile() { # PROFILE JSON: one more rule ({"mode":"none"} clears them)
	curl -s -f -X POST -d "$2" "$(url "$1")/_emulator/hostile" >/dev/null
}
target() { # PROFILE FIELD: what the redirect target saw
	curl -s "$(url "$1")/_emulator/hostile" | "$PY" -c \
		"import json,sys; print(json.load(sys.stdin)['redirect_target']['$2'])"
}
phones() { # URL: the numbers the emulator holds, sorted (atom's as E.164)
	curl -s "$1/_emulator/contacts" | "$PY" -c '
import json, sys
for c in sorted("+44" + c["phone"][1:] if c["phone"].startswith("0") else c["phone"]
                for c in json.load(sys.stdin)):
    print(c)'
}
snap_phones() { cs export --from remote:"$1" | tail -n +2 | cut -d, -f1 | sort; }

for p in sb al at; do
	check_rc "$p: first pull" 0 cs --config cs.ini pull $p
	check_grep "$p: all of them" "pulled 2500 contacts" out.txt
	cs export --from remote:$p -o $p-base.csv
done

# mode, and what the error says. (Before: a 100 MB answer was exit 2 with
# a message naming no profile, and altum's listing with nulls everywhere
# was taken as a complete snapshot of one contact numbered '(empty)'.)
cases='huge|larger than the 33554432-byte limit
endless|larger than the 33554432-byte limit
drip|timed out
badjson|not valid JSON
nulls|malformed\|meta\|created_at
missing|no .data.\|no .result.\|created_at
redirect|refused (redirects are never followed)'

echo "$cases" | while IFS='|' read -r mode msg; do
	for p in sb al at; do
		hostile $p '{"mode":"none"}'
		hostile $p "{\"mode\":\"$mode\"}"
		start_s=$(date +%s)
		check_rc "$p $mode: pull fails as a remote error" 4 cs --config cs.ini pull $p
		took=$(($(date +%s) - start_s))
		check_grep "$p $mode: the error says why" "$msg" err.txt
		check_grep "$p $mode: and names the profile" "profile '$p'" err.txt
		check_grep "$p $mode: the snapshot is kept" "previous snapshot of '$p' is unchanged" err.txt
		hostile $p '{"mode":"none"}'
		cs export --from remote:$p -o $p-after.csv
		check_same "$p $mode: the previous snapshot is intact" $p-base.csv $p-after.csv
		if [ "$took" -le 10 ]; then pass "$p $mode: bounded in time (${took} s)"
		else fail "$p $mode: took ${took} s"; fi
		if grep -q -e kid -e sbsecret -e alkey -e atkey err.txt; then fail "$p $mode: a secret in the message"
		else pass "$p $mode: no secret in the message"; fi
	done
done
status_of() { # PROFILE EXPR: a value of `status PROFILE --format json`
	cs --config cs.ini status "$1" --format json | "$PY" -c \
		"import json,sys; p=json.load(sys.stdin)['profiles'][0]; print($2)"
}
for p in sb al at; do
	check_eq "$p: status still shows the first snapshot" 2500 "$(status_of $p "p['snapshot']['contacts']")"
	check_eq "$p: nothing reached the redirect target" 0 "$(target $p requests)"
	check_eq "$p: no credential reached the redirect target" 0 "$(target $p credentials)"
done

# Strings for numbers and booleans (ids, counts, opt-outs): read as meant.
for p in sb al at; do
	hostile $p '{"mode":"strings"}'
	check_rc "$p strings: pull reads strings for numbers" 0 cs --config cs.ini pull $p
	hostile $p '{"mode":"none"}'
	cs export --from remote:$p -o $p-after.csv
	check_same "$p strings: the same snapshot" $p-base.csv $p-after.csv
done

# The account changes once while it is listed (a contact removed after the
# first page): the change is seen, the account listed again, and the
# snapshot is exactly what the account holds. (Before, altum's page 2
# slid past a contact and sendblue's offset skipped one: each snapshot
# missed a contact that was there all along and kept the deleted one.)
for p in sb al at; do
	deep=
	[ $p = at ] && deep=--deep	# atom: the details read after the book are where it shows
	hostile $p '{"mode":"mutate","count":1}'
	check_rc "$p mutate once: pull succeeds" 0 cs --config cs.ini pull $p $deep
	check_grep "$p mutate once: the change was seen" "changed while it was listed" err.txt
	hostile $p '{"mode":"none"}'
	phones "$(url $p)" >$p-emu.txt
	snap_phones $p >$p-snap.txt
	check_same "$p mutate once: the snapshot is the account" $p-emu.txt $p-snap.txt
	cs export --from remote:$p -o $p-base.csv
done
# Changing all the time (altum): the pull gives up, exit 4, snapshot kept.
hostile al '{"mode":"mutate"}'
check_rc "al mutate always: pull fails" 4 cs --config cs.ini pull al
check_grep "al mutate always: says why" "changed during each of 3 listings" err.txt
hostile al '{"mode":"none"}'
cs export --from remote:al -o al-after.csv
check_same "al mutate always: the previous snapshot is intact" al-base.csv al-after.csv

# Creates answered badly (the contact is made, the answer is garbage):
# verified, not taken as done nor sent again.
printf 'phone,first_name\n+447911009001,New1\n+447911009002,New2\n+447911009003,New3\n' >new.csv
check_rc "import of 3 new contacts" 0 cs import --append new.csv
for p in sb al at; do
	case $p in
	sb) ep='POST /api/v2/contacts/bulk' ;;
	al) ep='POST /api/contacts' ;;
	at) ep='POST /api/contact/new' ;;
	esac
	check_rc "$p: pull before the push" 0 cs --config cs.ini pull $p
	reset_stats "$(url $p)"
	for mode in nulls badjson; do
		hostile $p "{\"mode\":\"$mode\",\"endpoint\":\"$ep\",\"count\":1}"
	done
	cs --config cs.ini push $p --mode insert >push.out 2>push.err
	rc=$?
	if [ $rc -le 1 ]; then pass "$p bad create answers: push ends (exit $rc)"
	else fail "$p bad create answers: push exit $rc"; sed 's/^/#   /' push.err | head -5; fi
	hostile $p '{"mode":"none"}'
	cs --config cs.ini push $p --mode insert >push2.out 2>push2.err
	check_eq "$p bad create answers: never created twice" 0 "$(dupes "$(url $p)")"
	check_eq "$p bad create answers: the journal is settled" "0 0" \
		"$(status_of $p "p['journal']['pending'], p['journal']['failed']")"
	check_rc "$p bad create answers: pull after" 0 cs --config cs.ini pull $p
	for n in 1 2 3; do
		check_grep "$p bad create answers: +44791100900$n is there" "^+44791100900$n," \
			"$(cs export --from remote:$p -o $p-new.csv; echo $p-new.csv)"
	done
done

# A create redirected elsewhere: not sent there, not taken as done.
check_rc "sb: pull" 0 cs --config cs.ini pull sb
printf 'phone,first_name\n+447911009009,Nine\n' >nine.csv
check_rc "import of one more" 0 cs import --append nine.csv
hostile sb '{"mode":"redirect","endpoint":"POST /api/v2/contacts/bulk"}'
check_rc "sb redirected create: push ends with failures" 1 cs --config cs.ini push sb --mode insert
cat store/results/sb-*/errors.csv >redirect-errors.csv
check_grep "sb redirected create: errors.csv says it was refused" "refused (redirects are never followed)" redirect-errors.csv
hostile sb '{"mode":"none"}'
check_eq "sb redirected create: no credential at the target" 0 "$(target sb credentials)"
check_rc "sb redirected create: the next push creates it" 0 cs --config cs.ini push sb --mode insert
check_eq "sb redirected create: once" 0 "$(dupes "$SB")"

# A nightly sync whose listing is endless: the pull fails (exit 4), the
# push goes on against the previous snapshot, the run is recorded.
check_rc "sb: pull before the sync" 0 cs --config cs.ini pull sb
cs export --from remote:sb -o sb-before.csv
cs export -o desired.csv
hostile sb '{"mode":"endless","endpoint":"GET /api/v2/contacts"}'
check_rc "sb sync, endless listing: exit 4" 4 cs --config cs.ini sync sb desired.csv
check_grep "sb sync, endless listing: says why" "profile 'sb': listing contacts failed: .*larger than" err.txt
hostile sb '{"mode":"none"}'
cs export --from remote:sb -o sb-after.csv
check_same "sb sync, endless listing: the snapshot is intact" sb-before.csv sb-after.csv
check_eq "sb sync, endless listing: the run is recorded with exit 4" 4 \
	"$(status_of sb "max(p['runs'], key=lambda r: r['id'])['exit_status']")"

finish
