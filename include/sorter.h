/*
 * sorter: external sort of keyed records with bounded memory.
 *
 * Records (key, seq, value) are collected in an arena of a fixed size; when
 * it is full its entries are sorted by (key, seq) and spilled to an
 * anonymous temporary file (created in `tmpdir` and unlinked at once, so a
 * crash leaves nothing behind). sorter_next then merges the runs and the
 * last in-memory run, giving every record in (key, seq) order. Memory use is
 * the arena plus one read buffer per run, whatever the number of records.
 *
 * Key order is LMDB's default: memcmp, shorter first on a common prefix, so
 * the output can be appended to an LMDB database as it comes.
 */
#ifndef CONTACTSYNC_SORTER_H
#define CONTACTSYNC_SORTER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SORTER_KEY_MAX 255

struct sorter;

struct sorter_entry {
	const char *key;	/* borrowed until the next sorter_next */
	size_t keylen;
	uint64_t seq;
	const void *val;
	size_t vallen;
};

enum err sorter_new(struct sorter **out, size_t mem_bytes, const char *tmpdir,
		    struct errinfo *info);
/* Copies the record. Not allowed after sorter_finish. */
enum err sorter_add(struct sorter *s, const char *key, size_t keylen,
		    uint64_t seq, const void *val, size_t vallen,
		    struct errinfo *info);
/* Ends the input and prepares the merge. */
enum err sorter_finish(struct sorter *s, struct errinfo *info);
/* ERR_OK with the next record, ERR_NOT_FOUND at the end. */
enum err sorter_next(struct sorter *s, struct sorter_entry *e,
		     struct errinfo *info);
/* Number of runs spilled to disk so far. */
size_t sorter_runs(const struct sorter *s);
/* Bytes spilled to disk so far (for a caller's cap on its temporary files). */
uint64_t sorter_spilled(const struct sorter *s);
void sorter_free(struct sorter *s);

#endif
