# Emulator helpers for the e2e tests that talk to providers (sourced after
# lib.sh): start NAME ARGS… sets U and pid, load URL FILE, profile NAME
# PROVIDER URL EXTRA. Every emulator started, and every pid added to PIDS,
# is killed when the script ends, and waited for, before its folder goes.
EMU=${CONTACTSYNC_EMULATOR:-${TOOLS:+$(dirname "$TOOLS")/contactsync-emulator}}
EMU=${EMU:-$TOP/build/contactsync-emulator}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

start() { # NAME ARGS...: starts an emulator, sets U to its base URL and pid
	name=$1
	shift
	"$EMU" --port 0 "$@" >"$name.out" 2>"$name.err" &
	pid=$!
	PIDS="$PIDS $pid"
	i=0
	while [ $i -lt 100 ] && ! grep -q '^listening on ' "$name.out" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
	U=http://$(sed -n 's/^listening on //p' "$name.out")
}

load() { # URL FILE
	curl -s -f -X POST --data-binary @"$2" "$1/_emulator/contacts" >/dev/null
}

# The profile syncs the list 'default', which a plain 'cs import' stages
# (import, then push PROFILE: several profiles share one list), unless
# EXTRA-LINES name another with "list = NAME" or EMU_OWN_LIST=1 leaves
# the profile its own (the list named as it).
profile() { # NAME PROVIDER URL EXTRA-LINES
	list='list = default'
	case "$4" in *"list ="*) list= ;; esac
	[ "${EMU_OWN_LIST:-0}" = 1 ] && list=
	printf '[profile %s]\nprovider = %s\nbase_url = %s\nregion = GB\n%s\n%s\n' \
		"$1" "$2" "$3" "$list" "$4" >>cs.ini
}

# Write requests the emulator saw (every endpoint but the readings).
writes() { # URL
	curl -s "$1/_emulator/stats" | "$PY" -c '
import json, sys
s = json.load(sys.stdin)
reads = ("GET ", "POST /api/address-book/list", "POST /api/address-book/detail", "POST /api/contact/detail")
print(sum(v["total"] for k, v in s["endpoints"].items() if not k.startswith(reads)))'
}
dupes() { # URL: creates of a number that was already there
	curl -s "$1/_emulator/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["creates_of_existing"])'
}
reset_stats() { curl -s -f -X POST "$1/_emulator/stats/reset" >/dev/null; }

# too_many_tags: 300 tags, more than the sendblue emulator accepts (it
# refuses the contact, and a bulk batch holding it, with 400)
too_many_tags() {
	awk 'BEGIN { for (t = 0; t < 300; t++) printf "%st%d", t ? ";" : "", t }'
}

# refused_list N BAD: a CSV of N contacts (+44771200NNNN, PN, tags vip) on
# standard output; contact BAD has too_many_tags
refused_list() {
	bad_tags=$(too_many_tags)
	echo 'phone,first_name,tags'
	awk -v n="$1" -v bad="$2" -v bt="$bad_tags" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "+44771200%04d,P%d,%s\n", i, i, i == bad ? bt : "vip"
	}'
}
