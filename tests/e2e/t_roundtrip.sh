# import → export → import of the export gives back the same desired set,
# in CSV and through every delimiter and encoding of the input.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

cp "$TOP/samples/contacts.csv" in.csv
check_rc "import samples (rejects reported: exit 0)" 0 cs import --region GB in.csv
check_grep "summary adds up" "rows read 17 = staged 13 + merged 1 + rejected 3" out.txt
check_rc "export csv" 0 cs export -o e1.csv
check_grep "export header in contract order" "^phone,name,first_name,last_name,company,tags,opted_out,Email,Plan,phone_extension$" e1.csv
check_eq "13 contacts exported" 14 "$(wc -l <e1.csv | tr -d ' ')"
check_grep "spreadsheet number recovered" "^+447400123456," e1.csv
check_grep "scientific form recovered" "^+447400567890," e1.csv
check_grep "duplicate merged, later non-empty wins" "^+447911123456,,Olivia,Bennett-Shaw,Harbour Cafe,newsletter;vip,false,olivia@harbourcafe.example,platinum," e1.csv
check_grep "extension split off" "^+442079460958,.*,204$" e1.csv
check_grep "per-row country column used" "^+33612345678,,Chloé,Martin," e1.csv
check_grep "stop means opted out" "^+447811345678,.*,true," e1.csv

check_rc "re-import the export" 0 cs import e1.csv
check_rc "export again" 0 cs export -o e2.csv
check_same "round trip is exact" e1.csv e2.csv

check_rc "export json" 0 cs export --format json -o e.json
check_eq "one JSON object per contact" 13 "$(wc -l <e.json | tr -d ' ')"
check_grep "json fields" '"phone":"+447911123456","name":null,"first_name":"Olivia","last_name":"Bennett-Shaw","company":"Harbour Cafe","tags":\["newsletter","vip"\],"opted_out":false' e.json

check_rc "import the JSON export" 0 cs import e.json
cs export -o j-out.csv
check_same "JSON round trip is exact" e1.csv j-out.csv
check_rc "JSON from stdin is recognised" 0 sh -c "cat e.json | '$BIN' import -"
cs export -o j2-out.csv
check_same "JSON stdin round trip" e1.csv j2-out.csv
printf '{"phone":"+447911123456","tags":"a;b","custom":{"x":1},"city":"Leeds"}\nnot json\n[1]\n{"phone":["x"]}\n\n{"phone":447911123457,"opted_out":true}\n' >mixed.jsonl
check_rc "JSON lines with 3 bad lines of 5 (--max-rejects 3): exit 0" 0 cs import --max-shrink-percent 100 --max-rejects 3 --rejects jr.csv mixed.jsonl
check_grep "JSON accounting" "rows read 5 = staged 2 + merged 0 + rejected 3" out.txt
check_grep "JSON lines' rejects: the line, then where and why" "^line,_reason,_column,_value,_source,_row$" jr.csv
check_grep "bad JSON line rejected with its line number" "^not json,bad_json,,,mixed.jsonl,2$" jr.csv
check_grep "non-object rejected" '^\[1\],bad_json,,,mixed.jsonl,3$' jr.csv
check_grep "wrong value type rejected" ',bad_json,,,mixed.jsonl,4$' jr.csv
cs export -o mixed.csv
check_grep "JSON fields, numbers and extra keys kept" "^+447911123456,,,,,a;b,,Leeds,1$" mixed.csv
check_grep "numeric phone recovered, boolean opt-out" "^+447911123457,,,,,,true,," mixed.csv

# Same list with other delimiters and encodings gives the same set.
# (the tags column holds ';' itself, so it is left out of this comparison)
cut -d, -f1-5,7- e1.csv >notags.csv
for d in ';' '|' 'tab'; do
	if [ "$d" = tab ]; then sep=$(printf '\t'); else sep=$d; fi
	sed "s/,/$sep/g" notags.csv >d.csv
	check_rc "import with delimiter $d (detected)" 0 cs import d.csv
	cs export -o d-out.csv
	cut -d, -f1-5,7- d-out.csv >d-cut.csv
	check_same "delimiter $d gives the same set" notags.csv d-cut.csv
done
iconv -f UTF-8 -t UTF-16 e1.csv >u16.csv
check_rc "import UTF-16 with BOM" 0 cs import u16.csv
cs export -o u16-out.csv
check_same "UTF-16 gives the same set" e1.csv u16-out.csv
iconv -f UTF-8 -t WINDOWS-1252 e1.csv >w.csv
check_rc "import Windows-1252" 0 cs import w.csv
cs export -o w-out.csv
check_same "Windows-1252 gives the same set" e1.csv w-out.csv
printf '\357\273\277' | cat - e1.csv >bom.csv
check_rc "import UTF-8 with BOM" 0 cs import bom.csv
cs export -o bom-out.csv
check_same "UTF-8 BOM gives the same set" e1.csv bom-out.csv

check_rc "import from stdin" 0 sh -c "cat e1.csv | '$BIN' import -"
cs export -o s-out.csv
check_same "stdin gives the same set" e1.csv s-out.csv

# NFC: a decomposed é is stored composed.
printf 'phone,name\n+447911123456,Cafe\314\201  du   Parc \n' >nfc.csv
check_rc "import decomposed text" 0 cs import --max-shrink-percent 100 nfc.csv
cs export -o nfc-out.csv
check_grep "NFC, trimmed, whitespace collapsed" "^+447911123456,Café du Parc," nfc-out.csv
finish
