/*
 * phone_diff: the judge of the phone fast path (phonefast.h). Generates N
 * inputs (deterministic seed) across every region and non-geographical
 * entity libphonenumber knows, starting from the library's own example
 * numbers per type and mutating them: digits changed, inserted, deleted;
 * separators; national form with and without the trunk prefix; local
 * numbers and carrier codes (transform rules); '+', 00 and the region's own
 * international prefix; spreadsheet digits; bare digit
 * strings; other default regions, no default region; garbage characters.
 *
 * For every input it compares, field by field, phonefast_parse (when it is
 * certain) with lpn_parse, and phone_parse end to end with the fast path on
 * and off. Prints the inputs, the share the fast path decided (overall and
 * per category) and every difference (the first 20 in full). Exit status 1
 * when there is any difference.
 *   phone_diff [N [SEED]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpn.h"
#include "phone.h"
#include "phonefast.h"
#include "phonemeta.h"

#define SHOW_MAX 20

static uint64_t rng;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static unsigned pick(unsigned n)
{
	return n ? next() % n : 0;
}

#define CATEGORY_LIST(X)                                      \
	X(CAT_NATIONAL, "national")                           \
	X(CAT_TRUNK, "national with trunk prefix")            \
	X(CAT_PLUS, "+cc")                                    \
	X(CAT_IDD, "IDD (00 / region's prefix)")              \
	X(CAT_SHEET, "spreadsheet digits")                    \
	X(CAT_CC_NO_PLUS, "cc without +")                     \
	X(CAT_LOCAL, "local / carrier code forms")            \
	X(CAT_BARE, "random digit strings")                   \
	X(CAT_GARBAGE, "garbage characters")

enum category {
#define CAT_ENUM_(c, s) c,
	CATEGORY_LIST(CAT_ENUM_)
#undef CAT_ENUM_
	CAT__COUNT
};

static const char *const category_names[] = {
#define CAT_NAME_(c, s) [c] = s,
	CATEGORY_LIST(CAT_NAME_)
#undef CAT_NAME_
};

struct stats {
	unsigned long inputs, certain, valid;
};

/* An example national number of a random region and type. */
static const struct pm_region *example(char *nsn, size_t cap)
{
	for (;;) {
		const struct pm_region *r = &pm_regions[pick((unsigned)pm_nregions)];
		const struct pm_desc *d = &r->desc[1 + pick(PM_NDESC - 1)];

		if (d->example[0] && strlen(d->example) < cap) {
			strcpy(nsn, d->example);
			return r;
		}
	}
}

/* Keeps it valid most of the time: changes the last digits only. */
static void vary(char *nsn)
{
	size_t n = strlen(nsn);
	unsigned k = pick(100);

	if (k < 40) {
		for (unsigned i = 0, m = 1 + pick(3); i < m && n > 0; i++)
			nsn[n - 1 - pick(n < 4 ? (unsigned)n : 4)] = (char)('0' + pick(10));
	} else if (k < 50) {
		nsn[pick((unsigned)n)] = (char)('0' + pick(10));
	} else if (k < 57 && n < 20) {
		size_t at = pick((unsigned)n + 1);

		memmove(nsn + at + 1, nsn + at, n - at + 1);
		nsn[at] = (char)('0' + pick(10));
	} else if (k < 64 && n > 1) {
		size_t at = pick((unsigned)n);

		memmove(nsn + at, nsn + at + 1, n - at);
	}
}

/* Appends the digits of src to out with random separators between. */
static void separated(char *out, const char *src)
{
	static const char *const seps[] = { " ", "-", ".", "/", " - ", "  " };
	unsigned style = pick(6);
	size_t o = strlen(out), n = strlen(src);

	for (size_t i = 0; i < n; i++) {
		if (style == 1 && i == 0 && n > 4) {
			out[o++] = '(';
		}
		out[o++] = src[i];
		if (style == 1 && i == 2 && n > 4) {
			out[o++] = ')';
			out[o++] = ' ';
			continue;
		}
		if (style >= 2 && i + 1 < n && pick(4) == 0) {
			const char *s = seps[pick(6)];

			memcpy(out + o, s, strlen(s));
			o += strlen(s);
		}
	}
	out[o] = '\0';
}

static void garbage(char *s)
{
	static const char *const junk[] = {
		"x", "ext. 12", "#", ";ext=5", "a", "Tel: ", "tel:", "\xc2\xa0", "\xef\xbc\x91",
		"~", ",", "*", "+", "++", "\t", "[", "]", "x12/x13", "\xd9\xa3", "ABC", "--",
		";phone-context=+44", "0", "00", "\xe2\x80\x90", "(", ")", " ", "1-800-FLOWERS",
	};
	size_t n = strlen(s), at = pick((unsigned)n + 1);
	const char *j = junk[pick(sizeof(junk) / sizeof(junk[0]))];
	size_t jl = strlen(j);

	if (n + jl >= 200)
		return;
	memmove(s + at + jl, s + at, n - at + 1);
	memcpy(s + at, j, jl);
}

/* A default region: mostly the number's own, sometimes another or none. */
static const char *default_region(const struct pm_region *r)
{
	static const char *const odd[] = { NULL, "ZZ", "XX", "GB", "US", "DE", "IT", "BR", "CA",
		"GG", "RU", "KZ", "AR", "MX", "SM", "VA" };
	unsigned k = pick(100);

	if (k < 60 && strcmp(r->id, "001") != 0)
		return r->id;
	if (k < 80)
		return pm_regions[pm_geo[pick((unsigned)pm_ngeo)]].id;
	return odd[pick(sizeof(odd) / sizeof(odd[0]))];
}

static enum category make_input(char *in, const char **region)
{
	const struct pm_region *r;
	char nsn[64], cc[8];
	enum category cat = (enum category)pick(CAT__COUNT);

	r = example(nsn, 24);
	if (pick(100) < 70)
		vary(nsn);
	snprintf(cc, sizeof(cc), "%d", r->cc);
	*region = default_region(r);
	in[0] = '\0';
	switch (cat) {
	case CAT_NATIONAL:
		separated(in, nsn);
		break;
	case CAT_TRUNK:
		strcpy(in, r->national_prefix[0] ? r->national_prefix : "0");
		if (pick(2))
			strcat(in, " ");
		separated(in, nsn);
		break;
	case CAT_PLUS:
		strcpy(in, pick(8) ? "+" : "(+");
		strcat(in, cc);
		if (in[1] == '(')
			strcat(in, ")");
		strcat(in, pick(2) ? " " : "");
		if (pick(6) == 0 && r->national_prefix[0])
			strcat(in, r->national_prefix);
		separated(in, nsn);
		break;
	case CAT_IDD: {
		const struct pm_region *d;
		int rd = -1;

		for (size_t i = 0; *region && i < pm_ngeo; i++)
			if (strcmp(pm_regions[pm_geo[i]].id, *region) == 0)
				rd = pm_geo[i];
		d = rd >= 0 ? &pm_regions[rd] : NULL;
		if (d && d->preferred_idd[0] && strspn(d->preferred_idd, "0123456789") == strlen(d->preferred_idd) && pick(2))
			strcpy(in, d->preferred_idd);
		else if (d && strspn(d->idd, "0123456789") == strlen(d->idd) && d->idd[0] && pick(2))
			strcpy(in, d->idd);
		else
			strcpy(in, pick(3) ? "00" : "011");
		strcat(in, pick(2) ? " " : "");
		strcat(in, cc);
		strcat(in, " ");
		separated(in, nsn);
		break;
	}
	case CAT_SHEET:
		strcpy(in, cc);
		strcat(in, nsn);
		if (pick(5) == 0)
			strcat(in, ".0");
		break;
	case CAT_CC_NO_PLUS:
		strcpy(in, cc);
		strcat(in, " ");
		if (pick(5) == 0 && r->national_prefix[0])
			strcat(in, r->national_prefix);
		separated(in, nsn);
		break;
	case CAT_LOCAL:
		/* Subscriber numbers without their area code (NANPA's 7-digit
		 * local numbers), or a carrier code after the trunk prefix
		 * (Brazil's 0 XX): where transform rules apply. */
		if (pick(2) && strlen(nsn) > 5) {
			separated(in, nsn + 1 + pick(4));
		} else {
			snprintf(in, 32, "%s%u%u ", r->national_prefix[0] ? r->national_prefix : "0",
				 pick(10), pick(10));
			separated(in, nsn);
		}
		break;
	case CAT_BARE: {
		unsigned n = 1 + pick(19);

		for (unsigned i = 0; i < n; i++)
			in[i] = (char)('0' + pick(10));
		in[n] = '\0';
		break;
	}
	case CAT_GARBAGE:
		strcpy(in, pick(2) ? "+" : "");
		if (in[0])
			strcat(in, cc);
		separated(in, nsn);
		garbage(in);
		if (pick(3) == 0)
			garbage(in);
		break;
	default:
		break;
	}
	return cat;
}

static unsigned long differences;

static void show(const char *what, const char *in, const char *region, unsigned flags,
		 const char *a, const char *b)
{
	differences++;
	if (differences > SHOW_MAX)
		return;
	printf("DIFF %s: input '%s' region %s flags %u\n  fast: %s\n  lpn:  %s\n", what, in,
	       region ? region : "(none)", flags, a, b);
}

static void lpn_str(char *buf, size_t cap, enum lpn_status st, const struct lpn_number *n)
{
	snprintf(buf, cap, "status %d valid %d possible %d type %d e164 '%s' region '%s' ext %zu '%s'",
		 (int)st, n->valid, (int)n->possible, (int)n->type, n->e164, n->region, n->ext_len,
		 n->extension);
}

static void phone_str(char *buf, size_t cap, enum err e, const struct phone_result *p)
{
	snprintf(buf, cap, "err %d reason %s e164 '%s' ext '%s' region '%s' type %s", (int)e,
		 phone_reason_code(p->reason), p->e164, p->extension, p->region,
		 phone_type_name(p->type));
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct stats cat[CAT__COUNT] = { { 0, 0, 0 } };
	unsigned long certain = 0;
	char in[256], a[512], b[512];

	/* CONTACTSYNC_PHONE_FASTPATH=0 is honoured: everything unsure then. */
	int fast = phonefast_is_enabled();

	rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x5eed5eed5eedull;
	if (!rng)
		rng = 1;
	for (unsigned long i = 0; i < n; i++) {
		const char *region;
		enum category c = make_input(in, &region);
		unsigned flags = pick(2) ? LPN_WANT_TYPE : 0;
		struct lpn_number fn, ln;
		enum lpn_status fs, ls;
		struct phone_result pon, poff;
		enum err eon, eoff;
		int sure;

		phonefast_set_enabled(fast);
		sure = phonefast_parse(in, strlen(in), region, flags, &fn, &fs);
		ls = lpn_parse(in, strlen(in), region, flags, &ln);
		cat[c].inputs++;
		cat[c].valid += ls == LPN_OK && ln.valid;
		if (sure) {
			cat[c].certain++;
			certain++;
			if (fs != ls || fn.valid != ln.valid || fn.possible != ln.possible ||
			    fn.type != ln.type || strcmp(fn.e164, ln.e164) != 0 ||
			    strcmp(fn.region, ln.region) != 0 || fn.ext_len != ln.ext_len ||
			    strcmp(fn.extension, ln.extension) != 0) {
				lpn_str(a, sizeof(a), fs, &fn);
				lpn_str(b, sizeof(b), ls, &ln);
				show("phonefast_parse", in, region, flags, a, b);
			}
		}
		eon = phone_parse(in, strlen(in), region, flags ? PHONE_WANT_TYPE : 0, &pon);
		phonefast_set_enabled(0);
		eoff = phone_parse(in, strlen(in), region, flags ? PHONE_WANT_TYPE : 0, &poff);
		if (eon != eoff || pon.reason != poff.reason || strcmp(pon.e164, poff.e164) != 0 ||
		    strcmp(pon.extension, poff.extension) != 0 ||
		    strcmp(pon.region, poff.region) != 0 || pon.type != poff.type) {
			phone_str(a, sizeof(a), eon, &pon);
			phone_str(b, sizeof(b), eoff, &poff);
			show("phone_parse on/off", in, region, flags, a, b);
		}
	}
	printf("inputs %lu\n", n);
	printf("fast path certain %lu (%.1f%%)\n", certain, n ? 100.0 * (double)certain / (double)n : 0.0);
	for (int c = 0; c < CAT__COUNT; c++)
		printf("  %-28s %8lu inputs, %5.1f%% certain, %5.1f%% valid\n", category_names[c],
		       cat[c].inputs,
		       cat[c].inputs ? 100.0 * (double)cat[c].certain / (double)cat[c].inputs : 0.0,
		       cat[c].inputs ? 100.0 * (double)cat[c].valid / (double)cat[c].inputs : 0.0);
	printf("differences %lu\n", differences);
	return differences ? 1 : 0;
}
