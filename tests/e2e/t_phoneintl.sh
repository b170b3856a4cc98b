# The international reading of digits without '+' (phone.h,
# PHONE_READ_INTL) through `contactsync phone`, judged by an independent
# model: python3-phonenumbers (the same libphonenumber release) with the
# rule written out again in Python. A seeded sample of 3,000 numbers over
# 20 regions, made from the library's example numbers with digits changed,
# added and dropped, written with the region's code and no '+' (bare or
# spaced) or with its trunk prefix; the e164 and read_international of
# every answer must be the model's, with the fast path on and off.
. "${CONTACTSYNC_TOP:-.}/tests/e2e/lib.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c 'import phonenumbers' 2>/dev/null; then
	echo "# skipped: python3-phonenumbers is not installed (scripts/install-deps.sh)"
	exit 0
fi

cat >model.py <<'EOF'
import random, re, sys
import phonenumbers as p
from phonenumbers import PhoneNumberType as T

MOBILE = (T.MOBILE, T.FIXED_LINE_OR_MOBILE)
REGIONS = "DE ID GB FR IT AT IN US NL ES PL BR MX AR CN JP AU ZA NG RU".split()

def valid(text, region):
    try:
        n = p.parse(text, region)
    except p.NumberParseException:
        return None
    return n if p.is_valid_number(n) else None

def e164(n):
    return p.format_number(n, p.PhoneNumberFormat.E164) if n else "-"

def strict(text, region):
    """phone_parse without the rule: national, then the '+' for bare digits."""
    n = valid(text, region)
    if n is None and text.isdigit():
        n = valid("+" + text, None)
    return n

def rule(text, region):
    """(answer, read_international) with PHONE_READ_INTL."""
    n = strict(text, region)
    cc = str(p.country_code_for_region(region))
    ndd = p.ndd_prefix_for_region(region, True) or ""
    digits = re.sub(r"[ ./()-]", "", text)
    if not text[0].isdigit() or not digits.startswith(cc) or \
            (ndd and digits.startswith(ndd)):
        return n, 0
    if n is not None and p.number_type(n) in MOBILE:
        return n, 0
    i = valid("+" + text, None)
    if i is None or p.number_type(i) not in MOBILE or e164(i) == e164(n):
        return n, 0
    return i, 1

random.seed(7)
for _ in range(3000):
    r = random.choice(REGIONS)
    cc = str(p.country_code_for_region(r))
    ex = p.example_number_for_type(r, random.choice([T.MOBILE, T.FIXED_LINE, T.MOBILE]))
    nsn = str((ex or p.example_number(r)).national_number)
    s = "".join(c if random.random() < 0.6 else random.choice("0123456789") for c in nsn)
    if random.random() < 0.3:
        s += random.choice("0123456789")
    if random.random() < 0.2:
        s = s[:-1]
    form = random.random()
    if form < 0.6:
        text = cc + s
    elif form < 0.8:
        text = cc + " " + s[:3] + " " + s[3:]
    else:
        text = (p.ndd_prefix_for_region(r, True) or "") + s
    n, ri = rule(text, r)
    print("%s\t%s\t%s\t%d" % (r, text, e164(n), ri))
EOF
"$py" model.py >model.tsv
check_eq "model: 3000 numbers" 3000 "$(wc -l <model.tsv | tr -d ' ')"
changed=$(awk -F '\t' '$4 == 1' model.tsv | wc -l | tr -d ' ')
if [ "$changed" -ge 20 ]; then
	pass "model: $changed of them read as international"
else
	fail "model: only $changed read as international"
fi

# One run per region, the numbers on standard input; columns as the model's.
answers() {
	for r in $(cut -f1 model.tsv | sort -u); do
		awk -F '\t' -v r="$r" '$1 == r { print $2 }' model.tsv >in.txt
		"$BIN" phone --format json --region "$r" <in.txt 2>/dev/null |
			r="$r" "$py" -c '
import json, os, sys
for l in sys.stdin:
    o = json.loads(l)
    print("%s\t%s\t%s\t%d" % (os.environ["r"], o["input"], o["e164"] or "-",
                              o["read_international"]))'
	done
}
sort model.tsv >want.tsv
answers | sort >got.tsv
check_same "contactsync phone: every answer and read_international is the model's" want.tsv got.tsv
CONTACTSYNC_PHONE_FASTPATH=0 answers | sort >slow.tsv
check_same "the same with CONTACTSYNC_PHONE_FASTPATH=0" want.tsv slow.tsv
exit $((nfail > 0))
