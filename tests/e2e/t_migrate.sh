# migrate between providers on emulators: 5,000 contacts altum -> sendblue
# and sendblue -> atom (that one killed with SIGKILL mid-push and resumed),
# each destination compared contact by contact with the expected mapping;
# opt-outs carried over (created opted out, or kept out and remembered);
# values the destination has no place for listed in unmapped.csv; numbers
# that are not valid in not_migrated.csv; a second run writes nothing.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini

# the last run's record, as status --format json shows it
last_run() { # PROFILE EXPR
	cs --config cs.ini status "$1" --format json --runs 1 >status.json 2>status.err
	"$PY" -c "
import json
r = json.load(open('status.json'))['profiles'][0]['runs'][-1]
print($2)"
}

# --- the accounts ----------------------------------------------------------------
"$PY" - <<'PYEOF'
import json
cities = ["Leeds", "York", "Bath", "Ely", "Hull"]
al = []
for i in range(5000):
    c = {"phone": "+4479%08d" % (13000000 + i)}
    if i % 7 == 0:
        c["name"] = "Cher%d" % i                    # one word: a first name only
    elif i % 11 == 0:
        c["name"] = "José María Álvarez%d" % i      # split at the last space
    else:
        c["name"] = "Ann Smith%d" % i
    if i % 13:
        c["custom_parameters"] = {"city": cities[i % 5], "plan": "gold" if i % 2 else "silver"}
    if i % 17 == 0:
        c.setdefault("custom_parameters", {})["note"] = 'said "hi", then left'
    al.append(c)
for bad in ("12345", "+1 555", "000000"):
    al.append({"phone": bad, "name": "Broken"})
json.dump(al, open("altum.json", "w"))

sb = []
for i in range(5000):
    c = {"phone": "+4479%08d" % (14000000 + i), "first_name": "Bo%d" % i, "last_name": "Lee",
         "company_name": "Co%d" % (i % 4),
         "custom_variables": {"a": "a%d" % i, "b": "b%d" % (i % 9), "c": "c", "d": "d%d" % i}}
    if i % 3 == 0:
        c["tags"] = ["vip"]
    if i % 10 == 0:
        c["opted_out"] = True
    sb.append(c)
json.dump(sb, open("sendblue.json", "w"))
PYEOF

start al --dialect altum --key alkey --rate 0
AL=$U
start sb --dialect sendblue --key-id kid --secret sbsecret
SB=$U
start sb2 --dialect sendblue --key-id kid --secret sbsecret
SB2=$U
start at --dialect atom --key atkey --rate 0 --latency 2
AT=$U
load "$AL" altum.json
for i in 0 100 200 300 400; do	# opted out at altum (an inbound STOP)
	curl -s -f -X POST -d "{\"phone\":\"+4479$(printf %08d $((13000000 + i)))\",\"opted_out\":true}" "$AL/_emulator/opt-out" >/dev/null
done
load "$SB2" sendblue.json
curl -s -f -X POST -d '[{"phone":"+447700900000","first_name":"Seed","book":1}]' "$AT/_emulator/contacts" >/dev/null
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 1000/s'
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile sb2 sendblue "$SB2" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Book 1
custom_slots = a,b,c
optout_action = delete
rate = 1000/s'

# --- usage ----------------------------------------------------------------------------
check_rc "no --to: usage error" 2 cs --config cs.ini migrate --from al
check_grep "says what is needed" "migrate needs --from PROFILE and --to PROFILE" err.txt
check_rc "the same profile twice" 2 cs --config cs.ini migrate --from al --to al
check_rc "an unknown profile" 2 cs --config cs.ini migrate --from al --to nope
check_rc "a stray argument" 2 cs --config cs.ini migrate --from al --to sb extra

# --- altum -> sendblue ------------------------------------------------------------------
check_rc "altum -> sendblue: exit 0 (three numbers not valid: reported, not failed)" 0 cs --config cs.ini migrate --from al --to sb
check_grep "says how many were carried over" "5003 contacts, 5000 carried over (5 opted out), 3 not$" out.txt
check_grep "and names where the others are" "3 contacts of 'al' not carried over: their number is not a valid phone number" err.txt
res=$(last_run sb 'r["results"]')
check_eq "not_migrated.csv names the three" "3 3" "$(tail -n +2 "$res/not_migrated.csv" | wc -l) $(grep -c ',not a valid phone number$' "$res/not_migrated.csv")"
check_eq "sendblue keeps every field: unmapped.csv is empty" 1 "$(wc -l <"$res/unmapped.csv")"
check_eq "the run record says what was carried" "al altum 5000 5 3" "$(last_run sb '"%s %s %d %d %d" % (r["command"] == "migrate" and r["migrate"]["from"], r["migrate"]["from_provider"], r["migrate"]["carried"], r["migrate"]["opted_out"], r["migrate"]["invalid"])')"
check_eq "5,000 creates in 20 bulk requests of 250, then an opt-out for each of the 5" "25 20 5" "$(writes "$SB") $(curl -s "$SB/_emulator/stats" | "$PY" -c 'import json,sys; e=json.load(sys.stdin)["endpoints"]; print(e["POST /api/v2/contacts/bulk"]["total"], e["POST /api/v2/contacts/opt-out"]["total"])')"
check_eq "never a create of a number already there" 0 "$(dupes "$SB")"
"$PY" - "$SB" >al-sb.check <<'PYEOF'
import json, sys, urllib.request
got = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/contacts"))
want = {}
for c in json.load(open("altum.json")):
    if not c["phone"].startswith("+4479"):
        continue
    name = c["name"]
    first, _, last = name.rpartition(" ")
    if not first:
        first, last = last, ""
    i = int(c["phone"][-8:]) - 13000000
    want[c["phone"]] = (first, last, c.get("custom_parameters", {}), i % 100 == 0 and i < 500)
bad = []
seen = set()
for c in got:
    p = c["phone"]
    if p in seen or p not in want:
        bad.append("unexpected or repeated " + p)
        continue
    seen.add(p)
    have = (c["first_name"] or "", c["last_name"] or "", c["custom_variables"] or {}, c["opted_out"])
    if have != want[p]:
        bad.append("%s: %r != %r" % (p, have, want[p]))
bad += ["missing " + p for p in want if p not in seen]
print("ok" if not bad else "%d wrong, e.g. %s" % (len(bad), bad[0]))
PYEOF
check_eq "altum -> sendblue: every contact as expected (names split, custom fields, opt-outs)" ok "$(cat al-sb.check)"
check_rc "status" 0 cs --config cs.ini status sb --runs 1
check_grep "shows the migration and where it came from" "  migrate from 'al'  .* exit 0 (ok): create 5000, update 0, opt-out 0, delete 0; failed 0$" out.txt
reset_stats "$SB"
check_rc "a second run (exit 0: the same three numbers, reported)" 0 cs --config cs.ini migrate --from al --to sb
check_eq "writes nothing" 0 "$(writes "$SB")"
check_grep "and says all are unchanged" "^  unchanged 5000$" out.txt

# --- sendblue -> atom, killed mid-push and resumed -------------------------------------
"$BIN" --config cs.ini migrate --from sb2 --to at --concurrency 4 >kill.out 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && [ "$(curl -s "$AT/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" -lt 800 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
partway=$(curl -s "$AT/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
check_rc "killed part way (more than 800 and fewer than 4,501 contacts at atom)" 0 test "$partway" -gt 800 -a "$partway" -lt 4501
check_rc "the same command again: exit 0 (values atom has no place for: reported)" 0 cs --config cs.ini migrate --from sb2 --to at --concurrency 4
check_grep "names the custom field without a slot" "'at' (atom) has no place for custom:d: 5000 values not carried over; name the field in its custom_slots" err.txt
check_grep "and the tags" "'at' (atom) has no place for tags: 1667 values not carried over" err.txt
res=$(last_run at 'r["results"]')
check_eq "unmapped.csv holds each of those values" "5000 1667" "$(grep -c '^+4479[0-9]*,custom:d,d[0-9]*,$' "$res/unmapped.csv") $(grep -c '^+4479[0-9]*,tags,vip,$' "$res/unmapped.csv")"
check_eq "never a create of a number already there" 0 "$(dupes "$AT")"
"$PY" - "$AT" >sb-at.check <<'PYEOF'
import json, sys, urllib.request
got = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/contacts"))
want = {"+447700900000": ("Seed", "", "", "", "", "")}
for c in json.load(open("sendblue.json")):
    if c.get("opted_out"):
        continue        # atom cannot record an opt-out: not created
    v = c["custom_variables"]
    want[c["phone"]] = (c["first_name"], c["last_name"], c["company_name"], v["a"], v["b"], v["c"])
bad = []
seen = set()
for c in got:
    p = c["phone"]
    if not p.startswith("+"):
        p = "+44" + p[1:]
    if p in seen or p not in want:
        bad.append("unexpected or repeated " + p)
        continue
    seen.add(p)
    have = tuple(c.get(k) or "" for k in ("first_name", "last_name", "company", "custom_1", "custom_2", "custom_3"))
    if have != want[p]:
        bad.append("%s: %r != %r" % (p, have, want[p]))
bad += ["missing " + p for p in want if p not in seen]
print("ok" if not bad else "%d wrong, e.g. %s" % (len(bad), bad[0]))
PYEOF
check_eq "sendblue -> atom: every contact as expected (custom_slots a,b,c -> custom_1..3), none opted out" ok "$(cat sb-at.check)"

# the report of the migration: its own facts on Summary, Unmapped and Not migrated
check_rc "report of the migration" 0 cs --config cs.ini report at -o mig.xlsx
check_grep "says how many values and contacts it lists" ", 6667 unmapped values, 0 not migrated$" out.txt
check_eq "nine sheets, the migration's two last" "Summary Operations Changes Failures Skipped Rejects Duplicates Unmapped Not migrated" \
	"$(unzip -p mig.xlsx xl/workbook.xml | grep -o '<sheet name="[^"]*"' | sed 's/<sheet name="//; s/"$//' | tr '\n' ' ' | sed 's/ $//')"
if [ "$have_soffice" -eq 1 ]; then
	soffice_sheets mig.xlsx mig
	check_eq "Summary: from where, how many carried, values without a place" "sb2 sendblue 5000 5000 500 6667" \
		"$("$PY" -c '
import csv
s = {r[0]: r[1] for r in list(csv.reader(open("mig/mig-Summary.csv", newline="")))[1:]}
print(s["migrated from"], s["source provider"], s["contacts at the source"], s["carried over"], s["of those, opted out at the source"], s["values the destination has no place for or shortens"])')"
	check_eq "Unmapped: every row of unmapped.csv, in order" "$(tail -n +2 "$res/unmapped.csv" | md5sum)" \
		"$(tail -n +2 mig/mig-Unmapped.csv | md5sum)"
	check_eq "Not migrated: the header only" "phone,reason" "$(cat "mig/mig-Not migrated.csv")"
fi

# the 500 opted out at sendblue are remembered: a nightly sync of atom whose
# list still has one of them (subscribed) does not create it
printf 'phone,first_name\n+447914000010,Again\n+447914009999,New\n' >nightly.csv
check_rc "a sync of atom with a list holding a number opted out at sendblue" 0 cs --config cs.ini sync at nightly.csv
check_grep "it is not created" "opted out and not at the provider, not created: 1" out.txt
check_eq "the new number is" "0 1" "$(curl -s "$AT/_emulator/contacts" | "$PY" -c 'import json,sys; c=[x["phone"] for x in json.load(sys.stdin)]; print(sum(p.endswith("7914000010") for p in c), sum(p.endswith("7914009999") for p in c))')"

# --mode mirror: what the source lacks goes (the seed contact and the
# nightly list's new number), within the delete guard
check_rc "mirror: exit 0 (the same unmapped values, reported)" 0 cs --config cs.ini migrate --from sb2 --to at --mode mirror
check_grep "deletes the two the source lacks" "^  delete   2 done$" out.txt
check_eq "atom now holds exactly the 4,500 subscribed contacts of sendblue" "4500 0" \
	"$(curl -s "$AT/_emulator/contacts" | "$PY" -c 'import json,sys; c=json.load(sys.stdin); print(len(c), sum(1 for x in c if not x["phone"].lstrip("+0").startswith("4479140") and not x["phone"].startswith("079140")))')"

# --- a value the destination keeps shortened -------------------------------------------
start al2 --dialect altum --key alkey --rate 0
profile al2 altum "$U" 'api_key_env = AL_KEY
rate = 1000/s'
long=$("$PY" -c 'print("x" * 600)')
printf '[{"phone":"+447915000001","first_name":"Al","custom_variables":{"bio":"%s"}}]' "$long" >long.json
start sb3 --dialect sendblue --key-id kid --secret sbsecret
load "$U" long.json
profile sb3 sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
check_rc "sendblue -> altum -q with a 600-character value: exit 0 (reported)" 0 cs --config cs.ini -q migrate --from sb3 --to al2
check_grep "says altum keeps it shortened, even with -q" "^warning: 'al2' (altum) keeps 1 values of custom:bio shortened" err.txt
check_eq "-q: nothing on stdout" "" "$(cat out.txt)"
res=$(last_run al2 'r["results"]')
check_eq "unmapped.csv has the whole value and what altum keeps (512 characters)" "600 512" "$(awk -F, 'NR == 2 { print length($3), length($4) }' "$res/unmapped.csv")"

# --- from atom: details read one by one; a slot the profile does not name ---------------
start at2 --dialect atom --key atkey --rate 0
curl -s -f -X POST -d '[{"phone":"+447916000001","first_name":"Di","last_name":"Ng","company":"Co","custom_1":"A1","custom_2":"B2","book":1},{"phone":"+447916000002","first_name":"Ed","book":1}]' "$U/_emulator/contacts" >/dev/null
profile at2 atom "$U" 'api_key_env = AT_KEY
address_book = Book 1
custom_slots = a
rate = 1000/s'
start sb4 --dialect sendblue --key-id kid --secret sbsecret
SB4=$U
profile sb4 sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
check_rc "atom -> sendblue" 0 cs --config cs.ini migrate --from at2 --to sb4
check_eq "every field arrives, the unnamed slot as custom_2" \
	"+447916000001 Di Ng Co {'a': 'A1', 'custom_2': 'B2'} | +447916000002 Ed   {} | " \
	"$(curl -s "$SB4/_emulator/contacts" | "$PY" -c 'import json,sys
for c in sorted(json.load(sys.stdin), key=lambda c: c["phone"]):
    print(c["phone"], c["first_name"] or "", c["last_name"] or "", c["company_name"] or "", c["custom_variables"] or {}, end=" | ")')"

finish
