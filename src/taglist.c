/* SHIM until the vocab branch lands. */
#include "taglist.h"

enum err taglist_split(const char *s, size_t len,
		       enum err (*add)(void *ctx, const char *tag, size_t len), void *ctx)
{
	const char *p = s, *end = s + len;
	enum err e = ERR_OK;

	while (p < end && !e) {
		const char *q = p;
		const char *a, *b;

		while (q < end && *q != ',' && *q != ';')
			q++;
		for (a = p; a < q && *a == ' '; a++)
			;
		for (b = q; b > a && b[-1] == ' '; b--)
			;
		if (b > a)
			e = add(ctx, a, (size_t)(b - a));
		p = q + 1;
	}
	return e;
}
