/* taglist: a cell of tags split into tags (see taglist.h). */
#include "taglist.h"

#include <string.h>

#include "buf.h"

typedef enum err (*add_fn)(void *ctx, const char *tag, size_t len);

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* The end of [a, b) without its trailing blanks. */
static const char *trim_end(const char *a, const char *b)
{
	while (b > a && is_blank(b[-1]))
		b--;
	return b;
}

/* The next separator at or after p, its length in *seplen (0: none, the
 * end of the cell is returned). */
static const char *next_sep(const char *p, const char *end, size_t *seplen)
{
	for (; p < end; p++) {
		if (*p == ',' || *p == ';') {
			*seplen = 1;
			return p;
		}
		if (*p == ':' && end - p >= 3 && p[1] == ':' && p[2] == ':') {
			*seplen = 3;
			return p;
		}
	}
	*seplen = 0;
	return end;
}

/* The quote closing the name opened at p, "" inside skipped; NULL when the
 * name is not closed (the opening quote is then an ordinary character). */
static const char *closing_quote(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p != '"')
			continue;
		if (p + 1 < end && p[1] == '"') {
			p++;
			continue;
		}
		return p;
	}
	return NULL;
}

/* The name between the quotes at open and close, "" made one quote, and
 * the text after it up to tail_end. */
static enum err add_quoted(const char *open, const char *close, const char *tail_end,
			   add_fn add, void *ctx)
{
	const char *in = open + 1, *tail = close + 1, *p;
	size_t n = (size_t)(close - in);
	struct buf b;
	enum err e = ERR_OK;

	if (!memmem(in, n, "\"\"", 2) && tail == tail_end)
		return n ? add(ctx, in, n) : ERR_OK;	/* the common case: no copy */
	buf_init(&b, 0);
	for (p = in; p < close && !e; p++) {
		e = buf_addc(&b, *p);
		if (*p == '"')
			p++;	/* the second quote of "" */
	}
	if (!e)
		e = buf_add(&b, tail, (size_t)(tail_end - tail));
	if (!e && b.len)
		e = add(ctx, b.data, b.len);
	buf_free(&b);
	return e;
}

/* An unquoted piece [a, b), trimmed, Google's "* " marker dropped. */
static enum err add_plain(const char *a, const char *b, add_fn add, void *ctx)
{
	if (b - a > 2 && a[0] == '*' && a[1] == ' ')
		a = skip_blank(a + 2, b);
	return b > a ? add(ctx, a, (size_t)(b - a)) : ERR_OK;
}

enum err taglist_split(const char *s, size_t len, add_fn add, void *ctx)
{
	const char *p = s, *end = s + len;
	enum err e = ERR_OK;

	while (p < end && !e) {
		const char *a = skip_blank(p, end), *close = NULL, *from, *sep;
		size_t seplen;

		if (a < end && *a == '"')
			close = closing_quote(a, end);
		from = close ? close + 1 : a;
		sep = next_sep(from, end, &seplen);
		if (close)
			e = add_quoted(a, close, trim_end(from, sep), add, ctx);
		else
			e = add_plain(a, trim_end(a, sep), add, ctx);
		p = sep + seplen;
	}
	return e;
}
