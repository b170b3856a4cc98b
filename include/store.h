/*
 * store: the LMDB staging store.
 *
 * One LMDB environment per store directory (`data.mdb`, `lock.mdb`) plus a
 * `lock` file that serialises writers across processes (lockfile.h: a flock
 * holding the writer's pid so a second writer is told who holds it; the
 * kernel releases it when the holder dies, so a crashed writer never leaves
 * a stale lock).
 *
 * Key spaces (named LMDB databases):
 *
 *   meta                 schema version and small values:
 *                          "schema"          u32 LE, STORE_SCHEMA_VERSION
 *                          "gen:<dataset>"   u64 LE, live generation
 *                          "files:<dataset>#<gen>"  source file table,
 *                                            NUL-separated names
 *                          "cols:<dataset>#<gen>"   per source file, the
 *                                            fields its columns gave
 *                                            (store_columns)
 *                          "time:<dataset>"  i64 LE, when the live generation
 *                                            was published (Unix seconds)
 *   <dataset>#<gen>      one generation of a dataset, e.g. "desired#3":
 *                          key = E.164 phone, value = contact record
 *                          (contact.h)
 *
 *   <table>              a table changed in place (no '#' in the name):
 *                          "journal:<profile>" (push.h), "state",
 *                          "optouts:<profile>", "runs" (runlog.h)
 *
 * Datasets ("desired", "remote:<profile>", "migrate:<profile>",
 * "plan:<profile>") are replaced atomically: a new generation is
 * written in as many transactions as it takes, then one small transaction
 * points "gen:<dataset>" at it and drops the old one. A crash in the middle
 * leaves the old generation live and an orphan that the next writer drops,
 * so readers only ever see a complete set.
 *
 * The map grows on its own: a writer that finds the map nearly full (or gets
 * MDB_MAP_FULL) doubles it and replays its batch.
 *
 * Everything handed out from a read transaction is borrowed: valid until
 * store_read_end.
 */
#ifndef CONTACTSYNC_STORE_H
#define CONTACTSYNC_STORE_H

/*
 * The names of the datasets and tables above, and of the keys of "state",
 * written once. A per-profile name is its prefix followed by the profile's
 * name: STORE_REMOTE_PREFIX "crm" is "remote:crm".
 */
#define STORE_DESIRED "desired"		/* dataset: the desired set (import) */
#define STORE_REMOTE_PREFIX "remote:"	/* dataset: a profile's snapshot (pull) */
#define STORE_MIGRATE_PREFIX "migrate:"	/* dataset: a migrate's source converted
					 * for its destination (migrate.h) */
#define STORE_PLAN_PREFIX "plan:"	/* dataset: a profile's last plan (journal.h) */
#define STORE_JOURNAL_PREFIX "journal:"	/* table: the plan's operations (push.h) */
#define STORE_OPTOUTS_PREFIX "optouts:"	/* table: opt-outs the provider cannot
					 * record, remembered */
#define STORE_RUNS "runs"		/* table: a record per run (runlog.h) */
#define STORE_STATE "state"		/* table: small values per profile, keys: */
#define STORE_SYNCED_PREFIX "synced:"	/*   the desired set's size at the last
					 *   push that went through in full */
#define STORE_JOURNAL_SNAPSHOT_PREFIX "journal-snapshot:"	/*   the snapshot the
								 * journal was planned on */
#define STORE_RATELIMIT_PREFIX "ratelimit:"	/*   the rate limiter's tokens */

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The store's fixed-width numbers (meta values, state records, journal
 * fingerprints): 8 bytes, little-endian. store_get_u64 reads at most len
 * bytes. */
static inline void store_put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t store_get_u64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#define STORE_SCHEMA_VERSION 1

#define STORE_WRITE 0x1u	/* take the writer lock */
#define STORE_CREATE 0x2u	/* create the directory if missing */

struct store;
struct store_read;
struct store_cursor;
struct store_gen;

enum err store_open(struct store **out, const char *dir, unsigned flags,
		    struct errinfo *info);
/* Same with the initial map size in bytes (0 = default); it grows anyway. */
enum err store_open_sized(struct store **out, const char *dir, unsigned flags,
			  size_t map_bytes, struct errinfo *info);
void store_close(struct store *st);
const char *store_dir(const struct store *st);

/* Read transactions: a consistent snapshot of the whole store. */
enum err store_read_begin(struct store *st, struct store_read **out,
			  struct errinfo *info);
void store_read_end(struct store_read *rd);

/* 1 when the dataset has a live generation (was ever written), else 0. */
int store_has(struct store_read *rd, const char *dataset);

/* The record of key in the live generation of dataset (borrowed until
 * store_read_end); ERR_NOT_FOUND when absent. */
enum err store_get(struct store_read *rd, const char *dataset, const void *key,
		   size_t keylen, const void **val, size_t *vallen,
		   struct errinfo *info);

/* Number of records in the live generation of dataset (0 if none). */
enum err store_count(struct store_read *rd, const char *dataset,
		     uint64_t *count, struct errinfo *info);

/*
 * Source file table of the live generation: an array of *n names
 * (borrowed, valid until store_read_end). NULL with *n = 0 when none.
 */
enum err store_files(struct store_read *rd, const char *dataset,
		     const char ***names, size_t *n, struct errinfo *info);

/*
 * The column table of the live generation: for each source file (same
 * index as store_files), the fields the file had columns for, each
 * between '\n's ("\nfirst_name\ncompany\ncustom:Email\n"); "" when the
 * file had none. *cols borrowed until store_read_end or the next call;
 * NULL with *n = 0 when the generation has no table (a migrate's set, or
 * a set imported before the table existed: nothing is known).
 */
enum err store_columns(struct store_read *rd, const char *dataset,
		       const char ***cols, size_t *n, struct errinfo *info);

/* Cursor over the live generation, in key order. A dataset that was never
 * written gives an empty cursor. */
enum err store_cursor_open(struct store_read *rd, const char *dataset,
			   struct store_cursor **out, struct errinfo *info);
/* The same, starting at the first key >= from. */
enum err store_cursor_open_at(struct store_read *rd, const char *dataset, const void *from,
			      size_t fromlen, struct store_cursor **out, struct errinfo *info);
/* ERR_OK with a record, ERR_NOT_FOUND at the end. Borrowed. */
enum err store_cursor_next(struct store_cursor *cur, const void **key,
			   size_t *keylen, const void **val, size_t *vallen,
			   struct errinfo *info);
void store_cursor_close(struct store_cursor *cur);

/*
 * Writing a new generation. Keys must be appended in strictly increasing
 * byte order (memcmp, shorter first on a common prefix), as LMDB's default
 * comparator orders them. Nothing is visible until store_gen_commit;
 * store_gen_abort (or a crash) leaves the previous generation live.
 */
enum err store_gen_begin(struct store *st, const char *dataset,
			 struct store_gen **out, struct errinfo *info);
enum err store_gen_append(struct store_gen *g, const void *key, size_t keylen,
			  const void *val, size_t vallen, struct errinfo *info);
/* Sets the source file table stored with the generation. */
enum err store_gen_set_files(struct store_gen *g, const char *const *names,
			     size_t n, struct errinfo *info);
/* Sets the column table stored with the generation (store_columns). */
enum err store_gen_set_columns(struct store_gen *g, const char *const *cols, size_t n,
			       struct errinfo *info);
/* Makes the new generation live and drops the old one; frees g. */
enum err store_gen_commit(struct store_gen *g, struct errinfo *info);
/* Drops what was written; frees g. */
void store_gen_abort(struct store_gen *g);

/* Records appended so far. */
uint64_t store_gen_count(const struct store_gen *g);

/*
 * When the live generation of dataset was published (Unix seconds), or 0
 * when it never was (or by a version that did not record it).
 */
int64_t store_gen_time(struct store_read *rd, const char *dataset);
/* The live generation's number (changes with every publication), or 0. */
uint64_t store_gen_id(struct store_read *rd, const char *dataset);

/*
 * Tables: small keyed records changed in place ("journal:<profile>",
 * "state", "optouts:<profile>"), as opposed to datasets, which are replaced
 * whole. Names must not contain '#'. Changes are grouped in a write
 * transaction that is durable once store_tx_commit returns.
 */
struct store_tx;

enum err store_tx_begin(struct store *st, struct store_tx **out, struct errinfo *info);
enum err store_tx_put(struct store_tx *tx, const char *table, const void *key,
		      size_t keylen, const void *val, size_t vallen, struct errinfo *info);
/* Deleting an absent key is not an error. */
enum err store_tx_del(struct store_tx *tx, const char *table, const void *key,
		      size_t keylen, struct errinfo *info);
/* Empties the table. */
enum err store_tx_clear(struct store_tx *tx, const char *table, struct errinfo *info);
/* Commits (synced) and frees tx; on failure nothing of tx is kept. */
enum err store_tx_commit(struct store_tx *tx, struct errinfo *info);
void store_tx_abort(struct store_tx *tx);

/* Reading tables, in a read transaction (borrowed until store_read_end). */
enum err store_table_get(struct store_read *rd, const char *table, const void *key,
			 size_t keylen, const void **val, size_t *vallen,
			 struct errinfo *info);
/* A cursor over the table in key order, from the first key >= from
 * (from NULL: the beginning); an absent table gives an empty cursor.
 * Read it with store_cursor_next. */
enum err store_table_cursor(struct store_read *rd, const char *table, const void *from,
			    size_t fromlen, struct store_cursor **out, struct errinfo *info);
enum err store_table_count(struct store_read *rd, const char *table, uint64_t *count,
			   struct errinfo *info);

#endif
