/*
 * phone_bench: the phone fast path against libphonenumber on a contact
 * file (scripts/bench-phone.sh). Reads the CSV written by gencontacts
 * (phone in column 1, country in column 8) into memory, then times, over
 * the same rows with the row's country or DEFAULT_REGION:
 *   - libphonenumber alone (lpn_parse, as phone_baseline does);
 *   - phone_parse with the fast path (what import runs);
 *   - the same with PHONE_READ_INTL (what import runs without
 *     --strict-phone), and how many answers the rule changed;
 *   - phone_parse with the fast path off, for reference;
 * and prints µs per number, the ratio, and the share of rows the fast path
 * decided without libphonenumber (phone_parse may ask twice for
 * spreadsheet digits: a row counts as native when the fast path declined
 * none of them, phonefast_counts).
 *   phone_bench FILE DEFAULT_REGION
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gencsv.h"
#include "lpn.h"
#include "phone.h"
#include "phonefast.h"

struct row {
	char phone[64];
	char region[8];
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char line[4096];
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0;
	unsigned long valid_lpn = 0, valid_fast = 0, valid_slow = 0, nat = 0;
	unsigned long valid_intl = 0, read_intl = 0;
	double t0, t_lpn, t_fast, t_intl, t_slow;
	FILE *fp;

	if (argc != 3 || !(fp = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: phone_bench FILE DEFAULT_REGION\n");
		return 2;
	}
	if (!fgets(line, sizeof(line), fp))	/* header */
		return 1;
	while (fgets(line, sizeof(line), fp)) {
		if (nrows == cap) {
			cap = cap ? cap * 2 : 65536;
			rows = realloc(rows, cap * sizeof(*rows));
			if (!rows)
				return 1;
		}
		gencsv_field(line, 0, rows[nrows].phone, sizeof(rows[nrows].phone));
		gencsv_field(line, 7, rows[nrows].region, sizeof(rows[nrows].region));
		if (!rows[nrows].region[0])
			snprintf(rows[nrows].region, sizeof(rows[nrows].region), "%s", argv[2]);
		nrows++;
	}
	fclose(fp);
	if (!nrows)
		return 1;

	t0 = now();
	for (size_t i = 0; i < nrows; i++) {
		struct lpn_number n;

		if (lpn_parse(rows[i].phone, strlen(rows[i].phone), rows[i].region, 0, &n) == LPN_OK &&
		    n.valid)
			valid_lpn++;
	}
	t_lpn = now() - t0;

	phonefast_set_enabled(1);
	t0 = now();
	for (size_t i = 0; i < nrows; i++) {
		struct phone_result pr;

		if (phone_parse(rows[i].phone, strlen(rows[i].phone), rows[i].region, 0, &pr) == ERR_OK &&
		    pr.reason == PHONE_OK)
			valid_fast++;
	}
	t_fast = now() - t0;

	t0 = now();
	for (size_t i = 0; i < nrows; i++) {
		struct phone_result pr;

		if (phone_parse(rows[i].phone, strlen(rows[i].phone), rows[i].region,
				PHONE_READ_INTL, &pr) == ERR_OK &&
		    pr.reason == PHONE_OK) {
			valid_intl++;
			read_intl += (unsigned long)pr.read_international;
		}
	}
	t_intl = now() - t0;

	for (size_t i = 0; i < nrows; i++) {
		struct phone_result pr;
		unsigned long a0, d0, a1, d1;

		phonefast_counts(&a0, &d0);
		(void)phone_parse(rows[i].phone, strlen(rows[i].phone), rows[i].region, 0, &pr);
		phonefast_counts(&a1, &d1);
		nat += d1 == d0;
	}

	phonefast_set_enabled(0);
	t0 = now();
	for (size_t i = 0; i < nrows; i++) {
		struct phone_result pr;

		if (phone_parse(rows[i].phone, strlen(rows[i].phone), rows[i].region, 0, &pr) == ERR_OK &&
		    pr.reason == PHONE_OK)
			valid_slow++;
	}
	t_slow = now() - t0;

	printf("rows %zu\n", nrows);
	printf("libphonenumber alone (lpn_parse): %.3f s, %.3f us/number, valid %lu\n", t_lpn,
	       t_lpn * 1e6 / (double)nrows, valid_lpn);
	printf("phone_parse, fast path on:        %.3f s, %.3f us/number, valid %lu\n", t_fast,
	       t_fast * 1e6 / (double)nrows, valid_fast);
	printf("phone_parse, PHONE_READ_INTL:     %.3f s, %.3f us/number, valid %lu, "
	       "read as international %lu\n",
	       t_intl, t_intl * 1e6 / (double)nrows, valid_intl, read_intl);
	printf("phone_parse, fast path off:       %.3f s, %.3f us/number, valid %lu\n", t_slow,
	       t_slow * 1e6 / (double)nrows, valid_slow);
	printf("decided natively: %lu of %zu rows (%.2f%%)\n", nat, nrows,
	       100.0 * (double)nat / (double)nrows);
	printf("ratio libphonenumber alone / fast path: %.1fx\n", t_lpn / t_fast);
	printf("ratio phone_parse off / on: %.1fx\n", t_slow / t_fast);
	free(rows);
	return valid_fast == valid_slow ? 0 : 1;
}
