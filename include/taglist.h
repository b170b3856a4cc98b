/* SHIM until the vocab branch lands. */
#ifndef CONTACTSYNC_TAGLIST_H
#define CONTACTSYNC_TAGLIST_H
#include <stddef.h>
#include "err.h"
enum err taglist_split(const char *s, size_t len,
		       enum err (*add)(void *ctx, const char *tag, size_t len), void *ctx);
#endif
