/*
 * phonefast: libphonenumber 8.12's Parse / IsValidNumber / Format(E164)
 * replayed in C over the library's own metadata (see phonefast.h).
 *
 * Each step below names the libphonenumber function it stands for; the
 * order and the conditions are the library's. Everything the fast path
 * decides comes from phonemeta's tables; the only knowledge written here is
 * the shape of the accepted input (which of the library's character classes
 * and extension patterns it cannot meet) and the library's constants
 * (kMinLengthForNsn 2, kMaxLengthForNsn 17, kMaxLengthCountryCode 3, 250
 * bytes of input at most).
 *
 * Regions are compiled lazily: rx[i] is published with release semantics
 * once all its patterns are compiled, so a reader that sees it sees them
 * whole. A region whose patterns PCRE2 refuses stays "not sure" forever.
 */
#include "phonefast.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "phonemeta.h"

#define MIN_NSN 2
#define MAX_NSN 17
#define MAX_CC_LEN 3
#define PF_INPUT_MAX 250
#define MAX_REGIONS 1024
#define OVECTOR_PAIRS 16

enum source { FROM_DEFAULT, FROM_PLUS, FROM_IDD };

struct rx {
	int ok;				/* every pattern compiled */
	pcre2_code *desc[PM_NDESC];	/* anchored at both ends (FullMatch) */
	pcre2_code *leading;		/* anchored at the start (LookingAt) */
	pcre2_code *npfp;
	pcre2_code *idd;
};

/* One call's scratch: the thread's match data and the "not sure" flag. */
struct ctx {
	pcre2_match_data *md;
	int unsure;
};

static _Atomic(struct rx *) rxs[MAX_REGIONS];
static pthread_mutex_t rx_lock = PTHREAD_MUTEX_INITIALIZER;

static atomic_int enabled = -1;	/* -1: not read from the environment yet */

static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static int md_key_ok;
static _Thread_local pcre2_match_data *tl_md;
static _Thread_local unsigned long tl_answered, tl_declined;

static void md_free(void *p)
{
	pcre2_match_data_free(p);
}

static void md_init(void)
{
	md_key_ok = pthread_key_create(&md_key, md_free) == 0;
}

/* The thread's match data, made on its first call (not per call). */
static pcre2_match_data *thread_md(void)
{
	if (tl_md)
		return tl_md;
	pthread_once(&md_once, md_init);
	if (!md_key_ok)
		return NULL;
	tl_md = pcre2_match_data_create(OVECTOR_PAIRS, NULL);
	if (tl_md && pthread_setspecific(md_key, tl_md) != 0) {
		pcre2_match_data_free(tl_md);
		tl_md = NULL;
	}
	return tl_md;
}

void phonefast_set_enabled(int on)
{
	atomic_store(&enabled, on ? 1 : 0);
}

int phonefast_is_enabled(void)
{
	int e = atomic_load_explicit(&enabled, memory_order_relaxed);

	if (e < 0) {
		const char *v = getenv("CONTACTSYNC_PHONE_FASTPATH");
		int want = !(v && strcmp(v, "0") == 0);

		/* A concurrent phonefast_set_enabled wins over the default. */
		atomic_compare_exchange_strong(&enabled, &e, want);
		e = atomic_load(&enabled);
	}
	return e;
}

/* NULL for an empty pattern (libphonenumber: "never matches"). */
static int compile(const char *pattern, uint32_t opts, pcre2_code **out)
{
	int err;
	PCRE2_SIZE off;

	*out = NULL;
	if (!pattern || !*pattern)
		return 1;
	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
			     &err, &off, NULL);
	if (!*out)
		return 0;
	/* Without the JIT PCRE2 still matches, only slower. */
	(void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	return 1;
}

static struct rx *rx_build(const struct pm_region *r)
{
	const uint32_t full = PCRE2_ANCHORED | PCRE2_ENDANCHORED;
	struct rx *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->ok = 1;
	for (int i = 0; i < PM_NDESC; i++)
		x->ok &= compile(r->desc[i].pattern, full, &x->desc[i]);
	x->ok &= compile(r->leading, PCRE2_ANCHORED, &x->leading);
	x->ok &= compile(r->npfp, PCRE2_ANCHORED, &x->npfp);
	x->ok &= compile(r->idd, PCRE2_ANCHORED, &x->idd);
	return x;
}

/* The compiled patterns of pm_regions[i]; NULL when out of memory. */
static const struct rx *rx_of(size_t i)
{
	struct rx *x = atomic_load_explicit(&rxs[i], memory_order_acquire);

	if (x)
		return x;
	pthread_mutex_lock(&rx_lock);
	x = atomic_load_explicit(&rxs[i], memory_order_relaxed);
	if (!x) {
		x = rx_build(&pm_regions[i]);
		atomic_store_explicit(&rxs[i], x, memory_order_release);
	}
	pthread_mutex_unlock(&rx_lock);
	return x;
}

/* pcre2_match on a digit string: 1 match, 0 none; anything else is unsure. */
static int match(struct ctx *c, const pcre2_code *re, const char *s, size_t n)
{
	int rc;

	if (!re)
		return 0;
	rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, c->md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc <= 0)
		c->unsure = 1;
	return rc > 0;
}

static size_t match_end(struct ctx *c)
{
	return pcre2_get_ovector_pointer(c->md)[1];
}

static int has_len(const signed char *lens, size_t n, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (lens[i] == (int)len)
			return 1;
	return 0;
}

/* IsNumberMatchingDesc. */
static int matches_desc(struct ctx *c, const struct pm_region *r,
			const struct rx *x, int kind, const char *s, size_t n)
{
	const struct pm_desc *d = &r->desc[kind];

	if (d->nlen > 0 && !has_len(d->len, d->nlen, n))
		return 0;
	return match(c, x->desc[kind], s, n);
}

/* GetNumberTypeHelper. */
static enum lpn_type number_type(struct ctx *c, const struct pm_region *r,
				 const struct rx *x, const char *s, size_t n)
{
	static const struct {
		int kind;
		enum lpn_type type;
	} order[] = {
		{ PM_PREMIUM_RATE, LPN_TYPE_PREMIUM_RATE },
		{ PM_TOLL_FREE, LPN_TYPE_TOLL_FREE },
		{ PM_SHARED_COST, LPN_TYPE_SHARED_COST },
		{ PM_VOIP, LPN_TYPE_VOIP },
		{ PM_PERSONAL_NUMBER, LPN_TYPE_PERSONAL_NUMBER },
		{ PM_PAGER, LPN_TYPE_PAGER },
		{ PM_UAN, LPN_TYPE_UAN },
		{ PM_VOICEMAIL, LPN_TYPE_VOICEMAIL },
	};

	if (!matches_desc(c, r, x, PM_GENERAL, s, n))
		return LPN_TYPE_UNKNOWN;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (matches_desc(c, r, x, order[i].kind, s, n))
			return order[i].type;
	if (matches_desc(c, r, x, PM_FIXED_LINE, s, n)) {
		if (r->same_mobile_fixed ||
		    matches_desc(c, r, x, PM_MOBILE, s, n))
			return LPN_TYPE_FIXED_LINE_OR_MOBILE;
		return LPN_TYPE_FIXED_LINE;
	}
	if (!r->same_mobile_fixed && matches_desc(c, r, x, PM_MOBILE, s, n))
		return LPN_TYPE_MOBILE;
	return LPN_TYPE_UNKNOWN;
}

/* TestNumberLength for the general desc (type UNKNOWN). */
static enum lpn_possible test_length(struct ctx *c, const struct pm_region *r,
				     size_t n)
{
	const struct pm_desc *d = &r->desc[PM_GENERAL];

	if (d->nlen == 0) {
		c->unsure = 1;
		return LPN_POSSIBLE_INVALID_LENGTH;
	}
	if (d->len[0] == -1)
		return LPN_POSSIBLE_INVALID_LENGTH;
	if (has_len(d->local, d->nlocal, n))
		return LPN_IS_POSSIBLE_LOCAL_ONLY;
	if (d->len[0] == (int)n)
		return LPN_IS_POSSIBLE;
	if (d->len[0] > (int)n)
		return LPN_POSSIBLE_TOO_SHORT;
	if (d->len[d->nlen - 1] < (int)n)
		return LPN_POSSIBLE_TOO_LONG;
	return has_len(d->len + 1, d->nlen - 1u, n) ? LPN_IS_POSSIBLE
						     : LPN_POSSIBLE_INVALID_LENGTH;
}

/* Room for a national number after a transform rule added digits. */
#define NAT_MAX (PF_INPUT_MAX + 32)

/*
 * The replacement of the national prefix by the transform rule (Replace
 * with "$1"-style references; ICU's appendReplacement gives "" for a group
 * that did not take part) followed by the rest of the number, into buf.
 * 0 when the rule holds anything but digits and $N (unsure then).
 */
static int transform(struct ctx *c, const char *rule, const char *s, size_t n,
		     char *buf, size_t *bn)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
	size_t end = ov[1], o = 0;

	for (const char *p = rule; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (o >= NAT_MAX)
				return 0;
			buf[o++] = *p;
			continue;
		}
		if (*p != '$' || p[1] < '1' || p[1] > '9' ||
		    (size_t)(p[1] - '0') >= OVECTOR_PAIRS)
			return 0;
		size_t g = (size_t)(*++p - '0');
		if (ov[2 * g] == PCRE2_UNSET)
			continue;
		if (o + (ov[2 * g + 1] - ov[2 * g]) > NAT_MAX)
			return 0;
		memcpy(buf + o, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		o += ov[2 * g + 1] - ov[2 * g];
	}
	if (o + (n - end) > NAT_MAX)
		return 0;
	memcpy(buf + o, s + end, n - end);
	*bn = o + (n - end);
	return 1;
}

/*
 * The group libphonenumber reads as "the captured part of the prefix":
 * Consume(&carrier, &captured) needs two groups and reads the second,
 * else Consume(&captured) reads the first; 0 when there is no group.
 */
static size_t captured_group(const pcre2_code *re)
{
	uint32_t groups = 0;

	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	return groups >= 2 ? 2 : groups;
}

static int group_nonempty(struct ctx *c, size_t g)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);

	return g > 0 && g < OVECTOR_PAIRS && ov[2 * g] != PCRE2_UNSET &&
	       ov[2 * g + 1] > ov[2 * g];
}

/*
 * MaybeStripNationalPrefixAndCarrierCode on the digits [*s, *s + *n):
 * moves *s past the national prefix when the library would strip it, or
 * points it at buf (NAT_MAX bytes) holding the number the transform rule
 * made of it.
 */
static void strip_national_prefix(struct ctx *c, const struct pm_region *r,
				  const struct rx *x, const char **s, size_t *n,
				  char *buf)
{
	int viable;
	size_t end, bn;

	if (*n == 0 || !x->npfp)
		return;
	viable = match(c, x->desc[PM_GENERAL], *s, *n);
	if (!match(c, x->npfp, *s, *n))
		return;
	end = match_end(c);
	if (r->transform[0] && group_nonempty(c, captured_group(x->npfp))) {
		if (!transform(c, r->transform, *s, *n, buf, &bn)) {
			c->unsure = 1;
			return;
		}
		if (viable && !match(c, x->desc[PM_GENERAL], buf, bn))
			return;
		*s = buf;
		*n = bn;
		return;
	}
	if (viable && !match(c, x->desc[PM_GENERAL], *s + end, *n - end))
		return;
	*s += end;
	*n -= end;
}

static const struct pm_code *code_of(int cc)
{
	size_t lo = 0, hi = pm_ncodes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pm_codes[mid].cc == cc)
			return &pm_codes[mid];
		if (pm_codes[mid].cc < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* GetMetadataForRegion: index into pm_regions, or -1 (also for NULL). */
static int region_index(const char *region)
{
	size_t lo = 0, hi = pm_ngeo;

	if (!region)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = strcmp(pm_regions[pm_geo[mid]].id, region);

		if (d == 0)
			return pm_geo[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* A region's patterns, or NULL (and unsure) when they could not be built. */
static const struct rx *rx_ok(struct ctx *c, int i)
{
	const struct rx *x = rx_of((size_t)i);

	if (!x || !x->ok) {
		c->unsure = 1;
		return NULL;
	}
	return x;
}

/* Writes cc in decimal (no NUL); returns the number of digits. */
static size_t write_cc(char *out, int cc)
{
	char tmp[8];
	size_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + cc % 10);
		cc /= 10;
	} while (cc > 0 && n < sizeof(tmp));
	while (n > 0)
		out[k++] = tmp[--n];
	return k;
}

/* The result of MaybeExtractCountryCode. */
struct extracted {
	enum lpn_status status;
	int cc;			/* 0: none found */
	const char *nat;	/* national digits: the caller's or buf */
	size_t n;
	char buf[NAT_MAX];	/* a national number a transform rule made */
};

/* ExtractCountryCode on digits of length >= 3. */
static int country_code(const char *s, size_t *skip)
{
	int cc = 0;

	if (s[0] == '0')
		return 0;
	for (size_t i = 0; i < MAX_CC_LEN; i++) {
		cc = cc * 10 + (s[i] - '0');
		if (code_of(cc)) {
			*skip = i + 1;
			return cc;
		}
	}
	return 0;
}

/*
 * MaybeExtractCountryCode with MaybeStripInternationalPrefixAndNormalize
 * (ParsePrefixAsIdd) on the normalised digits; `plus` says the extracted
 * number started with '+'. dm: the default region's index, or -1.
 */
static void extract_country_code(struct ctx *c, int dm, const char *d,
				 size_t n, int plus, struct extracted *e)
{
	enum source src = FROM_DEFAULT;
	const struct rx *x = NULL;

	e->status = LPN_OK;
	e->cc = 0;
	e->nat = d;
	e->n = n;
	if (dm >= 0 && !(x = rx_ok(c, dm)))
		return;
	if (plus) {
		src = FROM_PLUS;
	} else if (x) {
		if (!x->idd) {
			c->unsure = 1;
			return;
		}
		if (match(c, x->idd, d, n)) {
			size_t end = match_end(c);

			/* A country calling code does not start with 0. */
			if (end >= n || d[end] != '0') {
				src = FROM_IDD;
				e->nat = d + end;
				e->n = n - end;
			}
		}
	}
	if (src != FROM_DEFAULT) {
		size_t skip = 0;

		if (e->n <= MIN_NSN) {
			e->status = LPN_TOO_SHORT_AFTER_IDD;
			return;
		}
		e->cc = country_code(e->nat, &skip);
		if (!e->cc) {
			e->status = LPN_INVALID_COUNTRY_CODE;
			return;
		}
		e->nat += skip;
		e->n -= skip;
		return;
	}
	if (x) {
		const struct pm_region *r = &pm_regions[dm];
		char ccs[8];
		size_t cn = write_cc(ccs, r->cc);
		const char *pot;
		size_t pn;

		if (n < cn || memcmp(d, ccs, cn) != 0)
			return;
		pot = d + cn;
		pn = n - cn;
		strip_national_prefix(c, r, x, &pot, &pn, e->buf);
		if ((!match(c, x->desc[PM_GENERAL], d, n) &&
		     match(c, x->desc[PM_GENERAL], pot, pn)) ||
		    test_length(c, r, n) == LPN_POSSIBLE_TOO_LONG) {
			e->cc = r->cc;
			e->nat = pot;
			e->n = pn;
		}
	}
}

/*
 * ExtractPossibleNumber and IsViablePhoneNumber for the accepted forms:
 * finds the digits of [s, s + len), whether a '+' leads them, and 1 when the
 * input is of a form the fast path knows (0: unsure). *viable is 0 when the
 * library would say NOT_A_NUMBER.
 *
 * No accepted character can start an extension (they all need a letter,
 * '#', ',', ';' or '~'), a second number (needs 'x') or an RFC 3966 part.
 * libphonenumber's punctuation class holds every accepted separator, so
 * the number is viable when it has at least 3 digits, or is exactly two.
 */
static int scan(const char *s, size_t len, char *digits, size_t *nd,
		int *plus, int *viable)
{
	size_t first = len, last = 0, n = 0;

	*plus = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch >= '0' && ch <= '9') {
			if (first == len)
				first = i;
			last = i + 1;
			digits[n++] = ch;
			continue;
		}
		if (ch == '+') {
			/* Only as the very start of the number. */
			if (first != len)
				return 0;
			first = i;
			*plus = 1;
			continue;
		}
		if (ch != ' ' && ch != '-' && ch != '.' && ch != '/' &&
		    ch != '(' && ch != ')')
			return 0;
	}
	*nd = n;
	if (n >= 3)
		*viable = 1;
	else
		*viable = n == 2 && !*plus && last - first == 2;
	return 1;
}

/* GetRegionCodeForNumber: index into pm_regions, or -1 ("ZZ"). */
static int region_for_number(struct ctx *c, const struct pm_code *code,
			     const char *nsn, size_t n)
{
	if (code->n == 1)
		return pm_code_regions[code->first];
	for (size_t i = 0; i < code->n; i++) {
		int ri = pm_code_regions[code->first + i];
		const struct pm_region *r = &pm_regions[ri];
		const struct rx *x = rx_ok(c, ri);

		if (!x)
			return -1;
		if (r->leading) {
			if (match(c, x->leading, nsn, n))
				return ri;
		} else if (number_type(c, r, x, nsn, n) != LPN_TYPE_UNKNOWN) {
			return ri;
		}
	}
	return -1;
}

/* IsValidNumber, IsPossibleNumberWithReason, Format E164, GetNumberType. */
static void judge(struct ctx *c, int cc, const char *nsn, size_t n,
		  unsigned flags, struct lpn_number *out)
{
	const struct pm_code *code = code_of(cc);
	enum lpn_type type = LPN_TYPE_UNKNOWN;
	const struct rx *x;
	int ri;
	size_t k;

	if (!code) {
		c->unsure = 1;
		return;
	}
	ri = region_for_number(c, code, nsn, n);
	if (ri >= 0 && (x = rx_ok(c, ri)))
		type = number_type(c, &pm_regions[ri], x, nsn, n);
	if (type == LPN_TYPE_UNKNOWN) {
		/* Not valid: the main region's lengths say why. */
		ri = pm_code_regions[code->first];
		out->possible = test_length(c, &pm_regions[ri], n);
		return;
	}
	if (1 + write_cc(out->e164, cc) + n > LPN_E164_MAX) {
		/* lpn's answer for a valid number past E.164's 15 digits. */
		out->e164[0] = '\0';
		out->possible = LPN_POSSIBLE_TOO_LONG;
		return;
	}
	out->valid = 1;
	out->e164[0] = '+';
	k = 1 + write_cc(out->e164 + 1, cc);
	memcpy(out->e164 + k, nsn, n);
	out->e164[k + n] = '\0';
	strcpy(out->region, pm_regions[ri].id);
	if (flags & LPN_WANT_TYPE)
		out->type = type;
}

/* ParseHelper from the extracted number on. */
static enum lpn_status parse(struct ctx *c, const char *digits, size_t nd,
			     int plus, const char *region, unsigned flags,
			     struct lpn_number *out)
{
	int dm = region_index(region), mi;
	struct extracted e;
	const struct pm_code *code;
	const struct rx *x;
	const char *pot;
	size_t pn;
	enum lpn_possible p;
	char buf[NAT_MAX];

	/* CheckRegionForParsing. */
	if (dm < 0 && !plus)
		return LPN_INVALID_COUNTRY_CODE;
	extract_country_code(c, dm, digits, nd, plus, &e);
	if (e.status == LPN_INVALID_COUNTRY_CODE && plus) {
		/* The library strips the '+' and tries again. */
		extract_country_code(c, dm, digits, nd, 0, &e);
		if (e.status != LPN_OK || e.cc == 0)
			return LPN_INVALID_COUNTRY_CODE;
	} else if (e.status != LPN_OK) {
		return e.status;
	}
	if (c->unsure)
		return LPN_FAILURE;
	if (e.cc != 0) {
		code = code_of(e.cc);
		if (!code) {
			c->unsure = 1;
			return LPN_FAILURE;
		}
		mi = pm_code_regions[code->first];
	} else {
		mi = dm;
		e.cc = pm_regions[dm].cc;
	}
	if (e.n < MIN_NSN)
		return LPN_TOO_SHORT_NSN;
	if (!(x = rx_ok(c, mi)))
		return LPN_FAILURE;
	pot = e.nat;
	pn = e.n;
	strip_national_prefix(c, &pm_regions[mi], x, &pot, &pn, buf);
	p = test_length(c, &pm_regions[mi], pn);
	if (p != LPN_POSSIBLE_TOO_SHORT && p != LPN_IS_POSSIBLE_LOCAL_ONLY &&
	    p != LPN_POSSIBLE_INVALID_LENGTH) {
		e.nat = pot;
		e.n = pn;
	}
	if (e.n < MIN_NSN)
		return LPN_TOO_SHORT_NSN;
	if (e.n > MAX_NSN)
		return LPN_TOO_LONG_NSN;
	judge(c, e.cc, e.nat, e.n, flags, out);
	return LPN_OK;
}

static void clear(struct lpn_number *out)
{
	out->valid = 0;
	out->possible = LPN_POSSIBLE_INVALID_LENGTH;
	out->type = LPN_TYPE_UNKNOWN;
	out->e164[0] = '\0';
	out->region[0] = '\0';
	out->ext_len = 0;
	out->extension[0] = '\0';
}

void phonefast_counts(unsigned long *answered, unsigned long *declined)
{
	*answered = tl_answered;
	*declined = tl_declined;
}

static int decide(const char *input, size_t len, const char *region,
		  unsigned flags, struct lpn_number *out,
		  enum lpn_status *status)
{
	char digits[PF_INPUT_MAX];
	struct ctx c = { 0 };
	size_t nd;
	int plus, viable;

	if (!input || len > PF_INPUT_MAX || pm_nregions > MAX_REGIONS)
		return 0;
	if (!scan(input, len, digits, &nd, &plus, &viable))
		return 0;
	clear(out);
	if (!viable) {
		*status = LPN_NOT_A_NUMBER;
		return 1;
	}
	if (!(c.md = thread_md()))
		return 0;
	*status = parse(&c, digits, nd, plus, region, flags, out);
	if (c.unsure) {
		clear(out);
		return 0;
	}
	return 1;
}

int phonefast_parse(const char *input, size_t len, const char *region,
		    unsigned flags, struct lpn_number *out,
		    enum lpn_status *status)
{
	if (!phonefast_is_enabled())
		return 0;
	if (decide(input, len, region, flags, out, status)) {
		tl_answered++;
		return 1;
	}
	tl_declined++;
	return 0;
}
