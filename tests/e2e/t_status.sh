# status and the run records: after a successful sync, a push with a
# failed operation, a push stopped by SIGTERM and one killed with SIGKILL,
# `status` tells each apart (exit status, journal done/failed/pending), in
# text and in JSON.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret
: >cs.ini

# jq-like: prints the value of a Python expression over status --format json
status_py() { # PROFILE EXPR
	cs --config cs.ini status "$1" --format json >status.json 2>status.err
	"$PY" -c "
import json
s = json.load(open('status.json'))
p = s['profiles'][0]
print($2)"
}

check_rc "status without a store: exit 5" 5 cs status
check_grep "says how to make one" "no such store (run 'contactsync import' first)" err.txt

start ok --dialect sendblue --key-id kid --secret sbsecret
profile ok sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
printf 'phone,first_name\n+447711000001,Ann\n+447711000002,Bob\nnot a number,Cy\n' >list.csv

# --- a successful sync ---------------------------------------------------------
check_rc "sync (one rejected row, reported: exit 0)" 0 cs --config cs.ini sync ok list.csv
check_rc "status" 0 cs --config cs.ini status
check_grep "says where the store is" "^store $CONTACTSYNC_STORE (" out.txt
check_grep "and what it holds" "^desired set: 2 contacts, imported 20" out.txt
check_grep "the profile and its provider" "^profile 'ok' (sendblue)$" out.txt
check_grep "its snapshot" "^  snapshot: 0 contacts, [0-9]* s old$" out.txt
check_grep "the plan carried out" "^  last plan: 2 operations, 2 done, 0 failed, 0 pending$" out.txt
check_grep "the run, its exit status and what it did" "sync  .* exit 0 (ok): create 2, update 0, opt-out 0, delete 0; failed 0$" out.txt
check_eq "JSON: the run's import counts" "3 2 1" "$(status_py ok '"%d %d %d" % (p["runs"][-1]["import"]["rows_read"], p["runs"][-1]["import"]["staged"], p["runs"][-1]["import"]["rejected"])')"
check_eq "JSON: the run's pull and push" "0 2" "$(status_py ok '"%d %d" % (p["runs"][-1]["pull"]["contacts"], p["runs"][-1]["push"]["operations"]["create"]["done"])')"
results=$(status_py ok 'p["runs"][-1]["results"]')
check_rc "the results folder holds the push's files" 0 test -f "$results/success.csv"
check_grep "and the rejected rows (no --rejects given)" "not a number" "$results/rejects.csv"
check_grep "and the merged rows' file (none merged)" "^phone,file,row,merged_into_file,merged_into_row,how$" "$results/duplicates.csv"
check_grep "changes.csv: the fields each operation changed" "^create,+447711000001,[^,]*,first_name,,Ann$" "$results/changes.csv"
check_rc "a dry run" 0 cs --config cs.ini sync --dry-run ok list.csv
check_rc "status after it" 0 cs --config cs.ini status ok --runs 1
check_grep "is shown as one" "  sync (dry run)  " out.txt
check_rc "a bad --format" 2 cs --config cs.ini status --format xml
check_rc "two profiles" 2 cs --config cs.ini status a b
check_rc "a bad --runs" 2 cs --config cs.ini status --runs x
check_rc "a second sync" 0 cs --config cs.ini sync ok list.csv
check_eq "three runs recorded, oldest first" "3 True" "$(status_py ok '"%d %s" % (len(p["runs"]), p["runs"][0]["id"] < p["runs"][1]["id"] < p["runs"][2]["id"])')"
check_eq "--runs 1 shows the last only" 1 "$(cs --config cs.ini status ok --format json --runs 1 | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["profiles"][0]["runs"]))')"

# --- a push with a failed operation (the server refuses 300 tags) ------------------
start bad --dialect sendblue --key-id kid --secret sbsecret
profile bad sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
tags=$(too_many_tags)
printf 'phone,first_name,tags\n+447711000003,Dee,vip\n+447711000004,Eve,%s\n' "$tags" >bad.csv
cs import bad.csv >/dev/null
cs --config cs.ini pull bad >/dev/null
check_rc "a push with a refused contact exits 1" 1 cs --config cs.ini push bad --batch-size 1
check_rc "status bad" 0 cs --config cs.ini status bad
check_grep "the failure in the journal" "^  last plan: 2 operations, 1 done, 1 failed, 0 pending$" out.txt
check_grep "the run's outcome" "push  .* exit 1 (operations failed): create 1, update 0, opt-out 0, delete 0; failed 1$" out.txt

# --- a push stopped by SIGTERM, then one killed -----------------------------------
start slow --dialect sendblue --key-id kid --secret sbsecret --latency 300
profile slow sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
printf 'phone,first_name\n' >many.csv
awk 'BEGIN { for (i = 0; i < 100; i++) printf "+44771200%04d,M%d\n", i, i }' >>many.csv
cs import many.csv >/dev/null
cs --config cs.ini pull slow >/dev/null
"$BIN" --config cs.ini push slow --batch-size 1 --concurrency 1 >term.out 2>&1 &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
check_eq "SIGTERM: exit 6" 6 $?
check_rc "status slow" 0 cs --config cs.ini status slow
check_grep "the run stopped early" "push  .* exit 6 (stopped early)" out.txt
check_eq "the journal: some done, none failed, the rest pending" yes "$(status_py slow '"yes" if 0 < p["journal"]["done"] < 100 and p["journal"]["failed"] == 0 and p["journal"]["done"] + p["journal"]["pending"] == 100 else p["journal"]')"
before=$(status_py slow 'p["journal"]["done"]')
"$BIN" --config cs.ini push slow --batch-size 1 --concurrency 1 >kill.out 2>&1 &
pid=$!
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
check_eq "SIGKILL: no record for the killed run" 1 "$(status_py slow 'len(p["runs"])')"
check_eq "SIGKILL: the journal shows its progress, and the rest pending" yes "$(status_py slow '"yes" if '"$before"' < p["journal"]["done"] < 100 and p["journal"]["done"] + p["journal"]["pending"] == 100 else p["journal"]')"

# --- every profile, and one only the store knows ------------------------------------
check_rc "status of every profile" 0 cs --config cs.ini status
check_eq "the three profiles" 3 "$(grep -c "^profile '" out.txt)"
printf '[profile ok]\nprovider = sendblue\nbase_url = http://127.0.0.1:1\napi_key_id_env = SB_ID\napi_secret_env = SB_SECRET\n' >one.ini
check_rc "with a configuration that lost two of them" 0 cs --config one.ini status
check_grep "they are still shown, from their runs" "^profile 'bad' (not in the configuration)$" out.txt
finish
