# sync: help, usage errors, the per-profile lock (held by another process:
# exit 5 naming its pid; left by a dead one: taken over), and the import and
# pull steps. What the push does is t_push.sh's: the checks here hold
# whatever it does (check_not_rc).
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

sb_profile() { # NAME URL
	printf '[profile %s]\nprovider = sendblue\nbase_url = %s\nregion = GB\napi_key_id_env = SB_ID\napi_secret_env = SB_SECRET\n' \
		"$1" "$2" >>cs.ini
}

# check_not_rc DESC UNWANTED_RC CMD...: like check_rc, for a run whose exit
# status depends on the push (not built here) but must not be UNWANTED_RC
check_not_rc() {
	desc=$1 unwanted=$2
	shift 2
	"$@" >out.txt 2>err.txt
	got=$?
	if [ "$got" -ne "$unwanted" ]; then
		pass "$desc"
	else
		fail "$desc (exit $got)"
		sed 's/^/#   /' err.txt | head -5
	fi
}

# wait_for PATTERN FILE: until FILE holds PATTERN (at most 10 s)
wait_for() {
	i=0
	while [ $i -lt 200 ] && ! grep -q "$1" "$2" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
}

export SB_ID=kid SB_SECRET=sbsecret
: >cs.ini
start sb --dialect sendblue --key-id kid --secret sbsecret
SB=$U
sb_profile sb "$SB"
sb_profile other "$SB"
sb_profile 'x/y z' "$SB"
start slow --dialect sendblue --key-id kid --secret sbsecret --latency 1500
sb_profile slow "$U"
printf '[{"phone":"+447911000001","first_name":"Remote"}]' >account.json
curl -s -f -X POST --data-binary @account.json "$SB/_emulator/contacts" >/dev/null
printf 'phone,first_name\n+447911000001,Ann\n+447911000002,Bob\n' >list.csv
printf 'phone,first_name\n+447911000003,Cy\nnot a number,Dee\n' >rejects.csv
LOCK=$CONTACTSYNC_STORE/sync-sb.lock

# --- help and usage ------------------------------------------------------
check_rc "sync -h exits 0" 0 cs sync -h
check_grep "usage line" "^usage: contactsync sync PROFILE FILE\.\.\." out.txt
check_grep "import options in the help" "--rejects FILE" out.txt
check_grep "push options in the help" "--max-delete N" out.txt
check_grep "exit statuses in the help" "another" out.txt
check_rc "help sync" 0 cs help sync
check_rc "global help" 0 cs --help
check_grep "sync in the command list" "^  sync " out.txt
check_rc "help needs no store or configuration" 0 cs --store nowhere --config nothere.ini sync --help

check_rc "no arguments exit 2" 2 cs --config cs.ini sync
check_rc "a profile without files exits 2" 2 cs --config cs.ini sync sb
check_grep "says what is missing" "sync needs a PROFILE and at least one FILE" err.txt
check_eq "usage error is one line" 1 "$(wc -l <err.txt | tr -d ' ')"
check_rc "unknown option exits 2" 2 cs --config cs.ini sync --frob sb list.csv
check_grep "points to the help" "see 'contactsync sync --help'" err.txt
check_rc "bad import option exits 2" 2 cs --config cs.ini sync --region QQ sb list.csv
check_grep "names the import option" "unknown region 'QQ'" err.txt
check_rc "bad push option exits 2" 2 cs --config cs.ini sync --max-delete-percent 200 sb list.csv
check_grep "names the push option" "max-delete-percent" err.txt
check_rc "push options checked together" 2 cs --config cs.ini sync --mode mirror --on-missing optout sb list.csv
check_rc "unknown profile exits 2" 2 cs --config cs.ini sync nope list.csv
check_grep "names the profile" "no profile 'nope'" err.txt
check_rc "no store written by usage errors" 1 test -e "$LOCK"

# --- a failed import stops the run before the pull ------------------------
check_rc "missing file exits 2" 2 cs --config cs.ini sync sb missing.csv
check_grep "import failed" "import failed: the desired set is unchanged" err.txt
check_rc "nothing pulled" 2 cs export --from remote:sb -o none.csv
check_grep "no snapshot" "no remote snapshot of 'sb' yet" err.txt

# --- the profile's lock, held by another process ---------------------------
# flock(1) holds the lock file while the shell it runs writes its own pid
# into it, as contactsync would, then becomes sleep. The failed sync above
# left its (dead) pid in the file: start from an empty one.
rm -f "$LOCK"
flock "$LOCK" sh -c 'echo $$ >"$1"; exec sleep 30' sh "$LOCK" &
flpid=$!
PIDS="$PIDS $flpid"
wait_for '[0-9]' "$LOCK"
holder=$(cat "$LOCK")
PIDS="$PIDS $holder"
check_rc "sync of a locked profile exits 5" 5 cs --config cs.ini sync sb list.csv
check_grep "message names the holder's pid" "profile 'sb' (one sync or migrate at a time) is locked by pid $holder" err.txt
check_eq "one line" 1 "$(wc -l <err.txt | tr -d ' ')"
cs export -o during.csv
check_eq "nothing imported meanwhile" 1 "$(wc -l <during.csv | tr -d ' ')"
check_not_rc "another profile is not held up" 5 cs --config cs.ini sync other list.csv
check_grep "it imported" "desired set: 2 contacts" out.txt
check_grep "it pulled" "pulled 1 contacts from 'other'" out.txt
check_not_rc "a profile name that is no file name" 5 cs --config cs.ini sync 'x/y z' list.csv
check_rc "has a lock file of its own" 0 test -f "$CONTACTSYNC_STORE/sync-x%2Fy%20z.lock"
kill "$holder"
wait "$flpid"	# flock(1) returns when its command has gone, and the lock with it

# --- a lock left by a process that has exited is taken over ----------------
sh -c 'echo $$' >"$LOCK"
dead=$(cat "$LOCK")
check_not_rc "lock of an exited holder taken over" 5 cs --config cs.ini sync sb list.csv
check_grep "the files imported" "rows read 2 = staged 2 + merged 0 + rejected 0" out.txt
# 'other' is the same account: its sync above pushed the list there
check_grep "the account pulled" "pulled 2 contacts from 'sb' (sendblue)" out.txt
check_grep "and pushed: nothing left to change" "unchanged 2" out.txt
check_rc "no lock message" 1 grep -q "locked" err.txt
check_rc "snapshot in the store" 0 cs export --from remote:sb -o sb.csv
check_grep "the remote contact, as the earlier sync left it" "^+447911000001,,Ann," sb.csv
check_rc "desired set in the store" 0 cs export -o desired.csv
check_grep "the list's contacts" "^+447911000002,,Bob," desired.csv
new=$(cat "$LOCK")
if [ -n "$new" ] && [ "$new" != "$dead" ]; then pass "lock file names the new holder"; else fail "lock file still names $dead"; fi

# --- rejected rows are reported and stop neither the run nor make it fail ---
check_rc "rejected rows: exit 0" 0 cs --config cs.ini sync --region GB --rejects rej.csv sb rejects.csv
check_grep "a warning names them" "^warning: 1 of [0-9]* rows rejected: they are in 'rej.csv'" err.txt
check_grep "import report" "rejected: not_a_number 1 (rows in 'rej.csv'" out.txt
check_grep "pull went on" "pulled 2 contacts from 'sb'" out.txt
check_grep "rejects written" "not_a_number" rej.csv

# --- a failed pull: stop without a snapshot, go on with one ---------------
check_rc "pull failure without a snapshot exits 4" 4 env SB_SECRET=wrong "$BIN" --config cs.ini sync slow list.csv
check_grep "says nothing was pushed" "pull failed and 'slow' has no earlier snapshot: nothing pushed" err.txt
check_rc "secret not in the message" 1 grep -q wrong err.txt
check_not_rc "pull failure with a snapshot" 0 env SB_SECRET=wrong "$BIN" --config cs.ini sync sb list.csv
check_grep "goes on with the previous snapshot" "pushing to 'sb' against its previous snapshot, without deletes" err.txt

# --- two syncs of one profile at once -------------------------------------
# The first is slowed down by the emulator's latency; the second stops at
# once, naming the first (the store's writer lock is the first it meets).
"$BIN" --config cs.ini sync slow list.csv >bg.out 2>bg.err &
bg=$!
PIDS="$PIDS $bg"
wait_for "^$bg\$" "$CONTACTSYNC_STORE/sync-slow.lock"
check_rc "a concurrent sync exits 5" 5 cs --config cs.ini sync slow list.csv
check_grep "naming the running one's pid" "is locked by pid $bg" err.txt
wait "$bg"
check_grep "the first one went on" "pulled 0 contacts from 'slow'" bg.out
# --- results name each contact's source file -------------------------------
start two --dialect sendblue --key-id kid --secret sbsecret
sb_profile two "$U"
check_rc "sync of a CSV and a workbook (the sample rejects rows: reported, exit 0)" 0 \
	cs --config cs.ini sync --region GB --results two-res two "$TOP/samples/contacts.csv" "$TOP/samples/contacts.xlsx"
check_grep "a CSV row named by its file and row" '^create,+33612345678,[0-9]*,[^,]*/samples/contacts\.csv,8,1,$' two-res/success.csv
check_grep "a workbook row named by its file and row" '^create,+447712345461,[0-9]*,[^,]*/samples/contacts\.xlsx,2,1,$' two-res/success.csv
check_rc "no contact without its source file" 1 grep -q '^[a-z-]*,+[0-9]*,[0-9]*,,' two-res/success.csv
finish
