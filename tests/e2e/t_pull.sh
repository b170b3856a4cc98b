# pull and diff against the emulator, for each provider: an empty account,
# 25,000 contacts (sendblue past its 10,000 offset cap), injected faults
# (the pull completes and is exact), bad credentials (exit 4, previous
# snapshot kept), and plans checked contact by contact.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini

# --- accounts: the same 25,000 people in each provider's shape ----------
"$PY" - <<'PYEOF'
import json
n = 25000
def phone(i): return "+4479%08d" % (11000000 + i)
json.dump([{"phone": phone(i), "first_name": "F%d" % i, "last_name": "L%d" % (i % 7),
            "company_name": "Co%d" % (i % 3), "tags": ["t%d" % (i % 2)],
            "custom_variables": {"Email": "p%d@example.com" % i}, "opted_out": i % 50 == 0}
           for i in range(n)], open("sendblue.json", "w"))
json.dump([{"phone": phone(i), "name": "F%d L%d" % (i, i % 7),
            "custom_parameters": {"Email": "p%d@example.com" % i}} for i in range(n)],
          open("altum.json", "w"))
json.dump([{"phone": "0" + phone(i)[3:], "first_name": "F%d" % i, "last_name": "L%d" % (i % 7),
            "company": "Co%d" % (i % 3), "custom_1": "p%d@example.com" % i, "book": 1}
           for i in range(n)], open("atom.json", "w"))
PYEOF

start sb --dialect sendblue --key-id kid --secret sbsecret
SB=$U
start al --dialect altum --key alkey --rate 0
AL=$U
start at --dialect atom --key atkey --rate 0
AT=$U
curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
	-d '{"name":"Customers"}' "$AT/api/address-book/new" >/dev/null
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Customers
custom_slots = Email
rate = 0'

# Empty accounts: a complete, empty snapshot.
for p in sb al at; do
	check_rc "$p: pull of an empty account" 0 cs --config cs.ini pull $p
	check_grep "$p: says 0 contacts" "pulled 0 contacts" out.txt
	check_rc "$p: empty snapshot exports" 0 cs export --from remote:$p -o $p-empty.csv
	check_eq "$p: header only" 1 "$(wc -l <$p-empty.csv | tr -d ' ')"
done

load "$SB" sendblue.json
load "$AL" altum.json
load "$AT" atom.json
for p in sb al at; do
	check_rc "$p: pull of 25,000 contacts" 0 cs --config cs.ini pull $p
	check_grep "$p: all of them" "pulled 25000 contacts" out.txt
	cs export --from remote:$p -o $p.csv
	check_eq "$p: 25,000 distinct numbers in the snapshot" 25000 "$(tail -n +2 $p.csv | cut -d, -f1 | sort -u | wc -l | tr -d ' ')"
done
check_grep "sendblue fields" "^+447911000007,,F7,L0,Co1,t1,false,p7@example.com$" sb.csv
# The snapshot as a one-file workbook (a backup before a migration), read
# back by LibreOffice: the same table as the CSV export.
check_rc "sb: the snapshot exported as XLSX" 0 cs export --from remote:sb --format xlsx -o sb.xlsx
if [ "$have_soffice" -eq 1 ]; then
	mkdir lo
	soffice_csv sb.xlsx lo
	check_same "sb: LibreOffice's CSV of the workbook is the CSV export" sb.csv lo/sb.csv
else
	echo "# soffice not installed: the XLSX snapshot is not read back"
fi
check_grep "sendblue opt-out read" "^+447911000050,,F50,L1,Co2,t0,true," sb.csv
check_grep "altum fields" "^+447911000007,F7 L0,,,,,false,p7@example.com$" al.csv
check_grep "atom national numbers read with the region" "^+447911000007,,F7,L0,,,false$" at.csv
# --deep reads every atom contact's detail (company, slots), on a small book.
start at2 --dialect atom --key atkey --rate 0
AT2=$U
curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
	-d '{"name":"Customers"}' "$AT2/api/address-book/new" >/dev/null
head -c 2000 atom.json | sed 's/},[^}]*$/}]/' >atom-small.json
load "$AT2" atom-small.json
profile at2 atom "$AT2" 'api_key_env = AT_KEY
address_book = Customers
custom_slots = Email
rate = 0'
check_rc "atom --deep" 0 cs --config cs.ini pull --deep at2
cs export --from remote:at2 -o at2.csv
check_grep "atom --deep: company and slot read" "^+447911000007,,F7,L0,Co1,,false,p7@example.com$" at2.csv
check_rc "atom without --deep: names only" 0 cs --config cs.ini pull at2
cs export --from remote:at2 -o at2-list.csv
check_grep "atom listing: no company" "^+447911000007,,F7,L0,,,false$" at2-list.csv

# The emulator's own dump agrees with the snapshot, number by number.
for p in sb al; do
	eval "url=\$$(echo $p | tr a-z A-Z)"
	curl -s "$url/_emulator/contacts" | "$PY" -c '
import json, sys
print("\n".join(sorted(c["phone"] for c in json.load(sys.stdin))))' >$p-dump.txt
	tail -n +2 $p.csv | cut -d, -f1 | sort >$p-snap.txt
	check_same "$p: snapshot numbers = the account's numbers" $p-dump.txt $p-snap.txt
done

# Bad credentials: exit 4, a clear message, the previous snapshot kept.
for p in sb al at; do
	cp $p.csv $p-before.csv
	check_rc "$p: bad credentials exit 4" 4 env SB_SECRET=wrong AL_KEY=wrong AT_KEY=wrong "$BIN" --config cs.ini pull $p
	check_grep "$p: says authentication failed" "authentication failed" err.txt
	check_rc "$p: secret not in the message" 1 grep -q wrong err.txt
	cs export --from remote:$p -o $p-after.csv
	check_same "$p: previous snapshot kept" $p-before.csv $p-after.csv
done

# Faults: 20% of requests fail in every way the emulator knows; the pull
# still completes and is exact.
start sbf --dialect sendblue --key-id kid --secret sbsecret --fail-rate 0.2 --seed 11 --stall 1500
SBF=$U
start alf --dialect altum --key alkey --rate 0 --fail-rate 0.2 --seed 12 --stall 1500
ALF=$U
load "$SBF" sendblue.json
load "$ALF" altum.json
profile sbf sendblue "$SBF" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile alf altum "$ALF" 'api_key_env = AL_KEY
rate = 0'
start atf --dialect atom --key atkey --rate 0 --fail-rate 0.2 --seed 13 --stall 1500
ATF=$U
curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
	-d '{"name":"Customers"}' "$ATF/api/address-book/new" >/dev/null ||
	curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
		-d '{"name":"Customers"}' "$ATF/api/address-book/new" >/dev/null ||
	curl -s -f -X POST -H 'Authorization: Bearer atkey' -H 'Content-Type: application/json' \
		-d '{"name":"Customers"}' "$ATF/api/address-book/new" >/dev/null
load "$ATF" atom.json
profile atf atom "$ATF" 'api_key_env = AT_KEY
address_book = Customers
custom_slots = Email
rate = 0'
for p in sbf alf atf; do
	check_rc "$p: pull through faults" 0 cs --config cs.ini pull $p
	cs export --from remote:$p -o $p.csv
	base=$(echo $p | sed 's/f$//')
	check_same "$p: same snapshot as without faults" $base.csv $p.csv
done
curl -s "$SBF/_emulator/stats" >stats.json
check_grep "faults were injected" '"50[023]"\|"truncated"\|"dropped"' stats.json

# altum stores whatever matches ^\+\d{1,15}$: a national number sent
# without its country code is kept by the pull under its raw value, and
# reported, never dropped.
start alw --dialect altum --key alkey --rate 0
ALW=$U
printf '[{"phone":"+0412345678","name":"Bad Number"},{"phone":"+447911000001","name":"Good"}]' >alw.json
load "$ALW" alw.json
profile alw altum "$ALW" 'api_key_env = AL_KEY
rate = 0'
check_rc "pull an account holding an invalid number" 0 cs --config cs.ini pull alw
check_grep "the invalid number is reported" "has the number '+0412345678', which is not valid" err.txt
check_grep "and counted" "1 remote numbers are not valid and were kept as they are" err.txt
cs export --from remote:alw -o alw.csv
check_grep "kept under its raw value" "^+0412345678,Bad Number," alw.csv
check_grep "the valid one too" "^+447911000001,Good," alw.csv
# Numbers the last snapshot holds as valid are not parsed again; one it
# holds as invalid is no shortcut.
check_rc "pull it again" 0 cs --config cs.ini pull alw
check_grep "the invalid number is reported again" "has the number '+0412345678', which is not valid" err.txt
cs export --from remote:alw -o alw2.csv
check_same "the same snapshot the second time" alw.csv alw2.csv

# Remote values are cleaned like the list's: stray spaces and decomposed
# accents at the provider are not changes.
start sbw --dialect sendblue --key-id kid --secret sbsecret
SBW=$U
printf '[{"phone":"+447911000001","first_name":"  Zoe\\u0301 ","last_name":"van  der Berg","company_name":" Acme "}]' >sbw.json
load "$SBW" sbw.json
profile sbw sendblue "$SBW" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
check_rc "pull a contact with untidy values" 0 cs --config cs.ini pull sbw
printf 'phone,first name,last name,company\n+447911000001,Zo\303\251,van der Berg,Acme\n' >tidy.csv
cs import tidy.csv >/dev/null
check_rc "diff" 0 cs --config cs.ini diff sbw
check_grep "untidy remote values are not changes" "plan for 'sbw' (sendblue): create 0, update 0, delete 0, opt-out 0, unchanged 1" out.txt

# Diff, contact by contact: a list of 25,010 contacts against the accounts.
# Every 10th is renamed, +447911000007 opts out, every 50th says it has not
# opted out (and stays opted out on sendblue), five of the accounts' are
# missing from the list (20000-20004, one renamed and one opted out among
# them) and ten are new: 2,499 updates, 10 creates, 499 kept opt-outs.
"$PY" - <<'PYEOF'
import csv
rows = []
for i in range(25010):
    first = "F%d" % i if i % 10 else "New%d" % i      # every 10th renamed
    company = "Co%d" % (i % 3)
    out = "yes" if i == 7 else ""                       # opts out
    if i % 50 == 0:
        out = "no"                                      # opted out remotely: stays
    rows.append(["+4479%08d" % (11000000 + i), first, "L%d" % (i % 7), company,
                 "p%d@example.com" % i, out])
rows = rows[:20000] + rows[20000 + 5:]                  # 5 remote-only, 10 new at the end
with open("list.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Phone", "First Name", "Last Name", "Company", "Email", "Opted Out"])
    w.writerows(rows)
with open("expected-sb.txt", "w") as f:
    for r in rows:
        i = int(r[0][5:]) - 11000000
        if i >= 25000:
            f.write("create %s\n" % r[0])
        elif i == 7:
            f.write("opt-out %s\n" % r[0])
        elif i % 10 == 0:
            f.write("update %s\n" % r[0])
PYEOF
check_rc "import the list" 0 cs import --region GB list.csv
check_rc "diff sendblue csv" 0 cs --config cs.ini diff sb --format csv -o plan-sb.csv
tail -n +2 plan-sb.csv | cut -d, -f1,2 | sort -u | tr , ' ' | sort >got-sb.txt
sort expected-sb.txt >want-sb.txt
check_same "sendblue plan, contact by contact" want-sb.txt got-sb.txt
check_grep "update names the field" "^update,+447911000010,[0-9]*,first_name,F10,New10$" plan-sb.csv
check_rc "diff text" 0 cs --config cs.ini diff sb
check_grep "counts" "plan for 'sb' (sendblue): create 10, update 2499, delete 0, opt-out 1" out.txt
check_grep "opted out remotely stays so" "opted out remotely, kept opted out: 499" out.txt
check_grep "the custom fields it writes are named (the creates' Email)" "custom fields written: 'Email'" out.txt
check_rc "diff --mode mirror" 0 cs --config cs.ini diff sb --mode mirror --format json -o plan.json
check_eq "mirror deletes 4 of the 5 remote-only" 4 "$(grep -c '"op":"delete"' plan.json)"
check_grep "json summary line" '^{"summary":{"create":10,"update":2499,"delete":4,"opt-out":1' plan.json
check_grep "the opted-out one is kept: it is the provider's record of the STOP" '"optout_records_kept":1' plan.json
check_rc "diff altum" 0 cs --config cs.ini diff al
check_grep "altum: company is not altum's, opt-out cannot be set" "plan for 'al' (altum): create 10, update 2499, delete 0, opt-out 0" out.txt
check_grep "altum: says it cannot opt out" "cannot record an opt-out: 1" out.txt
check_rc "diff atom (snapshot from the book listing)" 0 cs --config cs.ini diff at
check_grep "atom: names compared, company and slots unknown, never a change; no opt-out by default" "plan for 'at' (atom): create 10, update 2499, delete 0, opt-out 0" out.txt
check_grep "atom: says it cannot opt out without an optout_action" "cannot record an opt-out: 1" out.txt
check_rc "pull atom again: details where the listed names differ" 0 cs --config cs.ini pull at
check_grep "atom: one book request, one list request, 2,499 details" "pulled 25000 contacts from 'at' (atom): 2501 requests" out.txt
check_rc "diff atom after that pull" 0 cs --config cs.ini diff at --format csv -o plan-at.csv
check_eq "atom: only first names change" 2499 "$(grep -c '^update,.*,first_name,' plan-at.csv)"
check_eq "atom: nothing else changes (distinct operations)" 2509 "$(tail -n +2 plan-at.csv | cut -d, -f1,2 | sort -u | wc -l | tr -d ' ')"
finish
