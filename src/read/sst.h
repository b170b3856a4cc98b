/*
 * sst: a workbook's shared strings (xlsxin's table of the strings cells
 * refer to by index), kept in memory while they are small and spilled to
 * two unlinked temporary files once they pass SST_SPILL_AT bytes: the
 * strings, and their 64-bit offsets. A hostile 2 MB workbook can hold a
 * shared-strings part that inflates to gigabytes; on disk it costs what the
 * zip caps (zip-max-bytes) allow, and in memory one string at most.
 *
 * Strings are built one at a time (sst_begin, sst_add, sst_end) and read
 * back by index (sst_get) once the part is read. Every string is capped
 * at max_str bytes (a cell can never be longer than its row).
 */
#ifndef CONTACTSYNC_READ_SST_H
#define CONTACTSYNC_READ_SST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

/* Bytes of strings and offsets kept in memory before they are spilled. */
#define SST_SPILL_AT ((size_t)8 << 20)

struct sst {
	struct buf mem;		/* the strings; once spilled, the current one */
	uint32_t *offs;		/* in memory: each string's start in mem */
	size_t cap, n;
	size_t start;		/* the current string's start in mem */
	size_t max_str, spill_at;
	char *tmp_dir;
	FILE *data, *idx;	/* NULL until spilled */
	uint64_t data_len;
	struct buf got;		/* the string sst_get read from disk */
};

/* An empty table whose strings are at most max_str bytes; spilled under
 * tmp_dir (NULL: $TMPDIR, else /tmp) past spill_at bytes (0: SST_SPILL_AT). */
enum err sst_init(struct sst *s, size_t max_str, size_t spill_at, const char *tmp_dir,
		  struct errinfo *info);

/* A new string (ended by sst_end) and text appended to it. ERR_LIMIT when
 * it passes max_str. */
void sst_begin(struct sst *s);
enum err sst_add(struct sst *s, const char *p, size_t n, struct errinfo *info);

/* Ends the current string; fix (may be NULL) rewrites its bytes in place
 * first and returns their new length. ERR_IO when the spill fails. */
enum err sst_end(struct sst *s, size_t (*fix)(char *, size_t), struct errinfo *info);

/* Every string added: the spill files flushed for reading. */
enum err sst_done(struct sst *s, struct errinfo *info);

/* String i (borrowed until the next sst_get), its length in *len;
 * ERR_NOT_FOUND past the last, ERR_IO when the spill cannot be read. */
enum err sst_get(struct sst *s, size_t i, const char **str, size_t *len, struct errinfo *info);

size_t sst_count(const struct sst *s);

/* Whether the table went to disk (for tests). */
int sst_spilled(const struct sst *s);

void sst_free(struct sst *s);

#endif
