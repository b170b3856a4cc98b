/*
 * quote: text from a file shown in a message, bounded so that the message
 * stays whole (see quote.h).
 */
#include "quote.h"

#include <stdio.h>
#include <string.h>

/* How many of len bytes to show, at most max: not inside a UTF-8
 * sequence, nor inside a word when a space in the second half ends one. */
static size_t shown_len(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max, at;

	if (n == len)
		return n;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	for (at = n; at > max / 2 && s[at] != ' '; at--)
		;
	return s[at] == ' ' && at > max / 2 ? at : n;
}

enum err quote_value(struct buf *out, const char *s, size_t len, size_t max)
{
	size_t i, n = shown_len(s, len, max);
	enum err e = buf_addc(out, '\'');

	for (i = 0; i < n && !e; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			e = buf_printf(out, "\\x%02x", c);
		else
			e = buf_addc(out, (char)c);
	}
	return e ? e : buf_adds(out, n < len ? "...'" : "'");
}

enum err quote_str(struct buf *out, const char *s)
{
	return quote_value(out, s, strlen(s), QUOTE_VALUE_MAX);
}

const char *quote_to(char out[QUOTE_CAP], const char *s, size_t len)
{
	struct buf b;

	buf_init(&b, 0);
	if (quote_value(&b, s, len, QUOTE_VALUE_MAX) || b.len >= QUOTE_CAP)
		snprintf(out, QUOTE_CAP, "'?'");
	else
		memcpy(out, b.data, b.len + 1);
	buf_free(&b);
	return out;
}

void quote_list_init(struct quote_list *l, struct buf *out)
{
	l->out = out;
	l->start = out->len;
	l->shown = l->total = 0;
	l->max_items = QUOTE_LIST_ITEMS;
	l->max_bytes = QUOTE_LIST_BYTES;
	l->err = ERR_OK;
}

/* An item is shown while every item before it was and it fits; the list
 * never skips one to show a shorter one after it. */
void quote_list_add(struct quote_list *l, const char *s, size_t len)
{
	struct buf one;

	l->total++;
	if (l->err || l->shown + 1 != l->total || l->shown == l->max_items)
		return;
	buf_init(&one, 0);
	l->err = quote_value(&one, s, len, QUOTE_VALUE_MAX);
	if (!l->err && l->shown &&
	    l->out->len - l->start + 2 + one.len > l->max_bytes) {
		buf_free(&one);
		return;
	}
	if (!l->err && l->shown)
		l->err = buf_adds(l->out, ", ");
	if (!l->err)
		l->err = buf_add(l->out, one.data, one.len);
	if (!l->err)
		l->shown++;
	buf_free(&one);
}

enum err quote_list_end(struct quote_list *l)
{
	if (l->err)
		return l->err;
	if (!l->total)
		return buf_adds(l->out, "none");
	if (l->shown < l->total)
		return buf_printf(l->out, " ... and %zu more", l->total - l->shown);
	return ERR_OK;
}
