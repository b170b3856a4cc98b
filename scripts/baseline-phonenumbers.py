#!/usr/bin/python3
"""Baseline for scripts/bench-all.sh: the import's core work in plain Python.

Reads a contact CSV (tests/tools/gencontacts' columns: the phone in
"Phone", the region in "Country") with the csv module, parses each number
with Google's `phonenumbers` (Debian's python3-phonenumbers) in the row's
region or the default one, keeps the valid numbers formatted as E.164 and
drops the repeated ones (the first row wins, as `contactsync import` keeps
one contact per number). Nothing is written: it is the yardstick of what
reading, parsing, validating, formatting and de-duplicating cost in Python.

Prints one line: rows, valid, unique, seconds, then a RESULT line.
    scripts/baseline-phonenumbers.py FILE [DEFAULT_REGION]
"""
import csv
import resource
import sys
import time

import phonenumbers


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: baseline-phonenumbers.py FILE [DEFAULT_REGION]")
    path = sys.argv[1]
    default = sys.argv[2] if len(sys.argv) == 3 else "GB"
    e164 = phonenumbers.PhoneNumberFormat.E164
    seen = set()
    rows = valid = 0
    t0 = time.monotonic()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        col_phone = header.index("Phone")
        col_region = header.index("Country") if "Country" in header else None
        for row in reader:
            rows += 1
            if col_phone >= len(row):
                continue
            region = default
            if col_region is not None and col_region < len(row) and row[col_region].strip():
                region = row[col_region].strip().upper()
            try:
                num = phonenumbers.parse(row[col_phone], region)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(num):
                continue
            valid += 1
            seen.add(phonenumbers.format_number(num, e164))
    secs = time.monotonic() - t0
    print("rows %d valid %d unique %d seconds %.3f" % (rows, valid, len(seen), secs))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("RESULT op=baseline-python-phonenumbers size=%d wall=%.3f rss_mb=%.1f rows=%d"
          % (rows, secs, rss_mb, rows))


if __name__ == "__main__":
    main()
