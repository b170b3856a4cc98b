/* SHIM until the vocab branch lands. */
#ifndef CONTACTSYNC_OPTVAL_H
#define CONTACTSYNC_OPTVAL_H
#include <stddef.h>
#include "text.h"
int optval_parse(const char *s, size_t len, int consent, enum tri *opted_out);
#endif
