/*
 * buf: growable byte buffer with a hard cap (in the spirit of curl's dynbuf).
 *
 * Every byte that comes from outside (cells, lines, bodies) goes through a buf
 * so that a hostile input hits a limit instead of exhausting memory. The data
 * is always NUL-terminated, so `b->data` can be used as a C string when the
 * content has no embedded NUL.
 *
 * Ownership: the buf owns `data`; buf_free releases it. buf_detach hands it
 * over (caller frees with free()).
 */
#ifndef CONTACTSYNC_BUF_H
#define CONTACTSYNC_BUF_H

#include <stddef.h>

#include "err.h"

struct buf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;	/* allocated bytes */
	size_t max;	/* hard cap on len; 0 means BUF_DEFAULT_MAX */
};

#define BUF_DEFAULT_MAX ((size_t)64 << 20)

/* A buf with the given cap (0 = BUF_DEFAULT_MAX). */
void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Empties the buffer, keeping its allocation. */
void buf_reset(struct buf *b);

/* ERR_LIMIT when the cap would be passed, ERR_NOMEM on allocation failure. */
enum err buf_add(struct buf *b, const void *data, size_t len);
enum err buf_addc(struct buf *b, char c);
enum err buf_adds(struct buf *b, const char *s);
enum err buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes without changing len. */
enum err buf_reserve(struct buf *b, size_t n);

/* Returns the data (new, caller frees) and leaves b empty. Never NULL
 * unless allocation fails. */
char *buf_detach(struct buf *b);

/* Returns the contents as a C string: never NULL (an empty buf gives ""). */
const char *buf_str(const struct buf *b);

#endif
