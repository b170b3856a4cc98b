#!/bin/sh
# `make demo`: imports samples/contacts.csv into a scratch store, exports
# it again, then syncs it and samples/contacts.xlsx twice to a local
# Sendblue emulator (the second run sends nothing; the first writes an XLSX
# report) and once to a local AltumCode emulator, writes the report of the
# last run, and migrates the Sendblue account to the AltumCode one.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/contactsync"
store="$top/build/demo-store"
rejects="$top/build/demo-rejects.csv"
rm -rf "$store"
mkdir -p "$top/build"

echo "== contactsync import --list demo --region GB samples/contacts.csv"
rc=0
"$bin" --store "$store" import --list demo --region GB --rejects "$rejects" "$top/samples/contacts.csv" || rc=$?
# The sample rejects some rows on purpose: reported, not failed (exit 0).
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "== rejected rows ($rejects)"
cat "$rejects"
echo
echo "== contactsync export --list demo"
"$bin" --store "$store" export --list demo
echo
echo "== contactsync export --list demo --format json (first 3 lines)"
"$bin" --store "$store" export --list demo --format json | head -n 3
echo
echo "== contactsync phone --region GB --format tsv '07700 900123' '+1 212 555 0142' 12345"
"$bin" phone --region GB --format tsv '07700 900123' '+1 212 555 0142' 12345 || true

# The provider side, against the local emulator (nothing leaves this machine):
# an account that already holds some of these people, slightly different.
emu="$top/build/contactsync-emulator"
work=$(mktemp -d)
"$emu" --dialect sendblue --port 0 --key-id demo-id --secret demo-secret >"$work/emu.out" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$work/emu.out"; do sleep 0.05; i=$((i + 1)); done
url=http://$(sed -n 's/^listening on //p' "$work/emu.out")
curl -s -f -X POST "$url/_emulator/contacts" --data-binary '[
 {"phone":"+447911123456","first_name":"Olivia","last_name":"Bennett","company_name":"Harbour Cafe","tags":["vip"]},
 {"phone":"+12125550142","first_name":"Emma","last_name":"Johnson","company_name":"Brooklyn Bikes","tags":["customer"],"custom_variables":{"Email":"emma@brooklynbikes.example","Plan":"gold"}},
 {"phone":"+447811345678","first_name":"Isla","last_name":"Murray","tags":["newsletter"]},
 {"phone":"+447700123999","first_name":"Old","last_name":"Contact"}]' >/dev/null
cat >"$work/demo.ini" <<INI
[profile demo]
provider = sendblue
base_url = $url
api_key_id_env = DEMO_KEY_ID
api_secret_env = DEMO_SECRET
region = GB
INI
echo
echo "== contactsync pull demo   (a local Sendblue emulator at $url)"
DEMO_KEY_ID=demo-id DEMO_SECRET=demo-secret \
	"$bin" --store "$store" --config "$work/demo.ini" pull demo
echo
echo "== contactsync diff demo"
"$bin" --store "$store" --config "$work/demo.ini" diff demo
echo
echo "== contactsync diff demo --format csv (first 8 lines)"
"$bin" --store "$store" --config "$work/demo.ini" diff demo --format csv 2>/dev/null | head -n 8
echo
echo "== contactsync sync demo samples/contacts.csv samples/contacts.xlsx   (import + pull + push, as cron runs it)"
rc=0
DEMO_KEY_ID=demo-id DEMO_SECRET=demo-secret \
	"$bin" --store "$store" --config "$work/demo.ini" sync demo --region GB \
	--results "$work/results-1" --report "$work/night-1.xlsx" \
	"$top/samples/contacts.csv" "$top/samples/contacts.xlsx" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "== the same sync again: nothing left to send"
rc=0
DEMO_KEY_ID=demo-id DEMO_SECRET=demo-secret \
	"$bin" --store "$store" --config "$work/demo.ini" sync demo --region GB \
	--results "$work/results-2" "$top/samples/contacts.csv" "$top/samples/contacts.xlsx" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "== what the first run did ($work/results-1/success.csv, first 6 lines)"
head -n 6 "$work/results-1/success.csv"

# The same list to an AltumCode 66text account (one request at a time,
# its 60-per-minute limit scaled up for the demo).
"$emu" --dialect altum --port 0 --key demo-key --rate 0 >"$work/altum.out" 2>&1 &
altum_pid=$!
trap 'kill $emu_pid $altum_pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on ' "$work/altum.out"; do sleep 0.05; i=$((i + 1)); done
aurl=http://$(sed -n 's/^listening on //p' "$work/altum.out")
cat >>"$work/demo.ini" <<INI
[profile demo-altum]
provider = altum
base_url = $aurl
api_key_env = DEMO_ALTUM_KEY
rate = 100/s
region = GB
INI
echo
echo "== contactsync sync demo-altum samples/contacts.csv samples/contacts.xlsx   (a local AltumCode emulator at $aurl)"
rc=0
DEMO_ALTUM_KEY=demo-key "$bin" --store "$store" --config "$work/demo.ini" sync demo-altum \
	--region GB --results "$work/results-altum" "$top/samples/contacts.csv" "$top/samples/contacts.xlsx" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "== contactsync report demo -o $work/last-run.xlsx   (the last run as an Excel workbook)"
"$bin" --store "$store" --config "$work/demo.ini" report demo -o "$work/last-run.xlsx"
echo
echo "== contactsync migrate --from demo --to demo-altum   (Sendblue's account to AltumCode's)"
rc=0
DEMO_KEY_ID=demo-id DEMO_SECRET=demo-secret DEMO_ALTUM_KEY=demo-key \
	"$bin" --store "$store" --config "$work/demo.ini" migrate --from demo --to demo-altum \
	--results "$work/results-migrate" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "== what altum cannot hold ($work/results-migrate/unmapped.csv, first 4 lines)"
head -n 4 "$work/results-migrate/unmapped.csv"
