/*
 * store: the emulator's contacts, in memory.
 *
 * Invariants: every live contact is in both hash maps and both vectors; a
 * deleted contact is marked dead, leaves the maps at once and the vectors at
 * the next mstore_tidy, which frees it. The maps use open addressing with
 * linear probing and backward-shift deletion (no tombstones, so a sync that
 * deletes and re-creates millions of numbers does not degrade them).
 * The vectors are kept sorted on append when ids and times grow, which is
 * the case for API creates; admin loads may break the order and mark the
 * vector unsorted, and the next listing sorts it once.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return emu_mix64(h);
}

static uint64_t hkey(const struct hmap *m, const struct contact *c)
{
	return m->by_id ? emu_mix64(c->id) : hash_str(c->phone);
}

static bool hmap_grow(struct hmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024, i;
	struct contact **ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return false;
	for (i = 0; i < m->cap; i++) {
		struct contact *c = m->slot[i];
		size_t j;

		if (!c)
			continue;
		for (j = hkey(m, c) & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = c;
	}
	free(m->slot);
	m->slot = ns;
	m->cap = ncap;
	return true;
}

static bool hmap_put(struct hmap *m, struct contact *c)
{
	size_t j;

	if ((m->n + 1) * 4 > m->cap * 3 && !hmap_grow(m))
		return false;
	for (j = hkey(m, c) & (m->cap - 1); m->slot[j]; j = (j + 1) & (m->cap - 1))
		;
	m->slot[j] = c;
	m->n++;
	return true;
}

static size_t hmap_index(const struct hmap *m, const struct contact *c)
{
	size_t j;

	for (j = hkey(m, c) & (m->cap - 1); m->slot[j] != c; j = (j + 1) & (m->cap - 1))
		;
	return j;
}

static void hmap_del(struct hmap *m, struct contact *c)
{
	size_t mask = m->cap - 1, i = hmap_index(m, c), j = i;

	/* Backward shift: pull up every later entry of the run whose home
	 * slot is not cyclically within (i, j]. */
	for (;;) {
		size_t k;

		j = (j + 1) & mask;
		if (!m->slot[j])
			break;
		k = hkey(m, m->slot[j]) & mask;
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i] = NULL;
	m->n--;
}

static int cmp_id(const void *a, const void *b)
{
	const struct contact *x = *(struct contact *const *)a;
	const struct contact *y = *(struct contact *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_created(const void *a, const void *b)
{
	const struct contact *x = *(struct contact *const *)a;
	const struct contact *y = *(struct contact *const *)b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return cmp_id(a, b);
}

static bool ovec_push(struct ovec *v, struct contact *c)
{
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 1024;
		struct contact **nv = realloc(v->v, ncap * sizeof(*nv));

		if (!nv)
			return false;
		v->v = nv;
		v->cap = ncap;
	}
	if (v->n && v->cmp(&v->v[v->n - 1], &c) > 0)
		v->sorted = false;
	v->v[v->n++] = c;
	return true;
}

static void contact_free(struct contact *c)
{
	size_t i;

	free(c->phone);
	for (i = 0; i < F__COUNT; i++)
		free(c->f[i]);
	mstore_clearvars(c);
	for (i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	free(c->tags);
	free(c);
}

void mstore_init(struct store *s)
{
	memset(s, 0, sizeof(*s));
	s->by_idmap.by_id = true;
	s->by_id.cmp = cmp_id;
	s->by_id.sorted = true;
	s->by_created.cmp = cmp_created;
	s->by_created.sorted = true;
	s->next_id = 1;
	s->next_book = 1;
}

void mstore_clear(struct store *s)
{
	size_t i;

	/* by_id holds every contact, dead or alive, exactly once. */
	for (i = 0; i < s->by_id.n; i++)
		contact_free(s->by_id.v[i]);
	free(s->by_id.v);
	free(s->by_created.v);
	free(s->by_phone.slot);
	free(s->by_idmap.slot);
	for (i = 0; i < s->nbooks; i++)
		free(s->books[i].name);
	free(s->books);
	mstore_init(s);
}

struct contact *mstore_by_phone(struct store *s, const char *phone)
{
	struct hmap *m = &s->by_phone;
	size_t j;

	if (!m->cap)
		return NULL;
	for (j = hash_str(phone) & (m->cap - 1); m->slot[j]; j = (j + 1) & (m->cap - 1))
		if (strcmp(m->slot[j]->phone, phone) == 0)
			return m->slot[j];
	return NULL;
}

struct contact *mstore_by_id(struct store *s, uint64_t id)
{
	struct hmap *m = &s->by_idmap;
	size_t j;

	if (!m->cap)
		return NULL;
	for (j = emu_mix64(id) & (m->cap - 1); m->slot[j]; j = (j + 1) & (m->cap - 1))
		if (m->slot[j]->id == id)
			return m->slot[j];
	return NULL;
}

struct contact *mstore_add(struct store *s, const char *phone, uint64_t id,
			  int64_t created)
{
	struct contact *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->phone = strdup(phone);
	if (!c->phone)
		goto fail;
	c->id = id ? id : s->next_id;
	c->created = created ? created : (int64_t)time(NULL);
	/* Reserve every vector slot before touching the maps, so a failure
	 * leaves the store as it was. */
	if (!ovec_push(&s->by_id, c))
		goto fail;
	if (!ovec_push(&s->by_created, c)) {
		s->by_id.n--;
		goto fail;
	}
	if (!hmap_put(&s->by_phone, c) || !hmap_put(&s->by_idmap, c)) {
		/* Growth failed; mark it dead so tidy drops it. */
		if (mstore_by_phone(s, phone) == c)
			hmap_del(&s->by_phone, c);
		c->dead = true;
		s->ndead++;
		return NULL;
	}
	if (c->id >= s->next_id)
		s->next_id = c->id + 1;
	return c;
fail:
	free(c->phone);
	free(c);
	return NULL;
}

void mstore_del(struct store *s, struct contact *c)
{
	hmap_del(&s->by_phone, c);
	hmap_del(&s->by_idmap, c);
	c->dead = true;
	s->ndead++;
}

bool mstore_rephone(struct store *s, struct contact *c, const char *phone)
{
	char *p = strdup(phone);

	if (!p)
		return false;
	hmap_del(&s->by_phone, c);
	free(c->phone);
	c->phone = p;
	/* The map had room for it a moment ago: cannot fail to grow. */
	hmap_put(&s->by_phone, c);
	return true;
}

static void ovec_compact(struct ovec *v)
{
	size_t i, j = 0;

	for (i = 0; i < v->n; i++)
		if (!v->v[i]->dead)
			v->v[j++] = v->v[i];
	v->n = j;
}

void mstore_tidy(struct store *s)
{
	size_t i;

	if (s->ndead) {
		ovec_compact(&s->by_created);
		/* by_id is the owner: free while compacting it. */
		for (i = 0; i < s->by_id.n; i++)
			if (s->by_id.v[i]->dead)
				contact_free(s->by_id.v[i]), s->by_id.v[i] = NULL;
		{
			size_t j = 0;

			for (i = 0; i < s->by_id.n; i++)
				if (s->by_id.v[i])
					s->by_id.v[j++] = s->by_id.v[i];
			s->by_id.n = j;
		}
		s->ndead = 0;
	}
	if (!s->by_id.sorted) {
		qsort(s->by_id.v, s->by_id.n, sizeof(*s->by_id.v), cmp_id);
		s->by_id.sorted = true;
	}
	if (!s->by_created.sorted) {
		qsort(s->by_created.v, s->by_created.n, sizeof(*s->by_created.v),
		      cmp_created);
		s->by_created.sorted = true;
	}
}

size_t mstore_count(const struct store *s)
{
	return s->by_phone.n;
}

bool mstore_set(char **slot, const char *val)
{
	char *p = NULL;

	if (val && !(p = strdup(val)))
		return false;
	free(*slot);
	*slot = p;
	return true;
}

bool mstore_setvar(struct contact *c, const char *key, const char *val)
{
	struct kv *nv;
	size_t i;

	for (i = 0; i < c->nvars; i++)
		if (strcmp(c->vars[i].key, key) == 0)
			return mstore_set(&c->vars[i].val, val);
	nv = realloc(c->vars, (c->nvars + 1) * sizeof(*nv));
	if (!nv)
		return false;
	c->vars = nv;
	nv[c->nvars].key = strdup(key);
	nv[c->nvars].val = strdup(val);
	if (!nv[c->nvars].key || !nv[c->nvars].val) {
		free(nv[c->nvars].key);
		free(nv[c->nvars].val);
		return false;
	}
	c->nvars++;
	return true;
}

void mstore_clearvars(struct contact *c)
{
	size_t i;

	for (i = 0; i < c->nvars; i++) {
		free(c->vars[i].key);
		free(c->vars[i].val);
	}
	free(c->vars);
	c->vars = NULL;
	c->nvars = 0;
}

bool mstore_settags(struct contact *c, char **tags, size_t n)
{
	char **nt = n ? calloc(n, sizeof(*nt)) : NULL;
	size_t i;

	if (n && !nt)
		return false;
	for (i = 0; i < n; i++) {
		nt[i] = strdup(tags[i]);
		if (!nt[i])
			goto fail;
	}
	for (i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	free(c->tags);
	c->tags = nt;
	c->ntags = n;
	return true;
fail:
	while (i--)
		free(nt[i]);
	free(nt);
	return false;
}

struct book *mstore_book(struct store *s, uint64_t id)
{
	size_t i;

	for (i = 0; i < s->nbooks; i++)
		if (s->books[i].id == id)
			return &s->books[i];
	return NULL;
}

struct book *mstore_book_add(struct store *s, uint64_t id, const char *name)
{
	struct book *b;

	if (s->nbooks == s->capbooks) {
		size_t ncap = s->capbooks ? s->capbooks * 2 : 16;
		struct book *nb = realloc(s->books, ncap * sizeof(*nb));

		if (!nb)
			return NULL;
		s->books = nb;
		s->capbooks = ncap;
	}
	b = &s->books[s->nbooks];
	b->id = id ? id : s->next_book;
	b->name = strdup(name);
	if (!b->name)
		return NULL;
	s->nbooks++;
	if (b->id >= s->next_book)
		s->next_book = b->id + 1;
	return b;
}

void mstore_book_del(struct store *s, uint64_t id)
{
	size_t i;

	for (i = 0; i < s->nbooks; i++) {
		if (s->books[i].id != id)
			continue;
		free(s->books[i].name);
		memmove(&s->books[i], &s->books[i + 1],
			(s->nbooks - i - 1) * sizeof(*s->books));
		s->nbooks--;
		return;
	}
}
