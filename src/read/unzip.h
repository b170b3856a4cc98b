/*
 * unzip: reading parts of a zip container (XLSX, ODS) through minizip, with
 * the limits that keep a hostile file from exhausting memory or disk time.
 *
 * Limits are enforced on the bytes actually inflated, not on the sizes the
 * archive claims: the total of all bytes inflated from the archive
 * (max_total), and per entry the ratio of inflated to compressed bytes
 * (max_ratio, checked once an entry has inflated more than 1 MiB, so
 * small, very repetitive parts are fine). Either gives ERR_LIMIT naming the
 * file and the entry. Encrypted entries give ERR_FORMAT.
 *
 * One entry is open at a time.
 */
#ifndef CONTACTSYNC_UNZIP_H
#define CONTACTSYNC_UNZIP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define UNZIP_DEFAULT_MAX_TOTAL ((uint64_t)4 << 30)
#define UNZIP_DEFAULT_MAX_RATIO 1000

struct unzip_limits {
	uint64_t max_total;	/* 0 = UNZIP_DEFAULT_MAX_TOTAL */
	unsigned max_ratio;	/* 0 = UNZIP_DEFAULT_MAX_RATIO */
};

struct unzip;

/* ERR_IO when the file cannot be read, ERR_FORMAT when it is not a zip. */
enum err unzip_open(struct unzip **out, const char *path, const char *name,
		    const struct unzip_limits *limits, struct errinfo *info);
void unzip_close(struct unzip *z);

/* 1 when the archive has an entry of that exact name. */
int unzip_has(struct unzip *z, const char *entry);

/* ERR_NOT_FOUND (with a message naming file and entry) when missing. */
enum err unzip_entry_open(struct unzip *z, const char *entry,
			  struct errinfo *info);
/* Inflates up to cap bytes into p; *got = 0 at the end of the entry. */
enum err unzip_entry_read(struct unzip *z, void *p, size_t cap, size_t *got,
			  struct errinfo *info);
void unzip_entry_close(struct unzip *z);

/* Whole small entry (workbook, styles, rels) into out (its cap applies). */
enum err unzip_read_all(struct unzip *z, const char *entry, struct buf *out,
			struct errinfo *info);

#endif
