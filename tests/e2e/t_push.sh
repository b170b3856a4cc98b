# push against the emulator, for each provider: a nightly cycle (create,
# update, opt-out, delete in mirror mode) ending in the exact expected
# state, a second run that writes nothing, 10% injected faults, SIGKILL at
# random points with resume, the safety guards (exit 3, zero writes), and
# altum's rate limit (no 429 when known).
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini


# --- the data: an account of 200, a list that changes it ---------------
# Remote 0-199. The list keeps 0-189 (190-199 are deleted in mirror mode,
# 5%), renames every 10th, renames and opts out 7 (one request on sendblue,
# and nothing left for the next run), says 50 has not opted out (sendblue
# keeps it opted out), and adds 200-219, of which 219 is opted out.
"$PY" - <<'PYEOF'
import json, csv
def phone(i): return "+4479%08d" % (11000000 + i)
n = 200
json.dump([{"phone": phone(i), "first_name": "F%d" % i, "last_name": "L%d" % (i % 7),
            "company_name": "Co%d" % (i % 3), "custom_variables": {"Email": "p%d@x.org" % i},
            "opted_out": i % 50 == 0} for i in range(n)], open("sendblue.json", "w"))
json.dump([{"phone": phone(i), "name": "F%d L%d" % (i, i % 7),
            "custom_parameters": {"Email": "p%d@x.org" % i}} for i in range(n)],
          open("altum.json", "w"))
json.dump([{"phone": "0" + phone(i)[3:], "first_name": "F%d" % i, "last_name": "L%d" % (i % 7),
            "company": "Co%d" % (i % 3), "book": 1} for i in range(n)], open("atom.json", "w"))
rows = []
for i in list(range(190)) + list(range(200, 220)):
    first = "New%d" % i if i % 10 == 0 or i == 7 else "F%d" % i
    out = "yes" if i in (7, 219) else ("no" if i == 50 else "")
    rows.append([phone(i), first, "L%d" % (i % 7), "Co%d" % (i % 3), "p%d@x.org" % i, out])
with open("list.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Phone", "First Name", "Last Name", "Company", "Email", "Opted Out"])
    w.writerows(rows)
PYEOF

# Compares an emulator's contacts with what the cycle must leave, contact by
# contact; prints "ok" or the differences.
cat >expect.py <<'PYEOF'
import json, sys, urllib.request
dialect, url = sys.argv[1], sys.argv[2]
def phone(i): return "+4479%08d" % (11000000 + i)
got = json.load(urllib.request.urlopen(url + "/_emulator/contacts"))
books = {}
if dialect == "atom":
    books = {str(b["id"]): b["name"] for b in json.load(urllib.request.urlopen(url + "/_emulator/books"))}
want = {}
for i in list(range(190)) + list(range(200, 220)):
    first = "New%d" % i if i % 10 == 0 or i == 7 else "F%d" % i
    if dialect == "sendblue":
        want[phone(i)] = (first, "L%d" % (i % 7), "Co%d" % (i % 3), "p%d@x.org" % i,
                          i in (7, 219) or (i % 50 == 0 and i < 200))
    elif dialect == "altum":
        if i in (7, 219):
            continue                   # removed as opted out / never created
        want[phone(i)] = ("%s L%d" % (first, i % 7), "p%d@x.org" % i)
    else:
        if i == 219:
            continue
        # 7 leaves for the suppression book as it was
        want[phone(i)] = ("F7" if i == 7 else first, "L%d" % (i % 7), "Suppressed" if i == 7 else "Book 1")
have = {}
for c in got:
    p = c["phone"]
    if dialect == "atom" and p.startswith("0"):
        p = "+44" + p[1:]
    if p in have:
        print("duplicate", p)
    if dialect == "sendblue":
        have[p] = (c.get("first_name"), c.get("last_name"), c.get("company_name"),
                   (c.get("custom_variables") or {}).get("Email"), bool(c.get("opted_out")))
    elif dialect == "altum":
        have[p] = (c.get("name"), (c.get("custom_parameters") or {}).get("Email"))
    else:
        have[p] = (c.get("first_name"), c.get("last_name"), books.get(str(c.get("book"))))
bad = 0
for p in sorted(set(want) | set(have)):
    if want.get(p) != have.get(p):
        bad += 1
        if bad <= 5:
            print(p, "want", want.get(p), "have", have.get(p))
print("ok" if not bad else "%d differ" % bad)
PYEOF

cycle() { # NAME RUN: import, pull, push in mirror mode
	cs import --region GB list.csv >/dev/null
	cs --config cs.ini pull "$1" >/dev/null
	cs --config cs.ini push "$1" --mode mirror --results "res-$1-$2" >push-$1-$2.out 2>&1
}

start sb --dialect sendblue --key-id kid --secret sbsecret
SB=$U
start al --dialect altum --key alkey --rate 0
AL=$U
start at --dialect atom --key atkey --rate 0
AT=$U
load "$SB" sendblue.json
load "$AL" altum.json
load "$AT" atom.json
for i in 0 50 100 150; do
	curl -s -f -X POST -d "{\"phone\":\"+4479$(printf %08d $((11000000 + i)))\",\"opted_out\":true}" "$AL/_emulator/opt-out" >/dev/null
done
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 1000/s
optout_action = delete'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Book 1
rate = 1000/s
optout_action = suppress_book
suppress_book = Suppressed'

for d in sb:sendblue:$SB al:altum:$AL at:atom:$AT; do
	n=${d%%:*}
	rest=${d#*:}
	dialect=${rest%%:*}
	url=${rest#*:}
	reset_stats "$url"
	cycle "$n" 1
	check_eq "$dialect: nightly cycle exits 0" 0 $?
	check_eq "$dialect: the account is exactly the list" ok "$("$PY" expect.py "$dialect" "$url" | tail -1)"
	check_eq "$dialect: no number created twice" 0 "$(dupes "$url")"
	reset_stats "$url"
	cycle "$n" 2
	check_eq "$dialect: second run exits 0" 0 $?
	check_eq "$dialect: second run sends zero write requests" 0 "$(writes "$url")"
done
check_grep "sendblue: counts" "create   20 done" push-sb-1.out
check_grep "sendblue: the opt-out of 7 (219 is created opted out)" "opt-out  1 done" push-sb-1.out
check_grep "sendblue: the 10 deletes" "delete   10 done" push-sb-1.out
check_eq "sendblue: success.csv has the 20 creates, 19 updates, 1 opt-out, 10 deletes" 50 \
	"$(tail -n +2 res-sb-1/success.csv | wc -l | tr -d ' ')"
check_grep "errors.csv header" "^operation,phone,source_file,source_row,http_status,message,attempts$" res-sb-1/errors.csv
check_eq "before.jsonl: every contact changed or deleted, captured before" 30 \
	"$(wc -l <res-sb-1/before.jsonl | tr -d ' ')"
check_grep "before.jsonl has the old name of a renamed contact" '"phone":"+447911000010".*"first_name":"F10"' res-sb-1/before.jsonl
check_grep "success.csv names the source file and row" "^create,+447911000200,.*list.csv,192,1," res-sb-1/success.csv
check_grep "altum: the opt-out removes the contact" "opt-out  1 done" push-al-1.out
check_grep "atom: the opt-out moves the contact to the suppression book" "opt-out  1 done" push-at-1.out

# a number removed as opted out is never created again, even if the list
# says so
printf 'phone,first name,opted out\n+447911000007,Back,no\n' >back.csv
cs import --force --append back.csv >/dev/null
cs --config cs.ini pull al >/dev/null
reset_stats "$AL"
check_rc "altum: push after the list 're-subscribes' an opted-out number" 0 cs --config cs.ini push al
check_eq "altum: not created again" 0 "$(writes "$AL")"
check_grep "altum: says so (7, and 219 which the list has opted out)" "opted out and not at the provider, not created: 2" out.txt

# --- dry run: the same code path, nothing written -------------------------
start sbd --dialect sendblue --key-id kid --secret sbsecret
SBD=$U
load "$SBD" sendblue.json
profile sbd sendblue "$SBD" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
cs import --region GB list.csv >/dev/null
cs --config cs.ini pull sbd >/dev/null
reset_stats "$SBD"
check_rc "dry run" 0 cs --config cs.ini push sbd --mode mirror --dry-run
check_eq "dry run sends no write" 0 "$(writes "$SBD")"
check_grep "dry run prints the bulk create" '^POST /api/v2/contacts/bulk {"contacts":\[' out.txt
check_grep "dry run prints the deletes" '^DELETE /api/v2/contacts {"contact_ids":\[' out.txt
check_grep "dry run prints the opt-out with the rename, one PUT" '^PUT /api/v2/contacts/%2B447911000007 {"first_name":"New7","opt_out":true}$' out.txt
check_grep "dry run prints the opt-out after the create of 219" '^POST /api/v2/contacts/opt-out {"number":"+447911000219"' out.txt
check_rc "the real run after it" 0 cs --config cs.ini push sbd --mode mirror
check_eq "the dry run left nothing in the journal: all sent now" ok "$("$PY" expect.py sendblue "$SBD" | tail -1)"

# --- guards: exit 3, zero writes ------------------------------------------
start sbg --dialect sendblue --key-id kid --secret sbsecret
SBG=$U
load "$SBG" sendblue.json
profile sbg sendblue "$SBG" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
head -n 141 list.csv >most.csv		# 140 of 200: 60 deletes, 30%
cs import --force --region GB most.csv >/dev/null
cs --config cs.ini pull sbg >/dev/null
reset_stats "$SBG"
check_rc "30% deletes: the default 10% guard" 3 cs --config cs.ini push sbg --mode mirror
check_grep "names the rule and the numbers" "59 deletes planned of 200 remote contacts (29.5%), more than --max-delete-percent 10" err.txt
check_rc "--max-delete 5" 3 cs --config cs.ini push sbg --mode mirror --max-delete 5 --max-delete-percent 100
check_grep "names --max-delete" "more than --max-delete 5" err.txt
sleep 2
check_rc "a snapshot older than --max-snapshot-age, even with --force" 3 cs --config cs.ini push sbg --mode mirror --force --max-snapshot-age 1s
check_grep "names the snapshot's age" "deletes planned from a snapshot 0 min old (limit 0 min)" err.txt
check_eq "no write request reached the emulator" 0 "$(writes "$SBG")"
printf 'phone,first name\n' >empty.csv
# (the import's own guard would keep the list: this is push's guard's test)
cs import --allow-empty empty.csv >/dev/null 2>&1
check_rc "an empty list in mirror mode" 3 cs --config cs.ini push sbg --mode mirror --max-delete-percent 100
check_grep "says the list is empty" "the desired set is empty" err.txt
check_rc "an empty list with --on-missing optout" 3 cs --config cs.ini push sbg --on-missing optout
check_eq "still no write" 0 "$(writes "$SBG")"
cs import --region GB list.csv >/dev/null
check_rc "the full list goes through" 0 cs --config cs.ini push sbg --mode mirror
head -n 81 list.csv >few.csv		# 80 of 210
cs import --region GB --force few.csv >/dev/null
cs --config cs.ini pull sbg >/dev/null
reset_stats "$SBG"
check_rc "shrank by more than half since the last sync" 3 cs --config cs.ini push sbg --mode mirror --max-delete-percent 100
check_grep "names the shrink rule" "shrank from 210 to 80 contacts since the last successful sync" err.txt
check_eq "no write after the shrink guard" 0 "$(writes "$SBG")"
check_rc "--force overrides it" 0 cs --config cs.ini push sbg --mode mirror --max-delete-percent 100 --force
check_grep "and the deletes went (the 3 opted out stay as opt-out records)" "delete   127 done" out.txt

# --- faults: 10% of requests fail (5xx, stalls, dropped and truncated) ----
# Each run may leave some operations failed (exit 1); the next run tries
# them again. The account must end exactly right, nothing created twice.
for d in sendblue:sbf altum:alf atom:atf; do
	dialect=${d%%:*}
	n=${d#*:}
	case $dialect in
	sendblue) start "$n" --dialect sendblue --key-id kid --secret sbsecret --fail-rate 0.1 --seed 7 --stall 300
		extra='api_key_id_env = SB_ID
api_secret_env = SB_SECRET' ;;
	altum) start "$n" --dialect altum --key alkey --rate 0 --fail-rate 0.1 --seed 7 --stall 300
		extra='api_key_env = AL_KEY
rate = 1000/s
optout_action = delete
create_settle = 1s' ;;
	atom) start "$n" --dialect atom --key atkey --rate 0 --fail-rate 0.1 --seed 7 --stall 300
		extra='api_key_env = AT_KEY
address_book = Book 1
rate = 1000/s
optout_action = suppress_book
suppress_book = Suppressed
create_settle = 1s' ;;
	esac
	url=$U
	load "$url" "$dialect.json"
	if [ "$dialect" = altum ]; then
		for i in 0 50 100 150; do
			curl -s -f -X POST -d "{\"phone\":\"+4479$(printf %08d $((11000000 + i)))\",\"opted_out\":true}" "$url/_emulator/opt-out" >/dev/null
		done
	fi
	profile "$n" "$dialect" "$url" "$extra"
	runs=0
	rc=1
	while [ $rc -ne 0 ] && [ $runs -lt 5 ]; do
		runs=$((runs + 1))
		cycle "$n" "f$runs"
		rc=$?
	done
	check_eq "$dialect with 10% faults: converges (exit 0 after $runs runs)" 0 $rc
	check_eq "$dialect with 10% faults: the account is exactly the list" ok "$("$PY" expect.py "$dialect" "$url" | tail -1)"
	check_eq "$dialect with 10% faults: no number created twice" 0 "$(dupes "$url")"
	curl -s "$url/_emulator/stats" >"$n.stats"
	check_grep "$dialect: faults were injected" '"50[023]"\|"dropped"\|"truncated"\|"stall"' "$n.stats"
done

# --- crash: SIGKILL at 20 random points of a 2,000-contact push -----------
"$PY" - <<'PYEOF'
import csv, random
random.seed(5)
with open("big.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Phone", "First Name", "Last Name", "Opted Out"])
    for i in range(2000):
        w.writerow(["+4479%08d" % (12000000 + i), "K%d" % i, "Crash", "yes" if i % 97 == 0 else ""])
PYEOF
crash() { # NAME DIALECT URL KILLS ARGS...
	name=$1 dialect=$2 url=$3 kills=$4
	shift 4
	cs import --force big.csv >/dev/null
	cs --config cs.ini pull "$name" >/dev/null
	k=0
	while [ $k -lt "$kills" ]; do
		k=$((k + 1))
		"$BIN" --config cs.ini push "$name" --results "crash-$name" "$@" >/dev/null 2>&1 &
		pid=$!	# the process itself: a shell function would be a subshell
		sleep "$("$PY" -c "import random; print(random.uniform(0.05, 0.6))")"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
	done
	runs=0
	rc=1
	while [ $rc -ne 0 ] && [ $runs -lt 3 ]; do
		runs=$((runs + 1))
		cs --config cs.ini push "$name" --results "crash-$name" "$@" >crash-$name.out 2>&1
		rc=$?
	done
	check_eq "$dialect: after $kills kills the push completes" 0 $rc
	"$PY" - "$dialect" "$url" >crash-$name.check <<'PYEOF'
import json, sys, urllib.request
dialect, url = sys.argv[1], sys.argv[2]
got = json.load(urllib.request.urlopen(url + "/_emulator/contacts"))
have = {}
for c in got:
    p = c["phone"]
    if p.startswith("0"):
        p = "+44" + p[1:]
    have[p] = have.get(p, 0) + 1
bad = 0
for i in range(2000):
    p = "+4479%08d" % (12000000 + i)
    want = 0 if (dialect == "atom" and i % 97 == 0) else 1
    if have.get(p, 0) != want:
        bad += 1
print("ok" if not bad else "%d wrong" % bad)
if dialect == "sendblue":
    outs = sum(1 for c in got if c.get("opted_out"))
    print("opted out %d" % outs)
PYEOF
	check_eq "$dialect: after the kills, every contact exactly once" ok "$(head -1 crash-$name.check)"
	check_eq "$dialect: never a create for a number already there" 0 "$(dupes "$url")"
}
start sbc --dialect sendblue --key-id kid --secret sbsecret --latency 40
profile sbc sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
SBC=$U
crash sbc sendblue "$SBC" 20 --batch-size 10 --concurrency 2
check_grep "sendblue: the opted-out ones were created opted out" "^opted out 21$" crash-sbc.check
start atc --dialect atom --key atkey --rate 0 --latency 5
profile atc atom "$U" 'api_key_env = AT_KEY
address_book = Book 1
rate = 1000/s
create_settle = 1s'
curl -s -f -X POST -d '[{"phone":"+447700900000","first_name":"Seed","book":1}]' "$U/_emulator/contacts" >/dev/null
crash atc atom "$U" 5 --concurrency 4

# --- rate: altum's limit, scaled down to 20 per 2 s -----------------------
start alr --dialect altum --key alkey --rate 20/2s
profile alr altum "$U" 'api_key_env = AL_KEY
rate = 20/2s'
ALR=$U
head -n 101 big.csv >rate.csv
cs import --force rate.csv >/dev/null
cs --config cs.ini pull alr >/dev/null
reset_stats "$ALR"
check_rc "altum at 20/2s: 100 creates" 0 cs --log-format json --config cs.ini push alr
check_eq "no 429 provoked: the limit is known" 0 "$(curl -s "$ALR/_emulator/stats" | "$PY" -c 'import json,sys; print(sum(v.get("429", 0) for v in json.load(sys.stdin)["endpoints"].values()))')"
# How much of the limit the push used is a benchmark's figure
# (scripts/bench-push.sh), not a check: it depends on the machine's load.
# Printed for the log only.
"$PY" -c '
import json
s = json.loads(open("out.txt").read().strip().splitlines()[-1])
print("# altum at 20/2s: %d requests in %.1f s, %.2f/s after the first burst (limit 10/s)" %
      (s["requests"], s["wall_s"], (s["requests"] - 20) / s["wall_s"]))' 

# --- a push right after a listing: the account's limit is shared ------------
# The listing spends part of the burst; the push that follows must not
# believe it has the whole burst again (the store carries the limiter over).
start sbr --dialect sendblue --key-id kid --secret sbsecret --rate 10/s
profile sbr sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET
rate = 10/s'
SBR=$U
"$PY" -c '
import json
print(json.dumps([{"phone": "+4477009%05d" % i} for i in range(6000)]))' >sbr.json
load "$SBR" sbr.json
printf 'phone\n' >sbr.csv
awk 'BEGIN { for (i = 0; i < 30; i++) printf "+44771100%04d\n", i }' >>sbr.csv
cs import --force sbr.csv >/dev/null
check_rc "a listing of several pages at 10/s" 0 cs --config cs.ini pull sbr
check_rc "then 30 single creates at once" 0 cs --config cs.ini push sbr --batch-size 1
check_eq "no 429 provoked by the listing's spent burst" 0 "$(curl -s "$SBR/_emulator/stats" | "$PY" -c 'import json,sys; print(sum(v.get("429", 0) for v in json.load(sys.stdin)["endpoints"].values()))')"
check_eq "the listing took several requests" yes "$(curl -s "$SBR/_emulator/stats" | "$PY" -c 'import json,sys; print("yes" if json.load(sys.stdin)["endpoints"]["GET /api/v2/contacts"]["total"] >= 6 else "no")')"

# --- a bulk batch refused whole: halves until the bad contact fails alone ---
# The emulator refuses a whole bulk create for a contact with more than 256
# tags. 40 creates in batches of 16: the batch holding contact 5 is halved
# 16 -> 8 -> 4 -> 2 -> 1 (five refusals), its good halves go through.
start sbb --dialect sendblue --key-id kid --secret sbsecret
profile sbb sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
SBB=$U
refused_list 40 5 >bisect.csv
cs import --force bisect.csv >/dev/null
cs --config cs.ini pull sbb >/dev/null
reset_stats "$SBB"
check_rc "one bad contact in a batch: exit 1" 1 cs --config cs.ini push sbb --batch-size 16 --results res-bisect
check_eq "the others are all created" 39 "$(curl -s "$SBB/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check_eq "the bad one is not" 0 "$(curl -s "$SBB/_emulator/contacts" | grep -c '+447712000005')"
check_grep "it fails alone, with the server's message" '^create,+447712000005,.*tags must be an array of strings' res-bisect/errors.csv
check_eq "and only it" 2 "$(wc -l <res-bisect/errors.csv | tr -d ' ')"
check_eq "five refusals (16, 8, 4, 2, 1) and six batches accepted" "400:5 200:6" "$(curl -s "$SBB/_emulator/stats" | "$PY" -c '
import json, sys
e = json.load(sys.stdin)["endpoints"]["POST /api/v2/contacts/bulk"]
print("400:%d 200:%d" % (e.get("400", 0), e.get("200", 0)))')"

# --- SIGTERM: a clean stop, the next run finishes ---------------------------
# 200 single creates at 300 ms each, two at a time: about 30 s; SIGTERM
# after a second must end the run early, with the journal and the results
# written, and exit 6.
start sbt --dialect sendblue --key-id kid --secret sbsecret --latency 300
profile sbt sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
SBT=$U
printf 'phone,first_name\n' >term.csv
awk 'BEGIN { for (i = 0; i < 200; i++) printf "+44771300%04d,T%d\n", i, i }' >>term.csv
cs import --force term.csv >/dev/null
cs --config cs.ini pull sbt >/dev/null
"$BIN" --config cs.ini push sbt --batch-size 1 --concurrency 2 --results res-term >term.out 2>term.err &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
check_eq "SIGTERM: exit 6 (stopped early, run again)" 6 $rc
check_grep "SIGTERM: says so" "interrupted by SIGTERM; the next run continues" term.err
check_grep "SIGTERM: the summary is printed" "stopped early: interrupted" term.out
made=$(curl -s "$SBT/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
check_eq "SIGTERM: some, not all, were created" yes "$([ "$made" -gt 0 ] && [ "$made" -lt 200 ] && echo yes || echo "no: $made")"
check_eq "SIGTERM: every contact created is in success.csv" "$made" "$(($(wc -l <res-term/success.csv) - 1))"
check_rc "SIGTERM: the next run finishes" 0 cs --config cs.ini push sbt --batch-size 1 --concurrency 8 --results res-term2
check_eq "SIGTERM: the account is complete" 200 "$(curl -s "$SBT/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check_eq "SIGTERM: the second run sent only the rest" $((200 - made)) "$(($(wc -l <res-term2/success.csv) - 1))"
check_eq "SIGTERM: never a create for a number already there" 0 "$(dupes "$SBT")"

finish
