/*
 * gensnapshot: writes a profile's remote snapshot (dataset
 * "remote:<profile>") that differs from the store's desired set by a known
 * amount, for scripts/bench-diff.sh. It goes through the project's own
 * APIs, as a pull would: each desired contact is projected through the
 * provider's driver (what the account would hold after a perfect push),
 * encoded with snapshot_encode and appended with store_gen_append, so the
 * diff reads exactly what a real pull leaves.
 *
 * Desired contact number i (in key order) becomes:
 *   i % 100 == 1    not remote: the diff plans a create
 *   i % 10 == 0     remote with another first name (another name for altum):
 *                   an update
 *   otherwise       remote as projected: unchanged
 * and after each desired contact with i % 100 == 50 a remote-only contact
 * whose number is the desired one's plus one (its last digit must be even
 * so the new key sorts right after it): a delete in mirror mode.
 *
 * The records are spooled to a temporary file while the desired set is
 * read and appended afterwards: the store's map may grow while a
 * generation is written, which LMDB allows only with no read open.
 *
 * Prints "planted creates=C updates=U deletes=D remote=R".
 *   gensnapshot STORE PROFILE PROVIDER
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "contact.h"
#include "provider.h"
#include "snapshot.h"
#include "store.h"

struct gen {
	struct store *st;
	const struct provider *drv;
	struct profile prof;
	FILE *spool;
	struct remote_contact rc;
	struct contact raw;
	struct buf scratch, rec;
	char changed[300];
	unsigned long long creates, updates, deletes, remote;
};

static enum err put(struct gen *g, const char *key, size_t keylen, struct errinfo *info)
{
	size_t len[2] = { keylen, 0 };
	enum err e;

	buf_reset(&g->rec);
	e = snapshot_encode(&g->rc, &g->rec);
	if (e)
		return err_set(info, e, "cannot encode '%.*s'", (int)keylen, key);
	len[1] = g->rec.len;
	if (fwrite(len, sizeof(len), 1, g->spool) != 1 || fwrite(key, keylen, 1, g->spool) != 1 ||
	    fwrite(g->rec.data, g->rec.len, 1, g->spool) != 1)
		return err_set(info, ERR_IO, "cannot write the spool file");
	g->remote++;
	return ERR_OK;
}

/* The remote twin of desired contact number i. */
static enum err one(struct gen *g, unsigned long long i, const void *k, size_t kl,
		    const void *v, size_t vl, struct errinfo *info)
{
	char key[PHONE_E164_MAX + 2];
	enum err e;

	if (i % 100 == 1) {
		g->creates++;
		return ERR_OK;
	}
	e = contact_decode(&g->raw, v, vl, k, kl, info);
	if (e)
		return e;
	buf_reset(&g->scratch);
	e = g->drv->project(&g->prof, &g->raw, &g->rc.c, &g->scratch);
	if (e)
		return err_set(info, e, "cannot project '%.*s'", (int)kl, (const char *)k);
	g->rc.c.source_file = 0;
	g->rc.c.source_row = 0;
	g->rc.c.raw_phone = (struct str){ k, kl };
	snprintf(g->rc.id, sizeof(g->rc.id), "%llu", i + 1);
	if (i % 10 == 0) {
		struct str *f = g->rc.c.first_name.len ? &g->rc.c.first_name : &g->rc.c.name;

		snprintf(g->changed, sizeof(g->changed), "Old%.*s", (int)f->len, f->ptr);
		*f = (struct str){ g->changed, strlen(g->changed) };
		g->updates++;
	}
	e = put(g, k, kl, info);
	if (e || i % 100 != 50)
		return e;
	if (kl >= sizeof(key) - 1 || ((const char *)k)[kl - 1] % 2)
		return err_set(info, ERR_USAGE, "'%.*s' does not end in an even digit", (int)kl,
			       (const char *)k);
	memcpy(key, k, kl);
	key[kl - 1]++;
	key[kl] = '\0';
	memcpy(g->rc.c.phone, key, kl + 1);
	g->rc.c.raw_phone = (struct str){ key, kl };
	snprintf(g->rc.id, sizeof(g->rc.id), "x%llu", i + 1);
	g->deletes++;
	return put(g, key, kl, info);
}

/* The spooled records → the new snapshot. */
static enum err write_spool(struct gen *g, const char *profile, struct errinfo *info)
{
	char dataset[256], key[256];
	struct store_gen *gen = NULL;
	size_t len[2];
	enum err e;

	snapshot_dataset(profile, dataset, sizeof(dataset));
	rewind(g->spool);
	e = store_gen_begin(g->st, dataset, &gen, info);
	while (!e && fread(len, sizeof(len), 1, g->spool) == 1) {
		buf_reset(&g->rec);
		if (len[0] >= sizeof(key) || fread(key, len[0], 1, g->spool) != 1 ||
		    buf_reserve(&g->rec, len[1] + 1) ||
		    fread(g->rec.data, len[1], 1, g->spool) != 1)
			e = err_set(info, ERR_IO, "cannot read the spool file");
		if (!e)
			e = store_gen_append(gen, key, len[0], g->rec.data, len[1], info);
	}
	if (e) {
		if (gen)
			store_gen_abort(gen);
		return e;
	}
	return store_gen_commit(gen, info);
}

static enum err run(struct gen *g, const char *profile, struct errinfo *info)
{
	struct store_read *rd = NULL;
	struct store_cursor *cur = NULL;
	const void *k, *v;
	size_t kl, vl;
	unsigned long long i = 0;
	enum err e;

	g->spool = tmpfile();
	if (!g->spool)
		return err_set(info, ERR_IO, "cannot create a temporary file");
	e = store_read_begin(g->st, &rd, info);
	if (!e)
		e = store_cursor_open(rd, "desired", &cur, info);
	while (!e && !(e = store_cursor_next(cur, &k, &kl, &v, &vl, info)))
		e = one(g, i++, k, kl, v, vl, info);
	store_cursor_close(cur);
	if (rd)
		store_read_end(rd);
	if (e == ERR_NOT_FOUND)
		e = write_spool(g, profile, info);
	fclose(g->spool);
	return e;
}

int main(int argc, char **argv)
{
	struct errinfo info = { ERR_OK, "" };
	struct gen g;
	enum err e;

	if (argc != 4) {
		fprintf(stderr, "usage: gensnapshot STORE PROFILE PROVIDER\n");
		return 2;
	}
	memset(&g, 0, sizeof(g));
	g.prof.name = argv[2];
	g.prof.provider = argv[3];
	g.drv = provider_find(argv[3]);
	if (!g.drv) {
		fprintf(stderr, "gensnapshot: unknown provider '%s'\n", argv[3]);
		return 2;
	}
	contact_init(&g.raw);
	contact_init(&g.rc.c);
	buf_init(&g.scratch, 0);
	buf_init(&g.rec, 0);
	e = store_open(&g.st, argv[1], STORE_WRITE, &info);
	if (!e)
		e = run(&g, argv[2], &info);
	store_close(g.st);
	contact_free(&g.raw);
	contact_free(&g.rc.c);
	buf_free(&g.scratch);
	buf_free(&g.rec);
	if (e) {
		fprintf(stderr, "gensnapshot: %s\n", info.msg);
		return 1;
	}
	printf("planted creates=%llu updates=%llu deletes=%llu remote=%llu\n", g.creates,
	       g.updates, g.deletes, g.remote);
	return 0;
}
