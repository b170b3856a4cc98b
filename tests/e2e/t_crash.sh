# Store safety. SIGKILL at random moments of a 300,000-row import, of a
# 30,000-contact pull and of a push: after each the store opens (export,
# status, mdb_stat) and holds exactly the old or the new desired set or
# snapshot (count and checksum of an export), never a mix, and the next
# writer removes what the killed one left. A full disk (a small tmpfs in a
# private mount namespace; skipped where mounting is not allowed) gives exit
# 5 and a message saying so for import, pull and push (journal and results
# on the full disk), and once space is freed the store opens with its
# previous state and the push completes without creating anyone twice.
# (A store of a newer schema version is refused in t_store.sh.)
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret
have_mdb_stat=0
command -v mdb_stat >/dev/null 2>&1 && have_mdb_stat=1
rnd() { "$PY" -c "import random; random.seed($1); print(round(random.uniform($2, $3), 3))"; }
sum_of() { # FILE: "ROWS CHECKSUM" of an export
	echo "$(($(wc -l <"$1") - 1)) $(cksum <"$1" | cut -d' ' -f1)"
}
# state STORE WHAT...: export WHAT from STORE, as sum_of says (or "unreadable")
state() {
	st=$1
	shift
	if "$BIN" --store "$st" export "$@" -o state.csv 2>state.err; then
		sum_of state.csv
	else
		echo "unreadable: $(head -1 state.err)"
	fi
}
# datasets STORE PREFIX: how many LMDB databases named PREFIX#N the store holds
datasets() {
	mdb_stat -a "$1" 2>/dev/null | grep -c "^Status of $2#"
}

# --- import: 300,000 rows, killed at random moments ------------------------------------
# The moments are drawn within the time a whole import takes here, measured
# first: imports got much faster, and a kill after the end proves nothing.
"$TOOLS/gencontacts" 300000 >big.csv
printf 'phone,first_name\n+447911123456,Old\n+447911123457,State\n' >old.csv
t0=$(date +%s.%N)
"$BIN" --store new import --region GB big.csv >new.out 2>&1
DUR=$("$PY" -c "print($(date +%s.%N) - $t0)")
echo "# a whole import takes ${DUR} s"
# of SHARE: that share of the import's time, in seconds
of() { "$PY" -c "print(round($1 * $DUR, 3))"; }
NEW=$(state new)
cs import --force old.csv >/dev/null
OLD=$(state store)
check_eq "the old set: 2 contacts" 2 "${OLD%% *}"
check_rc "the new set: over 100,000 contacts" 0 test "${NEW%% *}" -gt 100000
k=0 mixed=0 olds=0 news=0
while [ $k -lt 6 ]; do
	k=$((k + 1))
	"$BIN" import --region GB big.csv >kill.out 2>&1 &
	pid=$!
	sleep "$(rnd $k "$(of 0.05)" "$(of 0.95)")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	got=$(state store)
	case "$got" in
	"$OLD") olds=$((olds + 1)) ;;
	"$NEW") news=$((news + 1)); cs import --force old.csv >/dev/null ;;
	*) mixed=$((mixed + 1)); echo "# kill $k: the store holds '$got'" ;;
	esac
	if [ $have_mdb_stat -eq 1 ] && ! mdb_stat -e store >/dev/null 2>&1; then
		mixed=$((mixed + 1))
		echo "# kill $k: mdb_stat cannot read the environment"
	fi
done
check_eq "import killed 6 times: each time the old or the new set, never a mix ($olds old, $news new)" 0 $mixed
check_rc "at least one kill landed mid-import" 0 test $olds -gt 0
check_eq "no temporary files left in the store (the locks stay: lockfile.h)" "data.mdb list-default.lock lock lock.mdb" "$(ls store | grep -v -x results | tr '\n' ' ' | sed 's/ $//')"
check_rc "status reads the store" 0 cs status
check_grep "status: the old set" "list 'default': 2 contacts" out.txt
if [ $have_mdb_stat -eq 1 ]; then
	# a killed import leaves its unfinished set behind; the next writer drops it
	"$BIN" import --region GB big.csv >/dev/null 2>&1 &
	pid=$!
	sleep "$(of 0.5)"
	kill -9 $pid
	wait $pid 2>/dev/null
	check_rc "a killed import leaves at most one unfinished set" 0 test "$(datasets store desired)" -le 2
	check_rc "the next import" 0 cs import --force old.csv
	check_eq "... removes it: one set left" 1 "$(datasets store desired)"
else
	echo "# skipped: mdb_stat (lmdb-utils) is not installed: leftovers not counted"
fi
# an --append import killed: old or old+new, never a part
printf 'phone,first_name\n+447911123458,Extra\n' >extra.csv
"$BIN" --store new import old.csv >/dev/null 2>&1
"$BIN" --store new import --append --region GB big.csv >/dev/null 2>&1
NEWAPP=$(state new)
"$BIN" import --append --region GB big.csv >kill.out 2>&1 &
pid=$!
sleep "$(rnd 99 "$(of 0.2)" "$(of 0.9)")"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
got=$(state store)
case "$got" in
"$OLD" | "$NEWAPP") pass "an --append import killed: the old set or the whole new one" ;;
*) fail "an --append import killed: the store holds '$got' (old '$OLD', new '$NEWAPP')" ;;
esac
cs import --force old.csv >/dev/null

# --- pull: 30,000 contacts, killed at random moments -----------------------------------
# Two accounts seen through the same profile name: 'acct' in old.ini holds
# 1,000 contacts, in new.ini 30,000; the snapshot is one or the other.
# Switching between them is what pull's bounds and shrink guard exist to
# question (30 times the snapshot, or a thirtieth of it), so those pulls
# say --force.
"$PY" - <<'PYEOF'
import json
json.dump([{"phone": "+4479%08d" % (16000000 + i), "first_name": "P%d" % i} for i in range(1000)],
          open("acct-old.json", "w"))
json.dump([{"phone": "+4479%08d" % (17000000 + i), "first_name": "Q%d" % i, "tags": ["t%d" % (i % 3)]}
           for i in range(30000)], open("acct-new.json", "w"))
PYEOF
start sbold --dialect sendblue --key-id kid --secret sbsecret
load "$U" acct-old.json
SBOLD=$U
printf '[profile acct]\nprovider = sendblue\nbase_url = %s\nregion = GB\nlist = default\napi_key_id_env = SB_ID\napi_secret_env = SB_SECRET\n' "$U" >old.ini
start sbnew --dialect sendblue --key-id kid --secret sbsecret --latency 40
load "$U" acct-new.json
SBNEW=$U
printf '[profile acct]\nprovider = sendblue\nbase_url = %s\nregion = GB\nlist = default\napi_key_id_env = SB_ID\napi_secret_env = SB_SECRET\n' "$U" >new.ini
check_rc "pull of the 30,000-contact account (a store of its own)" 0 "$BIN" --store new --config new.ini pull acct
PNEW=$(state new --from remote:acct)
check_rc "pull of the 1,000-contact account" 0 cs --config old.ini pull acct
POLD=$(state store --from remote:acct)
check_eq "the old snapshot: 1,000 contacts" 1000 "${POLD%% *}"
check_eq "the new snapshot: 30,000 contacts" 30000 "${PNEW%% *}"
k=0 mixed=0 olds=0 news=0
while [ $k -lt 5 ]; do
	k=$((k + 1))
	"$BIN" --config new.ini pull acct --force >kill.out 2>&1 &
	pid=$!
	sleep "$(rnd $((k + 10)) 0.1 2.0)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	got=$(state store --from remote:acct)
	case "$got" in
	"$POLD") olds=$((olds + 1)) ;;
	"$PNEW") news=$((news + 1)); cs --config old.ini pull acct --force >/dev/null ;;
	*) mixed=$((mixed + 1)); echo "# kill $k: the snapshot is '$got'" ;;
	esac
	if [ "$(state store)" != "$OLD" ]; then
		mixed=$((mixed + 1))
		echo "# kill $k: the desired set changed"
	fi
done
check_eq "pull killed 5 times: each time the old or the new snapshot, never a mix ($olds old, $news new)" 0 $mixed
check_rc "at least one kill landed mid-pull" 0 test $olds -gt 0
check_rc "a pull after the kills completes" 0 cs --config new.ini pull acct --force
check_eq "... with the whole account" "$PNEW" "$(state store --from remote:acct)"
if [ $have_mdb_stat -eq 1 ]; then
	check_eq "no unfinished snapshot left behind" 1 "$(mdb_stat -a store 2>/dev/null | grep -c '^Status of remote:acct#')"
fi

# --- push: killed at random moments ----------------------------------------------------
"$PY" - <<'PYEOF'
with open("push.csv", "w") as f:
    f.write("phone,first_name\n")
    for i in range(1500):
        f.write("+4479%08d,R%d\n" % (18000000 + i, i))
PYEOF
cs import --force push.csv >/dev/null
DSET=$(state store)
start sbpush --dialect sendblue --key-id kid --secret sbsecret --latency 30
SBP=$U
profile pp sendblue "$SBP" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
check_rc "pull of the empty account" 0 cs --config cs.ini pull pp
PSNAP=$(state store --from remote:pp)
k=0 bad=0
while [ $k -lt 4 ]; do
	k=$((k + 1))
	"$BIN" --config cs.ini push pp --batch-size 10 --concurrency 2 --results res-pp >kill.out 2>&1 &
	pid=$!
	sleep "$(rnd $((k + 20)) 0.1 0.8)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ "$(state store)" = "$DSET" ] || { bad=$((bad + 1)); echo "# kill $k: the desired set changed"; }
	[ "$(state store --from remote:pp)" = "$PSNAP" ] || { bad=$((bad + 1)); echo "# kill $k: the snapshot changed"; }
	cs --config cs.ini status pp --format json >status.json 2>status.err
	"$PY" -c '
import json, sys
j = json.load(open("status.json"))["profiles"][0]["journal"]
# killed before its plan was journaled, there is no plan yet: 0
sys.exit(0 if j["planned"] in (0, 1500) and j["done"] + j["failed"] + j["pending"] == j["planned"] else 1)' ||
		{ bad=$((bad + 1)); echo "# kill $k: the journal does not add up: $(cat status.json status.err | head -c 300)"; }
done
check_eq "push killed 4 times: the store opens, the desired set and the snapshot are unchanged, the journal adds up" 0 $bad
check_rc "the push then completes" 0 cs --config cs.ini push pp --batch-size 50 --results res-pp
check_eq "every contact created once" 1500 "$(curl -s "$SBP/_emulator/contacts" | "$PY" -c 'import json,sys; print(len({c["phone"] for c in json.load(sys.stdin)}))')"
check_eq "none twice" 0 "$(dupes "$SBP")"

# --- a full disk -------------------------------------------------------------------------
# Run in a private mount namespace with a 8 MB tmpfs as the store: an
# unprivileged user namespace where allowed, else plain unshare as root.
cat >full.sh <<'SHEOF'
set -u
mount -t tmpfs -o size=8m tmpfs "$T/full" 2>/dev/null || exit 77
cd "$T"
nf=0
ok() { echo "ok - full disk: $1"; }
no() { echo "not ok - full disk: $1"; nf=$((nf + 1)); }
expect() { # DESC WANT CMD...: runs CMD, stdout/stderr in f.out/f.err
	d=$1 w=$2
	shift 2
	"$@" >f.out 2>f.err
	r=$?
	if [ "$r" -eq "$w" ]; then ok "$d"; else no "$d (exit $r, wanted $w)"; sed 's/^/#   /' f.err | head -3; fi
}
says() { if grep -i -q -e "$2" "$3"; then ok "$1"; else no "$1 (no '$2' in $3)"; sed 's/^/#   /' "$3" | head -3; fi }
S="$T/full/store"
cs() { "$BIN" --store "$S" "$@"; }
requests() { curl -s "$SBOLD/_emulator/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
expect "import of the small set" 0 cs import --force old.csv
expect "pull of the 1,000-contact account" 0 cs --config old.ini pull acct
cs export -o full-old.csv && cs export --from remote:acct -o full-snap.csv
# the rest of the disk taken by another file
dd if=/dev/zero of="$T/full/filler" bs=64k count=1000 2>/dev/null
expect "pull of 30,000 contacts onto the full disk: exit 5" 5 cs --config new.ini pull acct --force
says "pull: says the disk is full" "no space left on device" f.err
says "pull: the snapshot is kept" "previous snapshot of 'acct' is unchanged" f.err
expect "export of the snapshot" 0 cs export --from remote:acct -o f2.csv
if cmp -s full-snap.csv f2.csv; then ok "pull: the previous snapshot, exactly"; else no "pull: the previous snapshot, exactly"; fi
# push: journal and results on the full disk
expect "push onto the full disk: exit 5" 5 cs --config old.ini push acct --results "$T/full/res"
says "push: says the disk is full" "no space left on device" f.err
expect "status on the full disk" 0 cs status
rm -f "$T/full/filler"
rm -rf "$T/full/res"
expect "after freeing space: export" 0 cs export -o f3.csv
if cmp -s full-old.csv f3.csv; then ok "after freeing space: the previous set"; else no "after freeing space: the previous set"; fi
expect "after freeing space: the push completes" 0 cs --config old.ini push acct --results "$T/res-after"
n=$(curl -s "$SBOLD/_emulator/contacts" | "$PY" -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin) if c["phone"] in ("+447911123456", "+447911123457")))')
if [ "$n" = 2 ]; then ok "both contacts of the set at the provider, once each"; else no "both contacts of the set at the provider, once each ($n)"; fi
n=$(curl -s "$SBOLD/_emulator/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["creates_of_existing"])')
if [ "$n" = 0 ]; then ok "no create sent twice"; else no "no create sent twice ($n)"; fi
# import: the disk fills up while the new set is written
expect "import of 300,000 rows into 8 MB: exit 5" 5 cs import --region GB big.csv
says "import: says the disk is full" "no space left on device" f.err
says "import: the set is unchanged" "list 'default' is unchanged" f.err
expect "export after the failed import" 0 cs export -o f1.csv
if cmp -s full-old.csv f1.csv; then ok "import: the previous set, exactly"; else no "import: the previous set, exactly"; fi
left=$(ls -A "$S" | grep -v -x -e data.mdb -e lock.mdb -e lock -e results -e '.*\.lock' | tr '\n' ' ')
if [ -z "$left" ]; then ok "no temporary files left in the store"; else no "no temporary files left in the store ($left)"; fi
expect "after the failed import: another import works" 0 cs import extra.csv
expect "... and a pull" 0 cs --config new.ini pull acct --force
exit $nf
SHEOF
mkdir full
export T BIN SBOLD PY
: >full.log
if command -v unshare >/dev/null 2>&1; then
	unshare --user --map-root-user --mount sh full.sh >full.log 2>&1
	grep -q '^ok - ' full.log || unshare --mount sh full.sh >full.log 2>&1
fi
if grep -q '^ok - \|^not ok - ' full.log 2>/dev/null; then
	cat full.log
	nfail=$((nfail + $(grep -c '^not ok - ' full.log)))
else
	echo "# skipped: full-disk checks: cannot mount a tmpfs here (no user namespaces, not root)"
	sed 's/^/#   /' full.log 2>/dev/null | head -3
fi
finish
