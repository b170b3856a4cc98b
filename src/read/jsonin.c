/* jsonin: JSON-lines reader with a line cap (see jsonin.h). */
#include "jsonin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct jsonin {
	FILE *fp;
	char *name;
	struct buf line;
	unsigned long lineno;
};

enum err jsonin_open(struct jsonin **out, FILE *fp, const char *name,
		     struct errinfo *info)
{
	struct jsonin *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->name = strdup(name))) {
		free(r);
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

enum err jsonin_next(struct jsonin *r, struct jsonin_line *line,
		     struct errinfo *info)
{
	json_error_t jerr;
	enum err e;

	memset(line, 0, sizeof(*line));
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
	line->raw = r->line.data;
	line->rawlen = r->line.len;
	line->lineno = r->lineno;
	line->obj = json_loadb(r->line.data, r->line.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!line->obj) {
		snprintf(line->why, sizeof(line->why), "%s", jerr.text);
	} else if (!json_is_object(line->obj)) {
		json_decref(line->obj);
		line->obj = NULL;
		snprintf(line->why, sizeof(line->why), "not a JSON object");
	}
	return ERR_OK;
}

void jsonin_close(struct jsonin *r)
{
	if (!r)
		return;
	buf_free(&r->line);
	free(r->name);
	free(r);
}
