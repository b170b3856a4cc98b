/*
 * gencontacts: writes ROWS realistic contact rows as CSV on stdout, for
 * scripts/bench-import.sh. Deterministic (fixed seed). Mixed regions (GB as
 * the default region, US, DE, FR, AU, IN, BR through a country column or in
 * international form), mixed formats (national with separators, +CC,
 * 00CC, spreadsheet digits, scientific notation), custom fields, about 1%
 * invalid numbers and about 1% duplicates of earlier rows.
 *   gencontacts ROWS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static unsigned pick(unsigned n)
{
	return next() % n;
}

static void digits(char *out, int n)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = (char)('0' + pick(10));
	out[n] = '\0';
}

struct region {
	const char *cc;		/* ISO */
	const char *code;	/* calling code */
	const char *trunk;	/* national prefix */
	const char *const *prefixes;
	int tail;		/* digits after the prefix */
	unsigned weight;
};

static const char *const gb[] = { "7400", "7401", "7402", "7403", "7404", "7405", "7406", "7407",
	"7408", "7409", "7410", "7411", "7412", "7413", "7414", "7415", "7440", "7441", "7450", "7451",
	"7500", "7501", "7502", "7503", "7504", "7505", "7506", "7507", "7508", "7509", "7811", "7912",
	"7944", "7723", NULL };
static const char *const us[] = { "212", "415", "646", "312", "617", "305", NULL };
static const char *const de[] = { "151", "160", "170", "171", "176", NULL };
static const char *const fr[] = { "61", "62", "66", "68", "75", "76", "77", "78", NULL };
static const char *const au[] = { "412", "423", "438", "401", NULL };
static const char *const in[] = { "98", "91", "70", "88", NULL };
static const char *const br[] = { "119", "219", NULL };

static const struct region regions[] = {
	{ "GB", "44", "0", gb, 6, 45 },
	{ "US", "1", "", us, 7, 20 },
	{ "DE", "49", "0", de, 8, 10 },
	{ "FR", "33", "0", fr, 7, 10 },
	{ "AU", "61", "0", au, 6, 7 },
	{ "IN", "91", "0", in, 8, 4 },
	{ "BR", "55", "0", br, 8, 4 },
};

static const char *const first[] = { "Olivia", "Harry", "Emma", "Liam", "Lena", "Chloé",
	"Jack", "Noah", "Isla", "Grace", "Ruby", "Zoë", "Mateo", "Aarav", "Sofia", "Lucas" };
static const char *const last[] = { "Smith", "Jones", "Müller", "Martin", "Taylor", "Nguyen",
	"Garcia", "Patel", "Silva", "Brown", "Wilson", "Clarke", "O'Brien", "Schmidt" };
static const char *const companies[] = { "", "", "Acme Ltd", "Harbour Cafe", "Patel & Sons",
	"Bäckerei Müller", "Bondi Surf", "\"Quoted\" Co", "Smith, Jones and Partners" };
static const char *const tags[] = { "", "vip", "newsletter", "customer;vip", "trade",
	"newsletter;customer", "" };
static const char *const optout[] = { "", "", "", "no", "yes", "no", "" };
static const char *const plans[] = { "bronze", "silver", "gold", "platinum", "" };

static void csv_cell(const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* Writes a phone in one of several formats; sets *country when the row
 * must say which region a national number belongs to. */
static void make_phone(char *out, size_t cap, const char **country)
{
	unsigned w = pick(100), acc = 0;
	const struct region *r = &regions[0];
	const char *pre;
	char tail[16];
	size_t i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		acc += regions[i].weight;
		if (w < acc) {
			r = &regions[i];
			break;
		}
	}
	for (i = 0; r->prefixes[i]; i++)
		;
	pre = r->prefixes[pick((unsigned)i)];
	digits(tail, r->tail);
	if (!strcmp(r->cc, "US"))
		tail[0] = (char)('2' + pick(8));	/* exchange codes start 2-9 */
	*country = "";
	switch (pick(6)) {
	case 0:	/* national, with the row's country when not the default */
		snprintf(out, cap, "%s%s %s", r->trunk, pre, tail);
		if (strcmp(r->cc, "GB"))
			*country = r->cc;
		break;
	case 1:
		snprintf(out, cap, "+%s %s %s", r->code, pre, tail);
		break;
	case 2:
		snprintf(out, cap, "00%s%s%s", r->code, pre, tail);
		break;
	case 3:	/* a spreadsheet stored it as a number */
		snprintf(out, cap, "%s%s%s", r->code, pre, tail);
		break;
	case 4:
		snprintf(out, cap, "+%s-%s-%s", r->code, pre, tail);
		break;
	default:
		snprintf(out, cap, "(%s%s) %.3s-%s", r->trunk, pre, tail, tail + 3);
		if (strcmp(r->cc, "GB"))
			*country = r->cc;
		break;
	}
}

int main(int argc, char **argv)
{
	unsigned long rows, i;
	char (*recent)[40];
	char phone[40];
	const char *country;

	if (argc != 2 || !(rows = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: gencontacts ROWS\n");
		return 2;
	}
	recent = calloc(1024, sizeof(*recent));
	if (!recent)
		return 1;
	puts("Phone,First Name,Last Name,Company,Email,Tags,Opted Out,Country,City,Plan,Customer ID");
	for (i = 0; i < rows; i++) {
		unsigned roll = pick(1000);

		if (roll < 10 && i > 1024) {	/* ~1% duplicates */
			strcpy(phone, recent[pick(1024)]);
			country = "";
		} else if (roll < 20) {		/* ~1% invalid */
			snprintf(phone, sizeof(phone), "%u", pick(100000));
			country = "";
		} else {
			make_phone(phone, sizeof(phone), &country);
			if (!*country)
				strcpy(recent[i % 1024], phone);
		}
		csv_cell(phone);
		printf(",%s,", first[pick(sizeof(first) / sizeof(*first))]);
		csv_cell(last[pick(sizeof(last) / sizeof(*last))]);
		putchar(',');
		csv_cell(companies[pick(sizeof(companies) / sizeof(*companies))]);
		printf(",user%lu@example.com,", i);
		csv_cell(tags[pick(sizeof(tags) / sizeof(*tags))]);
		printf(",%s,%s,City %u,%s,C%08lu\n", optout[pick(7)], country, pick(500),
		       plans[pick(5)], i);
	}
	free(recent);
	return ferror(stdout) ? 1 : 0;
}
