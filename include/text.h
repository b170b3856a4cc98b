/*
 * text: normalisation of cell values.
 *
 * Every value that enters the store goes through text_clean: leading and
 * trailing whitespace removed, inner runs of whitespace (ASCII and Unicode
 * space separators) collapsed to one space, and Unicode NFC through
 * utf8proc. Input must be valid UTF-8 (the readers guarantee it).
 *
 * Thread-safe: no state besides the caller's buffers (utf8proc's is
 * constant tables), so import workers call it at once.
 */
#ifndef CONTACTSYNC_TEXT_H
#define CONTACTSYNC_TEXT_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* A yes/no that may be unknown (an opt-out cell, a record's field). */
enum tri { TRI_UNKNOWN = 0, TRI_FALSE = 1, TRI_TRUE = 2 };

/* Replaces out's content with the cleaned value. ERR_ENCODING when the
 * input is not valid UTF-8 or holds a NUL byte. */
enum err text_clean(const char *in, size_t len, struct buf *out);

/*
 * Header key for column matching: lower case, everything that is not a
 * letter or digit dropped ("First Name" and "first_name" → "firstname").
 */
enum err text_header_key(const char *in, size_t len, struct buf *out);

/* 1 when s (len bytes) is valid UTF-8. */
int text_utf8_valid(const char *s, size_t len);

#endif
