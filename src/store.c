/* store: LMDB staging store (key layout and invariants in store.h). */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lockfile.h"

#define INITIAL_MAP ((size_t)256 << 20)
#define BATCH_BYTES ((size_t)4 << 20)
#define MAX_DBS 512
#define NAME_MAX_LEN 200
/* A cursor that has walked this many bytes of records lets go of the
 * map's pages (see release_map). */
#define RELEASE_BYTES ((size_t)4 << 20)

struct store {
	MDB_env *env;
	char *dir;
	struct lockfile lock;	/* the writer lock (STORE_WRITE) */
	unsigned flags;
	MDB_dbi meta;
	int has_meta;
};

/* What a reader mapped since it last let go of the map (walk_release). */
struct walk {
	size_t bytes;		/* record bytes read (a page per lookup) */
	uintptr_t lo, hi;	/* the lowest and highest record address */
	struct store *st;	/* whose map it is */
};


struct store_read {
	struct store *st;
	MDB_txn *txn;
	struct walk walk;	/* lookups (dbi_get) */
	const char **files;
	size_t nfiles;
	char *files_blob;
	const char **cols;	/* store_columns' table, as files */
	size_t ncols;
	char *cols_blob;
};

struct store_cursor {
	MDB_cursor *cur;
	int first;
	int pending;	/* positioned on a record next() has not returned */
	struct walk walk;
};

struct store_gen {
	struct store *st;
	char dataset[NAME_MAX_LEN];
	char name[NAME_MAX_LEN + 24];
	uint64_t gen;
	uint64_t count;
	struct buf batch;	/* u32 klen, key, u32 vlen, val, ... */
	struct buf files;	/* NUL-separated names */
	int has_files;
	struct buf cols;	/* NUL-separated column lists, one per file */
	int has_cols;
	char last_key[64];
	size_t last_keylen;
	int has_last;
};

/*
 * LMDB turns a short write into EIO: on a disk that filled up during the
 * write that is what pwrite does, so EIO with (almost) no space left on the
 * store's file system is a full disk, and said so.
 */
static int disk_full(const char *dir)
{
	struct statvfs v;

	if (!dir || statvfs(dir, &v))
		return 0;
	return (unsigned long long)v.f_bavail * v.f_frsize < ((unsigned long long)1 << 20);
}

static enum err lmdb_err(struct store *st, int rc, struct errinfo *info,
			 const char *what)
{
	enum err code = ERR_STORE;

	if (rc == EIO && st && disk_full(st->dir))
		return err_set(info, ERR_STORE_FULL,
			       "store '%s': %s: no space left on device (the disk is full)",
			       st->dir, what);
	if (rc == MDB_MAP_FULL || rc == ENOSPC || rc == EDQUOT)
		code = ERR_STORE_FULL;
	else if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND ||
		 rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
		code = ERR_STORE_CORRUPT;
	else if (rc == ENOMEM)
		code = ERR_NOMEM;
	return err_set(info, code, "store '%s': %s: %s", st ? st->dir : "?",
		       what, mdb_strerror(rc));
}

/* The writer lock, beside the environment (store.h). */
static enum err take_lock(struct store *st, struct errinfo *info)
{
	char path[4096], what[4200];

	snprintf(path, sizeof(path), "%s/lock", st->dir);
	snprintf(what, sizeof(what), "store '%s'", st->dir);
	return lockfile_take(&st->lock, path, what, info);
}

/* Begins a transaction, adopting a map grown by another process. */
static int txn_begin(struct store *st, unsigned flags, MDB_txn **txn)
{
	int rc = mdb_txn_begin(st->env, NULL, flags, txn);

	if (rc == MDB_MAP_RESIZED) {
		rc = mdb_env_set_mapsize(st->env, 0);
		if (!rc)
			rc = mdb_txn_begin(st->env, NULL, flags, txn);
	}
	return rc;
}

static enum err check_schema(struct store *st, struct errinfo *info)
{
	MDB_txn *txn;
	MDB_val k = { 6, "schema" }, v;
	unsigned char ver[8];
	int rc, writable = st->flags & STORE_WRITE;

	rc = txn_begin(st, writable ? 0 : MDB_RDONLY, &txn);
	if (rc)
		return lmdb_err(st, rc, info, "cannot begin transaction");
	rc = mdb_dbi_open(txn, "meta", writable ? MDB_CREATE : 0, &st->meta);
	if (rc == MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return ERR_OK;	/* empty store, opened read-only */
	}
	if (rc)
		goto fail;
	rc = mdb_get(txn, st->meta, &k, &v);
	if (rc == MDB_NOTFOUND && writable) {
		store_put_u64(ver, STORE_SCHEMA_VERSION);
		v.mv_data = ver;
		v.mv_size = 4;
		rc = mdb_put(txn, st->meta, &k, &v, 0);
	} else if (!rc && store_get_u64(v.mv_data, v.mv_size) > STORE_SCHEMA_VERSION) {
		uint64_t found = store_get_u64(v.mv_data, v.mv_size);

		mdb_txn_abort(txn);
		return err_set(info, ERR_STORE_VERSION,
			       "store '%s' has schema version %" PRIu64
			       "; this contactsync reads up to version %d (the store was written by a newer contactsync: upgrade)",
			       st->dir, found, STORE_SCHEMA_VERSION);
	} else if (rc == MDB_NOTFOUND) {
		rc = 0;
	}
	if (rc)
		goto fail;
	rc = mdb_txn_commit(txn);
	if (rc)
		return lmdb_err(st, rc, info, "cannot commit");
	st->has_meta = 1;
	return ERR_OK;
fail:
	mdb_txn_abort(txn);
	return lmdb_err(st, rc, info, "cannot read schema");
}

static int parse_gen_name(const char *name, size_t len, char *dataset,
			  uint64_t *gen)
{
	const char *hash = memchr(name, '#', len);
	char *end;
	char num[24];
	size_t dlen, nlen;

	if (!hash)
		return -1;
	dlen = (size_t)(hash - name);
	nlen = len - dlen - 1;
	if (dlen == 0 || dlen >= NAME_MAX_LEN || nlen == 0 || nlen >= sizeof(num))
		return -1;
	memcpy(dataset, name, dlen);
	dataset[dlen] = '\0';
	memcpy(num, hash + 1, nlen);
	num[nlen] = '\0';
	*gen = strtoull(num, &end, 10);
	return *end ? -1 : 0;
}

static uint64_t live_gen(struct store *st, MDB_txn *txn, const char *dataset)
{
	char key[NAME_MAX_LEN + 8];
	MDB_val k, v;

	if (!st->has_meta)
		return 0;
	k.mv_size = (size_t)snprintf(key, sizeof(key), "gen:%s", dataset);
	k.mv_data = key;
	if (mdb_get(txn, st->meta, &k, &v))
		return 0;
	return store_get_u64(v.mv_data, v.mv_size);
}

/* Drops generations that are not live: leftovers of a crashed writer. */
static enum err drop_orphans(struct store *st, struct errinfo *info)
{
	MDB_txn *txn;
	MDB_dbi main_db;
	MDB_cursor *cur;
	MDB_val k, v;
	char names[32][NAME_MAX_LEN + 24];
	size_t n = 0, i;
	int rc, op = MDB_FIRST;

	rc = txn_begin(st, 0, &txn);
	if (rc)
		return lmdb_err(st, rc, info, "cannot begin transaction");
	rc = mdb_dbi_open(txn, NULL, 0, &main_db);
	if (!rc)
		rc = mdb_cursor_open(txn, main_db, &cur);
	if (rc)
		goto fail;
	while (n < 32 && !(rc = mdb_cursor_get(cur, &k, &v, op))) {
		char dataset[NAME_MAX_LEN];
		uint64_t gen;

		op = MDB_NEXT;
		if (k.mv_size >= sizeof(names[0]) ||
		    parse_gen_name(k.mv_data, k.mv_size, dataset, &gen))
			continue;
		if (gen == live_gen(st, txn, dataset))
			continue;
		memcpy(names[n], k.mv_data, k.mv_size);
		names[n][k.mv_size] = '\0';
		n++;
	}
	mdb_cursor_close(cur);
	for (i = 0; i < n; i++) {
		MDB_dbi dbi;

		rc = mdb_dbi_open(txn, names[i], 0, &dbi);
		if (!rc)
			rc = mdb_drop(txn, dbi, 1);
		if (rc)
			goto fail;
	}
	rc = mdb_txn_commit(txn);
	if (rc)
		return lmdb_err(st, rc, info, "cannot drop unfinished data");
	return ERR_OK;
fail:
	mdb_txn_abort(txn);
	return lmdb_err(st, rc, info, "cannot drop unfinished data");
}

enum err store_open(struct store **out, const char *dir, unsigned flags,
		    struct errinfo *info)
{
	return store_open_sized(out, dir, flags, 0, info);
}

enum err store_open_sized(struct store **out, const char *dir, unsigned flags,
			  size_t map_bytes, struct errinfo *info)
{
	struct store *st;
	struct stat sb;
	enum err e;
	int rc;

	*out = NULL;
	if (stat(dir, &sb) < 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE))
			return err_set(info, ERR_STORE, "cannot open store '%s': %s",
				       dir, errno == ENOENT ? "no such store (run 'contactsync import' first)" : strerror(errno));
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_set(info, ERR_STORE, "cannot create store '%s': %s",
				       dir, strerror(errno));
	} else if (!S_ISDIR(sb.st_mode)) {
		return err_set(info, ERR_STORE, "cannot open store '%s': not a directory", dir);
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->dir = strdup(dir))) {
		free(st);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	st->lock.fd = -1;
	st->flags = flags;
	if ((flags & STORE_WRITE) && (e = take_lock(st, info)))
		goto fail;
	rc = mdb_env_create(&st->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(st->env, MAX_DBS);
	if (!rc)
		rc = mdb_env_set_mapsize(st->env, map_bytes ? map_bytes : INITIAL_MAP);
	if (!rc)
		rc = mdb_env_open(st->env, dir,
				  MDB_NOTLS | (flags & STORE_WRITE ? 0 : MDB_RDONLY),
				  0600);
	if (rc == ENOENT) {
		e = err_set(info, ERR_STORE, "cannot open store '%s': no such store (run 'contactsync import' first)", dir);
		goto fail;
	}
	if (rc) {
		e = lmdb_err(st, rc, info, "cannot open");
		goto fail;
	}
	e = check_schema(st, info);
	if (!e && (flags & STORE_WRITE))
		e = drop_orphans(st, info);
	if (e)
		goto fail;
	*out = st;
	return ERR_OK;
fail:
	store_close(st);
	return e;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->env)
		mdb_env_close(st->env);
	lockfile_release(&st->lock);
	free(st->dir);
	free(st);
}

const char *store_dir(const struct store *st)
{
	return st->dir;
}

enum err store_read_begin(struct store *st, struct store_read **out,
			  struct errinfo *info)
{
	struct store_read *rd = calloc(1, sizeof(*rd));
	int rc;

	*out = NULL;
	if (!rd)
		return err_set(info, ERR_NOMEM, "out of memory");
	rd->st = st;
	rc = txn_begin(st, MDB_RDONLY, &rd->txn);
	if (rc) {
		free(rd);
		return lmdb_err(st, rc, info, "cannot begin read transaction");
	}
	rd->walk.st = st;
	*out = rd;
	return ERR_OK;
}

void store_read_end(struct store_read *rd)
{
	if (!rd)
		return;
	mdb_txn_abort(rd->txn);
	free(rd->files);
	free(rd->files_blob);
	free(rd->cols);
	free(rd->cols_blob);
	free(rd);
}

/* Opens the live generation of dataset; MDB_NOTFOUND when there is none. */
static int open_live(struct store_read *rd, const char *dataset, MDB_dbi *dbi)
{
	char name[NAME_MAX_LEN + 24];
	uint64_t gen = live_gen(rd->st, rd->txn, dataset);

	if (!gen)
		return MDB_NOTFOUND;
	snprintf(name, sizeof(name), "%s#%" PRIu64, dataset, gen);
	return mdb_dbi_open(rd->txn, name, 0, dbi);
}

int store_has(struct store_read *rd, const char *dataset)
{
	return live_gen(rd->st, rd->txn, dataset) != 0;
}

/* A record of dbi (rc: how opening it went), borrowed from the read. */
/*
 * Every page a walk reads stays mapped in the process, so a walk over a
 * million records (or a million lookups) would count the whole dataset in
 * its resident set. The map is read-only and shared (no MDB_WRITEMAP):
 * dropping the process's mappings loses nothing, the kernel keeps the
 * pages in its cache, and a record still borrowed (or the tree's branch
 * pages) faults back in from there at the same address. So a long walk's
 * memory stays flat.
 *
 * What is dropped is the whole map, as /proc/self/maps shows it at that
 * moment (LMDB does not say where it put it, and a grown map moves), and
 * only while it is a read-only shared mapping of the store's file holding
 * the records walked; without it, the span between the lowest and the
 * highest record returned, which is inside the map but misses the
 * neighbours the kernel maps around each fault.
 */
static void map_bounds(struct store *st, uintptr_t *map_lo, uintptr_t *map_hi)
{
	struct stat sb;
	char line[512];
	FILE *fp;
	int fd;

	*map_lo = *map_hi = 0;
	if (!st || mdb_env_get_fd(st->env, &fd) || fstat(fd, &sb) ||
	    !(fp = fopen("/proc/self/maps", "r")))
		return;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long lo, hi, off, ino;
		unsigned maj, min;
		char perm[8];

		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perm, &off, &maj, &min,
			   &ino) == 7 && ino == (unsigned long)sb.st_ino && maj == major(sb.st_dev) &&
		    min == minor(sb.st_dev) && off == 0 && perm[3] == 's' && perm[1] == '-') {
			*map_lo = lo;
			*map_hi = hi;
			break;
		}
	}
	fclose(fp);
}

static void walk_release(struct walk *w)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t lo = w->lo, hi = w->hi, map_lo, map_hi;

	map_bounds(w->st, &map_lo, &map_hi);
	if (map_hi > map_lo && lo >= map_lo && hi < map_hi) {
		lo = map_lo;
		hi = map_hi;
	}
	if (pg > 0 && hi > lo) {
		lo &= ~((uintptr_t)pg - 1);
		hi &= ~((uintptr_t)pg - 1);
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	}
	w->bytes = 0;
}

/* Notes a record returned at p; weight: the bytes its reading mapped. */
static void walk_note(struct walk *w, const void *p, size_t weight)
{
	uintptr_t a = (uintptr_t)p;

	if (w->bytes >= RELEASE_BYTES)
		walk_release(w);
	if (!w->bytes) {
		w->lo = a;
		w->hi = a;
	}
	w->bytes += weight;
	w->lo = a < w->lo ? a : w->lo;
	w->hi = a > w->hi ? a : w->hi;
}

static enum err dbi_get(struct store_read *rd, int rc, MDB_dbi dbi, const void *key,
			size_t keylen, const void **val, size_t *vallen, struct errinfo *info)
{
	MDB_val k = { keylen, (void *)key }, v;

	if (!rc)
		rc = mdb_get(rd->txn, dbi, &k, &v);
	if (rc == MDB_NOTFOUND)
		return ERR_NOT_FOUND;
	if (rc)
		return lmdb_err(rd->st, rc, info, "cannot read a record");
	*val = v.mv_data;
	*vallen = v.mv_size;
	walk_note(&rd->walk, v.mv_data, 4096);
	return ERR_OK;
}

enum err store_get(struct store_read *rd, const char *dataset, const void *key,
		   size_t keylen, const void **val, size_t *vallen,
		   struct errinfo *info)
{
	MDB_dbi dbi = 0;
	int rc = open_live(rd, dataset, &dbi);

	return dbi_get(rd, rc, dbi, key, keylen, val, vallen, info);
}

/* The records of dbi (rc: how opening it went; an absent one holds 0). */
static enum err dbi_count(struct store_read *rd, int rc, MDB_dbi dbi, uint64_t *count,
			  struct errinfo *info)
{
	MDB_stat stat;

	*count = 0;
	if (rc == MDB_NOTFOUND)
		return ERR_OK;
	if (!rc)
		rc = mdb_stat(rd->txn, dbi, &stat);
	if (rc)
		return lmdb_err(rd->st, rc, info, "cannot count records");
	*count = stat.ms_entries;
	return ERR_OK;
}

enum err store_count(struct store_read *rd, const char *dataset,
		     uint64_t *count, struct errinfo *info)
{
	MDB_dbi dbi = 0;
	int rc = open_live(rd, dataset, &dbi);

	return dbi_count(rd, rc, dbi, count, info);
}

/*
 * The NUL-separated list stored as "<what>:<dataset>#<gen>" in meta, split
 * into *arr (both it and *blob replace what they held: one list of each
 * kind per read transaction).
 */
static enum err meta_list(struct store_read *rd, const char *what, const char *dataset,
			  char **blob, const char ***arr, size_t *narr, struct errinfo *info)
{
	char key[NAME_MAX_LEN + 48];
	MDB_val k, v;
	uint64_t gen = live_gen(rd->st, rd->txn, dataset);
	size_t i, count = 0;
	const char *p;
	int rc;

	free(*arr);
	free(*blob);
	*arr = NULL;
	*blob = NULL;
	*narr = 0;
	if (!gen)
		return ERR_OK;
	k.mv_size = (size_t)snprintf(key, sizeof(key), "%s:%s#%" PRIu64, what, dataset, gen);
	k.mv_data = key;
	rc = mdb_get(rd->txn, rd->st->meta, &k, &v);
	if (rc == MDB_NOTFOUND)
		return ERR_OK;
	if (rc)
		return lmdb_err(rd->st, rc, info, "cannot read file table");
	*blob = malloc(v.mv_size + 1);
	if (!*blob)
		return err_set(info, ERR_NOMEM, "out of memory");
	memcpy(*blob, v.mv_data, v.mv_size);
	(*blob)[v.mv_size] = '\0';
	for (i = 0; i < v.mv_size; i++)
		count += (*blob)[i] == '\0';
	*arr = calloc(count + 1, sizeof(**arr));
	if (!*arr)
		return err_set(info, ERR_NOMEM, "out of memory");
	for (p = *blob, i = 0; i < count; i++) {
		(*arr)[i] = p;
		p += strlen(p) + 1;
	}
	*narr = count;
	return ERR_OK;
}

enum err store_files(struct store_read *rd, const char *dataset,
		     const char ***names, size_t *n, struct errinfo *info)
{
	enum err e = meta_list(rd, "files", dataset, &rd->files_blob, &rd->files, &rd->nfiles,
			       info);

	*names = e ? NULL : rd->files;
	*n = e || !rd->files ? 0 : rd->nfiles;
	return e;
}

enum err store_columns(struct store_read *rd, const char *dataset,
		       const char ***cols, size_t *n, struct errinfo *info)
{
	enum err e = meta_list(rd, "cols", dataset, &rd->cols_blob, &rd->cols, &rd->ncols, info);

	*cols = e ? NULL : rd->cols;
	*n = e || !rd->cols ? 0 : rd->ncols;
	return e;
}

/* A cursor on dbi (rc: how opening it went), placed before the first key
 * >= from when from is given. */
static enum err cursor_make(struct store_read *rd, int rc, MDB_dbi dbi, const void *from,
			    size_t fromlen, struct store_cursor **out, struct errinfo *info)
{
	struct store_cursor *cur = calloc(1, sizeof(*cur));
	MDB_val k, v;

	*out = NULL;
	if (!cur)
		return err_set(info, ERR_NOMEM, "out of memory");
	cur->first = 1;
	cur->walk.st = rd->st;
	if (!rc)
		rc = mdb_cursor_open(rd->txn, dbi, &cur->cur);
	if (!rc && from && fromlen) {
		k.mv_size = fromlen;
		k.mv_data = (void *)from;
		rc = mdb_cursor_get(cur->cur, &k, &v, MDB_SET_RANGE);
		cur->first = 0;
		cur->pending = !rc;
		if (rc == MDB_NOTFOUND) {	/* past the end: an empty cursor */
			mdb_cursor_close(cur->cur);
			cur->cur = NULL;
			rc = 0;
		}
	}
	if (rc && rc != MDB_NOTFOUND) {
		if (cur->cur)
			mdb_cursor_close(cur->cur);
		free(cur);
		return lmdb_err(rd->st, rc, info, "cannot open cursor");
	}
	*out = cur;
	return ERR_OK;
}

enum err store_cursor_open(struct store_read *rd, const char *dataset,
			   struct store_cursor **out, struct errinfo *info)
{
	return store_cursor_open_at(rd, dataset, NULL, 0, out, info);
}

enum err store_cursor_open_at(struct store_read *rd, const char *dataset, const void *from,
			      size_t fromlen, struct store_cursor **out, struct errinfo *info)
{
	MDB_dbi dbi = 0;
	int rc = open_live(rd, dataset, &dbi);

	return cursor_make(rd, rc, dbi, from, fromlen, out, info);
}

enum err store_cursor_next(struct store_cursor *cur, const void **key,
			   size_t *keylen, const void **val, size_t *vallen,
			   struct errinfo *info)
{
	MDB_val k, v;
	int rc;

	if (!cur->cur)
		return ERR_NOT_FOUND;
	rc = mdb_cursor_get(cur->cur, &k, &v,
			    cur->pending ? MDB_GET_CURRENT : cur->first ? MDB_FIRST : MDB_NEXT);
	cur->first = 0;
	cur->pending = 0;
	if (rc == MDB_NOTFOUND)
		return ERR_NOT_FOUND;
	if (rc)
		return lmdb_err(NULL, rc, info, "cannot read record");
	*key = k.mv_data;
	*keylen = k.mv_size;
	*val = v.mv_data;
	*vallen = v.mv_size;
	walk_note(&cur->walk, k.mv_data, 0);
	walk_note(&cur->walk, v.mv_data, k.mv_size + v.mv_size);
	return ERR_OK;
}

void store_cursor_close(struct store_cursor *cur)
{
	if (!cur)
		return;
	if (cur->cur)
		mdb_cursor_close(cur->cur);
	free(cur);
}

/* Highest generation number in use for dataset, live or orphaned. */
static int highest_gen(struct store *st, MDB_txn *txn, const char *dataset,
		       uint64_t *gen)
{
	MDB_dbi main_db;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	*gen = live_gen(st, txn, dataset);
	rc = mdb_dbi_open(txn, NULL, 0, &main_db);
	if (!rc)
		rc = mdb_cursor_open(txn, main_db, &cur);
	if (rc)
		return rc;
	while (!mdb_cursor_get(cur, &k, &v, op)) {
		char ds[NAME_MAX_LEN];
		uint64_t g;

		op = MDB_NEXT;
		if (!parse_gen_name(k.mv_data, k.mv_size, ds, &g) &&
		    !strcmp(ds, dataset) && g > *gen)
			*gen = g;
	}
	mdb_cursor_close(cur);
	return 0;
}

enum err store_gen_begin(struct store *st, const char *dataset,
			 struct store_gen **out, struct errinfo *info)
{
	struct store_gen *g;
	MDB_txn *txn;
	MDB_dbi dbi;
	int rc;

	*out = NULL;
	if (!(st->flags & STORE_WRITE))
		return err_set(info, ERR_INTERNAL, "store opened read-only");
	if (strlen(dataset) >= NAME_MAX_LEN || strchr(dataset, '#'))
		return err_set(info, ERR_INTERNAL, "bad dataset name '%s'", dataset);
	g = calloc(1, sizeof(*g));
	if (!g)
		return err_set(info, ERR_NOMEM, "out of memory");
	g->st = st;
	strcpy(g->dataset, dataset);
	buf_init(&g->batch, BATCH_BYTES * 4);
	buf_init(&g->files, 0);
	buf_init(&g->cols, 0);
	rc = txn_begin(st, 0, &txn);
	if (rc)
		goto fail;
	rc = highest_gen(st, txn, dataset, &g->gen);
	if (!rc) {
		g->gen++;
		snprintf(g->name, sizeof(g->name), "%s#%" PRIu64, dataset, g->gen);
		rc = mdb_dbi_open(txn, g->name, MDB_CREATE, &dbi);
	}
	if (!rc)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc)
		goto fail;
	/* The new generation is invisible until store_gen_commit, which syncs
	 * before it publishes; intermediate commits need not each be synced. */
	mdb_env_set_flags(st->env, MDB_NOSYNC, 1);
	*out = g;
	return ERR_OK;
fail:
	buf_free(&g->batch);
	buf_free(&g->files);
	buf_free(&g->cols);
	free(g);
	return lmdb_err(st, rc, info, "cannot start a new generation");
}

static enum err grow_map(struct store *st, size_t need, struct errinfo *info)
{
	MDB_envinfo ei;
	MDB_stat sb;
	size_t used, size;
	int rc;

	mdb_env_info(st->env, &ei);
	mdb_env_stat(st->env, &sb);
	used = (ei.me_last_pgno + 1) * (size_t)sb.ms_psize;
	size = ei.me_mapsize;
	if (used + need * 3 + ((size_t)8 << 20) <= size)
		return ERR_OK;
	while (used + need * 3 + ((size_t)8 << 20) > size)
		size *= 2;
	rc = mdb_env_set_mapsize(st->env, size);
	if (rc)
		return lmdb_err(st, rc, info, "cannot grow the map");
	return ERR_OK;
}

static int write_batch(struct store_gen *g)
{
	MDB_txn *txn;
	MDB_dbi dbi;
	const unsigned char *p = (const unsigned char *)g->batch.data;
	const unsigned char *end = p + g->batch.len;
	int rc;

	rc = txn_begin(g->st, 0, &txn);
	if (rc)
		return rc;
	rc = mdb_dbi_open(txn, g->name, 0, &dbi);
	while (!rc && p < end) {
		MDB_val k, v;
		uint32_t kl, vl;

		memcpy(&kl, p, 4);
		k.mv_size = kl;
		k.mv_data = (void *)(p + 4);
		p += 4 + kl;
		memcpy(&vl, p, 4);
		v.mv_size = vl;
		v.mv_data = (void *)(p + 4);
		p += 4 + vl;
		rc = mdb_put(txn, dbi, &k, &v, MDB_APPEND);
	}
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	return mdb_txn_commit(txn);
}

static enum err flush_batch(struct store_gen *g, struct errinfo *info)
{
	enum err e;
	int rc, tries;

	if (!g->batch.len)
		return ERR_OK;
	for (tries = 0; tries < 8; tries++) {
		e = grow_map(g->st, g->batch.len * (size_t)(1 + tries), info);
		if (e)
			return e;
		rc = write_batch(g);
		if (rc != MDB_MAP_FULL)
			break;
	}
	if (rc == MDB_KEYEXIST)
		return err_set(info, ERR_INTERNAL,
			       "store '%s': keys appended out of order", g->st->dir);
	if (rc)
		return lmdb_err(g->st, rc, info, "cannot write");
	buf_reset(&g->batch);
	return ERR_OK;
}

static int key_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = memcmp(a, b, n);

	if (r)
		return r;
	return (alen > blen) - (alen < blen);
}

enum err store_gen_append(struct store_gen *g, const void *key, size_t keylen,
			  const void *val, size_t vallen, struct errinfo *info)
{
	uint32_t kl = (uint32_t)keylen, vl = (uint32_t)vallen;
	enum err e;

	if (!keylen || keylen > sizeof(g->last_key) || vallen > ((size_t)1 << 30))
		return err_set(info, ERR_INTERNAL, "bad record size");
	if (g->has_last && key_cmp(g->last_key, g->last_keylen, key, keylen) >= 0)
		return err_set(info, ERR_INTERNAL, "key '%.*s' appended out of order",
			       (int)keylen, (const char *)key);
	e = buf_add(&g->batch, &kl, 4);
	if (!e)
		e = buf_add(&g->batch, key, keylen);
	if (!e)
		e = buf_add(&g->batch, &vl, 4);
	if (!e)
		e = buf_add(&g->batch, val, vallen);
	if (e)
		return err_set(info, e, "cannot buffer record: %s", err_str(e));
	memcpy(g->last_key, key, keylen);
	g->last_keylen = keylen;
	g->has_last = 1;
	g->count++;
	if (g->batch.len >= BATCH_BYTES)
		return flush_batch(g, info);
	return ERR_OK;
}

enum err store_gen_set_files(struct store_gen *g, const char *const *names,
			     size_t n, struct errinfo *info)
{
	size_t i;
	enum err e = ERR_OK;

	buf_reset(&g->files);
	for (i = 0; i < n && !e; i++)
		e = buf_add(&g->files, names[i], strlen(names[i]) + 1);
	if (e)
		return err_set(info, e, "cannot store the file table");
	g->has_files = 1;
	return ERR_OK;
}

enum err store_gen_set_columns(struct store_gen *g, const char *const *cols, size_t n,
			       struct errinfo *info)
{
	size_t i;
	enum err e = ERR_OK;

	buf_reset(&g->cols);
	for (i = 0; i < n && !e; i++)
		e = buf_add(&g->cols, cols[i] ? cols[i] : "", strlen(cols[i] ? cols[i] : "") + 1);
	if (e)
		return err_set(info, e, "cannot store the column table");
	g->has_cols = 1;
	return ERR_OK;
}

uint64_t store_gen_count(const struct store_gen *g)
{
	return g->count;
}

static void gen_free(struct store_gen *g)
{
	mdb_env_set_flags(g->st->env, MDB_NOSYNC, 0);
	buf_free(&g->batch);
	buf_free(&g->files);
	buf_free(&g->cols);
	free(g);
}

/* Publishes generation g: one synced transaction. */
static int publish(struct store_gen *g)
{
	struct store *st = g->st;
	MDB_txn *txn;
	MDB_dbi old;
	MDB_val k, v;
	char key[NAME_MAX_LEN + 48], oldname[NAME_MAX_LEN + 24];
	unsigned char num[8];
	uint64_t prev;
	int rc;

	rc = txn_begin(st, 0, &txn);
	if (rc)
		return rc;
	prev = live_gen(st, txn, g->dataset);
	store_put_u64(num, g->gen);
	k.mv_size = (size_t)snprintf(key, sizeof(key), "gen:%s", g->dataset);
	k.mv_data = key;
	v.mv_size = 8;
	v.mv_data = num;
	rc = mdb_put(txn, st->meta, &k, &v, 0);
	if (!rc) {
		store_put_u64(num, (uint64_t)time(NULL));
		k.mv_size = (size_t)snprintf(key, sizeof(key), "time:%s", g->dataset);
		k.mv_data = key;
		rc = mdb_put(txn, st->meta, &k, &v, 0);
	}
	if (!rc && g->has_files) {
		k.mv_size = (size_t)snprintf(key, sizeof(key), "files:%s",
					     g->name);
		v.mv_size = g->files.len;
		v.mv_data = g->files.data ? g->files.data : "";
		rc = mdb_put(txn, st->meta, &k, &v, 0);
	}
	if (!rc && g->has_cols) {
		k.mv_size = (size_t)snprintf(key, sizeof(key), "cols:%s", g->name);
		k.mv_data = key;
		v.mv_size = g->cols.len;
		v.mv_data = g->cols.data ? g->cols.data : "";
		rc = mdb_put(txn, st->meta, &k, &v, 0);
	}
	if (!rc && prev) {
		snprintf(oldname, sizeof(oldname), "%s#%" PRIu64, g->dataset, prev);
		k.mv_size = (size_t)snprintf(key, sizeof(key), "files:%s", oldname);
		k.mv_data = key;
		rc = mdb_del(txn, st->meta, &k, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
		k.mv_size = (size_t)snprintf(key, sizeof(key), "cols:%s", oldname);
		if (!rc && (rc = mdb_del(txn, st->meta, &k, NULL)) == MDB_NOTFOUND)
			rc = 0;
		if (!rc)
			rc = mdb_dbi_open(txn, oldname, 0, &old);
		if (!rc)
			rc = mdb_drop(txn, old, 1);
		else if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	return mdb_txn_commit(txn);
}

enum err store_gen_commit(struct store_gen *g, struct errinfo *info)
{
	struct store *st = g->st;
	enum err e;
	int rc, tries;

	e = flush_batch(g, info);
	if (e)
		goto fail;
	rc = mdb_env_sync(st->env, 1);
	if (rc) {
		e = lmdb_err(st, rc, info, "cannot sync");
		goto fail;
	}
	mdb_env_set_flags(st->env, MDB_NOSYNC, 0);
	for (tries = 0; tries < 4; tries++) {
		e = grow_map(st, g->files.len + g->cols.len + ((size_t)1 << 20), info);
		if (e)
			goto fail;
		rc = publish(g);
		if (rc != MDB_MAP_FULL)
			break;
	}
	if (rc) {
		e = lmdb_err(st, rc, info, "cannot publish");
		goto fail;
	}
	gen_free(g);
	return ERR_OK;
fail:
	store_gen_abort(g);
	return e;
}

void store_gen_abort(struct store_gen *g)
{
	MDB_txn *txn;
	MDB_dbi dbi;

	if (!g)
		return;
	/* Best effort: an orphan left here is dropped by the next writer. */
	if (!txn_begin(g->st, 0, &txn)) {
		if (!mdb_dbi_open(txn, g->name, 0, &dbi) && !mdb_drop(txn, dbi, 1))
			mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	gen_free(g);
}

int64_t store_gen_time(struct store_read *rd, const char *dataset)
{
	char key[NAME_MAX_LEN + 8];
	MDB_val k, v;

	if (!rd->st->has_meta || !live_gen(rd->st, rd->txn, dataset))
		return 0;
	k.mv_size = (size_t)snprintf(key, sizeof(key), "time:%s", dataset);
	k.mv_data = key;
	if (mdb_get(rd->txn, rd->st->meta, &k, &v))
		return 0;
	return (int64_t)store_get_u64(v.mv_data, v.mv_size);
}

uint64_t store_gen_id(struct store_read *rd, const char *dataset)
{
	return live_gen(rd->st, rd->txn, dataset);
}

/* ---- tables --------------------------------------------------------------- */

struct store_tx {
	struct store *st;
	MDB_txn *txn;
};

static int table_name_ok(const char *table)
{
	return table[0] && strlen(table) < NAME_MAX_LEN && !strchr(table, '#') &&
	       strcmp(table, "meta");
}

enum err store_tx_begin(struct store *st, struct store_tx **out, struct errinfo *info)
{
	struct store_tx *tx;
	int rc;

	*out = NULL;
	if (!(st->flags & STORE_WRITE))
		return err_set(info, ERR_INTERNAL, "store opened read-only");
	/* best effort: fails only while this process has a read open */
	(void)grow_map(st, (size_t)4 << 20, NULL);
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return err_set(info, ERR_NOMEM, "out of memory");
	tx->st = st;
	rc = txn_begin(st, 0, &tx->txn);
	if (rc) {
		free(tx);
		return lmdb_err(st, rc, info, "cannot begin transaction");
	}
	*out = tx;
	return ERR_OK;
}

static int tx_table(struct store_tx *tx, const char *table, unsigned flags, MDB_dbi *dbi)
{
	if (!table_name_ok(table))
		return EINVAL;
	return mdb_dbi_open(tx->txn, table, flags, dbi);
}

enum err store_tx_put(struct store_tx *tx, const char *table, const void *key,
		      size_t keylen, const void *val, size_t vallen, struct errinfo *info)
{
	MDB_dbi dbi;
	MDB_val k = { keylen, (void *)key }, v = { vallen, (void *)val };
	int rc;

	if (!keylen || keylen > 511)
		return err_set(info, ERR_INTERNAL, "bad key size for table '%s'", table);
	rc = tx_table(tx, table, MDB_CREATE, &dbi);
	if (!rc)
		rc = mdb_put(tx->txn, dbi, &k, &v, 0);
	if (rc)
		return lmdb_err(tx->st, rc, info, "cannot write a record");
	return ERR_OK;
}

enum err store_tx_del(struct store_tx *tx, const char *table, const void *key,
		      size_t keylen, struct errinfo *info)
{
	MDB_dbi dbi;
	MDB_val k = { keylen, (void *)key };
	int rc = tx_table(tx, table, 0, &dbi);

	if (!rc)
		rc = mdb_del(tx->txn, dbi, &k, NULL);
	if (rc == MDB_NOTFOUND)
		return ERR_OK;
	if (rc)
		return lmdb_err(tx->st, rc, info, "cannot delete a record");
	return ERR_OK;
}

enum err store_tx_clear(struct store_tx *tx, const char *table, struct errinfo *info)
{
	MDB_dbi dbi;
	int rc = tx_table(tx, table, 0, &dbi);

	if (!rc)
		rc = mdb_drop(tx->txn, dbi, 0);
	if (rc == MDB_NOTFOUND)
		return ERR_OK;
	if (rc)
		return lmdb_err(tx->st, rc, info, "cannot empty a table");
	return ERR_OK;
}

enum err store_tx_commit(struct store_tx *tx, struct errinfo *info)
{
	struct store *st = tx->st;
	int rc = mdb_txn_commit(tx->txn);

	free(tx);
	if (rc)
		return lmdb_err(st, rc, info, "cannot commit");
	return ERR_OK;
}

void store_tx_abort(struct store_tx *tx)
{
	if (!tx)
		return;
	mdb_txn_abort(tx->txn);
	free(tx);
}

static int open_table(struct store_read *rd, const char *table, MDB_dbi *dbi)
{
	if (!table_name_ok(table))
		return EINVAL;
	return mdb_dbi_open(rd->txn, table, 0, dbi);
}

enum err store_table_get(struct store_read *rd, const char *table, const void *key,
			 size_t keylen, const void **val, size_t *vallen,
			 struct errinfo *info)
{
	MDB_dbi dbi = 0;
	int rc = open_table(rd, table, &dbi);

	return dbi_get(rd, rc, dbi, key, keylen, val, vallen, info);
}

enum err store_table_cursor(struct store_read *rd, const char *table, const void *from,
			    size_t fromlen, struct store_cursor **out, struct errinfo *info)
{
	MDB_dbi dbi = 0;
	int rc = open_table(rd, table, &dbi);

	return cursor_make(rd, rc, dbi, from, fromlen, out, info);
}

enum err store_table_count(struct store_read *rd, const char *table, uint64_t *count,
			   struct errinfo *info)
{
	MDB_dbi dbi = 0;
	int rc = open_table(rd, table, &dbi);

	return dbi_count(rd, rc, dbi, count, info);
}
