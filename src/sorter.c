/* sorter: bounded-memory external sort (see sorter.h). */
#include "sorter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/* Entry layout, in the arena and in run files:
 *   u8 keylen, key, u64 seq (native), u32 vallen (native), value */
#define ENTRY_HDR (1 + 8 + 4)
#define RUN_BUF ((size_t)256 << 10)

struct run {
	FILE *fp;
	struct buf cur;		/* current entry, as laid out above */
	int live;		/* cur holds an entry */
};

/*
 * An entry of the arena for sorting: its offset, and the first 16 bytes
 * of its key, zero-padded, as two big-endian integers. Comparing those
 * orders two keys as entry_cmp does unless they tie (one key is a prefix
 * of the other padded with NULs, or they share 16 bytes); only ties read
 * the arena. E.164 keys fit: sorting a run rarely leaves the slots.
 */
struct slot {
	uint64_t k0, k1;
	size_t off;
};

struct sorter {
	char *arena;
	size_t arena_len, arena_cap;
	struct slot *offs;	/* the arena's entries, sorted before a spill */
	size_t noffs, offs_cap;
	char *tmpdir;
	struct run *runs;
	size_t nruns;
	size_t mem_pos;		/* next in-memory entry during the merge */
	uint64_t spilled;	/* bytes written to runs */
	int finished;
};

static int entry_cmp(const char *a, const char *b)
{
	size_t al = (unsigned char)a[0], bl = (unsigned char)b[0];
	size_t n = al < bl ? al : bl;
	int r = memcmp(a + 1, b + 1, n);
	uint64_t as, bs;

	if (r)
		return r;
	if (al != bl)
		return al < bl ? -1 : 1;
	memcpy(&as, a + 1 + al, 8);
	memcpy(&bs, b + 1 + bl, 8);
	return (as > bs) - (as < bs);
}

static size_t entry_size(const char *p)
{
	size_t kl = (unsigned char)p[0];
	uint32_t vl;

	memcpy(&vl, p + 1 + kl + 8, 4);
	return ENTRY_HDR + kl + vl;
}

static uint64_t be64(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v = v << 8 | (i < n ? p[i] : 0);
	return v;
}

static void slot_set(struct slot *sl, const char *key, size_t keylen, size_t off)
{
	const unsigned char *k = (const unsigned char *)key;

	sl->k0 = be64(k, keylen);
	sl->k1 = keylen > 8 ? be64(k + 8, keylen - 8) : 0;
	sl->off = off;
}

static inline int slot_less(const struct slot *a, const struct slot *b, const char *arena)
{
	int r;

	if (a->k0 != b->k0)
		return a->k0 < b->k0;
	if (a->k1 != b->k1)
		return a->k1 < b->k1;
	r = entry_cmp(arena + a->off, arena + b->off);
	return r ? r < 0 : a->off < b->off;	/* as a stable sort would */
}

static void slot_swap(struct slot *a, struct slot *b)
{
	struct slot t = *a;

	*a = *b;
	*b = t;
}

static void insertion_sort(struct slot *a, size_t n, const char *arena)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct slot t = a[i];

		for (j = i; j > 0 && slot_less(&t, &a[j - 1], arena); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

static void sift_down(struct slot *a, size_t root, size_t n, const char *arena)
{
	for (;;) {
		size_t c = 2 * root + 1;

		if (c >= n)
			return;
		if (c + 1 < n && slot_less(&a[c], &a[c + 1], arena))
			c++;
		if (!slot_less(&a[root], &a[c], arena))
			return;
		slot_swap(&a[root], &a[c]);
		root = c;
	}
}

static void heap_sort(struct slot *a, size_t n, const char *arena)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(a, i, n, arena);
	for (i = n; i-- > 1;) {
		slot_swap(&a[0], &a[i]);
		sift_down(a, 0, i, arena);
	}
}

/* Introsort: quicksort with the median of three, insertion sort for short
 * ranges, heapsort when the recursion goes too deep (no quadratic case).
 * The comparison is inlined, which qsort's callback cannot be. */
static void intro_sort(struct slot *a, size_t n, const char *arena, unsigned depth)
{
	while (n > 16) {
		size_t i, j, mid = n / 2;

		if (!depth--) {
			heap_sort(a, n, arena);
			return;
		}
		if (slot_less(&a[mid], &a[0], arena))
			slot_swap(&a[mid], &a[0]);
		if (slot_less(&a[n - 1], &a[0], arena))
			slot_swap(&a[n - 1], &a[0]);
		if (slot_less(&a[n - 1], &a[mid], arena))
			slot_swap(&a[n - 1], &a[mid]);
		slot_swap(&a[mid], &a[n - 2]);	/* the pivot, out of the way */
		i = 0;
		j = n - 2;
		for (;;) {
			while (slot_less(&a[++i], &a[n - 2], arena))
				;
			while (slot_less(&a[n - 2], &a[--j], arena))
				;
			if (i >= j)
				break;
			slot_swap(&a[i], &a[j]);
		}
		slot_swap(&a[i], &a[n - 2]);
		/* recurse into the smaller side, loop on the larger */
		if (i < n - 1 - i) {
			intro_sort(a, i, arena, depth);
			a += i + 1;
			n -= i + 1;
		} else {
			intro_sort(a + i + 1, n - i - 1, arena, depth);
			n = i;
		}
	}
	insertion_sort(a, n, arena);
}

static void sort_arena(struct sorter *s)
{
	unsigned depth = 0;
	size_t n;

	for (n = s->noffs; n; n >>= 1)
		depth += 2;
	intro_sort(s->offs, s->noffs, s->arena, depth);
}

enum err sorter_new(struct sorter **out, size_t mem_bytes, const char *tmpdir,
		    struct errinfo *info)
{
	struct sorter *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return err_set(info, ERR_NOMEM, "out of memory");
	if (mem_bytes < ((size_t)1 << 16))
		mem_bytes = (size_t)1 << 16;
	s->arena_cap = mem_bytes;
	s->arena = malloc(mem_bytes);
	s->tmpdir = strdup(tmpdir ? tmpdir : "/tmp");
	if (!s->arena || !s->tmpdir) {
		sorter_free(s);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	*out = s;
	return ERR_OK;
}

/*
 * The arena's entries in sorted order to fp, gathered in a stage buffer
 * first: one fwrite per RUN_BUF bytes rather than one per entry (stdio's
 * per-call cost was most of a spill). Errors show in ferror(fp).
 */
static void write_run(const struct sorter *s, FILE *fp)
{
	char *stage = malloc(RUN_BUF);
	size_t i, used = 0;

	for (i = 0; i < s->noffs; i++) {
		const char *p = s->arena + s->offs[i].off;
		size_t len = entry_size(p);

		if (!stage) {
			fwrite_unlocked(p, 1, len, fp);
			continue;
		}
		if (used + len > RUN_BUF) {
			fwrite_unlocked(stage, 1, used, fp);
			used = 0;
		}
		if (len > RUN_BUF) {
			fwrite_unlocked(p, 1, len, fp);
			continue;
		}
		memcpy(stage + used, p, len);
		used += len;
	}
	if (used)
		fwrite_unlocked(stage, 1, used, fp);
	free(stage);
}

static enum err spill(struct sorter *s, struct errinfo *info)
{
	char path[4096];
	struct run *r;
	FILE *fp;
	int fd;

	sort_arena(s);
	snprintf(path, sizeof(path), "%s/.sort-XXXXXX", s->tmpdir);
	fd = mkstemp(path);
	if (fd < 0)
		return err_set(info, ERR_IO, "cannot create a temporary file in '%s': %s",
			       s->tmpdir, strerror(errno));
	unlink(path);
	fp = fdopen(fd, "w+");
	if (!fp) {
		close(fd);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	setvbuf(fp, NULL, _IOFBF, RUN_BUF);
	write_run(s, fp);
	if (fflush(fp) || ferror(fp)) {
		int err = errno;

		fclose(fp);
		return err_set(info, err == ENOSPC ? ERR_STORE_FULL : ERR_IO,
			       "cannot write a temporary file in '%s': %s",
			       s->tmpdir, strerror(err));
	}
	s->spilled += s->arena_len;
	r = realloc(s->runs, (s->nruns + 1) * sizeof(*r));
	if (!r) {
		fclose(fp);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	s->runs = r;
	r = &s->runs[s->nruns++];
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	buf_init(&r->cur, 0);
	s->arena_len = 0;
	s->noffs = 0;
	return ERR_OK;
}

enum err sorter_add(struct sorter *s, const char *key, size_t keylen,
		    uint64_t seq, const void *val, size_t vallen,
		    struct errinfo *info)
{
	size_t need = ENTRY_HDR + keylen + vallen;
	uint32_t vl = (uint32_t)vallen;
	char *p;
	enum err e;

	if (s->finished || keylen > SORTER_KEY_MAX || vallen > UINT32_MAX)
		return err_set(info, ERR_INTERNAL, "bad sorter record");
	if (need > s->arena_cap)
		return err_set(info, ERR_LIMIT, "record of %zu bytes exceeds the sort memory", need);
	if (s->arena_len + need > s->arena_cap && (e = spill(s, info)))
		return e;
	if (s->noffs == s->offs_cap) {
		size_t ncap = s->offs_cap ? s->offs_cap * 2 : 4096;
		struct slot *n = realloc(s->offs, ncap * sizeof(*n));

		if (!n)
			return err_set(info, ERR_NOMEM, "out of memory");
		s->offs = n;
		s->offs_cap = ncap;
	}
	p = s->arena + s->arena_len;
	p[0] = (char)keylen;
	memcpy(p + 1, key, keylen);
	memcpy(p + 1 + keylen, &seq, 8);
	memcpy(p + 1 + keylen + 8, &vl, 4);
	memcpy(p + ENTRY_HDR + keylen, val, vallen);
	slot_set(&s->offs[s->noffs++], key, keylen, s->arena_len);
	s->arena_len += need;
	return ERR_OK;
}

/* Loads the next entry of a run into r->cur. */
static enum err run_advance(struct sorter *s, struct run *r, struct errinfo *info)
{
	unsigned char kl;
	uint32_t vl;
	enum err e;

	buf_reset(&r->cur);
	r->live = 0;
	if (fread_unlocked(&kl, 1, 1, r->fp) != 1) {
		if (ferror(r->fp))
			return err_set(info, ERR_IO, "cannot read a temporary file in '%s'", s->tmpdir);
		return ERR_OK;
	}
	e = buf_reserve(&r->cur, (size_t)kl + 1 + 12);
	if (e)
		return err_set(info, e, "out of memory");
	r->cur.data[0] = (char)kl;
	if (fread_unlocked(r->cur.data + 1, 1, (size_t)kl + 12, r->fp) != (size_t)kl + 12)
		return err_set(info, ERR_IO, "temporary file in '%s' is truncated", s->tmpdir);
	r->cur.len = 1 + (size_t)kl + 12;
	memcpy(&vl, r->cur.data + 1 + kl + 8, 4);
	e = buf_reserve(&r->cur, vl);
	if (e)
		return err_set(info, e, "out of memory");
	if (fread_unlocked(r->cur.data + r->cur.len, 1, vl, r->fp) != vl)
		return err_set(info, ERR_IO, "temporary file in '%s' is truncated", s->tmpdir);
	r->cur.len += vl;
	r->live = 1;
	return ERR_OK;
}

enum err sorter_finish(struct sorter *s, struct errinfo *info)
{
	size_t i;
	enum err e;

	if (s->finished)
		return ERR_OK;
	s->finished = 1;
	sort_arena(s);
	for (i = 0; i < s->nruns; i++) {
		rewind(s->runs[i].fp);
		e = run_advance(s, &s->runs[i], info);
		if (e)
			return e;
	}
	return ERR_OK;
}

static void fill(struct sorter_entry *e, const char *p)
{
	size_t kl = (unsigned char)p[0];
	uint32_t vl;

	e->key = p + 1;
	e->keylen = kl;
	memcpy(&e->seq, p + 1 + kl, 8);
	memcpy(&vl, p + 1 + kl + 8, 4);
	e->vallen = vl;
	e->val = p + ENTRY_HDR + kl;
}

enum err sorter_next(struct sorter *s, struct sorter_entry *e,
		     struct errinfo *info)
{
	const char *best = NULL;
	long best_run = -1;	/* -1: the in-memory run */
	size_t i;

	if (!s->finished)
		return err_set(info, ERR_INTERNAL, "sorter_next before sorter_finish");
	/* The previous entry of a run was handed out; move past it now. */
	for (i = 0; i < s->nruns; i++) {
		struct run *r = &s->runs[i];

		if (r->live == 2) {
			enum err err = run_advance(s, r, info);

			if (err)
				return err;
		}
	}
	if (s->mem_pos < s->noffs)
		best = s->arena + s->offs[s->mem_pos].off;
	for (i = 0; i < s->nruns; i++) {
		const char *p = s->runs[i].cur.data;

		if (s->runs[i].live && (!best || entry_cmp(p, best) < 0)) {
			best = p;
			best_run = (long)i;
		}
	}
	if (!best)
		return ERR_NOT_FOUND;
	if (best_run < 0)
		s->mem_pos++;
	else
		s->runs[best_run].live = 2;	/* advanced on the next call */
	fill(e, best);
	return ERR_OK;
}

uint64_t sorter_spilled(const struct sorter *s)
{
	return s->spilled;
}

size_t sorter_runs(const struct sorter *s)
{
	return s->nruns;
}

void sorter_free(struct sorter *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nruns; i++) {
		fclose(s->runs[i].fp);
		buf_free(&s->runs[i].cur);
	}
	free(s->runs);
	free(s->arena);
	free(s->offs);
	free(s->tmpdir);
	free(s);
}
