/*
 * str: a borrowed byte string (pointer and length, not NUL-terminated),
 * the view every record decoder and cleaner hands out. Who owns the bytes
 * is said where a str is returned.
 */
#ifndef CONTACTSYNC_STR_H
#define CONTACTSYNC_STR_H

#include <stddef.h>
#include <string.h>

struct str {
	const char *ptr;
	size_t len;
};

/* 1 when a and b hold the same bytes. */
static inline int str_eq(struct str a, struct str b)
{
	return a.len == b.len && (!a.len || !memcmp(a.ptr, b.ptr, a.len));
}

#endif
