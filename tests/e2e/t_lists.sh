# One list per profile (issue 18): a profile syncs its own list (its
# `list`, else the list named as it), `import --list` stages one by hand,
# `diff`/`push` of a profile without its list say how to make it, several
# profiles may share a list, and syncs of different profiles run at the
# same time in one store (the store's writer lock used to stop the second
# one at once with exit 5), each account ending exactly like its list.
# Expected accounts are the test's own lists, compared with the emulators'
# admin listings.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

EMU_OWN_LIST=1
. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret

# list FILE FIRST COUNT: COUNT contacts +4479110FIRST...
mklist() {
	awk -v first="$2" -v n="$3" 'BEGIN { print "phone,first_name"
		for (i = 0; i < n; i++) printf "+44791%07d,N%d\n", first + i, first + i }' >"$1"
}

# account URL FILE: "ok" when the emulator holds exactly FILE's contacts
account() {
	"$PY" - "$1" "$2" <<'PYEOF'
import csv, json, sys, urllib.request
got = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/contacts"))
have = {c["phone"]: c.get("first_name") for c in got}
want = {r["phone"]: r["first_name"] for r in csv.DictReader(open(sys.argv[2]))}
bad = [p for p in set(want) | set(have) if want.get(p) != have.get(p)]
print("ok" if not bad else "%d differ (e.g. %s)" % (len(bad), sorted(bad)[0]))
PYEOF
}

sb() { # NAME URL [EXTRA]
	profile "$1" sendblue "$2" "api_key_id_env = SB_ID
api_secret_env = SB_SECRET${3:+
$3}"
}

start a --dialect sendblue --key-id kid --secret sbsecret --latency 300
A=$U
start b --dialect sendblue --key-id kid --secret sbsecret --latency 300
B=$U
start c --dialect sendblue --key-id kid --secret sbsecret
C=$U
start d --dialect sendblue --key-id kid --secret sbsecret
D=$U
sb shop "$A"
sb flaky "$B"
sb eu "$C" "list = shared"
sb us "$D" "list = shared"
mklist shop.csv 1000 40
mklist flaky.csv 2000 25
mklist shared.csv 3000 30

# --- a profile without its list ----------------------------------------------
cs --config cs.ini pull shop >/dev/null 2>&1
check_rc "diff of a profile whose list holds nothing: exit 2" 2 cs --config cs.ini diff shop
check_grep "says how to stage it" "profile 'shop' syncs list 'shop', which holds nothing yet: stage it with 'contactsync import --list shop FILE'" err.txt
check_rc "push likewise" 2 cs --config cs.ini push shop
check_rc "a plain import stages the list 'default'" 0 cs import flaky.csv
check_rc "which is not shop's" 2 cs --config cs.ini diff shop

# --- import --list, diff and export of one list ------------------------------
check_rc "import --list shop" 0 cs import --list shop shop.csv
check_grep "the summary names the list" "desired set 'shop': 40 contacts" out.txt
check_rc "diff shop" 0 cs --config cs.ini diff shop
check_grep "plans shop's list" "create 40," out.txt
cs export --list shop -o shop-out.csv
check_eq "export --list shop: its 40 contacts" 41 "$(wc -l <shop-out.csv | tr -d ' ')"
cs export -o default-out.csv
check_eq "export: the list 'default' (flaky.csv's 25)" 26 "$(wc -l <default-out.csv | tr -d ' ')"
check_rc "export of a list that holds nothing: exit 2" 2 cs export --list nowhere
check_grep "naming it" "list 'nowhere' holds nothing yet" err.txt
check_rc "--list and --from together: exit 2" 2 cs export --list shop --from remote:shop
check_rc "a list name with '#': exit 2" 2 cs import --list 'a#b' shop.csv
printf '[profile x]\nprovider = sendblue\nlist = a#b\n' >bad.ini
check_rc "a profile's list with '#': exit 2" 2 cs --config bad.ini status
check_grep "naming the key" "list must be a list's name" err.txt

# --- the bug: another profile's sync never feeds this one's plan -------------
check_rc "sync flaky" 0 cs --config cs.ini sync flaky flaky.csv
check_rc "diff shop afterwards" 0 cs --config cs.ini diff shop
check_grep "still shop's own list, not flaky's" "create 40," out.txt

# --- two syncs of different profiles at once ----------------------------------
mklist flaky.csv 2000 35
"$BIN" --config cs.ini sync shop shop.csv >shop.out 2>shop.err &
p1=$!
"$BIN" --config cs.ini sync flaky flaky.csv >flaky.out 2>flaky.err &
p2=$!
PIDS="$PIDS $p1 $p2"
wait $p1
r1=$?
wait $p2
r2=$?
check_eq "sync shop beside sync flaky: exit 0" 0 "$r1"
check_eq "sync flaky beside sync shop: exit 0" 0 "$r2"
check_rc "neither was refused a lock" 1 grep -q "locked" shop.err flaky.err
check_eq "shop's account is exactly shop's list" ok "$(account "$A" shop.csv)"
check_eq "flaky's account is exactly flaky's list" ok "$(account "$B" flaky.csv)"

# --- two profiles sharing a list, synced at once ------------------------------
"$BIN" --config cs.ini sync eu shared.csv >eu.out 2>eu.err &
p1=$!
"$BIN" --config cs.ini sync us shared.csv >us.out 2>us.err &
p2=$!
PIDS="$PIDS $p1 $p2"
wait $p1
r1=$?
wait $p2
r2=$?
check_eq "sync eu (list shared): exit 0" 0 "$r1"
check_eq "sync us (list shared) at the same time: exit 0" 0 "$r2"
check_eq "eu's account is the shared list" ok "$(account "$C" shared.csv)"
check_eq "us's account is the shared list" ok "$(account "$D" shared.csv)"

# --- an import waits for another import of the same list ----------------------
mkfifo slow.csv
"$BIN" import --list shared slow.csv >slow.out 2>slow.err &
p1=$!
PIDS="$PIDS $p1"
i=0
while [ $i -lt 50 ] && ! grep -q "^$p1\$" "$CONTACTSYNC_STORE/list-shared.lock" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
"$BIN" import --list shared shared.csv >second.out 2>second.err &
p2=$!
PIDS="$PIDS $p2"
i=0
while [ $i -lt 50 ] && ! grep -q "waiting for it" second.err 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
check_grep "the second import says it waits" "list 'shared' (one import at a time) is locked by pid $p1; waiting for it" second.err
check_rc "meanwhile another list is written" 0 cs import --list other shop.csv
cat shared.csv >slow.csv
wait $p1
r1=$?
wait $p2
r2=$?
check_eq "the first import finished" 0 "$r1"
check_eq "the second one went on after it" 0 "$r2"
check_grep "and staged the list" "desired set 'shared': 30 contacts" second.out

# --- status names every list --------------------------------------------------
check_rc "status" 0 cs --config cs.ini status
check_grep "the list 'default'" "^list 'default': 25 contacts, imported .*, from flaky.csv$" out.txt
check_grep "shop's list and its file" "^list 'shop': 40 contacts, imported .*, from shop.csv$" out.txt
check_grep "the shared list" "^list 'shared': 30 contacts" out.txt
check_rc "status --log-format json" 0 cs --config cs.ini --log-format json status
check_eq "lists in the JSON, 'default' first" "default flaky other shared shop" \
	"$("$PY" -c 'import json,sys; print(" ".join(l["name"] for l in json.loads(sys.stdin.read())["store"]["lists"]))' <out.txt)"

[ "$nfail" -eq 0 ]
