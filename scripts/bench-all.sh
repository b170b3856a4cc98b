#!/bin/sh
# Runs every benchmark at one size and prints one table: operation, size,
# wall time, rows/s, peak RSS, and the ratio to two baselines measured in
# the same run on the same generated contacts (tests/tools/gencontacts):
#   - libphonenumber alone parsing, validating and formatting the numbers
#     (tests/tools/phone_baseline, from bench-import.sh);
#   - Python: the csv module and python3-phonenumbers doing the import's
#     core work (scripts/baseline-phonenumbers.py).
# A ratio is the operation's wall time over what the baseline needs for
# as many rows (so import 1.2 means 20% slower than merely parsing the
# same numbers with libphonenumber).
#
# Each benchmark prints machine-readable lines
#   RESULT op=NAME size=N wall=SECONDS [rss_mb=MB] [rows=N] [more=...]
# which are collected here; their own reports are kept in the log folder
# printed at the end.
#   scripts/bench-all.sh [SIZE]     (default 100,000)
# PUSH_SIZE: contacts of the requests-per-change runs (default 500);
# PULL_PROVIDERS (default "sendblue altum"); KEEP_LOGS=DIR keeps the logs.
set -eu
size=${1:-100000}
push_size=${PUSH_SIZE:-500}
pull_providers=${PULL_PROVIDERS:-sendblue altum}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make -s all >/dev/null
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" -c 'import phonenumbers' 2>/dev/null || {
	echo "bench-all: needs python3-phonenumbers (scripts/install-deps.sh)" >&2
	exit 1
}

logs=${KEEP_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-all.XXXXXX")}
mkdir -p "$logs"
: >"$logs/results"
failed=""

bench() { # NAME CMD...: runs one benchmark, keeps its RESULT lines
	name=$1
	shift
	printf 'bench-all: %-16s ' "$name" >&2
	t0=$(date +%s)
	if "$@" >"$logs/$name.log" 2>&1; then
		echo "done in $(($(date +%s) - t0)) s" >&2
	else
		echo "FAILED (exit $?, see $logs/$name.log)" >&2
		failed="$failed $name"
	fi
	grep '^RESULT ' "$logs/$name.log" | sed "s/^RESULT /RESULT bench=$name /" >>"$logs/results" || true
}

echo "bench-all: size $size, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')" >&2
build/tools/gencontacts "$size" >"$logs/contacts.csv"
bench baseline-python "$py" scripts/baseline-phonenumbers.py "$logs/contacts.csv" GB
rm -f "$logs/contacts.csv"
bench import sh scripts/bench-import.sh "$size"
bench xlsx sh scripts/bench-xlsx.sh "$size"
if [ -f scripts/bench-phone.sh ]; then
	bench phone sh scripts/bench-phone.sh "$size"
else
	echo "bench-all: scripts/bench-phone.sh is not here (yet): skipped" >&2
fi
bench diff sh scripts/bench-diff.sh "$size"
# shellcheck disable=SC2086
bench pull sh scripts/bench-pull.sh "$size" $pull_providers
BATCHES= bench push sh scripts/bench-push.sh "$size"
bench push-requests sh scripts/bench-push.sh requests "$push_size"

echo
"$py" - "$logs/results" <<'PY'
import sys

rows = []
for line in open(sys.argv[1]):
    kv = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
    rows.append(kv)

def per_row(op):
    for r in rows:
        if r.get("op") == op and float(r.get("rows", 0) or 0) > 0:
            return float(r["wall"]) / float(r["rows"])
    return None

lpn = per_row("baseline-libphonenumber")
pyb = per_row("baseline-python-phonenumbers")

def ratio(base, wall, n):
    if base is None or n <= 0 or wall <= 0:
        return "-"
    return "%.2f" % (wall / (base * n))

hdr = ("operation", "size", "wall s", "rows/s", "peak RSS MB", "x libphonenumber", "x python")
out = [hdr]
for r in rows:
    wall = float(r.get("wall", 0) or 0)
    n = float(r.get("rows", r.get("size", 0)) or 0)
    extra = []
    for k in ("requests", "writes", "writes_per_contact", "cpu"):
        if k in r:
            extra.append("%s %s" % (k.replace("_", " "), r[k]))
    op = r.get("op", "?") + (" (" + ", ".join(extra) + ")" if extra else "")
    out.append((op, r.get("size", "-"), "%.2f" % wall,
                "%.0f" % (n / wall) if wall > 0 and n > 0 else "-",
                "%.1f" % float(r["rss_mb"]) if "rss_mb" in r else "-",
                ratio(lpn, wall, n), ratio(pyb, wall, n)))
w = [max(len(str(row[i])) for row in out) for i in range(len(hdr))]
for i, row in enumerate(out):
    print("| " + " | ".join(str(c).ljust(w[j]) if j == 0 else str(c).rjust(w[j])
                            for j, c in enumerate(row)) + " |")
    if i == 0:
        print("|" + "|".join("-" * (x + 2) for x in w) + "|")
PY
echo
echo "logs: $logs"
if [ -n "$failed" ]; then
	echo "bench-all: failed:$failed" >&2
	exit 1
fi
