# A listing is bounded and never trusted too far (issue 18), against the
# emulator's hostile listings: a keyset listing that never ends (sendblue
# `keyset`), one that goes round without adding anyone (`repeat`), an
# altum page 1 announcing 10^12 pages (`pages`), a phone value longer than
# a store key (`longphone`), and an account that suddenly lists nobody
# (`empty`). Each pull that is stopped ends with the exit code the issue
# names (4: a listing beyond its bounds; 3: a listing that shrank too much)
# and a message saying why, the previous snapshot intact; the long number
# is kept whole. Counts come from the emulator's own statistics.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey AT_KEY=atkey
: >cs.ini

# 1,200 people: two pages of altum's and sendblue's 1000
"$PY" - <<'PYEOF'
import json
n = 1200
def phone(i): return "+4479%08d" % (11000000 + i)
json.dump([{"phone": phone(i), "first_name": "F%d" % i,
            "created_at": "2026-01-01T%02d:%02d:%02dZ" % (i // 3600, (i // 60) % 60, i % 60)}
           for i in range(n)], open("sendblue.json", "w"))
json.dump([{"phone": phone(i), "name": "F%d" % i} for i in range(n)], open("altum.json", "w"))
json.dump([{"phone": "0" + phone(i)[3:], "first_name": "F%d" % i, "book": 1} for i in range(n)],
          open("atom.json", "w"))
with open("list.csv", "w") as f:
    f.write("phone,first_name\n")
    for i in range(n):
        f.write("%s,F%d\n" % (phone(i), i))
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
timeout = 5s'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0
timeout = 5s'
profile at atom "$AT" 'api_key_env = AT_KEY
address_book = Customers
rate = 0
timeout = 5s'

url() { case $1 in sb) echo "$SB" ;; al) echo "$AL" ;; at) echo "$AT" ;; esac; }
hostile() { # PROFILE JSON: one more rule ({"mode":"none"} clears them)
	curl -s -f -X POST -d "$2" "$(url "$1")/_emulator/hostile" >/dev/null
}
listings() { # PROFILE: listing requests the emulator answered since the last reset
	curl -s "$(url "$1")/_emulator/stats" | "$PY" -c '
import json, sys
s = json.load(sys.stdin)["endpoints"]
print(sum(v["total"] for k, v in s.items() if k in ("GET /api/contacts", "GET /api/v2/contacts")))'
}
snap_count() { cs export --from remote:"$1" | tail -n +2 | wc -l | tr -d ' '; }
# pulls are run with a ceiling on memory, so that a client queueing every
# page at once fails here instead of exhausting the machine. Under ASan,
# which reserves terabytes of address space for its shadow memory, a limit
# on address space stops the binary at its start: ASan's own ceiling on
# resident memory stands in for it.
pull_capped() {
	case "${CONTACTSYNC_BUILD:-build}" in
	build-asan)
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=4000" \
			cs --config cs.ini pull "$@" ;;
	*)
		(ulimit -v 4000000; cs --config cs.ini pull "$@") ;;
	esac
}

# ---- altum: a page 1 announcing 10^12 pages -------------------------------
# On a first pull the bound is 1,000,000 contacts. (Before: every page
# request was queued at once, memory grew by ~350 MB/s until the kill.)
hostile al '{"mode":"pages"}'
reset_stats "$AL"
check_rc "al pages, first pull: stopped as a remote error" 4 pull_capped al
check_grep "al pages: names the count announced" "announces 1000000000000000 contacts" err.txt
check_grep "al pages: and the first pull's bound" "a first pull follows at most 1000000" err.txt
check_grep "al pages: --force is named" "force lifts the bound" err.txt
check_eq "al pages: only page 1 was asked for" 1 "$(listings al)"
hostile al '{"mode":"none"}'
check_rc "al: a true first pull" 0 cs --config cs.ini pull al
check_grep "al: all of them" "pulled 1200 contacts" out.txt
cs export --from remote:al -o al-base.csv
hostile al '{"mode":"pages"}'
check_rc "al pages after a snapshot: stopped" 4 pull_capped al
check_grep "al pages: the bound from the snapshot" "the last snapshot has 1200 and the list 0, so at most 22000 are followed" err.txt
cs export --from remote:al -o al-after.csv
check_same "al pages: the previous snapshot is intact" al-base.csv al-after.csv
# --force follows the count, but a window of pages at a time: the pages
# beyond the account's are empty, the listing ends as changed, and only a
# bounded number of requests was ever queued
reset_stats "$AL"
check_rc "al pages --force: ends (the pages do not hold the count)" 4 pull_capped al --force
check_grep "al pages --force: says the listing changed" "changed" err.txt
n=$(listings al)
if [ "$n" -le 60 ]; then pass "al pages --force: $n page requests, a window at a time"
else fail "al pages --force: $n page requests"; fi
hostile al '{"mode":"none"}'

# ---- sendblue: a keyset listing without end, and one going round ----------
check_rc "sb: first pull" 0 cs --config cs.ini pull sb
check_grep "sb: all of them" "pulled 1200 contacts" out.txt
cs export --from remote:sb -o sb-base.csv
hostile sb '{"mode":"keyset"}'
reset_stats "$SB"
check_rc "sb keyset: stopped as a remote error" 4 pull_capped sb
check_grep "sb keyset: says the listing went past the bound" "goes on past 22000 contacts (the last snapshot has 1200 and the list 0" err.txt
n=$(listings sb)
if [ "$n" -ge 22 ] && [ "$n" -le 24 ]; then pass "sb keyset: $n pages (22,000 contacts at 999 a page)"
else fail "sb keyset: $n pages"; fi
cs export --from remote:sb -o sb-after.csv
check_same "sb keyset: the previous snapshot is intact" sb-base.csv sb-after.csv
hostile sb '{"mode":"none"}'
hostile sb '{"mode":"repeat"}'
reset_stats "$SB"
check_rc "sb repeat: stopped as a remote error" 4 pull_capped sb
check_grep "sb repeat: says the listing does not move on" "2 full pages in a row .* added no contact not listed already" err.txt
check_eq "sb repeat: three pages asked for" 3 "$(listings sb)"
cs export --from remote:sb -o sb-after.csv
check_same "sb repeat: the previous snapshot is intact" sb-base.csv sb-after.csv
hostile sb '{"mode":"none"}'

# ---- a remote phone value longer than a store key -------------------------
# (Before: "bad record size", exit 1; the account could not be pulled.)
long='07911 123456 ext. 4321 - ask for Ms Okafor at reception, weekday mornings only'
for p in sb al at; do
	hostile $p '{"mode":"longphone","count":1}'
	check_rc "$p longphone: the pull succeeds" 0 cs --config cs.ini pull $p
	check_grep "$p longphone: reported as not valid, kept" "which is not valid" err.txt
	check_grep "$p longphone: all listed" "pulled 1200 contacts" out.txt
	hostile $p '{"mode":"none"}'
	cs export --from remote:$p -o $p-long.csv
	check_grep "$p longphone: the whole value is in the snapshot" "$long" $p-long.csv
	check_eq "$p longphone: 1200 rows" 1200 "$(snap_count $p)"
done
# The plan sees it as any invalid remote number: in mirror mode a delete
# candidate (the list does not hold it), and the real number of the
# contact it hid is a create.
check_rc "import the list" 0 cs --config cs.ini import list.csv
check_rc "al longphone: diff --mode mirror" 0 cs --config cs.ini diff al --mode mirror
check_grep "al longphone: one create, one delete" "create 1, update 0, delete 1" out.txt
for p in sb al at; do
	check_rc "$p: a clean pull again" 0 cs --config cs.ini pull $p
	cs export --from remote:$p -o $p-base.csv
done

# ---- an account that suddenly lists nobody --------------------------------
# (Before: the empty listing replaced the snapshot, and the next plan
# created everyone again.)
for p in sb al at; do
	hostile $p '{"mode":"empty"}'
	check_rc "$p empty: the pull is stopped by the guard" 3 cs --config cs.ini pull $p
	check_grep "$p empty: both counts named" "the listing has 0 contacts where the last snapshot has 1200" err.txt
	check_grep "$p empty: the option named" "max-remote-shrink-percent 50" err.txt
	cs export --from remote:$p -o $p-after.csv
	check_same "$p empty: the previous snapshot is intact" $p-base.csv $p-after.csv
done
# sync: stops before the push, nothing written
reset_stats "$AL"
check_rc "al empty: sync stops by the guard" 3 cs --config cs.ini sync al list.csv --mode mirror
check_grep "al empty: sync says nothing was pushed" "nothing pushed" err.txt
check_eq "al empty: no write reached the account" 0 "$(writes "$AL")"
check_rc "al empty: diff plans nothing" 0 cs --config cs.ini diff al
check_grep "al empty: create 0" "create 0," out.txt
# a shrink within --max-remote-shrink-percent, or --force, is accepted
check_rc "sb empty: --max-remote-shrink-percent 100 accepts it" 0 \
	cs --config cs.ini pull sb --max-remote-shrink-percent 100
check_eq "sb empty: the snapshot is empty" 0 "$(snap_count sb)"
check_rc "at empty: --force accepts it" 0 cs --config cs.ini pull at --force
check_eq "at empty: the snapshot is empty" 0 "$(snap_count at)"
for p in sb al at; do hostile $p '{"mode":"none"}'; done
check_rc "bad --max-remote-shrink-percent" 2 cs --config cs.ini pull al --max-remote-shrink-percent 101

finish
