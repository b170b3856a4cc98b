/*
 * rec: the primitives of the store's record encodings (contact, snapshot,
 * journal): LEB128 varints and length-prefixed byte strings, written into
 * a buf and read back with bounds checks.
 */
#ifndef CONTACTSYNC_REC_H
#define CONTACTSYNC_REC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"

enum err rec_put_varint(struct buf *out, uint64_t v);
/* varint length, then the bytes */
enum err rec_put_bytes(struct buf *out, const void *p, size_t len);
static inline enum err rec_put_str(struct buf *out, struct str s)
{
	return rec_put_bytes(out, s.ptr, s.len);
}

/* Bytes of a varint for v. */
size_t rec_varint_len(uint64_t v);

struct rec_reader {
	const unsigned char *p, *end;
};

static inline void rec_reader_init(struct rec_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->end = r->p + len;
}

/* Each returns 0, or -1 when the record ends too soon (nothing consumed
 * that matters: the record is corrupt). Strings borrow from the record. */
int rec_get_varint(struct rec_reader *r, uint64_t *v);
int rec_get_bytes(struct rec_reader *r, struct str *s);
/* A string into a fixed buffer (NUL-terminated); -1 when it does not fit. */
int rec_get_cstr(struct rec_reader *r, char *out, size_t cap);

#endif
