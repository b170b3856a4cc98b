/* sheet: the readers' toolkit (see sheet.h). */
#include "read/sheet.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "quote.h"

enum err reader_fail(enum err *failed, struct errinfo *info, enum err code,
		     const char *fmt, ...)
{
	char msg[sizeof(info->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*failed = code;
	return err_set(info, code, "%s", msg);
}

unsigned long sheet_number(const char *s)
{
	unsigned long v = 0;

	if (!s || *s < '1' || *s > '9')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	return v;
}

long sheet_by_name(const char *spec, size_t n, sheet_name_fn *name, const void *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name(ctx, i), spec) == 0)
			return (long)i;
	for (i = 0; i < n; i++)
		if (strcasecmp(name(ctx, i), spec) == 0)
			return (long)i;
	return -1;
}

int reader_encrypted(struct errinfo *info, const char *name)
{
	err_set(info, ERR_FORMAT,
		"'%s' is password-protected (encrypted): save it without a password first",
		name);
	return -1;
}

const char *sheet_names(struct quote_list *q)
{
	quote_list_end(q);
	return buf_str(q->out);
}

const char *sheet_list_names(struct buf *out, size_t n, sheet_name_fn *name, const void *ctx)
{
	struct quote_list q;
	size_t i;

	quote_list_init(&q, out);
	for (i = 0; i < n; i++) {
		const char *s = name(ctx, i);

		quote_list_add(&q, s, strlen(s));
	}
	return sheet_names(&q);
}
