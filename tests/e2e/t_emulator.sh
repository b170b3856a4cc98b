# The provider emulator itself: each dialect's auth, envelopes, round trip
# (checked in the admin dump), pagination, rate limits, quirks, fault
# injection, and sendblue's '+' / %2B paths. Needs curl.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

# code ARGS...: curl's status code; body in body.txt, headers in hdr.txt.
code() { curl -s -m 5 -D hdr.txt -o body.txt -w '%{http_code}' "$@"; }
dump() { curl -s "$U/_emulator/contacts" >dump.txt; }
count_in() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

# load_n N FIRST_PHONE_SUFFIX [EXTRA_JSON]: loads N contacts through the admin.
load_n() {
	awk -v n="$1" -v base="$2" -v extra="${3:-}" 'BEGIN {
		printf "["
		for (i = 0; i < n; i++)
			printf "%s{\"phone\":\"+1555%07d\",\"first_name\":\"F%d\"%s}",
				(i ? "," : ""), base + i, i, extra
		print "]"
	}' >load.json
	curl -s -o load.txt -w '%{http_code}' -X POST --data-binary @load.json "$U/_emulator/contacts"
}

check_rc "emulator binary exists" 0 test -x "$EMU"
check_rc "unknown dialect exits 2" 2 "$EMU" --dialect nope
check_rc "bad rate exits 2" 2 "$EMU" --dialect altum --rate 5/x

# ---- altum ------------------------------------------------------------------
start altum --dialect altum --rate 1000/60s
A='Authorization: Bearer test-key'
check_grep "listening line names 127.0.0.1" '^listening on 127\.0\.0\.1:[0-9][0-9]*$' altum.out
check_eq "altum: no header is 401" 401 "$(code "$U/api/contacts")"
check_grep "altum: missing header gives status as a string" '"status":"401"' body.txt
check_eq "altum: bad key is 401" 401 "$(code -H 'Authorization: Bearer nope' "$U/api/contacts")"
check_grep "altum: bad key gives status as a number" '"status":401}' body.txt
check_eq "altum: lower-case bearer is 401" 401 "$(code -H 'Authorization: bearer test-key' "$U/api/contacts")"
check_eq "altum: multipart create is 201" 201 "$(code -H "$A" -F 'phone_number=+44 7911 123456' -F name=Ann \
	-F 'custom_parameter_key[0]=city' -F 'custom_parameter_value[0]=Leeds' "$U/api/contacts")"
check_grep "altum: create answers data.id" '^{"data":{"id":1}}$' body.txt
check_grep "altum: rate headers on every answer" '^X-RateLimit-Remaining: ' hdr.txt
check_eq "altum: urlencoded create is 201" 201 "$(code -H "$A" --data-urlencode 'phone_number=+15551230001' "$U/api/contacts")"
check_eq "altum: JSON body is not read (401)" 401 "$(code -H "$A" -H 'Content-Type: application/json' \
	-d '{"phone_number":"+15551230002"}' "$U/api/contacts")"
check_grep "altum: errors envelope" '^{"errors":\[{"title":".*","status":401}\]}$' body.txt
check_eq "altum: invalid phone is 401" 401 "$(code -H "$A" -F 'phone_number=12+34' "$U/api/contacts")"
check_eq "altum: duplicate create is 201" 201 "$(code -H "$A" -F 'phone_number=+447911123456' "$U/api/contacts")"
check_grep "altum: duplicate create gives id 0" '"id":0' body.txt
check_eq "altum: get is 200" 200 "$(code -H "$A" "$U/api/contacts/1")"
check_grep "altum: custom parameters as an object" '"custom_parameters":{"city":"Leeds"}' body.txt
code -H "$A" "$U/api/contacts/2" >/dev/null
check_grep "altum: empty custom set is []" '"custom_parameters":\[\]' body.txt
check_eq "altum: update name only" 200 "$(code -H "$A" -F 'name=Anne' -F 'has_opted_out=1' "$U/api/contacts/1")"
dump
check_grep "altum: update keeps custom set when no key sent" '"name":"Anne","custom_parameters":{"city":"Leeds"}' dump.txt
check_grep "altum: has_opted_out is read-only" '"id":1,.*"opted_out":false' dump.txt
check_eq "altum: update custom" 200 "$(code -H "$A" -F 'custom_parameter_key[0]=tier' -F 'custom_parameter_value[0]=gold' "$U/api/contacts/1")"
dump
check_grep "altum: custom set replaced, not merged" '"custom_parameters":{"tier":"gold"}' dump.txt
check_eq "altum: PUT is 404" 404 "$(code -X PUT -H "$A" -F name=x "$U/api/contacts/1")"
check_eq "altum: delete is 200" 200 "$(code -X DELETE -H "$A" "$U/api/contacts/2")"
check_eq "altum: delete body is empty" 0 "$(wc -c <body.txt | tr -d ' ')"
check_eq "altum: deleted contact is 404" 404 "$(code -H "$A" "$U/api/contacts/2")"
dump
check_eq "altum: dump after delete" 1 "$(count_in '"phone":' dump.txt)"

check_eq "altum: admin load 2600" 200 "$(load_n 2600 1000)"
code -H "$A" "$U/api/contacts?results_per_page=1000&page=3" >/dev/null
check_eq "altum: page 3 of 1000 has 601" 601 "$(count_in '"user_id"' body.txt)"
check_grep "altum: page echoed as a string" '"page":"3"' body.txt
check_grep "altum: total_results and total_pages" '"total_results":2601,"total_pages":3' body.txt
check_grep "altum: next is null on the last page" '"next":null' body.txt
code -H "$A" "$U/api/contacts?results_per_page=1000" >/dev/null
check_grep "altum: default order is id DESC" '^{"data":\[{"id":2602,' body.txt
check_grep "altum: next link on page 1" '"next":"http://[^"]*/api/contacts?&page=2"' body.txt
code -H "$A" "$U/api/contacts?results_per_page=7" >/dev/null
check_eq "altum: invalid results_per_page becomes 25" 25 "$(count_in '"user_id"' body.txt)"
check_grep "altum: meta says 25" '"results_per_page":25' body.txt
code -H "$A" "$U/api/contacts?page=999" >/dev/null
check_grep "altum: page past the end is empty" '^{"data":\[\],' body.txt

# Quirk: with --quirks some updates answer 500, yet every one was saved.
start altumq --dialect altum --rate 0 --quirks --seed 3
load_n 1 0 >/dev/null
n500=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	c=$(code -H "$A" -F "name=N$i" "$U/api/contacts/1")
	[ "$c" = 500 ] && n500=$((n500 + 1))
done
check_rc "altum --quirks: some updates answer 500" 0 test "$n500" -gt 0
dump
check_grep "altum --quirks: the 500s were saved" '"name":"N12"' dump.txt

# Rate limit: a small window, rejected requests count, no Retry-After.
start altumr --dialect altum --rate 3/1s
for i in 1 2 3; do code -H "$A" "$U/api/contacts" >/dev/null; done
check_grep "altum rate: limit header" '^X-RateLimit-Limit: 3' hdr.txt
check_grep "altum rate: remaining reaches 0" '^X-RateLimit-Remaining: 0' hdr.txt
check_eq "altum rate: 4th is 429" 429 "$(code -H "$A" "$U/api/contacts")"
check_grep "altum rate: reset header" '^X-RateLimit-Reset: [0-9]' hdr.txt
check_rc "altum rate: no Retry-After" 1 grep -qi '^Retry-After' hdr.txt
check_grep "altum rate: errors envelope" '"status":429' body.txt
sleep 1.1
check_eq "altum rate: new window after reset" 200 "$(code -H "$A" "$U/api/contacts")"

# ---- atom ---------------------------------------------------------------------
start atom --dialect atom --rate 0
A='Authorization: Bearer test-key'
J='Content-Type: application/json'
check_eq "atom: bad token is 403" 403 "$(code -X POST -H "$J" -d '{}' "$U/api/address-book/list")"
check_grep "atom: error body" '"status":"error"' body.txt
check_eq "atom: book new" 200 "$(code -H "$A" -H "$J" -d '{"name":"Main"}' "$U/api/address-book/new")"
check_grep "atom: success envelope" '^{"status":"success","result":{"id":' body.txt
check_grep "atom: book new answers id and name" '"result":{"id":"*[0-9][0-9]*"*,"name":"Main"}' body.txt
code -H "$A" -H "$J" -d '{"name":"Other"}' "$U/api/address-book/new" >/dev/null
check_eq "atom: contact new" 200 "$(code -H "$A" -H "$J" -d '{"group_id":1,"phone_number":"0412345678","first_name":"John","custom_2":"x"}' "$U/api/contact/new")"
check_grep "atom: contact id 1 is a number or string" '"result":{"id":"*1"*}' body.txt
code -H "$A" -H "$J" -d '{"group_id":"1","phone_number":"61444444444"}' "$U/api/contact/new" >/dev/null
check_grep "atom: ids come as strings" '"id":"2"' body.txt
check_eq "atom: detail by string id" 200 "$(code -H "$A" -H "$J" -d '{"id":"1"}' "$U/api/contact/detail")"
check_grep "atom: detail fields" '"first_name":"John",.*"phone_number":"0412345678",.*"custom_2":"x"' body.txt
check_rc "atom: detail has no group_id" 1 grep -q group_id body.txt
check_eq "atom: edit" 200 "$(code -H "$A" -H "$J" -d '{"id":1,"last_name":"Doe","group_id":2}' "$U/api/contact/edit")"
code -H "$A" -H "$J" -d '{"id":2}' "$U/api/address-book/detail" >/dev/null
check_grep "atom: edit with group_id moves the contact" '"contacts":\[{"id":[^,]*,"first_name":"John","last_name":"Doe"' body.txt
code -H "$A" -H "$J" -d '{"id":1}' "$U/api/address-book/detail" >/dev/null
check_eq "atom: old book no longer has it" 1 "$(count_in '"phone_number"' body.txt)"
dump
check_grep "atom: dump shows the book" '"id":1,.*"book":2,"first_name":"John","last_name":"Doe"' dump.txt
check_eq "atom: duplicate phone is 409" 409 "$(code -H "$A" -H "$J" -d '{"group_id":1,"phone_number":"0412345678"}' "$U/api/contact/new")"
check_eq "atom: unknown book is 404" 404 "$(code -H "$A" -H "$J" -d '{"group_id":9,"phone_number":"0412000000"}' "$U/api/contact/new")"
check_eq "atom: GET is not a route" 404 "$(code -H "$A" "$U/api/contact/detail")"
check_eq "atom: delete" 200 "$(code -H "$A" -H "$J" -d '{"id":1}' "$U/api/contact/delete")"
check_eq "atom: deleted is 404" 404 "$(code -H "$A" -H "$J" -d '{"id":1}' "$U/api/contact/detail")"
check_eq "atom: load 300 into book 7" 200 "$(load_n 300 0 ',"book":7')"
code -H "$A" -H "$J" -d '{"id":7}' "$U/api/address-book/detail" >/dev/null
check_eq "atom: book detail lists all 300" 300 "$(count_in '"phone_number"' body.txt)"
check_eq "atom: list has 3 books" 3 "$(code -H "$A" -H "$J" -d '{}' "$U/api/address-book/list" >/dev/null; count_in '"name"' body.txt)"

# atom's 10 a second, over a minute: 15 requests exceed it however slowly a
# loaded machine sends them (at 10/s they did not always)
start atomr --dialect atom --rate 10/60s
n429=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	c=$(code -H "$A" -H "$J" -d '{}' "$U/api/address-book/list")
	[ "$c" = 429 ] && n429=$((n429 + 1)) && cp hdr.txt hdr429.txt && cp body.txt body429.txt
done
check_rc "atom rate: past 10 in the window gets 429" 0 test "$n429" -gt 0
check_grep "atom rate: Retry-After seconds" '^Retry-After: [0-9]' hdr429.txt
check_grep "atom rate: rate_limited code" '"code":"rate_limited"' body429.txt

# ---- sendblue -------------------------------------------------------------------
start sb --dialect sendblue --key-id kid --secret sec
S1='sb-api-key-id: kid'
S2='sb-api-secret-key: sec'
J='Content-Type: application/json'
check_eq "sendblue: no auth is 401" 401 "$(code "$U/api/v2/contacts")"
check_grep "sendblue: error body" '"status":"ERROR"' body.txt
check_eq "sendblue: header names are case-insensitive" 200 "$(code -H 'SB-API-KEY-ID: kid' -H 'Sb-Api-Secret-Key: sec' "$U/api/v2/contacts")"
check_eq "sendblue: bearer works too" 200 "$(code -H 'Authorization: Bearer test-key' "$U/api/v2/contacts")"
check_grep "sendblue: list is a bare array" '^\[\]$' body.txt
check_eq "sendblue: create" 200 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"number":"+15557770001","first_name":"Ann","company_name":"Co","tags":["a"],"custom_variables":{"k1":"v1"}}' "$U/api/v2/contacts")"
check_grep "sendblue: create answers contact and status" '"phone":"+15557770001",.*"status":"OK"' body.txt
check_grep "sendblue: create ignores company_name" '"company_name":null' body.txt
check_eq "sendblue: create with phone (not number) is 400" 400 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"phone":"+15557770002"}' "$U/api/v2/contacts")"
check_eq "sendblue: invalid number is 400" 400 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"number":"5557770002"}' "$U/api/v2/contacts")"
check_eq "sendblue: existing number is 409" 409 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"number":"+15557770001"}' "$U/api/v2/contacts")"
check_eq "sendblue: get with a literal +" 200 "$(code -H "$S1" -H "$S2" "$U/api/v2/contacts/+15557770001")"
check_grep "sendblue: + is not a space" '"phone":"+15557770001"' body.txt
check_eq "sendblue: get with %2B" 200 "$(code -H "$S1" -H "$S2" "$U/api/v2/contacts/%2B15557770001")"
check_eq "sendblue: unknown is 404" 404 "$(code -H "$S1" -H "$S2" "$U/api/v2/contacts/%2B15557770009")"
check_eq "sendblue: put" 200 "$(code -X PUT -H "$S1" -H "$S2" -H "$J" -d '{"company_name":"Co2","tags":["b"],"custom_variables":{"k2":"v2"}}' "$U/api/v2/contacts/%2B15557770001")"
dump
check_grep "sendblue: put merges custom_variables" '"custom_variables":{"k1":"v1","k2":"v2"}' dump.txt
check_grep "sendblue: put replaces tags and sets company" '"company_name":"Co2",.*"tags":\["b"\]' dump.txt
check_eq "sendblue: opt-out" 200 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"number":"+15557770001"}' "$U/api/v2/contacts/opt-out")"
check_grep "sendblue: opt-out answer" '"opted_out":true,"status":"OK"' body.txt
dump
check_grep "sendblue: opt-out stored" '"opted_out":true' dump.txt
check_eq "sendblue: bulk create" 200 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"contacts":[{"phone":"+15557770003","company_name":"B"},{"phone":"+15557770004"}]}' "$U/api/v2/contacts/bulk")"
check_eq "sendblue: bulk created 2" 2 "$(count_in '"phone":' body.txt)"
check_eq "sendblue: bulk with number is 400" 400 "$(code -H "$S1" -H "$S2" -H "$J" -d '{"contacts":[{"number":"+15557770005"}]}' "$U/api/v2/contacts/bulk")"
check_eq "sendblue: bulk delete" 200 "$(code -X DELETE -H "$S1" -H "$S2" -H "$J" -d '{"contact_ids":["+15557770003","+15557770004","+15557770009"]}' "$U/api/v2/contacts")"
check_grep "sendblue: bulk delete amount" '"amount":2' body.txt
check_eq "sendblue: delete one" 200 "$(code -X DELETE -H "$S1" -H "$S2" "$U/api/v2/contacts/+15557770001")"
check_grep "sendblue: delete answers status" '"status":"OK"' body.txt
dump
check_eq "sendblue: dump empty after deletes" 0 "$(count_in '"phone":' dump.txt)"

check_eq "sendblue: load 12000" 200 "$(load_n 12000 0)"
code -H "$S1" -H "$S2" "$U/api/v2/contacts/count" >/dev/null
check_grep "sendblue: count" '^{"count":12000}$' body.txt
check_eq "sendblue: offset 10001 is 400" 400 "$(code -H "$S1" -H "$S2" "$U/api/v2/contacts?offset=10001")"
check_eq "sendblue: limit 1001 is 400" 400 "$(code -H "$S1" -H "$S2" "$U/api/v2/contacts?limit=1001")"
code -H "$S1" -H "$S2" "$U/api/v2/contacts" >/dev/null
check_eq "sendblue: default limit 100" 100 "$(count_in '"phone":' body.txt)"
code -H "$S1" -H "$S2" "$U/api/v2/contacts?phone_number=%2B15550000042" >/dev/null
check_eq "sendblue: phone_number filter" 1 "$(count_in '"phone":' body.txt)"
gte=2000-01-01T00:00:00Z
: >seen.txt
pages=0
while [ $pages -lt 40 ]; do
	code -H "$S1" -H "$S2" "$U/api/v2/contacts?order_by=created_at&order_direction=asc&limit=1000&created_at_gte=$gte" >/dev/null
	grep -o '"phone":"[^"]*"' body.txt >>seen.txt
	pages=$((pages + 1))
	[ "$(count_in '"phone":' body.txt)" -lt 1000 ] && break
	gte=$(grep -o '"created_at":"[^"]*"' body.txt | tail -1 | cut -d'"' -f4)
done
check_eq "sendblue: keyset paging reaches every contact" 12000 "$(sort -u seen.txt | wc -l | tr -d ' ')"
check_rc "sendblue: boundary timestamps repeat (collisions)" 0 test "$(wc -l <seen.txt)" -gt 12000

start sbc --dialect sendblue --concurrency 2 --latency 300
cpids=""
for i in 1 2 3 4 5 6; do
	curl -s -m 5 -D "h$i.txt" -o /dev/null -H 'Authorization: Bearer test-key' "$U/api/v2/contacts/count" &
	cpids="$cpids $!"
done
for p in $cpids; do wait "$p"; done
check_rc "sendblue: too many concurrent requests get 429" 0 grep -q ' 429' h1.txt h2.txt h3.txt h4.txt h5.txt h6.txt
check_rc "sendblue: 429 says retry-after-ms and x-should-retry" 0 sh -c 'grep -l " 429" h?.txt | xargs grep -qi "^retry-after-ms: " && grep -l " 429" h?.txt | xargs grep -qi "^x-should-retry: true"'

# ---- faults -----------------------------------------------------------------------
start faults --dialect altum --rate 0 --fail-rate 0.5 --seed 7 --stall 2000
A='Authorization: Bearer test-key'
n5xx=0 nbad=0 nok=0 n201=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
	c=$(curl -s -m 1 -o body.txt -w '%{http_code}' -H "$A" -F "phone_number=+1555888$(printf %04d $i)" "$U/api/contacts")
	case $c in
	5*) n5xx=$((n5xx + 1)) ;;
	201) if grep -q '^{"data":{"id":[1-9][0-9]*}}$' body.txt; then n201=$((n201 + 1)); else nbad=$((nbad + 1)); fi ;;
	*) nbad=$((nbad + 1)) ;;
	esac
done
check_rc "faults: some 5xx" 0 test "$n5xx" -gt 0
check_rc "faults: some stalled, dropped or truncated" 0 test "$nbad" -gt 0
check_rc "faults: some succeed" 0 test "$n201" -gt 0
dump
check_eq "faults: failed writes were not applied" "$n201" "$(count_in '"phone":' dump.txt)"
nadmin=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(curl -s -m 2 -o stats.txt -w '%{http_code}' "$U/_emulator/stats")" = 200 ] &&
		grep -q '}}$' stats.txt && nadmin=$((nadmin + 1))
done
check_eq "faults: admin endpoints never fail" 10 "$nadmin"
check_grep "faults: stats count per route and status" '"POST /api/contacts":{' stats.txt
# Each outcome once per route, whole ("truncated" was cut to "truncat" and
# counted in several rows), and the outcomes add up to the total.
check_eq "faults: stats outcomes named whole, once each, adding up" ok "$(python3 -c '
import json, sys
def pairs(kv):
    keys = [k for k, _ in kv]
    if len(keys) != len(set(keys)):
        sys.exit("repeated keys: %s" % keys)
    return dict(kv)
s = json.load(open("stats.txt"), object_pairs_hook=pairs)
known = {"stall", "dropped", "truncated", "total"}
for route, row in s["endpoints"].items():
    odd = [k for k in row if not k.isdigit() and k not in known]
    if odd:
        sys.exit("%s: %s" % (route, odd))
    if sum(v for k, v in row.items() if k != "total") != row["total"]:
        sys.exit("%s: does not add up" % route)
print("ok")' 2>&1)"
check_eq "stats reset" 200 "$(code -X POST "$U/_emulator/stats/reset")"
check_eq "reset" 200 "$(code -X POST "$U/_emulator/reset")"
dump
check_eq "reset empties the store" "[]" "$(cat dump.txt)"

# ---- generate: N contacts made in place, for benchmarks ---------------------
for d in sendblue altum atom; do
	start "gen-$d" --dialect "$d"
	check_eq "$d generate: 5 contacts" 200 \
		"$(code -X POST -d '{"count":5,"first_phone":"+447710000098"}' "$U/_emulator/generate")"
	check_grep "$d generate: loaded and counted" '"loaded":5,"count":5' body.txt
	dump
	check_eq "$d generate: five contacts in the dump" 5 "$(count_in '"id":' dump.txt)"
	check_eq "$d generate: numbers count up, across a carry" 1 "$(count_in '7710000102"' dump.txt)"
	case $d in
	altum) check_grep "$d generate: one name" '"name":"First4 Last4"' dump.txt ;;
	*) check_grep "$d generate: first and last names" '"first_name":"First4","last_name":"Last4"' dump.txt ;;
	esac
	check_grep "$d generate: the email custom field" 'p4@example.com' dump.txt
	check_eq "$d generate: a number already there refuses the whole call" 400 \
		"$(code -X POST -d '{"count":3,"first_phone":"+447710000096"}' "$U/_emulator/generate")"
	check_grep "$d generate: names the contact" 'contact 3 (+447710000098): duplicate phone' body.txt
	dump
	check_eq "$d generate: nothing of the refused call kept" 5 "$(count_in '"id":' dump.txt)"
	check_eq "$d generate: a bad body is 400" 400 \
		"$(code -X POST -d '{"count":"x"}' "$U/_emulator/generate")"
done

# SIGTERM ends it cleanly.
kill "$pid"
wait "$pid"
check_eq "exits 0 on SIGTERM" 0 $?
finish
