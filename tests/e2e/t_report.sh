# report and sync --report: two syncs to the sendblue emulator (rejected
# rows, a merged duplicate, creates, an update, a contact the server
# refuses), their workbooks converted back to CSV sheet by sheet by
# LibreOffice and checked against the run's record and its results files;
# the chart in the zip; usage errors; a report whose results folder was
# deleted; a --report that cannot be written.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret
: >cs.ini

# py EXPR-SCRIPT: runs Python with helpers: rd(path) the rows of a CSV file,
# summary(dir) the Summary sheet as {item: value}, rec the last run record
py() {
	"$PY" -c "
import csv, json, sys
def rd(p):
    with open(p, newline='', encoding='utf-8') as f:
        return list(csv.reader(f))
def summary(d):
    return {r[0]: r[1] for r in rd(d + '/' + d + '-Summary.csv')[1:]}
rec = json.load(open('rec.json'))
$1"
}

check_rc "report before any store: exit 5" 5 cs report -o none.xlsx

start sb --dialect sendblue --key-id kid --secret sbsecret
profile ok sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
# 6 contacts, the third refused by the server (too many tags), a row that
# is not a number, a row that repeats the second number (merged)
refused_list 6 2 >list.csv
printf 'not a number,Rex,vip\n+447712000001,Dup,vip\n' >>list.csv
cs import list.csv >/dev/null 2>&1
check_rc "no runs yet: exit 2" 2 cs report -o none.xlsx
check_grep "says so" "no run recorded yet" err.txt
check_rc "no runs of a profile: exit 2" 2 cs report ok -o none.xlsx
check_grep "names it" "no run of 'ok' recorded yet" err.txt

check_rc "first sync with --report (a failure: exit 1; the rejected row is only reported)" 1 \
	cs --config cs.ini sync ok list.csv --report first.xlsx
check_eq "the report is a zip" "PK" "$(head -c 2 first.xlsx 2>/dev/null)"
cs --config cs.ini status ok --format json >status.json
first=$("$PY" -c 'import json; print(json.load(open("status.json"))["profiles"][0]["runs"][-1]["id"])')
first_results=$("$PY" -c 'import json; print(json.load(open("status.json"))["profiles"][0]["runs"][-1]["results"])')

# the second sync updates one contact's name; the refused one fails again
sed 's/^\(+447712000003\),P3,/\1,Q3,/' list.csv >list2.csv && mv list2.csv list.csv
check_rc "second sync with --report" 1 cs --config cs.ini sync ok list.csv --report second.xlsx
cs --config cs.ini status ok --format json >status.json
"$PY" -c 'import json; json.dump(json.load(open("status.json"))["profiles"][0]["runs"][-1], open("rec.json", "w"))'
res=$("$PY" -c 'import json; print(json.load(open("rec.json"))["results"])')
check_eq "the run had an update" 1 "$(py 'print(rec["push"]["operations"]["update"]["done"])')"
check_eq "and a failure" 1 "$(py 'print(rec["push"]["operations"]["create"]["failed"])')"
check_eq "no temporary file left" "" "$(ls | grep '\.tmp' || true)"

# --- the zip: sheets, the chart drawn on Summary, phones as text ---------------
unzip -l second.xlsx >list.txt 2>&1
check_grep "the chart part" " xl/charts/chart1.xml$" list.txt
check_eq "seven sheets" 7 "$(grep -c ' xl/worksheets/sheet[0-9]*\.xml$' list.txt)"
unzip -p second.xlsx xl/workbook.xml >wb.xml
check_eq "sheets in order" "Summary Operations Changes Failures Skipped Rejects Duplicates" \
	"$(grep -o '<sheet name="[^"]*"' wb.xml | sed 's/<sheet name="//; s/"$//' | tr '\n' ' ' | sed 's/ $//')"
unzip -p second.xlsx xl/worksheets/sheet1.xml >summary.xml
check_grep "Summary has a drawing" '<drawing r:id="rId1"/>' summary.xml
unzip -p second.xlsx xl/worksheets/_rels/sheet1.xml.rels >s1.rels
check_grep "which is drawing1" 'Target="../drawings/drawing1.xml"' s1.rels
unzip -p second.xlsx xl/drawings/_rels/drawing1.xml.rels >d1.rels
check_grep "whose chart is chart1" 'Target="../charts/chart1.xml"' d1.rels
unzip -p second.xlsx xl/charts/chart1.xml >chart1.xml
check_grep "a stacked column chart" '<c:grouping val="stacked"/>' chart1.xml
check_grep "titled" 'Operations by kind and outcome' chart1.xml
check_grep "of the Operations table" '<c:f>Operations!$B$2:$B$5</c:f>' chart1.xml
unzip -p second.xlsx xl/worksheets/sheet4.xml >failures.xml
check_grep "the failed phone is a text cell" 't="inlineStr"><is><t>+447712000002</t>' failures.xml
check_grep "Failures: header bold and frozen" '<pane ySplit="1" [^>]*state="frozen"' failures.xml
check_grep "Failures: autofilter" '<autoFilter ref="A1:G2"/>' failures.xml

if [ "$have_soffice" -eq 1 ]; then
	soffice_sheets second.xlsx second
	for s in Summary Operations Changes Failures Skipped Rejects Duplicates; do
		check_rc "LibreOffice wrote sheet $s" 0 test -s "second/second-$s.csv"
	done

	# Summary against the record
	check_eq "Summary: the run" "ok sendblue sync $(py 'print(rec["id"])')" \
		"$(py 's = summary("second"); print(s["profile"], s["provider"], s["command"], s["run id"])')"
	check_eq "Summary: start and end as recorded" ok "$(py '
s = summary("second")
print("ok" if (s["start (UTC)"], s["end (UTC)"]) == (rec["start"], rec["end"]) else s)')"
	check_eq "Summary: exit status in words" "1: some operations failed, or an output could not be written" \
		"$(py 'print(summary("second")["exit status"])')"
	check_eq "Summary: the counts are the record's" ok "$(py '
s = summary("second")
i, p, u = rec["import"], rec["pull"], rec["push"]
want = {"rows read": i["rows_read"], "rows staged": i["staged"],
        "rows merged (duplicates)": i["merged"], "rows rejected": i["rejected"],
        "blank rows": i["blank"], "contacts pulled": p["contacts"],
        "operations unchanged": u["unchanged"], "push requests": u["requests"],
        "push retries": u["retries"], "push 429 answers": u["status_429"],
        "push rate-limit wait (s)": u["rate_wait_s"], "push retry wait (s)": u["retry_wait_s"],
        "duration (s)": rec["duration_s"]}
bad = {k: (s.get(k), v) for k, v in want.items() if k not in s or float(s[k]) != float(v)}
print("ok" if not bad else bad)')"
	check_eq "Summary: the actual numbers" "8 6 1 1 5" \
		"$(py 's = summary("second"); print(s["rows read"], s["rows staged"], s["rows merged (duplicates)"], s["rows rejected"], s["contacts pulled"])')"
	check_eq "Summary: dry run, stopped early, results" "no no $res" \
		"$(py 's = summary("second"); print(s["dry run"], s["stopped early"], s["results folder"])')"
	check_eq "Summary: nothing missing" "" "$(grep ' sheet,' second/second-Summary.csv || true)"

	check_eq "Operations: the record's counts" ok "$(py '
rows = rd("second/second-Operations.csv")
ops = rec["push"]["operations"]
want = [["kind", "done", "failed", "skipped", "pending"]] + [[k] + [str(ops[k][o]) for o in ("done", "failed", "skipped", "pending")] for k in ("create", "update", "opt-out", "delete")]
print("ok" if rows == want else rows)')"

	check_eq "Failures: the rows of errors.csv" ok "$(py '
got, want = rd("second/second-Failures.csv"), rd("'"$res"'/errors.csv")
ok = got[0] == ["operation", "phone", "source file", "source row", "HTTP status", "server message", "attempts"] and got[1:] == want[1:] and len(got) == 2
print("ok" if ok else (got, want))')"
	check_grep "the refused phone read back with its +" '^create,+447712000002,list.csv,4,400,' second/second-Failures.csv
	check_eq "Skipped: the rows of skipped.csv" ok "$(py '
got, want = rd("second/second-Skipped.csv"), rd("'"$res"'/skipped.csv")
print("ok" if got[1:] == want[1:] and got[0][0] == "operation" else (got, want))')"

	# Changes: an independent pivot of changes.csv
	check_eq "Changes: one row per operation, as changes.csv says" ok "$(py '
src, got = rd("'"$res"'/changes.csv")[1:], rd("second/second-Changes.csv")
head, rows = got[0], got[1:]
groups = []
for op, phone, id_, field, before, after in src:
    if not groups or groups[-1][0] != (op, phone, id_) or field in groups[-1][1]:
        groups.append(((op, phone, id_), {}))
    if field:
        groups[-1][1][field] = (before, after)
bad = []
if len(rows) != len(groups): bad.append(("rows", len(rows), len(groups)))
for row, (key, fields) in zip(rows, groups):
    row = dict(zip(head, row + [""] * (len(head) - len(row))))
    if (row["operation"], row["phone"], row["id"]) != key: bad.append((row, key))
    for f in {h.rsplit(" ", 1)[0] for h in head[4:]}:
        b, a = fields.get(f, ("", ""))
        if (row[f + " before"], row[f + " after"]) != (b, a): bad.append((row, f, b, a))
print("ok" if not bad and len(groups) > 0 else bad)')"
	check_grep "the update's before and after" '^update,+447712000003,[^,]*,first_name,P3,Q3$' second/second-Changes.csv

	check_eq "Rejects: the rejects file, with the reason in words" ok "$(py '
got, want = rd("second/second-Rejects.csv"), rd("'"$res"'/rejects.csv")
ok = got[0] == ["file", "row", "reason", "reason code", "column", "value", "cells"]
ok = ok and len(got) == len(want) == 2 and want[0][-5:] == ["_reason", "_column", "_value", "_source", "_row"]
ok = ok and got[1][:2] == want[1][-2:] and got[1][3:6] == want[1][-5:-2] and got[1][6] == ",".join(want[1][:-5])
print("ok" if ok else (got, want))')"
	check_grep "the reason in words" '^list.csv,8,the phone cell is not a phone number,not_a_number,phone,not a number,"not a number,Rex,vip"$' second/second-Rejects.csv
	check_eq "Duplicates: the duplicates file" ok "$(py '
got, want = rd("second/second-Duplicates.csv"), rd("'"$res"'/duplicates.csv")
print("ok" if got[1:] == want[1:] and len(got) == 2 else (got, want))')"
	check_grep "the merged row (P1, then Dup: another person)" "^+447712000001,list.csv,3,list.csv,9,replaced: another person's row came later$" second/second-Duplicates.csv
fi

# --- contactsync report: the last run, a run by id ------------------------------
check_rc "report of the last run" 0 cs report -o last.xlsx
check_grep "says what it wrote" "^report of run $(py 'print(rec["id"])') ('ok', sync) in 'last.xlsx': 1 changes, 1 failures, 0 skipped, 1 rejects, 1 duplicates$" out.txt
check_rc "report of the last run of ok" 0 cs report ok -o last-ok.xlsx
check_rc "report of the first run by --run" 0 cs report ok --run "$first" -o first-again.xlsx
check_rc "--run without a profile" 0 cs report --run "$first" -o first-any.xlsx
if [ "$have_soffice" -eq 1 ]; then
	soffice_sheets last.xlsx last
	for s in Summary Operations Changes Failures Skipped Rejects Duplicates; do
		check_same "report gives sync --report's sheet $s" "second/second-$s.csv" "last/last-$s.csv"
	done
	soffice_sheets first-again.xlsx first-again
	check_eq "the first run's report is of the first run" "$first" \
		"$(py 's = summary("first-again"); print(s["run id"])')"
	check_eq "its creates and failure" "create,5,1,0,0" "$(sed -n 2p first-again/first-again-Operations.csv)"
	check_eq "its Changes: five creates" 5 "$(grep -c '^create,' first-again/first-again-Changes.csv)"
fi

# --- usage errors --------------------------------------------------------------------
check_rc "an unknown --run: exit 2" 2 cs report ok --run 20000101T000000.000Z-1 -o x.xlsx
check_grep "names it" "no run '20000101T000000.000Z-1' of 'ok'" err.txt
check_rc "an unknown --run of any profile: exit 2" 2 cs report --run nope -o x.xlsx
check_grep "names it" "no run 'nope' recorded" err.txt
check_rc "an unknown profile: exit 2" 2 cs report nobody -o x.xlsx
check_rc "no -o: exit 2" 2 cs report ok
check_grep "says -o is needed" "report needs -o FILE.xlsx" err.txt
check_rc "two profiles: exit 2" 2 cs report a b -o x.xlsx
check_rc "an unwritable -o: exit 2" 2 cs report ok -o nodir/x.xlsx
check_grep "names the file" "'nodir/x.xlsx'" err.txt
check_eq "no workbook made by the errors" "" "$(ls x.xlsx 2>/dev/null || true)"

# --- the results folder deleted -----------------------------------------------------
rm -rf "$first_results"
check_rc "report of a run whose results folder was deleted: written" 0 \
	cs report ok --run "$first" -o gone.xlsx
check_grep "with a warning" "warning: .*the results folder '$first_results' is missing" err.txt
check_eq "one warning per sheet" 5 "$(grep -c '^warning: ' err.txt)"
if [ "$have_soffice" -eq 1 ]; then
	soffice_sheets gone.xlsx gone
	check_grep "the Summary says Changes are missing" "^Changes sheet,the results folder '$first_results' is missing" gone/gone-Summary.csv
	check_grep "and Failures" "^Failures sheet,the results folder" gone/gone-Summary.csv
	check_grep "and Rejects" "^Rejects sheet,'$first_results/rejects.csv' is missing" gone/gone-Summary.csv
	check_eq "the counts are still there" 8 "$(py 'print(summary("gone")["rows read"])')"
	check_eq "Failures: the header only" 1 "$(wc -l <gone/gone-Failures.csv)"
fi

# --- relative paths: the record names its files absolutely -----------------------------
mkdir -p elsewhere
check_rc "a sync with a relative --store and --rejects" 1 \
	cs --store relstore --config cs.ini sync ok list.csv --rejects rel-rejects.csv
(cd elsewhere && "$BIN" --store ../relstore --config ../cs.ini report ok -o r.xlsx >out.txt 2>err.txt)
check_eq "its report, written from another directory, finds every file" \
	"0 1" "$(grep -c missing elsewhere/err.txt) $(sed -n 's/.* \([0-9]*\) rejects.*/\1/p' elsewhere/out.txt)"

# --- a --report that cannot be written ---------------------------------------------
check_rc "sync with an unwritable --report: exit 2 instead of 1" 2 \
	cs --config cs.ini sync ok list.csv --report nodir/r.xlsx
check_grep "warns with the reason" "warning: the report 'nodir/r.xlsx' was not written: cannot create 'nodir/r.xlsx'" err.txt
check_eq "the run is recorded anyway" 3 \
	"$(cs --config cs.ini status ok --format json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["profiles"][0]["runs"]))')"
finish
