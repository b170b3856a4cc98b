/*
 * gencsv: reading back the CSV lines tests/tools/gencontacts writes, for
 * the benchmark tools (phone_baseline, phone_bench). Fields with quotes
 * never hold the phone (column 0) or the country (column 7), so a simple
 * scan that honours quotes is enough.
 */
#ifndef CONTACTSYNC_GENCSV_H
#define CONTACTSYNC_GENCSV_H

#include <stddef.h>

/* Field `want` (0-based) of line into out (cap bytes, NUL-terminated,
 * cut to fit); returns its length. */
static inline int gencsv_field(const char *line, int want, char *out, size_t cap)
{
	int col = 0, q = 0;
	size_t n = 0;

	for (; *line && *line != '\n'; line++) {
		if (*line == '"') {
			q = !q;
			continue;
		}
		if (*line == ',' && !q) {
			if (col++ == want)
				break;
			continue;
		}
		if (col == want && n + 1 < cap)
			out[n++] = *line;
	}
	out[n] = '\0';
	return (int)n;
}

#endif
