/* jsonin: JSON-lines reader with a line cap (see jsonin.h). */
#include "jsonin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "reader.h"

struct jsonin {
	FILE *fp;
	char *name;
	struct buf line;
	unsigned long lineno;
	char *cell;		/* the row handed out: the line */
	size_t celllen;
};

static enum err jsonin_open(struct jsonin **out, const char *path, const char *name,
		     struct errinfo *info)
{
	struct jsonin *r;
	FILE *fp = fopen(path, "rb");

	*out = NULL;
	if (!fp)
		return err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
	r = calloc(1, sizeof(*r));
	if (!r || !(r->name = strdup(name))) {
		free(r);
		fclose(fp);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	r->fp = fp;
	buf_init(&r->line, JSONIN_MAX_LINE);
	*out = r;
	return ERR_OK;
}

/* Reads one physical line into r->line. 0 at end of input. */
static int read_line(struct jsonin *r, enum err *e)
{
	int c, any = 0;

	buf_reset(&r->line);
	*e = ERR_OK;
	while ((c = getc(r->fp)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (buf_addc(&r->line, (char)c)) {
			*e = ERR_LIMIT;
			return 1;
		}
	}
	if (ferror(r->fp))
		*e = ERR_IO;
	if (r->line.len && r->line.data[r->line.len - 1] == '\r')
		r->line.data[--r->line.len] = '\0';
	return any;
}

static int blank(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\t')
			return 0;
	return 1;
}

static enum err jsonin_next(struct jsonin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	memset(row, 0, sizeof(*row));
	do {
		if (!read_line(r, &e))
			return e == ERR_IO ? err_set(info, e, "cannot read '%s': %s",
						     r->name, strerror(errno))
					   : ERR_NOT_FOUND;
		r->lineno++;
		if (e == ERR_LIMIT)
			return err_set(info, e, "'%s' line %lu: longer than %zu bytes",
				       r->name, r->lineno, JSONIN_MAX_LINE);
		if (e)
			return err_set(info, e, "cannot read '%s': %s", r->name,
				       strerror(errno));
	} while (blank(&r->line));
	/* The first line may carry a UTF-8 BOM. */
	if (r->lineno == 1 && r->line.len >= 3 && !memcmp(r->line.data, "\xef\xbb\xbf", 3))
		memmove(r->line.data, r->line.data + 3, (r->line.len -= 3) + 1);
	r->cell = r->line.data;
	r->celllen = r->line.len;
	row->ncells = 1;
	row->cells = &r->cell;
	row->lens = &r->celllen;
	row->rowno = row->line = r->lineno;
	return ERR_OK;
}

static uint64_t jsonin_offset(const struct jsonin *r)
{
	off_t off = ftello(r->fp);

	return off > 0 ? (uint64_t)off : 0;
}

static void jsonin_close(struct jsonin *r)
{
	if (!r)
		return;
	fclose(r->fp);
	buf_free(&r->line);
	free(r->name);
	free(r);
}

/* ---- the reader family (reader.h) ------------------------------------ */

static int json_name(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && (!strcmp(dot, ".json") || !strcmp(dot, ".jsonl") ||
		       !strcmp(dot, ".ndjson"));
}

/* Not a container, and named so, or an object first (after a BOM and
 * blanks). */
static int jsonl_probe(const struct reader_probe *p, struct errinfo *info)
{
	size_t i = 0;

	(void)info;
	if (p->zip || p->ole)
		return 0;
	if (p->n >= 3 && !memcmp(p->head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < p->n && (p->head[i] == ' ' || p->head[i] == '\t' || p->head[i] == '\r' ||
			    p->head[i] == '\n'))
		i++;
	return json_name(p->path) || (i < p->n && p->head[i] == '{');
}

static enum err jsonl_open(void **priv, const char *path, const char *name,
			   const struct reader_opts *o, struct errinfo *info)
{
	struct jsonin *r;
	enum err e = jsonin_open(&r, path, name, info);

	(void)o;
	*priv = r;
	return e;
}

static enum err jsonl_next(void *priv, struct row *row, struct errinfo *info)
{
	return jsonin_next(priv, row, info);
}

static uint64_t jsonl_offset(void *priv)
{
	return jsonin_offset(priv);
}

static void jsonl_close(void *priv)
{
	jsonin_close(priv);
}

const struct reader reader_jsonl = {
	.name = "JSON lines",
	.records = 1,
	.probe = jsonl_probe,
	.open = jsonl_open,
	.next = jsonl_next,
	.offset = jsonl_offset,
	.close = jsonl_close,
};
