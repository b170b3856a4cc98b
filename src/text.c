/* text: cleaning of cell values (see text.h). */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int is_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] & 0x80)
			return 0;
	return 1;
}

static int ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static int unicode_space(utf8proc_int32_t cp)
{
	if (cp < 0x80)
		return ascii_space((unsigned char)cp);
	if (cp == 0x2028 || cp == 0x2029 || cp == 0x85)
		return 1;
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* Collapses whitespace of an ASCII string: the hot path of every import. */
static enum err clean_ascii(const char *in, size_t len, struct buf *out)
{
	size_t i = 0, end = len;
	int pending = 0;
	enum err e;

	while (i < end && ascii_space((unsigned char)in[i]))
		i++;
	while (end > i && ascii_space((unsigned char)in[end - 1]))
		end--;
	e = buf_reserve(out, end - i);
	if (e)
		return e;
	for (; i < end; i++) {
		unsigned char c = (unsigned char)in[i];

		if (ascii_space(c)) {
			pending = 1;
			continue;
		}
		if (pending) {
			out->data[out->len++] = ' ';
			pending = 0;
		}
		out->data[out->len++] = (char)c;
	}
	out->data[out->len] = '\0';
	return ERR_OK;
}

static enum err clean_unicode(const char *in, size_t len, struct buf *out)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t n, i = 0;
	int pending = 0, started = 0;
	enum err e = ERR_OK;

	n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
			 &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? ERR_NOMEM : ERR_ENCODING;
	while (i < n && !e) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate(nfc + i, n - i, &cp);

		if (step <= 0) {
			e = ERR_ENCODING;
			break;
		}
		if (unicode_space(cp)) {
			pending = started;
		} else {
			if (pending)
				e = buf_addc(out, ' ');
			pending = 0;
			started = 1;
			if (!e)
				e = buf_add(out, nfc + i, (size_t)step);
		}
		i += step;
	}
	free(nfc);
	return e;
}

enum err text_clean(const char *in, size_t len, struct buf *out)
{
	buf_reset(out);
	if (memchr(in, '\0', len))
		return ERR_ENCODING;	/* NUL is no character of any text */
	if (is_ascii(in, len))
		return clean_ascii(in, len, out);
	return clean_unicode(in, len, out);
}

enum err text_header_key(const char *in, size_t len, struct buf *out)
{
	utf8proc_ssize_t i = 0;
	enum err e = ERR_OK;

	buf_reset(out);
	while (i < (utf8proc_ssize_t)len && !e) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step;
		utf8proc_uint8_t enc[4];
		utf8proc_category_t cat;

		step = utf8proc_iterate((const utf8proc_uint8_t *)in + i,
					(utf8proc_ssize_t)len - i, &cp);
		if (step <= 0)
			return ERR_ENCODING;
		i += step;
		cat = utf8proc_category(cp);
		if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_NO)
			continue;	/* not a letter, mark or number */
		if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
			continue;
		cp = utf8proc_tolower(cp);
		e = buf_add(out, enc, (size_t)utf8proc_encode_char(cp, enc));
	}
	return e;
}

int text_utf8_valid(const char *s, size_t len)
{
	utf8proc_ssize_t i = 0;

	while (i < (utf8proc_ssize_t)len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step;

		if (!((unsigned char)s[i] & 0x80)) {
			i++;
			continue;
		}
		step = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					(utf8proc_ssize_t)len - i, &cp);
		if (step <= 0)
			return 0;
		i += step;
	}
	return 1;
}
