# Status lines and colour on a terminal, run in a pseudo-terminal by
# script(1): a push, a pull and an import draw their phase's line in place
# (carriage returns, the phase's words, counts, rate and time left) and
# erase it; nothing is drawn with --no-progress, -q, --log-format json, or
# when standard error is a file; NO_COLOR and TERM=dumb remove every escape
# sequence. Nothing here is timed: the emulator's latency only makes the
# runs long enough to be drawn.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret AL_KEY=alkey
# script(1) runs the command through $SHELL
SHELL=/bin/sh
export SHELL
unset NO_COLOR
: >cs.ini
ESC=$(printf '\033')
CR=$(printf '\r')

# pty FILE COMMAND-STRING: runs the command in a pseudo-terminal (a
# terminal of type xterm), its output in FILE; returns its exit status
pty() {
	out=$1
	shift
	TERM=${PTY_TERM:-xterm} timeout 300 script -qec "$1" /dev/null </dev/null >"$out" 2>&1
}

# has DESC FILE STRING / hasnt DESC FILE STRING: a fixed string (may hold
# control characters) in FILE, or not
has() {
	if grep -qF -e "$3" "$2"; then pass "$1"; else fail "$1"; sed -n l "$2" | head -5 | sed 's/^/#   /'; fi
}
hasnt() {
	if grep -qF -e "$3" "$2"; then fail "$1"; sed -n l "$2" | head -5 | sed 's/^/#   /'; else pass "$1"; fi
}

# count_of FILE STRING: occurrences of STRING in FILE
count_of() {
	"$PY" -c 'import sys; print(open(sys.argv[1], "rb").read().count(sys.argv[2].encode()))' "$1" "$2"
}

# 40 contacts at 100 ms an answer, two at a time: a push of about 2 s
start sb --dialect sendblue --key-id kid --secret sbsecret --latency 100
SB=$U
profile pp sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
printf 'phone,first_name\n' >list.csv
awk 'BEGIN { for (i = 0; i < 40; i++) printf "+44771400%04d,P%d\n", i, i }' >>list.csv
cs import list.csv >/dev/null
CS="'$BIN' --config cs.ini"
PUSH="push pp --batch-size 1 --concurrency 2"

# fresh: an empty account and a snapshot of it, so the next push creates all 40
fresh() {
	curl -s -f -X POST "$SB/_emulator/reset" >/dev/null
	cs --config cs.ini pull pp >/dev/null
}

# --- a push draws its line in place, then erases it ------------------------
fresh
if pty push.tty "$CS $PUSH --results r1"; then pass "push on a terminal: exit 0"; else fail "push on a terminal: exit $?"; fi
has "push: a status line drawn over itself" push.tty "${CR}pushing to 'pp': "
has "push: operations settled of those planned" push.tty " of 40 operations ("
has "push: the rate and the time left" push.tty "/s, ETA "
has "push: failures and requests" push.tty " failed, "
n=$(count_of push.tty "${CR}pushing to 'pp': ")
if [ "$n" -ge 2 ]; then pass "push: redrawn as it goes ($n lines)"; else fail "push: drawn $n times"; fi
has "push: erased before the summary" push.tty "${CR}${ESC}[Kpush to 'pp' (sendblue):"
check_eq "push: the contacts were created" 40 "$(curl -s "$SB/_emulator/contacts" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')"

# --- no status line: --no-progress, -q, JSON logs, stderr to a file -------
fresh
pty noprog.tty "$CS --no-progress $PUSH --results r2"
has "--no-progress: the push ran" noprog.tty "create   40 done"
hasnt "--no-progress: no status line" noprog.tty "pushing to"
hasnt "--no-progress: no escape sequence" noprog.tty "$ESC"
check_eq "--no-progress: no carriage return but the terminal's line ends" 0 \
	"$("$PY" -c 'import sys,re; print(len(re.findall(rb"\r(?!\n)", open(sys.argv[1], "rb").read())))' noprog.tty)"

fresh
pty quiet.tty "$CS -q $PUSH --results r3"
has "-q: the push ran" quiet.tty "create   40 done"
hasnt "-q: no status line" quiet.tty "pushing to"

fresh
pty file.tty "$CS $PUSH --results r4 2>err.txt"
has "stderr to a file: the push ran" file.tty "create   40 done"
hasnt "stderr to a file: no status line on the terminal" file.tty "pushing to"
hasnt "stderr to a file: none in the file" err.txt "pushing to"
hasnt "stderr to a file: no carriage return in the file" err.txt "$CR"

fresh
pty json.tty "$CS --log-format json $PUSH --results r5 >json.out"
hasnt "JSON logs on a terminal: no status line" json.tty "pushing to"
check_eq "JSON logs on a terminal: every line is a JSON object" ok "$("$PY" -c '
import json, sys
lines = open(sys.argv[1], "rb").read().decode().replace("\r\n", "\n").split("\n")
objs = [json.loads(l) for l in lines if l]
print("ok" if objs and all(isinstance(o, dict) and "event" in o for o in objs) else "no")' json.tty 2>&1)"

# --- the --no-progress option itself ----------------------------------------
check_rc "--no-progress in the global help" 0 cs --help
check_grep "described" "--no-progress" out.txt

# --- a pull: contacts listed of the total the provider gives -------------
start al --dialect altum --key alkey --rate 0 --latency 400
AL=$U
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0'
"$PY" -c 'import json; print(json.dumps([{"phone": "+4477150%05d" % i, "name": "A%d" % i} for i in range(3000)]))' >al.json
load "$AL" al.json
pty pull.tty "$CS pull al"
has "pull: a status line drawn over itself" pull.tty "${CR}pulling 'al': "
has "pull: contacts of the total" pull.tty " of 3000 contacts ("
has "pull: requests" pull.tty " requests"
has "pull: erased before the report" pull.tty "${CR}${ESC}[Kpulled 3000 contacts from 'al'"

# --- an import: rows, and how far into the file --------------------------
# (in a store of its own: the push's list stays)
CS2="$CS --store other"
"$PY" -c '
print("phone,first_name")
for i in range(50000): print("+4477%08d,N%d" % (i, i))' >big.csv
# The line is drawn after 250 ms: the phone fast path would finish these
# rows before that, so this import parses them with libphonenumber alone.
CONTACTSYNC_PHONE_FASTPATH=0 pty import.tty "$CS2 import big.csv"
has "import: a status line drawn over itself" import.tty "${CR}importing 'big.csv': "
has "import: rows and the share of the file read" import.tty " rows ("
has "import: erased before the report" import.tty "${CR}${ESC}[Krows read 50000 ="
pty import-np.tty "$CS2 --no-progress import big.csv"
hasnt "import --no-progress: no status line" import-np.tty "importing"

# --- colour -----------------------------------------------------------------
printf 'phone,email,email\n+447714000001,a@example.com,b@example.com\n' >dup.csv
pty color.tty "$CS2 import missing.csv; $CS2 import dup.csv"
has "colour: error: in red on a terminal" color.tty "${ESC}[1;31merror:${ESC}[m cannot open 'missing.csv'"
has "colour: warning: in yellow" color.tty "${ESC}[1;33mwarning:${ESC}[m 'dup.csv': header 'email' is repeated"
NO_COLOR=1 pty nocolor.tty "$CS2 import missing.csv; $CS2 import dup.csv"
has "NO_COLOR: the error is there" nocolor.tty "error: cannot open 'missing.csv'"
has "NO_COLOR: the warning is there" nocolor.tty "warning: 'dup.csv': header 'email' is repeated"
hasnt "NO_COLOR: no escape sequence at all" nocolor.tty "$ESC"
NO_COLOR=yes pty nocolor2.tty "$CS2 import missing.csv"
hasnt "NO_COLOR with another value: no colour" nocolor2.tty "$ESC"
"$BIN" import missing.csv 2>plain.err
has "stderr not a terminal: the error is there" plain.err "error: cannot open 'missing.csv'"
hasnt "stderr not a terminal: no colour" plain.err "$ESC"

# TERM=dumb: no escape sequences, the status line erased with spaces
fresh
PTY_TERM=dumb pty dumb.tty "$CS $PUSH --results r6; $CS2 import missing.csv"
has "TERM=dumb: the status line is drawn" dumb.tty "${CR}pushing to 'pp': "
hasnt "TERM=dumb: no escape sequence" dumb.tty "$ESC"
has "TERM=dumb: the error is there, plain" dumb.tty "error: cannot open 'missing.csv'"

finish
