# Requests are the real cost: for each provider, a push of 5 creates, 9
# renames and 3 deletes (mirror) is checked request by request in the
# emulator's counters (sendblue: the creates in one bulk request and the
# deletes in one bulk delete, never a single create; altum and atom: one
# request per operation), an update sends only the changed field (a field
# changed on the server after the pull survives the push), and a second
# run sends zero writes.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini

# Remote 0-29; the list keeps 0-26 (27-29 deleted), renames 0, 3, ... 27
# (nine renames: 0-24, as 27 is deleted), and adds 30-34.
"$PY" - <<'PYEOF'
import json, csv
def phone(i): return "+4479%08d" % (12000000 + i)
n = 30
json.dump([{"phone": phone(i), "first_name": "F%d" % i, "last_name": "L%d" % i,
            "company_name": "Co%d" % i, "custom_variables": {"Email": "p%d@x.org" % i}}
           for i in range(n)], open("sendblue.json", "w"))
json.dump([{"phone": phone(i), "name": "F%d L%d" % (i, i),
            "custom_parameters": {"Email": "p%d@x.org" % i}} for i in range(n)],
          open("altum.json", "w"))
json.dump([{"phone": "0" + phone(i)[3:], "first_name": "F%d" % i, "last_name": "L%d" % i,
            "book": 1} for i in range(n)], open("atom.json", "w"))
with open("list.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Phone", "First Name", "Last Name", "Company", "Email"])
    for i in list(range(27)) + list(range(30, 35)):
        first = "New%d" % i if i % 3 == 0 and i < 30 else "F%d" % i
        w.writerow([phone(i), first, "L%d" % i, "Co%d" % i, "p%d@x.org" % i])
PYEOF

# count URL ENDPOINT: requests the emulator answered for one endpoint
count() {
	curl -s "$1/_emulator/stats" | "$PY" -c '
import json, sys
print(json.load(sys.stdin)["endpoints"].get(sys.argv[1], {}).get("total", 0))' "$2"
}

# field URL PHONE KEY: a contact's field as the emulator holds it
field() {
	curl -s "$1/_emulator/contacts" | "$PY" -c '
import json, sys
for c in json.load(sys.stdin):
    if c["phone"] == sys.argv[1]:
        v = c
        for k in sys.argv[2].split("."):
            v = (v or {}).get(k)
        print(v)' "$2" "$3"
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
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 1000/s'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Book 1
rate = 1000/s'

cs import --region GB list.csv >/dev/null
check_eq "import" 0 $?
for p in sb al at; do
	cs --config cs.ini pull "$p" >/dev/null
	check_eq "$p: pull" 0 $?
done

# After the pull, someone changes on the server a field the list does not
# change, of a contact the push renames (0): the push must leave it.
curl -s -f -X PUT -H 'sb-api-key-id: kid' -H 'sb-api-secret-key: sbsecret' \
	-d '{"company_name":"Changed"}' "$SB/api/v2/contacts/%2B447912000000" >/dev/null
al_id=$(field "$AL" +447912000000 id)
curl -s -f -X POST -H 'Authorization: Bearer alkey' \
	--data 'custom_parameter_key[0]=Email&custom_parameter_value[0]=changed@x.org' \
	"$AL/api/contacts/$al_id" >/dev/null
at_id=$(field "$AT" 07912000000 id)
curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
	-d "{\"id\":$at_id,\"last_name\":\"Changed\"}" "$AT/api/contact/edit" >/dev/null
check_eq "sendblue: changed on the server" Changed "$(field "$SB" +447912000000 company_name)"
check_eq "altum: changed on the server" changed@x.org "$(field "$AL" +447912000000 custom_parameters.Email)"
check_eq "atom: changed on the server" Changed "$(field "$AT" 07912000000 last_name)"

for d in sb:$SB al:$AL at:$AT; do
	reset_stats "${d#*:}"
	cs --config cs.ini push "${d%%:*}" --mode mirror --results "res-${d%%:*}" >"push-${d%%:*}.out" 2>&1
	check_eq "${d%%:*}: push" 0 $?
done

check_eq "sendblue: the 5 creates in one bulk request" 1 "$(count "$SB" "POST /api/v2/contacts/bulk")"
check_eq "sendblue: no single create" 0 "$(count "$SB" "POST /api/v2/contacts")"
check_eq "sendblue: one request per rename" 9 "$(count "$SB" "PUT /api/v2/contacts/{phone}")"
check_eq "sendblue: the 3 deletes in one bulk delete" 1 "$(count "$SB" "DELETE /api/v2/contacts")"
check_eq "sendblue: no single delete" 0 "$(count "$SB" "DELETE /api/v2/contacts/{phone}")"
check_eq "sendblue: 11 writes in all" 11 "$(writes "$SB")"
check_eq "sendblue: renamed" New0 "$(field "$SB" +447912000000 first_name)"
check_eq "sendblue: the rename sent only the name (company kept)" Changed "$(field "$SB" +447912000000 company_name)"

check_eq "altum: one create per new contact" 5 "$(count "$AL" "POST /api/contacts")"
check_eq "altum: one update per rename" 9 "$(count "$AL" "POST /api/contacts/{id}")"
check_eq "altum: one delete per deleted contact" 3 "$(count "$AL" "DELETE /api/contacts/{id}")"
check_eq "altum: 17 writes in all" 17 "$(writes "$AL")"
check_eq "altum: renamed" "New0 L0" "$(field "$AL" +447912000000 name)"
check_eq "altum: the rename sent no custom parameter (Email kept)" changed@x.org \
	"$(field "$AL" +447912000000 custom_parameters.Email)"

check_eq "atom: one create per new contact" 5 "$(count "$AT" "POST /api/contact/new")"
check_eq "atom: one edit per rename" 9 "$(count "$AT" "POST /api/contact/edit")"
check_eq "atom: one delete per deleted contact" 3 "$(count "$AT" "POST /api/contact/delete")"
check_eq "atom: 17 writes in all" 17 "$(writes "$AT")"
check_eq "atom: renamed" New0 "$(field "$AT" 07912000000 first_name)"
check_eq "atom: the rename sent only the first name (last name kept)" Changed \
	"$(field "$AT" 07912000000 last_name)"

# After a fresh pull the list wins over the server's three changes (one
# update each); the run after that has nothing to do and sends nothing.
for d in sb:$SB al:$AL at:$AT; do
	cs --config cs.ini pull "${d%%:*}" >/dev/null
	cs --config cs.ini push "${d%%:*}" --mode mirror --results "res2-${d%%:*}" >/dev/null 2>&1
	cs --config cs.ini pull "${d%%:*}" >/dev/null
	reset_stats "${d#*:}"
	cs --config cs.ini push "${d%%:*}" --mode mirror --results "res3-${d%%:*}" >/dev/null 2>&1
	check_eq "${d%%:*}: run with nothing to do exits 0" 0 $?
	check_eq "${d%%:*}: a run with nothing to do sends zero writes" 0 "$(writes "${d#*:}")"
done

finish
