# Every row is staged, merged or rejected, and the rejects file says why.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

cat >in.csv <<'CSV'
Phone,Name,Opt out,Country,Note
+447911123456,Ann,no,,first
07911 123457,Bob,,,
12,Short,,,
+999 1234 5678,Bad code,,,
0791112345678901234,Long,,,
hello,Words,,,
,No phone,,,

07911 123458,Weird optout,maybe,,
0612345678,French,,FR,
0612345679,Nowhere,,XX,
07911 123459,Extra,,,,spill
+447911123456,Ann again,,,second
"07911 123460","Quoted, with comma",,,"multi
line"
CSV
# (8 of 13 rows rejected: more than the default --max-rejects 50%)
check_rc "import with 8 rejects, --max-rejects 8: exit 0" 0 cs import --region GB --max-rejects 8 --rejects rej.csv in.csv
check_grep "the rejects named in a warning" "^warning: 8 of 13 rows rejected: they are in 'rej.csv'" err.txt
check_grep "accounting line" "rows read 13 = staged 4 + merged 1 + rejected 8" out.txt
check_grep "blank row counted apart" "1 blank rows skipped" out.txt
check_eq "rejects file: header + 8 rows" 9 "$(wc -l <rej.csv | tr -d ' ')"
check_grep "rejects header: the input's, then where and why" "^Phone,Name,Opt out,Country,Note,_reason,_column,_value,_source,_row$" rej.csv
check_grep "too_short with column, value, file and row" "^12,Short,,,,too_short,Phone,12,in.csv,4$" rej.csv
check_grep "invalid_country_code" "^+999 1234 5678,Bad code,,,,invalid_country_code,Phone,+999 1234 5678,in.csv,5$" rej.csv
check_grep "too_long" ",too_long,Phone,0791112345678901234,in.csv,6$" rej.csv
check_grep "not_a_number" "^hello,Words,,,,not_a_number,Phone,hello,in.csv,7$" rej.csv
check_grep "empty" "^,No phone,,,,empty,Phone,,in.csv,8$" rej.csv
check_grep "bad_opt_out names the cell (row after the blank line)" ",bad_opt_out,Opt out,maybe,in.csv,10$" rej.csv
check_grep "unknown_country" "^0612345679,Nowhere,,XX,,unknown_country,Country,XX,in.csv,12$" rej.csv
check_grep "too_many_cells: the spilled value" "^07911 123459,Extra,,,,too_many_cells,column 6,spill,in.csv,13$" rej.csv
check_rc "export" 0 cs export -o out.csv
check_grep "French number via the country column" "^+33612345678," out.csv
check_grep "merged row keeps later note" "^+447911123456,Ann again,.*,second$" out.csv
check_grep "quoted comma and embedded newline kept" '^+447911123460,"Quoted, with comma",' out.csv

# No region: national numbers are rejected as no_region.
printf 'phone\n07911 123456\n+447911123456\n' >noreg.csv
check_rc "import without region (a reject: exit 0)" 0 cs import --max-shrink-percent 100 --rejects r2.csv noreg.csv
check_grep "no_region" "^07911 123456,no_region,phone,07911 123456,noreg.csv,2$" r2.csv

# A file without a phone column is a usage error naming the file and columns.
printf 'name,email\nAnn,a@example.com\n' >nophone.csv
check_rc "no phone column exits 2" 2 cs import nophone.csv
check_grep "message names file and columns" "'nophone.csv': no phone column found; name it with --map phone=COLUMN (columns: 'name', 'email')" err.txt
printf 'name,Tel.\nAnn,+447911123456\n' >tel.csv
check_rc "--map names the column" 0 cs import --map phone=tel --map who=name tel.csv
cs export -o tel-out.csv
check_grep "--map FIELD=COLUMN for phone and a custom key" "^+447911123456,.*,Ann$" tel-out.csv
check_grep "custom key from --map" ",who$" tel-out.csv
check_rc "unknown --map column exits 2" 2 cs import --map phone=Tel nophone.csv
check_grep "--map error names the column" "no column 'Tel'" err.txt

# Repeated headers are kept apart, with a warning.
printf 'phone,Email,Email\n+447911123456,a@x.example,b@x.example\n' >dup.csv
check_rc "repeated header imports" 0 cs import dup.csv
check_grep "warning about the repeated header" "header 'Email' is repeated" err.txt
cs export -o dup-out.csv
check_grep "both columns exported" "^phone,name,first_name,last_name,company,tags,opted_out,Email,Email (2)$" dup-out.csv
# --- --duplicates: every merged row, and the row it was merged into -----------
printf 'phone,first_name,last_name\n+447911000001,Ann,\n+447911000002,Bob,B\n+447911000001,,Smith\n+447911000001,Annie,\n' >d1.csv
printf 'phone,first_name\n+447911000002,Bobby\n' >d2.csv
check_rc "import with --duplicates" 0 cs import --duplicates dups.csv d1.csv d2.csv
check_grep "three rows merged" "rows read 5 = staged 2 + merged 3 + rejected 0" out.txt
check_eq "one line per merged row" 4 "$(wc -l <dups.csv | tr -d ' ')"
check_grep "the header" "^phone,file,row,merged_into_file,merged_into_row,how$" dups.csv
check_grep "rows merged into the number's last row" "^+447911000001,d1.csv,2,d1.csv,5,replaced: another person's row came later$" dups.csv
check_grep "the same person (a last name added) merges" "^+447911000001,d1.csv,4,d1.csv,5,replaced: another person's row came later$" dups.csv
check_grep "other names: the later row replaces the earlier whole" "merged 3, of which with different names 2" out.txt
check_grep "across files" "^+447911000002,d1.csv,3,d2.csv,2,replaced: another person's row came later$" dups.csv
check_rc "--append: the current set is not a duplicate" 0 cs import --append --duplicates dups2.csv d2.csv
check_eq "nothing merged within the file" 1 "$(wc -l <dups2.csv | tr -d ' ')"
check_rc "a failed import leaves no duplicates file" 2 cs import --duplicates dups3.csv d1.csv missing.csv
check_rc "none there" 1 test -e dups3.csv
finish
