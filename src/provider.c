/* provider: the driver table and helpers shared by drivers (see provider.h). */
#include "provider.h"

#include <string.h>

static const struct provider *const drivers[] = {
	&provider_altum,
	&provider_atom,
	&provider_sendblue,
	NULL,
};

const struct provider *provider_find(const char *name)
{
	size_t i;

	for (i = 0; name && drivers[i]; i++)
		if (!strcmp(drivers[i]->name, name))
			return drivers[i];
	return NULL;
}

enum err provider_full_name(const struct contact *in, struct str *out,
			    struct buf *scratch)
{
	size_t start = scratch->len;
	enum err e = ERR_OK;

	if (in->name.len) {
		*out = in->name;
		return ERR_OK;
	}
	out->ptr = "";
	out->len = 0;
	if (!in->first_name.len && !in->last_name.len)
		return ERR_OK;
	e = buf_add(scratch, in->first_name.ptr, in->first_name.len);
	if (!e && in->first_name.len && in->last_name.len)
		e = buf_addc(scratch, ' ');
	if (!e)
		e = buf_add(scratch, in->last_name.ptr, in->last_name.len);
	if (e)
		return e;
	/* scratch may have moved: point into it only now */
	out->ptr = scratch->data + start;
	out->len = scratch->len - start;
	return ERR_OK;
}

void provider_split_name(const struct contact *in, struct str *first,
			 struct str *last)
{
	const char *sp;
	size_t i;

	*first = in->first_name;
	*last = in->last_name;
	if (first->len || last->len || !in->name.len)
		return;
	for (sp = NULL, i = in->name.len; i > 0; i--)
		if (in->name.ptr[i - 1] == ' ') {
			sp = in->name.ptr + i - 1;
			break;
		}
	if (!sp) {
		*first = in->name;
		return;
	}
	first->ptr = in->name.ptr;
	first->len = (size_t)(sp - in->name.ptr);
	last->ptr = sp + 1;
	last->len = in->name.len - first->len - 1;
}

struct str provider_cut(struct str s, size_t max)
{
	size_t i, chars = 0;

	for (i = 0; i < s.len; i++) {
		if (((unsigned char)s.ptr[i] & 0xC0) == 0x80)
			continue;	/* continuation byte */
		if (chars++ == max) {
			s.len = i;
			break;
		}
	}
	return s;
}
