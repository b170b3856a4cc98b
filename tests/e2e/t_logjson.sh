# --log-format json: every line on stderr is one JSON object with the
# fields README.md's "Logs for machines" documents, and no field it does
# not; a sync gives phase_start/phase_end pairs for import, pull and push
# with their counts, a failure event for a contact the server refuses
# (phone, status, message), and a summary event equal to the summary on
# stdout. A failed pull, a failed import, a warning and -q are checked too;
# no secret appears in any event.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

. "${CONTACTSYNC_TOP:-.}/tests/e2e/emu.sh"

export SB_ID=kid SB_SECRET=sbsecret
: >cs.ini
README=$TOP/README.md

# The checker: `check.py CASE STDERR STDOUT` prints ok/not ok lines.
cat >check.py <<'PYEOF'
import json, re, sys

case, errf, outf, readme = sys.argv[1:5]
results = []

def check(desc, cond, detail=""):
    results.append((bool(cond), desc if cond or not detail else "%s (%s)" % (desc, detail)))
    return bool(cond)

# --- what README.md documents -------------------------------------------
text = open(readme, encoding="utf-8").read()
m = re.search(r"^## Logs for machines\n(.*?)^## ", text, re.S | re.M)
section = m.group(1) if m else ""
if case == "sync":
    check("README has a 'Logs for machines' section", section)

def ticked(s):
    """The `names` in s, leaving out what parentheses say of them."""
    while re.search(r"\([^()]*\)", s):
        s = re.sub(r"\([^()]*\)", "", s)
    return set(re.findall(r"`([^`]+)`", s))

event_fields, event_level, phase_counts = {}, {}, {}
summary_keys = set()
for line in section.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if not line.startswith("| `") or len(cells) < 2:
        continue
    if len(cells) == 3:		# | event | level | fields |
        for ev in ticked(cells[0]):
            event_fields[ev] = ticked(cells[2])
            event_level[ev] = ev if cells[1] == "the same" else cells[1].strip("`")
    elif len(cells) == 2 and cells[0].strip("`") in ("import", "pull", "push"):
        phase_counts[cells[0].strip("`")] = ticked(cells[1])
para = re.search(r"The `summary` object:(.*?)\n\n", section, re.S)
summary_keys = ticked(para.group(1)) if para else set()
if case == "sync":
    check("README documents the events", {"error", "warning", "info", "debug", "phase_start",
          "phase_end", "failure", "summary"} <= set(event_fields), sorted(event_fields))
    check("README documents each phase's counts", set(phase_counts) == {"import", "pull", "push"})

# --- every line: one object, the common fields, only documented ones ------
raw = open(errf, "rb").read()
check("no carriage return or escape sequence", b"\r" not in raw and b"\x1b" not in raw)
check("ASCII only", all(b < 128 for b in raw))
events, bad = [], []
for n, line in enumerate(raw.decode("ascii", "replace").split("\n")[:-1], 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        bad.append("line %d is not JSON: %s" % (n, line[:80]))
        continue
    if not isinstance(o, dict):
        bad.append("line %d is not an object" % n)
        continue
    events.append(o)
    if not (isinstance(o.get("time"), str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", o["time"])):
        bad.append("line %d: time %r" % (n, o.get("time")))
    if o.get("level") not in ("error", "warning", "info", "debug"):
        bad.append("line %d: level %r" % (n, o.get("level")))
    if not isinstance(o.get("msg"), str) or not o["msg"]:
        bad.append("line %d: no msg" % n)
    ev = o.get("event")
    if ev not in event_fields:
        bad.append("line %d: event %r not documented" % (n, ev))
        continue
    if o.get("level") != event_level[ev]:
        bad.append("line %d: %s at level %r, documented %r" % (n, ev, o.get("level"), event_level[ev]))
    allowed = event_fields[ev] | {"time", "level", "msg", "event"}
    if ev == "phase_end":
        allowed |= phase_counts.get(o.get("phase"), set())
    extra = set(o) - allowed
    if extra:
        bad.append("line %d: %s has undocumented fields %s" % (n, ev, sorted(extra)))
check("every stderr line is a JSON object with time, level, msg, event, all documented",
      events and not bad, "; ".join(bad[:3]) or "no lines")

by = lambda ev: [o for o in events if o.get("event") == ev]
phases = [(o["event"], o.get("phase")) for o in events if o.get("event") in ("phase_start", "phase_end")]

def phase_end_ok(o, ok):
    p = o.get("phase")
    missing = (phase_counts.get(p, set()) | {"phase", "ok", "duration_s"}) - set(o)
    return (not missing and o["ok"] is ok and isinstance(o["duration_s"], (int, float))
            and o["duration_s"] >= 0 and (ok or isinstance(o.get("error"), str))), missing

def failure_ok(o):
    return (isinstance(o.get("profile"), str) and o.get("operation") in ("create", "update", "opt-out", "delete")
            and isinstance(o.get("phone"), str) and (o.get("http_status") is None or isinstance(o["http_status"], int))
            and isinstance(o.get("message"), str) and isinstance(o.get("attempts"), int) and o["attempts"] >= 1)

if case == "sync":
    check("phase_start and phase_end of import, pull and push, in order", phases == [
        ("phase_start", "import"), ("phase_end", "import"), ("phase_start", "pull"),
        ("phase_end", "pull"), ("phase_start", "push"), ("phase_end", "push")], phases)
    check("every phase event names the profile",
          all(o.get("profile") == "sj" for o in events if o["event"].startswith("phase_")))
    start = by("phase_start")
    check("import's phase_start names the files", start and start[0].get("files") == ["list.csv"])
    check("push's phase_start names the provider", len(start) == 3 and start[2].get("provider") == "sendblue"
          and start[2].get("dry_run") is False)
    end = {o["phase"]: o for o in by("phase_end")}
    for p in ("import", "pull", "push"):
        good, missing = phase_end_ok(end.get(p, {}), True) if p in end else (False, "none")
        check("%s's phase_end: ok, duration_s and every documented count" % p, good, missing)
    imp, pull, push = end.get("import", {}), end.get("pull", {}), end.get("push", {})
    check("import's counts", (imp.get("rows_read"), imp.get("staged"), imp.get("rejected"), imp.get("total"),
          imp.get("files")) == (40, 40, 0, 40, 1), imp)
    check("pull's counts", (pull.get("contacts"), pull.get("requests")) == (0, 1), pull)
    check("push's counts", (push.get("planned"), push.get("done"), push.get("failed"), push.get("pending"),
          push.get("stopped_by")) == (40, 39, 1, 0, None), push)
    f = by("failure")
    check("one failure event", len(f) == 1, len(f))
    f = f[0] if f else {}
    check("failure: well formed", failure_ok(f), f)
    check("failure: the refused contact's phone, operation and status",
          (f.get("phone"), f.get("operation"), f.get("http_status"), f.get("profile"))
          == ("+447712000005", "create", 400, "sj"), f)
    check("failure: the server's message", "tags must be an array of strings" in f.get("message", ""), f.get("message"))
    s = by("summary")
    check("one summary event, the last event", len(s) == 1 and events[-1] is s[0])
    s = s[0] if s else {}
    out = [l for l in open(outf).read().splitlines() if l.startswith("{")]
    stdout_summary = json.loads(out[-1]) if out else None
    check("stdout still prints the summary object", isinstance(stdout_summary, dict) and "operations" in stdout_summary)
    check("the summary event holds stdout's summary", s.get("summary") == stdout_summary and s.get("profile") == "sj")
    keys = set((s.get("summary") or {}).keys()) | set(((s.get("summary") or {}).get("operations") or {}).keys())
    for v in ((s.get("summary") or {}).get("operations") or {}).values():
        keys |= set(v)
    check("every summary field is documented", keys and keys <= summary_keys, sorted(keys - summary_keys))
    check("the failure's counts agree with the summary",
          (s.get("summary") or {}).get("operations", {}).get("create", {}).get("failed") == 1)
elif case == "pullfail":
    end = {o["phase"]: o for o in by("phase_end")}
    good, missing = phase_end_ok(end.get("pull", {}), False) if "pull" in end else (False, "none")
    check("failed pull: phase_end with ok false and why", good, missing)
    check("failed pull: the error names the profile", "profile 'sj'" in end.get("pull", {}).get("error", ""))
    check("failed pull: an error event", any("profile 'sj'" in o["msg"] for o in by("error")))
    check("failed pull: a warning event says the push goes on",
          any("previous snapshot" in o["msg"] for o in by("warning")))
    check("failed pull: the push still runs, between its phase events",
          ("phase_start", "push") in phases and ("phase_end", "push") in phases)
    check("failed pull: summary event", len(by("summary")) == 1)
elif case == "importfail":
    end = by("phase_end")
    good, missing = phase_end_ok(end[0], False) if end else (False, "none")
    check("failed import: phase_end with ok false and why", good, missing)
    check("failed import: no desired set count", end and end[0].get("total", 0) is None)
    check("failed import: the error names the file", end and "missing.csv" in end[0].get("error", ""))
    check("failed import: nothing pulled or pushed", phases == [("phase_start", "import"), ("phase_end", "import")], phases)
    check("failed import: error events", len(by("error")) == 2)
elif case == "import":
    w = by("warning")
    check("a warning event", len(w) == 1 and "repeated" in w[0]["msg"], [o["msg"] for o in w])
    check("import alone: no profile", phases == [("phase_start", "import"), ("phase_end", "import")]
          and all("profile" not in o for o in events if o["event"].startswith("phase_")))
    end = by("phase_end")
    check("import alone: counts", end and (end[0].get("ok"), end[0].get("rows_read"), end[0].get("total")) == (True, 1, 1))
elif case == "quiet":
    check("-q: no info events", not [o for o in events if o["level"] == "info"], [o["event"] for o in events])
    f = by("failure")
    check("-q: the failure event stays", len(f) == 1 and failure_ok(f[0]) and f[0]["phone"] == "+447712000005")

for ok, desc in results:
    print("%s - %s: %s" % ("ok" if ok else "not ok", case, desc))
PYEOF

# run_check CASE STDERR STDOUT
run_check() {
	"$PY" check.py "$1" "$2" "$3" "$README" >check.out 2>&1 || echo "not ok - $1: checker failed" >>check.out
	cat check.out
	nfail=$((nfail + $(grep -c '^not ok' check.out)))
}

# 40 contacts, one of them with 300 tags, which the sendblue emulator
# refuses (400): its bulk batch is halved down to it, and it fails alone
start sb --dialect sendblue --key-id kid --secret sbsecret
profile sj sendblue "$U" 'api_key_id_env = SB_ID
api_secret_env = SB_SECRET'
refused_list 40 5 >list.csv

check_rc "sync with a refused contact: exit 1" 1 cs --config cs.ini --log-format json sync sj list.csv --batch-size 16 --results res1
cp err.txt sync.err
cp out.txt sync.out
run_check sync sync.err sync.out
check_rc "no secret in the events" 1 grep -q sbsecret sync.err

# the pull fails (wrong secret): the push goes on with the last snapshot
check_rc "sync with a failing pull: exit 4" 4 env SB_SECRET=wrongsecret "$BIN" --config cs.ini --log-format json sync sj list.csv --batch-size 16 --results res2
run_check pullfail err.txt out.txt
check_rc "the wrong secret is not in the events either" 1 grep -q wrongsecret err.txt

check_rc "sync of a missing file: exit 2" 2 cs --config cs.ini --log-format json sync sj missing.csv
run_check importfail err.txt out.txt

printf 'phone,email,email\n+447714000001,a@example.com,b@example.com\n' >dup.csv
check_rc "import with a repeated header: exit 0" 0 cs --store other --log-format json import dup.csv
run_check import err.txt out.txt

check_rc "-q sync: exit 1" 1 cs --config cs.ini --log-format json -q sync sj list.csv --batch-size 16 --results res3
run_check quiet err.txt out.txt

finish
