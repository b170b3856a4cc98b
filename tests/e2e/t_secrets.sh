# Secrets stay secret: recognisable fake keys (a sendblue key id and secret,
# an altum key from the environment, an atom key from an api_key_file)
# go through every command at -v and with --log-format json, including
# failing runs (401 from a wrong key, configuration errors naming the
# profile, a key pasted where a variable's name belongs); then stdout,
# stderr, every file under the store (data.mdb read as binary), the
# results folders, exports and the reports' XML are searched for each key:
# none may appear. Credentials go only to the profile's host, and over
# plain http only to loopback or with insecure = true: checked with a
# non-loopback address of this machine and a server that redirects.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

# The distinctive part of each secret is what is searched for, so a key
# that is cut or partly masked still counts as leaked.
SB_ID_V=SECRET-sbid-4e1d7c
SB_SECRET_V=SECRET-cs-7f3a9b
AL_KEY_V=SECRET-al-2b8e5f
AT_KEY_V=SECRET-at-9c6a1e
WRONG_V=SECRET-wrong-3d5f8a
PASTED_V=SECRET-pasted-8a4c2d
CORES="4e1d7c 7f3a9b 2b8e5f 9c6a1e 3d5f8a 8a4c2d"
export SB_ID=$SB_ID_V SB_SECRET=$SB_SECRET_V AL_KEY=$AL_KEY_V AL_WRONG=$WRONG_V
printf '%s\n' "$AT_KEY_V" >at.key
chmod 600 at.key
: >cs.ini

"$PY" - <<'PYEOF'
import json
n = 40
def phone(i): return "+4479%08d" % (15000000 + i)
json.dump([{"phone": phone(i), "first_name": "S%d" % i, "last_name": "Lee", "opted_out": i == 3}
           for i in range(n)], open("sendblue.json", "w"))
json.dump([{"phone": phone(i), "name": "A%d Lee" % i} for i in range(0, n, 2)], open("altum.json", "w"))
json.dump([{"phone": "0" + phone(i)[3:], "first_name": "T%d" % i, "book": 1} for i in range(0, n, 3)],
          open("atom.json", "w"))
with open("list.csv", "w") as f:
    f.write("phone,first_name,last_name,tags,Email\n")
    for i in range(10, 60):
        f.write("+4479%08d,N%d,Lee,vip,n%d@example.com\n" % (15000000 + i, i, i))
    f.write("12,Short,,,\n+447900000000x,Bad,,,\n+4479%08d,Dup,,,\n" % 15000010)
PYEOF
start sb --dialect sendblue --key-id "$SB_ID_V" --secret "$SB_SECRET_V"
SB=$U
start al --dialect altum --key "$AL_KEY_V" --rate 0
AL=$U
start at --dialect atom --key "$AT_KEY_V" --rate 0
AT=$U
load "$SB" sendblue.json
load "$AL" altum.json
load "$AT" atom.json
profile sb sendblue "$SB" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
profile al altum "$AL" 'api_key_env = AL_KEY
rate = 0'
profile at atom "$AT" "api_key_file = $T/at.key
address_book = Book 1
rate = 0"
profile alwrong altum "$AL" 'api_key_env = AL_WRONG
rate = 0'
profile plain altum "http://example.invalid" 'api_key_env = AL_KEY'
printf '[profile broken]\nprovider = atom\nbase_url = %s\napi_key_env = AL_KEY\n' "$AT" >broken.ini
printf '[profile pasted]\nprovider = altum\nbase_url = %s\napi_key_env = %s\n' "$AL" "$PASTED_V" >pasted.ini

mkdir logs
n=0
# run WANT NAME ARGS...: runs contactsync twice, at -v with text logs and at
# -v with --log-format json, each into logs/; both must exit WANT. $ENV
# (env's arguments) changes the environment of one run.
ENV=
run() {
	want=$1 name=$2
	shift 2
	for mode in text json; do
		n=$((n + 1))
		env $ENV "$BIN" -v --log-format $mode "$@" >logs/$name-$mode.out 2>logs/$name-$mode.err
		rc=$?
		check_eq "$name ($mode): exit $want" "$want" "$rc"
		[ "$rc" -eq "$want" ] || sed 's/^/#   /' logs/$name-$mode.err | head -5
	done
}
run 0 phone phone --region GB 07911123456
run 0 import import --region GB --rejects rejects.csv --duplicates dups.csv list.csv
run 0 export-csv export -o export.csv
run 0 export-json export --format json -o export.jsonl
run 0 export-xlsx export --format xlsx -o export.xlsx
for p in sb al at; do
	run 0 pull-$p --config cs.ini pull $p
	run 0 diff-$p --config cs.ini diff $p --format json
	run 0 diff-csv-$p --config cs.ini diff $p --format csv
	run 0 push-$p --config cs.ini push $p --results res-push-$p
	run 0 remote-$p export --from remote:$p -o remote-$p.csv
done
check_grep "the pulls were authenticated (contacts listed)" "pulled 40 contacts from 'sb'" logs/pull-sb-text.out
check_grep "the atom key from the file worked" "pulled 14 contacts from 'at'" logs/pull-at-text.out
run 0 sync --config cs.ini sync sb list.csv --region GB --report sync-report.xlsx --results res-sync
run 0 migrate --config cs.ini migrate --from sb --to al --results res-migrate
run 0 status --config cs.ini status
run 0 status-json --config cs.ini status --format json
run 0 report --config cs.ini report sb -o report.xlsx
run 0 report-migrate --config cs.ini report al -o report-migrate.xlsx
# failing runs
run 4 pull-401 --config cs.ini pull alwrong
check_grep "401: the message names the profile" "profile 'alwrong': authentication failed" logs/pull-401-text.err
run 4 sync-401 --config cs.ini sync alwrong list.csv --region GB --results res-sync-401
ENV="SB_SECRET=$WRONG_V" run 4 pull-401-sb --config cs.ini pull sb
ENV=
run 2 config-error --config broken.ini pull broken
check_grep "configuration error names the profile" "profile 'broken' needs address_book" logs/config-error-text.err
run 2 pasted-key --config pasted.ini pull pasted
check_grep "a key pasted as api_key_env is refused" "api_key_env must name an environment variable" logs/pasted-key-text.err
ENV="-u AL_KEY" run 2 unset-var --config cs.ini pull al
ENV=
check_grep "an unset variable is named, not its value" "environment variable 'AL_KEY' (api_key_env) is not set" logs/unset-var-text.err
chmod 644 at.key
run 2 loose-key-file --config cs.ini pull at
check_grep "a key file others may read is refused" "may be read by group or others" logs/loose-key-file-text.err
chmod 600 at.key
run 2 plain-http --config cs.ini pull plain
check_grep "plain http to a remote host is refused" "refusing plain http to 'example.invalid'" logs/plain-http-text.err

# --- search everything written for each secret --------------------------------------
mkdir unzipped
for x in export.xlsx sync-report.xlsx report.xlsx report-migrate.xlsx; do
	check_rc "$x was written" 0 test -s "$x"
	mkdir "unzipped/$x"
	(cd "unzipped/$x" && unzip -q -o "$T/$x")
done
check_rc "the store holds data.mdb" 0 test -s store/data.mdb
check_rc "results folders were written" 0 test -s res-sync/success.csv
# the search can find what it looks for: a phone in data.mdb, a key in its file
check_rc "control: binary search finds a contact in data.mdb" 0 grep -a -q 447915000011 store/data.mdb
check_rc "control: the search finds the atom key in its own file" 0 grep -a -q 9c6a1e at.key
check_rc "control: the report's XML holds the merged row's phone" 0 grep -r -a -q 447915000010 unzipped/report.xlsx
searched="logs store res-push-sb res-push-al res-push-at res-sync res-sync-401 res-migrate unzipped \
export.csv export.jsonl export.xlsx remote-sb.csv remote-al.csv remote-at.csv rejects.csv dups.csv \
sync-report.xlsx report.xlsx report-migrate.xlsx"
check_rc "more than 100 files searched" 0 test "$(find $searched -type f | wc -l)" -gt 100
for core in $CORES; do
	hits=$(grep -r -a -l -F "$core" $searched 2>/dev/null | head -5 | tr '\n' ' ')
	check_eq "secret ...$core appears nowhere (output, logs, store, results, reports)" "" "$hits"
done
check_eq "$n runs searched" 1 "$([ $n -ge 60 ] && echo 1)"

# --- credentials only to the profile's host -----------------------------------------
# A non-loopback address of this machine: plain http to it is refused before
# any request, and allowed with insecure = true.
ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | grep -v '^127\.' | head -1)
if [ -n "$ip" ]; then
	start ext --dialect altum --key "$AL_KEY_V" --rate 0 --bind "$ip"
	EXT=$U
	profile ext altum "$EXT" 'api_key_env = AL_KEY
rate = 0'
	profile extok altum "$EXT" 'api_key_env = AL_KEY
rate = 0
insecure = true'
	check_rc "plain http to $ip (not loopback) is refused" 2 cs --config cs.ini pull ext
	check_grep "says why" "refusing plain http to '$ip'" err.txt
	check_eq "no request reached the server" 0 "$(curl -s "$EXT/_emulator/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')"
	check_rc "with insecure = true it is allowed" 0 cs --config cs.ini pull extok
	check_rc "and the requests went there" 0 test "$(curl -s "$EXT/_emulator/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" -gt 0
else
	echo "# skipped: no non-loopback IPv4 address on this machine for the plain-http check"
fi
# A server that redirects elsewhere: the redirect is not followed, so the
# key never reaches the other host.
cat >redirect.py <<'PYEOF'
import http.server, sys, threading
hits = []
class Sink(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        hits.append(self.headers.get("Authorization"))
        self.send_response(200); self.end_headers(); self.wfile.write(b'{"data":[]}')
    do_POST = do_GET
    def log_message(self, *a): pass
sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
class Redirect(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/_hits":
            body = str(len(hits)).encode()
            self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
            self.wfile.write(body); return
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:%d%s" % (sink.server_port, self.path))
        self.send_header("Content-Length", "0"); self.end_headers()
    do_POST = do_GET
    def log_message(self, *a): pass
red = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
threading.Thread(target=sink.serve_forever, daemon=True).start()
print("listening on 127.0.0.1:%d" % red.server_port, flush=True)
red.serve_forever()
PYEOF
"$PY" redirect.py >red.out 2>red.err &
PIDS="$PIDS $!"
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' red.out; do sleep 0.05; i=$((i + 1)); done
RED=http://$(sed -n 's/^listening on //p' red.out)
profile red altum "$RED" 'api_key_env = AL_KEY
rate = 0'
check_rc "a redirect is not followed: the pull fails" 4 cs --config cs.ini pull red
check_grep "says it was not followed" "a redirect to .*: refused (redirects are never followed)" err.txt
check_eq "the other host got no request (and no key)" 0 "$(curl -s "$RED/_hits")"
finish
