#!/usr/bin/python3
# Compares what contactsync made of one fixture with the expectation that
# tests/fixtures/exports/expect.py computed apart from it. Used by
# t_exports.sh; prints what differs, exits 1 when anything does.
#   compare_export.py contacts EXPORT.csv EXPECTED.csv
#       the expected file's columns (phone, names, company, tags, opted_out
#       and any custom column it names), one contact per phone; tags compared
#       as sets, a column missing from the export as empty cells
#   compare_export.py counts IMPORT_STDOUT EXPECTED.rejects
#       the "rejected: REASON N, ..." line against the expected rows' reasons
#   compare_export.py rows REJECTS.csv EXPECTED.rejects
#       the rejects file's (_row, _reason) pairs against the expected ones
import collections
import csv
import re
import sys


def by_phone(path, cols):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        vals = []
        for c in cols:
            v = r.get(c) or ""
            if c == "tags":
                v = ";".join(sorted(t for t in v.split(";") if t))
            vals.append(v)
        out[r.get("phone", "")] = vals
    return out, len(rows)


def contacts(export, expected):
    with open(expected, newline="", encoding="utf-8") as f:
        cols = next(csv.reader(f))
    want, _ = by_phone(expected, cols)
    got, n = by_phone(export, cols)
    bad = []
    for p in sorted(set(want) | set(got)):
        if p not in got:
            bad.append("missing  %s" % ",".join(want[p]))
        elif p not in want:
            bad.append("extra    %s" % ",".join(got[p]))
        elif want[p] != got[p]:
            diff = ["%s: wanted '%s', got '%s'" % (c, w, g)
                    for c, w, g in zip(cols, want[p], got[p]) if w != g]
            bad.append("differs  %s: %s" % (p, "; ".join(diff)))
    if n != len(got):
        bad.append("export has %d rows for %d phones" % (n, len(got)))
    return bad


def expected_rejects(path):
    with open(path, encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split(",", 1)) for line in f if line.strip()]


def counts(stdout, expected):
    want = collections.Counter(reason for _, reason in expected_rejects(expected))
    got = collections.Counter()
    with open(stdout, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"rejected:(.*?)(?: \(rows in .*)?$", line.rstrip("\n"))
            if m:
                for part in m.group(1).split(","):
                    reason, n = part.split()
                    got[reason] = int(n)
    if want == got:
        return []
    return ["rejected by reason: wanted %s, got %s" % (dict(sorted(want.items())), dict(sorted(got.items())))]


def rows(rejects, expected):
    want = sorted(expected_rejects(expected), key=lambda r: int(r[0]))
    with open(rejects, newline="", encoding="utf-8") as f:
        got = sorted(((r["_row"], r["_reason"]) for r in csv.DictReader(f)), key=lambda r: int(r[0]))
    if want == got:
        return []
    return ["rejected rows: wanted %s, got %s" % (want, got)]


def main():
    what, got, want = sys.argv[1:4]
    bad = {"contacts": contacts, "counts": counts, "rows": rows}[what](got, want)
    for line in bad:
        print("#   " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
