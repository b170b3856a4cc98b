# Clearing (--blank keep|clear, profile blank): an empty cell in the list
# clears the value the provider holds in mirror (the default there), and
# never in the other modes or with --blank keep; only for columns the list
# has (a custom field that is not a column is left alone). Against the
# emulator of each provider, whose admin listing says what it stores.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini
start sb --dialect sendblue --key-id kid --secret sbsecret
SB=$U
start al --dialect altum --key alkey --rate 0
AL=$U
start at --dialect atom --key atkey --rate 0
AT=$U

# The accounts: Ann Russo of Acme (tag vip, Email, and Extra, which the list
# has no column for), Cy Russo, and Bob, who matches the list.
"$PY" - <<'EOF'
import json
json.dump([
    {"phone": "+447911000001", "first_name": "Ann", "last_name": "Russo", "company_name": "Acme",
     "tags": ["vip"], "custom_variables": {"Email": "ann@x.org", "Extra": "keepme"}},
    {"phone": "+447911000002", "first_name": "Bob", "last_name": "Stone", "company_name": "Co",
     "tags": ["vip"], "custom_variables": {"Email": "bob@x.org"}},
    {"phone": "+447911000003", "first_name": "Cy", "last_name": "Russo"},
], open("sendblue.json", "w"))
json.dump([
    {"phone": "+447911000001", "name": "Ann Russo",
     "custom_parameters": {"Email": "ann@x.org", "Extra": "keepme"}},
    {"phone": "+447911000002", "name": "Bob Stone", "custom_parameters": {"Email": "bob@x.org"}},
    {"phone": "+447911000003", "name": "Cy Russo"},
], open("altum.json", "w"))
json.dump([
    {"phone": "+447911000001", "first_name": "Ann", "last_name": "Russo", "company": "Acme",
     "custom_1": "ann@x.org", "custom_2": "keepme", "book": 1},
    {"phone": "+447911000002", "first_name": "Bob", "last_name": "Stone", "company": "Co",
     "custom_1": "bob@x.org", "book": 1},
    {"phone": "+447911000003", "first_name": "Cy", "last_name": "Russo", "book": 1},
], open("atom.json", "w"))
EOF
load "$SB" sendblue.json
load "$AL" altum.json
load "$AT" atom.json
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Book 1
custom_slots = Email, Extra
rate = 0'
profile sbk sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET
blank = keep'
profile sbc sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET
blank = clear'

# Ann's last name, company, tags and Email removed; Cy's name removed.
printf 'phone,first_name,last_name,company,tags,Email\n+447911000001,Ann,,,,\n+447911000002,Bob,Stone,Co,vip,bob@x.org\n+447911000003,,,,,\n' >list.csv
check_rc "import the list" 0 cs import list.csv

# clears.py: the changes to "" in diff's JSON lines, "PHONE FIELD BEFORE"
cat >clears.py <<'EOF'
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    for c in o.get("changes", []):
        if c["after"] == "":
            print(o["phone"], c["field"], c["before"])
EOF

# admin URL FIELD PHONE: the value the emulator holds ("" for none)
admin() {
	curl -s "$1/_emulator/contacts" | "$PY" -c '
import json, sys
field, phone = sys.argv[1], sys.argv[2]
for c in json.load(sys.stdin):
    p = c.get("phone") or ""
    if p.lstrip("+0") [-9:] != phone[-9:]:
        continue
    if field.startswith("custom:") and "custom_1" in c:	# atom: custom_slots = Email, Extra
        field = {"custom:Email": "custom_1", "custom:Extra": "custom_2"}[field]
    if field.startswith("custom:"):
        v = (c.get("custom_variables") or c.get("custom_parameters") or {})
        v = v.get(field[7:], "") if isinstance(v, dict) else ""
    elif field == "tags":
        v = ";".join(c.get("tags") or [])
    else:
        v = c.get(field)
    print(v if v else "")
' "$2" "$3"
}
snapshot() { # URL: every contact as the emulator holds it, without its times
	curl -s "$1/_emulator/contacts" | "$PY" -c '
import json, sys
print(json.dumps([{k: v for k, v in c.items() if "time" not in k and "date" not in k and k != "created_at"}
                  for c in json.load(sys.stdin)], sort_keys=True))'
}

for p in sb al at; do
	case $p in
	sb) url=$SB deep= ;;
	al) url=$AL deep= ;;
	at) url=$AT deep=--deep ;;
	esac
	check_rc "$p: pull" 0 cs --config cs.ini pull $p $deep
	snapshot "$url" >before-$p.json

	# diff shows each clearing as a change to ""
	check_rc "$p: diff --mode mirror" 0 cs --config cs.ini diff $p --mode mirror --format json
	cp out.txt diff-$p.json
	"$PY" clears.py <diff-$p.json >clears-$p.txt
	case $p in
	sb) expect='+447911000001 last_name Russo
+447911000001 company Acme
+447911000001 tags vip
+447911000001 custom:Email ann@x.org
+447911000003 first_name Cy
+447911000003 last_name Russo' ;;
	al) expect='+447911000001 custom:Email ann@x.org
+447911000003 name Cy Russo' ;;
	at) expect='+447911000001 last_name Russo
+447911000001 company Acme
+447911000001 custom:Email ann@x.org
+447911000003 first_name Cy
+447911000003 last_name Russo' ;;
	esac
	check_eq "$p: diff --mode mirror plans the clears as changes to \"\"" "$expect" "$(cat clears-$p.txt)"
	if grep -q '"custom:Extra"' diff-$p.json; then fail "$p: Extra left alone by the plan"; else pass "$p: Extra left alone by the plan"; fi
	check_rc "$p: diff text" 0 cs --config cs.ini diff $p --mode mirror
	n=$(printf '%s\n' "$expect" | wc -l | tr -d ' ')
	check_grep "$p: the text summary counts the fields cleared" "fields cleared (empty in the list, --blank clear): $n" out.txt
	check_rc "$p: diff --mode mirror --blank keep" 0 cs --config cs.ini diff $p --mode mirror --blank keep --format json
	if grep -q '"after":""' out.txt; then fail "$p: --blank keep plans no clear"; else pass "$p: --blank keep plans no clear"; fi
	check_rc "$p: diff --blank clear in upsert" 0 cs --config cs.ini diff $p --blank clear --format csv
	check_grep "$p: --blank clear in upsert plans the clears too (csv: empty after)" ',custom:Email,ann@x.org,$' out.txt

	# pushes that must not clear: upsert (default keep), mirror --blank keep
	check_rc "$p: push --mode upsert" 0 cs --config cs.ini push $p --results res-$p-1
	check_eq "$p: upsert keeps the remote Email" ann@x.org "$(admin "$url" custom:Email +447911000001)"
	check_rc "$p: push --mode mirror --blank keep" 0 cs --config cs.ini push $p --mode mirror --blank keep --results res-$p-2
	check_eq "$p: mirror --blank keep keeps the remote Email" ann@x.org "$(admin "$url" custom:Email +447911000001)"
	case $p in
	al) check_eq "al: keep: Cy's name stays" "Cy Russo" "$(admin "$url" name +447911000003)" ;;
	*) check_eq "$p: keep: Ann's last name stays" Russo "$(admin "$url" last_name +447911000001)"
	   check_eq "$p: keep: Cy's first name stays" Cy "$(admin "$url" first_name +447911000003)" ;;
	esac

	# mirror clears (its default)
	check_rc "$p: push --mode mirror" 0 cs --config cs.ini push $p --mode mirror --results res-$p-3
	check_eq "$p: mirror cleared Ann's Email" "" "$(admin "$url" custom:Email +447911000001)"
	check_eq "$p: mirror left Extra (no column)" keepme "$(admin "$url" custom:Extra +447911000001)"
	check_eq "$p: Bob untouched" bob@x.org "$(admin "$url" custom:Email +447911000002)"
	case $p in
	sb) check_eq "sb: last name cleared" "" "$(admin "$url" last_name +447911000001)"
	    check_eq "sb: company cleared" "" "$(admin "$url" company_name +447911000001)"
	    check_eq "sb: tags cleared" "" "$(admin "$url" tags +447911000001)"
	    check_eq "sb: first name kept" Ann "$(admin "$url" first_name +447911000001)"
	    check_eq "sb: Cy's names cleared" "|" "$(admin "$url" first_name +447911000003)|$(admin "$url" last_name +447911000003)" ;;
	al) check_eq "al: Cy's name cleared" "" "$(admin "$url" name +447911000003)"
	    check_eq "al: Ann's name is the list's" Ann "$(admin "$url" name +447911000001)" ;;
	at) check_eq "at: last name cleared" "" "$(admin "$url" last_name +447911000001)"
	    check_eq "at: company cleared" "" "$(admin "$url" company +447911000001)"
	    check_eq "at: custom_1 (Email) cleared" "" "$(admin "$url" custom_1 +447911000001)"
	    check_eq "at: custom_2 (Extra) kept" keepme "$(admin "$url" custom_2 +447911000001)"
	    check_eq "at: Cy's names cleared" "|" "$(admin "$url" first_name +447911000003)|$(admin "$url" last_name +447911000003)" ;;
	esac
	check_rc "$p: pull again" 0 cs --config cs.ini pull $p $deep
	check_rc "$p: diff after" 0 cs --config cs.ini diff $p --mode mirror
	check_grep "$p: the account is the list: nothing left to plan" "create 0, update 0, delete 0, opt-out 0" out.txt
done

# The profile's blank: keep holds even in mirror, clear works in upsert;
# --blank overrides it.
curl -s -f -X POST "$SB/_emulator/reset" >/dev/null
load "$SB" sendblue.json
check_rc "sbk: pull" 0 cs --config cs.ini pull sbk
check_rc "sbk (blank = keep): diff --mode mirror" 0 cs --config cs.ini diff sbk --mode mirror --format json
if grep -q '"after":""' out.txt; then fail "blank = keep: no clear in mirror"; else pass "blank = keep: no clear in mirror"; fi
check_rc "sbk: diff --mode mirror --blank clear" 0 cs --config cs.ini diff sbk --mode mirror --blank clear --format json
check_grep "--blank clear overrides the profile's keep" '"field":"last_name","before":"Russo","after":""' out.txt
check_rc "sbc: pull" 0 cs --config cs.ini pull sbc
check_rc "sbc (blank = clear): push --mode upsert" 0 cs --config cs.ini push sbc --results res-sbc
check_eq "blank = clear: upsert cleared the last name" "" "$(admin "$SB" last_name +447911000001)"

# usage
check_rc "--blank takes keep or clear only" 2 cs --config cs.ini diff sb --blank maybe
check_grep "says which" "--blank must be keep or clear, not 'maybe'" err.txt
printf '[profile bad]\nprovider = sendblue\nblank = sometimes\n' >bad.ini
check_rc "profile blank takes keep or clear only" 2 cs --config bad.ini diff bad
check_grep "config error names the key" "blank must be keep or clear, not 'sometimes'" err.txt
check_rc "push --help documents --blank" 0 cs push --help
check_grep "push --help" "--blank keep|clear" out.txt
check_rc "diff --help documents --blank" 0 cs diff --help
check_grep "diff --help" "--blank keep|clear" out.txt

exit $((nfail > 0))
