/*
 * limit: a ceiling given either as a count ("25") or as a share of a total
 * ("50%", "0.5%"), for --max-rejects and the profile's max_rejects. One
 * grammar for the option and the configuration, so both accept the same.
 *
 * A share is kept in hundredths of a percent (0 to 10000), so "12.25%" is
 * exact and the comparison is done in integers: the ceiling is passed when
 * n * 10000 > total * share, never by rounding. The zero struct is no
 * ceiling at all (LIMIT_NONE), so callers that never set one are not
 * stopped.
 */
#ifndef CONTACTSYNC_LIMIT_H
#define CONTACTSYNC_LIMIT_H

#include <stddef.h>
#include <stdint.h>

enum limit_kind {
	LIMIT_NONE,	/* never passed */
	LIMIT_COUNT,	/* passed when n > count */
	LIMIT_SHARE,	/* passed when n / total > share / 10000 */
};

struct limit {
	enum limit_kind kind;
	uint64_t count;		/* LIMIT_COUNT */
	unsigned share;		/* LIMIT_SHARE: hundredths of a percent, 0-10000 */
};

/* "N" or "P%" (P from 0 to 100, at most two decimals): 0, or -1 when s is
 * neither (out untouched). */
int limit_parse(const char *s, struct limit *out);

/* 1 when n of total passes the ceiling, else 0. */
int limit_passed(const struct limit *l, uint64_t n, uint64_t total);

/* "25" or "12.25%" into buf (always terminated); "none" for LIMIT_NONE. */
void limit_str(const struct limit *l, char *buf, size_t cap);

#endif
