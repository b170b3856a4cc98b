# The push trusts no answer further than it proves (issue 18), against
# the emulator's hostile modes:
# - a write answered 200 with a body cut short (and never applied) is not
#   recorded as done: it is sent again until an answer can be read, and
#   fails (errors.csv, exit 1) when none can;
# - with optout_action = delete, a removal whose answer is lost is
#   remembered as an opt-out all the same: a later list that no longer
#   marks the person does not create them again;
# - creates whose answers were lost, at a provider that lists them late:
#   a listing made too soon after them (the profile's create_settle) does
#   not let them be planned again, not even once the journal's snapshot is
#   replaced: the push waits and lists again, never creating a number twice;
# - a results file that cannot be written (a full disk: /dev/full) stops
#   the push before its next write, exit 5, with a message naming the
#   file and not "store is full".
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AT_KEY=atkey
: >cs.ini

start sb --dialect sendblue --key-id kid --secret sbsecret --rate 0
SB=$U
start at --dialect atom --key atkey --rate 0
AT=$U
curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
	-d '{"name":"Customers"}' "$AT/api/address-book/new" >/dev/null
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET
concurrency = 1
timeout = 2s'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Customers
optout_action = delete
create_settle = 4s
rate = 0
timeout = 2s'

hostile() { # URL JSON: one more rule ({"mode":"none"} clears them)
	curl -s -f -X POST -d "$2" "$1/_emulator/hostile" >/dev/null
}
# first_name of each contact the emulator holds, "phone=name" sorted
names() {
	curl -s "$1/_emulator/contacts" | "$PY" -c '
import json, sys
for c in sorted(json.load(sys.stdin), key=lambda c: c["phone"]):
    print("%s=%s" % (c["phone"], c.get("first_name") or ""))' | tr '\n' ' '
}
has() { # URL PHONE: 1 when the emulator holds PHONE (E.164; atom's national
	# 07… and international forms alike)
	curl -s "$1/_emulator/contacts" | "$PY" -c '
import json, re, sys
def e164(p):
    d = re.sub(r"\D", "", p)
    return "+44" + d[1:] if d.startswith("0") else "+" + d
print(int(any(e164(c["phone"]) == sys.argv[1] for c in json.load(sys.stdin))))' "$2"
}
rows() { # OPERATION FILE: rows of that operation in a results file
	grep -c "^$1," "$2"
}

# ---- a 200 cut short, the change never applied --------------------------
"$PY" - <<'PYEOF'
import json
json.dump([{"phone": "+44791100000%d" % i, "first_name": "Old%d" % i,
            "created_at": "2026-01-01T00:00:0%dZ" % i} for i in (1, 2, 3)],
          open("sb.json", "w"))
PYEOF
load "$SB" sb.json
printf 'phone,first_name\n+447911000001,New1\n+447911000002,New2\n+447911000003,New3\n' >new.csv
check_rc "cut: import" 0 cs import new.csv
check_rc "cut: pull" 0 cs --config cs.ini pull sb
hostile "$SB" '{"mode":"cut","endpoint":"PUT /api/v2/contacts/{phone}"}'
check_rc "cut always: the updates fail (exit 1)" 1 cs --config cs.ini push sb --results cut1
check_eq "cut always: nothing in success.csv" 0 "$(rows update cut1/success.csv)"
check_eq "cut always: each update in errors.csv" 3 "$(rows update cut1/errors.csv)"
check_grep "cut always: errors.csv says the answer could not be read" \
	"could not be read" cut1/errors.csv
check_eq "cut always: the account is unchanged" \
	"+447911000001=Old1 +447911000002=Old2 +447911000003=Old3 " "$(names "$SB")"
hostile "$SB" '{"mode":"none"}'
hostile "$SB" '{"mode":"cut","endpoint":"PUT /api/v2/contacts/{phone}","count":1}'
check_rc "cut once: the push ends well (exit 0)" 0 cs --config cs.ini push sb --results cut2
check_eq "cut once: every update done" 3 "$(rows update cut2/success.csv)"
check_eq "cut once: the account has the list's names" \
	"+447911000001=New1 +447911000002=New2 +447911000003=New3 " "$(names "$SB")"
hostile "$SB" '{"mode":"none"}'

# ---- a removal as an opt-out whose answer is lost ------------------------
printf '[{"phone":"07911000101","first_name":"Stop","book":1},{"phone":"07911000102","first_name":"Stay","book":1}]' >at.json
load "$AT" at.json
printf 'phone,first_name,opted_out\n+447911000101,Stop,yes\n+447911000102,Stay,no\n' >out1.csv
check_rc "lost: import of the opt-out" 0 cs import out1.csv
check_rc "lost: pull" 0 cs --config cs.ini pull at
hostile "$AT" '{"mode":"lost","endpoint":"POST /api/contact/delete"}'
cs --config cs.ini push at --force --time-budget 2s >lost.out 2>lost.err
rc=$?
if [ $rc -ne 0 ]; then pass "lost: the push does not end well (exit $rc)"
else fail "lost: the push took a lost answer for done"; fi
hostile "$AT" '{"mode":"none"}'
check_eq "lost: the removal was applied" 0 "$(has "$AT" +447911000101)"
# the next list no longer marks the person: never created again
printf 'phone,first_name\n+447911000101,Stop\n+447911000102,Stay\n' >out2.csv
check_rc "lost: import without the opt-out" 0 cs import out2.csv
check_rc "lost: pull" 0 cs --config cs.ini pull at
check_rc "lost: the next push" 0 cs --config cs.ini push at
check_eq "lost: the opted-out number is not created again" 0 "$(has "$AT" +447911000101)"
check_eq "lost: the other one stays" 1 "$(has "$AT" +447911000102)"

# ---- creates applied late, their answers lost -----------------------------
{
	echo 'phone,first_name'
	echo '+447911000102,Stay'
	for i in 1 2 3 4 5; do echo "+44791100030$i,Late$i"; done
} >slow.csv
check_rc "slow: import" 0 cs import slow.csv
check_rc "slow: pull" 0 cs --config cs.ini pull at
reset_stats "$AT"
hostile "$AT" '{"mode":"lost","endpoint":"POST /api/contact/new","count":5}'
# the listing right after them does not show them; one made later does
hostile "$AT" '{"mode":"slow","endpoint":"POST /api/address-book/detail","count":1}'
check_rc "slow: the push waits for a listing that can tell (exit 0)" 0 cs --config cs.ini push at
check_grep "slow: says it waits" "too early to show those creates; waiting" err.txt
check_eq "slow: no number created twice" 0 "$(dupes "$AT")"
created() { curl -s "$AT/_emulator/stats" | "$PY" -c \
	'import json,sys; print(json.load(sys.stdin)["endpoints"].get("POST /api/contact/new", {}).get("total", 0))'; }
check_eq "slow: each create sent once" 5 "$(created)"
# a run killed with its creates in flight, run again at once: the new
# pull does not list them yet, and the journal outlives that snapshot
printf 'phone,first_name\n+447911000102,Stay\n+447911000401,Killed1\n+447911000402,Killed2\n' >slow2.csv
check_rc "slow kill: import" 0 cs import slow2.csv
check_rc "slow kill: pull" 0 cs --config cs.ini pull at
hostile "$AT" '{"mode":"lost","endpoint":"POST /api/contact/new","count":2}'
hostile "$AT" '{"mode":"slow","endpoint":"POST /api/address-book/detail","count":2}'
cs --config cs.ini push at --time-budget 1s >k.out 2>k.err
check_eq "slow kill: the first run stops early" 6 "$?"
check_rc "slow kill: the next sync's pull does not list them" 0 cs --config cs.ini pull at
check_rc "slow kill: the push after it (exit 0)" 0 cs --config cs.ini push at
check_eq "slow kill: no number created twice" 0 "$(dupes "$AT")"
check_eq "slow kill: each create sent once" 7 "$(created)"
hostile "$AT" '{"mode":"none"}'
for i in 1 2 3 4 5; do
	check_eq "slow: +44791100030$i is there" 1 "$(has "$AT" +44791100030$i)"
done

# ---- results on a full disk ----------------------------------------------
"$PY" - <<'PYEOF'
import json
json.dump([{"phone": "+4479110002%02d" % i, "first_name": "Was%d" % i,
            "created_at": "2026-01-02T00:00:%02dZ" % i} for i in range(20)],
          open("sb2.json", "w"))
with open("full.csv", "w") as f:
    f.write("phone,first_name\n")
    for i in range(20):
        f.write("+4479110002%02d,Now%d\n" % (i, i))
PYEOF
load "$SB" sb2.json
check_rc "full: import" 0 cs import full.csv
check_rc "full: pull" 0 cs --config cs.ini pull sb
mkdir full1 && ln -s /dev/full full1/before.jsonl
reset_stats "$SB"
check_rc "full before.jsonl: exit 5" 5 cs --config cs.ini push sb --results full1
check_grep "full before.jsonl: the message names the file" "full1/before.jsonl" err.txt
if grep -q "store is full" err.txt out.txt; then fail "full before.jsonl: says 'store is full'"
else pass "full before.jsonl: does not say 'store is full'"; fi
check_eq "full before.jsonl: no update was sent without its before-image" 0 "$(writes "$SB")"
mkdir full2 && ln -s /dev/full full2/success.csv
reset_stats "$SB"
check_rc "full success.csv: exit 5" 5 cs --config cs.ini push sb --results full2
check_grep "full success.csv: the message names the file" "full2/success.csv" err.txt
sent=$(writes "$SB")
# its header cannot be written either: the first write does not leave
check_eq "full success.csv: stopped before the next write" 0 "$sent"
check_rc "full: a push with a writable folder finishes" 0 cs --config cs.ini push sb --results full3
check_eq "full: the rest is done" "$((20 - sent))" "$(rows update full3/success.csv)"

finish
