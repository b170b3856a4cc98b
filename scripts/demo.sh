#!/bin/sh
# `make demo`: imports samples/contacts.csv into a scratch store and exports
# it again, to show what contactsync does with a typical contact list.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/contactsync"
store="$top/build/demo-store"
rejects="$top/build/demo-rejects.csv"
rm -rf "$store"
mkdir -p "$top/build"

echo "== contactsync import --region GB samples/contacts.csv"
rc=0
"$bin" --store "$store" import --region GB --rejects "$rejects" "$top/samples/contacts.csv" || rc=$?
# 1 only says that some rows were rejected, which this sample does on purpose.
[ "$rc" -le 1 ] || exit "$rc"
echo
echo "== rejected rows ($rejects)"
cat "$rejects"
echo
echo "== contactsync export"
"$bin" --store "$store" export
echo
echo "== contactsync export --format json (first 3 lines)"
"$bin" --store "$store" export --format json | head -n 3
echo
echo "== contactsync phone --region GB --format tsv '07700 900123' '+1 212 555 0142' 12345"
"$bin" phone --region GB --format tsv '07700 900123' '+1 212 555 0142' 12345 || true
