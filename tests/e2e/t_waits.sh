# Every wait has a ceiling (issue 18): a server's X-RateLimit-Remaining: 0
# with a reset it would take a day, or a Unix time in milliseconds, or one
# that ends after the time budget, fails the pull (exit 4) or stops the
# push (exit 6) at once, with a message naming the header and its value;
# a short reset is waited for; a reset that is no believable time is not
# trusted. The emulator's hostile mode `ratelimit` sends the headers on
# the first listing page (or the first create). Every command runs under
# `timeout -k` (a push waiting inside the HTTP client did not even heed
# SIGTERM), so a client that waits a day fails here instead of hanging.
# (Before: the pull waited 86,400 s, or ~56,000 years for the milliseconds.)
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export AL_KEY=alkey
: >cs.ini

# 2,500 people: three pages of altum's 1000, so the first page's headers
# decide whether the second is asked for
"$PY" - <<'PYEOF'
import json
json.dump([{"phone": "+4479%08d" % (11000000 + i), "name": "F%d" % i} for i in range(2500)],
          open("altum.json", "w"))
PYEOF
start al --dialect altum --key alkey --rate 0
AL=$U
load "$AL" altum.json
# create_settle 1s: a run stopped with a create unanswered confirms it by
# a listing 1 s after it was sent, not the default 2 min (t_trust.sh)
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0
timeout = 5s
create_settle = 1s
max_wait = 2s'
profile alb altum "$AL" 'api_key_env = AL_KEY
rate = 0
timeout = 5s
create_settle = 1s'

hostile() { # JSON: one more rule ({"mode":"none"} clears them)
	curl -s -f -X POST -d "$1" "$AL/_emulator/hostile" >/dev/null
}
page1() { # RESET: the next listing page says the window is used up until RESET
	hostile '{"mode":"none"}'
	hostile "{\"mode\":\"ratelimit\",\"endpoint\":\"GET /api/contacts\",\"count\":1,\"value\":\"$1\"}"
}
requests() { # PATTERN: requests the emulator saw for it
	curl -s "$AL/_emulator/stats" | "$PY" -c \
		"import json,sys; print(json.load(sys.stdin)['endpoints'].get('$1', {}).get('total', 0))"
}

check_rc "a first pull" 0 timeout -k 10 60 "$BIN" --config cs.ini pull al
cs export --from remote:al -o base.csv

# a reset of a day, in seconds: refused at once, the snapshot kept
page1 86400
reset_stats "$AL"
check_rc "reset 86400 s: the pull fails (exit 4)" 4 timeout -k 10 60 "$BIN" --config cs.ini pull al
check_grep "reset 86400 s: the message names the header, its value and max_wait" \
	"X-RateLimit-Reset: 86400 asks for a wait of 24h, more than max_wait 2s" err.txt
check_grep "reset 86400 s: and the request refused" "cannot GET '$AL/api/contacts?" err.txt
check_eq "reset 86400 s: no page after the first was asked for" 1 "$(requests 'GET /api/contacts')"
cs export --from remote:al -o after.csv
check_same "reset 86400 s: the previous snapshot is intact" base.csv after.csv

# a reset in Unix milliseconds 5 s ahead: 5 s (not 56,000 years), more
# than max_wait 2 s
page1 epochms+5
check_rc "reset in epoch ms: the pull fails (exit 4)" 4 timeout -k 10 60 "$BIN" --config cs.ini pull al
check_grep "reset in epoch ms: read as milliseconds, a wait of about 5 s" \
	"(a Unix time in milliseconds) asks for a wait of [45]s, more than max_wait 2s" err.txt

# the same in Unix seconds, 60 s ahead: told apart too
page1 epoch+60
check_rc "reset in epoch s: the pull fails (exit 4)" 4 timeout -k 10 60 "$BIN" --config cs.ini pull al
check_grep "reset in epoch s: read as seconds, a wait of about a minute" \
	"(a Unix time in seconds) asks for a wait of \(59s\|1m\)" err.txt

# waits within max_wait are waited for
page1 1
check_rc "reset 1 s: waited for, the pull succeeds" 0 timeout -k 10 60 "$BIN" --config cs.ini pull al
check_grep "reset 1 s: every contact" "pulled 2500 contacts" out.txt
page1 epoch+1
check_rc "reset 1 s ahead in epoch s: the pull succeeds" 0 timeout -k 10 60 "$BIN" --config cs.ini pull al

# a reset that is no believable time is not trusted: the pull goes on
page1 99999999999999
check_rc "absurd reset: not trusted, the pull succeeds" 0 timeout -k 10 60 "$BIN" --config cs.ini pull al
check_grep "absurd reset: every contact" "pulled 2500 contacts" out.txt
hostile '{"mode":"none"}'

# the push: the first create says the window is used up for a day; the
# push stops early (exit 6) and leaves the rest for the next run, which
# finishes it without a duplicate
"$PY" - <<'PYEOF'
import csv
rows = [("+4479%08d" % (11000000 + i), "F%d" % i) for i in range(2500)]
rows += [("+4479%08d" % (12000000 + i), "New%d" % i) for i in range(20)]
w = csv.writer(open("list.csv", "w", newline=""))
w.writerow(("phone", "name"))
w.writerows(rows)
PYEOF
check_rc "import of the list with 20 new people" 0 cs import list.csv
check_rc "pull before the push" 0 timeout -k 10 60 "$BIN" --config cs.ini pull al
hostile '{"mode":"ratelimit","endpoint":"POST /api/contacts","count":1,"value":"86400"}'
check_rc "push, reset 86400 s: stops early (exit 6)" 6 timeout -k 10 60 "$BIN" --config cs.ini push al --mode insert --concurrency 1
check_grep "push, reset 86400 s: the message names the header" \
	"X-RateLimit-Reset: 86400 asks for a wait of 24h, more than max_wait 2s" err.txt
made=$(requests 'POST /api/contacts')
if [ "$made" -ge 1 ] && [ "$made" -lt 20 ]; then pass "push, reset 86400 s: stopped after $made of 20 creates"
else fail "push, reset 86400 s: $made creates sent (wanted 1 to 19)"; fi
hostile '{"mode":"none"}'
check_rc "push, reset 86400 s: the next run finishes" 0 timeout -k 10 60 "$BIN" --config cs.ini push al --mode insert
check_eq "push, reset 86400 s: no create sent twice" 0 "$(dupes "$AL")"
check_rc "pull after the push" 0 timeout -k 10 60 "$BIN" --config cs.ini pull al
check_grep "push, reset 86400 s: all 20 are there" "pulled 2520 contacts" out.txt

# the time budget: a reset of 60 s (within alb's default max_wait of 15 min)
# with 3 s of budget left stops the push at once, as a budget stop does
printf 'phone,name\n+447913000001,Late1\n+447913000002,Late2\n+447913000003,Late3\n' >late.csv
check_rc "import of 3 more" 0 cs import --append late.csv
check_rc "pull before the budget push" 0 timeout -k 10 60 "$BIN" --config cs.ini pull alb
hostile '{"mode":"ratelimit","endpoint":"POST /api/contacts","count":1,"value":"60"}'
check_rc "push, reset 60 s, budget 3 s: stopped early (exit 6)" 6 timeout -k 10 30 "$BIN" --config cs.ini push alb --mode insert --concurrency 1 --time-budget 3s
check_grep "push, reset 60 s, budget 3 s: the message names the header and the budget" \
	"X-RateLimit-Reset: 60 asks for a wait of 1m, past the end of the time budget" err.txt
hostile '{"mode":"none"}'
check_rc "push after the budget stop: finishes" 0 timeout -k 10 60 "$BIN" --config cs.ini push alb --mode insert
check_eq "after the budget stop: no create sent twice" 0 "$(dupes "$AL")"

# a host name that does not resolve: one attempt, named
profile nx altum "http://no-such-host.invalid" 'api_key_env = AL_KEY
insecure = true
rate = 0'
check_rc "unresolved host: the pull fails (exit 4)" 4 timeout -k 10 60 "$BIN" --config cs.ini pull nx
check_grep "unresolved host: named" "the host name 'no-such-host.invalid' does not resolve" err.txt

finish
