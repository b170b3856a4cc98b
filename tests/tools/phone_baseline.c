/*
 * phone_baseline: what libphonenumber alone costs for a contact file, the
 * yardstick of scripts/bench-import.sh. Reads the CSV written by
 * gencontacts (phone in column 1, country in column 8), and for every row
 * parses, validates and formats the number with libphonenumber (through the
 * thin lpn binding), nothing else. Prints rows, valid count and seconds.
 *   phone_baseline FILE DEFAULT_REGION
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gencsv.h"
#include "lpn.h"

int main(int argc, char **argv)
{
	static char line[4096];
	char phone[64], country[8];
	struct lpn_number num;
	struct timespec t0, t1;
	unsigned long rows = 0, valid = 0;
	FILE *fp;

	if (argc != 3 || !(fp = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: phone_baseline FILE DEFAULT_REGION\n");
		return 2;
	}
	if (!fgets(line, sizeof(line), fp))	/* header */
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (fgets(line, sizeof(line), fp)) {
		int n = gencsv_field(line, 0, phone, sizeof(phone));

		gencsv_field(line, 7, country, sizeof(country));
		if (lpn_parse(phone, (size_t)n, country[0] ? country : argv[2], 0, &num) == LPN_OK &&
		    num.valid)
			valid++;
		rows++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("rows %lu valid %lu seconds %.3f\n", rows, valid,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	fclose(fp);
	return 0;
}
