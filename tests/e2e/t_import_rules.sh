# What an import does with real lists beyond reading cells: the number a
# row's contact gets among its phone columns, --phones all, the rejects file
# that imports again, another person on a number, the empty and shrink
# guards, --columns/--ignore/--show-map, the header row found under a title.
# Expected numbers are python3-phonenumbers' (see each comment), not ours.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

# phonenumbers: 07400 123456 GB → +447400123456 MOBILE; 020 7946 0000 GB →
# +442079460000 FIXED_LINE; 07400 123457 → +447400123457 MOBILE.
cat >two.csv <<'CSV'
Name,Phone,Mobile
Office first,020 7946 0000,07400 123456
Only mobile,,07400 123457
Only landline,020 7946 0001,
Nothing,,
CSV
check_rc "Phone and Mobile: one row rejected (reported: exit 0)" 0 cs import --region GB two.csv
check_grep "accounting" "rows read 4 = staged 3 + merged 0 + rejected 1" out.txt
cs export -o two-out.csv
check_grep "the mobile column's number is the contact's" '^+447400123456,Office first,' two-out.csv
check_grep "the landline stays as a custom field" '^+447400123456,.*020 7946 0000' two-out.csv
check_grep "a row with only a mobile is staged" '^+447400123457,Only mobile,' two-out.csv
check_grep "a row with only a landline keeps it" '^+442079460001,Only landline,' two-out.csv
res=$(ls -d "$CONTACTSYNC_STORE"/results/import-* | tail -1)
check_grep "the empty row is in the run's rejects, its header kept" '^Name,Phone,Mobile,_reason,_column,_value,_source,_row$' "$res/rejects.csv"
check_grep "with reason, column (the strongest phone column), source and row" '^Nothing,,,empty,Mobile,,two.csv,5$' "$res/rejects.csv"
check_grep "the summary names the rejects file" "rows in '$res/rejects.csv'" out.txt
check_grep "the mapping is kept" '^two.csv,3,Mobile,' "$res/mapping.csv"

# A cell with several numbers (Google's " ::: "): the mobile wins even second.
printf 'Name,Phone\nMulti,020 7946 0000 ::: 07400 123456\n' >multi.csv
check_rc "two numbers in one cell" 0 cs import --region GB --force multi.csv
cs export -o multi-out.csv
check_grep "the mobile of the two" '^+447400123456,Multi,' multi-out.csv

# --phones all: one contact per distinct valid number of the row.
check_rc "--phones all" 0 cs import --region GB --phones all two.csv
check_grep "the more numbers are counted" "rows read 4 + 1 more numbers (--phones all) = staged 4 + merged 0 + rejected 1" out.txt
cs export -o all-out.csv
check_grep "the landline is a contact of its own" '^+442079460000,Office first,' all-out.csv
check_grep "and so is the mobile" '^+447400123456,Office first,' all-out.csv

# The rejects file imports again as it is, once fixed.
printf 'phone,name,city\n12,Short,Leeds\n+447400123458,Good,York\n' >rej.csv
check_rc "a row rejected (reported: exit 0)" 0 cs import --region GB --force --rejects fixme.csv rej.csv
check_grep "reason, column and value" '^12,Short,Leeds,too_short,phone,12,rej.csv,2$' fixme.csv
sed 's/^12,/07400 123459,/' fixme.csv >fixed.csv
check_rc "the fixed rejects file imports" 0 cs import --region GB --append fixed.csv
cs export -o fixed-out.csv
check_grep "the fixed row is staged with its own columns" '^+447400123459,Short,.*Leeds' fixed-out.csv
if grep -q '_reason\|too_short' fixed-out.csv; then
	fail "the added columns are not custom fields"
else
	pass "the added columns are not custom fields"
fi

# Two people on one number: the later row wins whole, never a mix.
cat >people.csv <<'CSV'
phone,first_name,last_name,company,opted_out
07911 123456,Emily,Jones,Jones & Co,yes
07911 123456,Lucy,Green,,
07400 123456,Ann,Lee,Lee Ltd,
07400 123456,ann,lee,,no
CSV
check_rc "two people on one number" 0 cs import --region GB --force people.csv
check_grep "the summary says so" "merged 2, of which with different names 1" out.txt
cs export --format json -o people.jsonl
check_grep "Lucy Green, without Emily's company" '"phone":"+447911123456","name":null,"first_name":"Lucy","last_name":"Green","company":null' people.jsonl
check_grep "the number's opt-out is kept" '"phone":"+447911123456".*"opted_out":true' people.jsonl
check_grep "the same person merges field by field" '"phone":"+447400123456".*"company":"Lee Ltd".*"opted_out":false' people.jsonl
res=$(ls -d "$CONTACTSYNC_STORE"/results/import-* | tail -1)
check_grep "the duplicates file says which was replaced" "replaced: another person's row came later" "$res/duplicates.csv"

# The guards: an empty export does not empty the list; a big shrink stops.
cs import --region GB --force people.csv >/dev/null 2>&1
printf 'phone,name\n' >header-only.csv
check_rc "a header-only file: exit 3" 3 cs import header-only.csv
check_grep "says why and what to do" "yields no contacts.*--allow-empty" err.txt
cs export -o kept.csv
check_eq "the set is kept" 3 "$(wc -l <kept.csv | tr -d ' ')"
: >empty.csv
check_rc "a 0-byte file: exit 3" 3 cs import empty.csv
check_rc "--allow-empty empties it" 0 cs import --allow-empty header-only.csv
awk 'BEGIN { print "phone"; for (i = 0; i < 10; i++) printf "+4474001234%02d\n", i }' >ten.csv
cs import ten.csv >/dev/null 2>&1
printf 'phone\n+447400123400\n+447400123401\n+447400123402\n+447400123403\n' >four.csv
check_rc "10 → 4 contacts (-60%%): exit 3" 3 cs import four.csv
check_grep "names the limit" "more than --max-shrink-percent 50" err.txt
check_rc "--max-shrink-percent 70 lets it" 0 cs import --max-shrink-percent 70 four.csv
cs import ten.csv >/dev/null 2>&1
check_rc "--force lets it" 0 cs import --force four.csv

# What is pushed: --columns, --ignore, --show-map (from an empty set: no
# shrink guard).
cs import --allow-empty header-only.csv >/dev/null 2>&1
printf 'phone,name,E-mail,Lead Source,CRM Id\n+447400123456,Ann,a@x.example,web,0031\n' >crm.csv
check_rc "--show-map" 0 cs import --show-map crm.csv
check_grep "prints each column's use" "Lead Source.*custom" out.txt
check_grep "one use a column, not the ones before it too" "^ *2  name  *name$" out.txt
res=$(ls -d "$CONTACTSYNC_STORE"/results/import-* | tail -1)
check_grep "mapping.csv: the column, its header and its use" "^crm.csv,4,Lead Source,custom 'Lead Source'$" "$res/mapping.csv"
check_grep "the summary names the custom fields" "custom fields pushed: 'E-mail', 'Lead Source', 'CRM Id'" out.txt
check_rc "--columns" 0 cs import --columns 'Lead Source' crm.csv
cs export -o cols.csv
check_eq "only the allowed custom column" "phone,name,first_name,last_name,company,tags,opted_out,Lead Source" "$(head -1 cols.csv)"
check_rc "--ignore" 0 cs import --ignore 'CRM Id,E-mail' crm.csv
cs export -o ign.csv
check_eq "the ignored columns are gone" "phone,name,first_name,last_name,company,tags,opted_out,Lead Source" "$(head -1 ign.csv)"

# A typo in --map is no custom field.
check_rc "--map first_nme=...: exit 2" 2 cs import --map first_nme=name crm.csv
check_grep "did you mean" "did you mean 'first_name'" err.txt
check_rc "--map custom:KEY=COLUMN" 0 cs import --map custom:first_nme=name crm.csv
cs export -o custom.csv
check_grep "makes the custom field" "first_nme" custom.csv

# The header row under a title and a blank row; --header-row FILE=N.
cs import --allow-empty header-only.csv >/dev/null 2>&1
printf 'Customer list,,\nExported 2026-12-01,,\n\nName,Phone,City\nAnn,+447400123456,York\n' >title.csv
check_rc "a title above the header" 0 cs import title.csv
check_grep "the rows above are counted" "2 rows above the header skipped" out.txt
printf 'x,y\nName,Phone\nBob,+447400123457\n' >second.csv
check_rc "--header-row FILE=N for one file of two" 0 \
	cs import --header-row second.csv=2 title.csv second.csv
cs export -o two-files.csv
check_grep "both files read" '^+447400123457,Bob,' two-files.csv

finish
