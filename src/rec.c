/* rec: varints and length-prefixed strings for record encodings. */
#include "rec.h"

#include <string.h>

enum err rec_put_varint(struct buf *out, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	return buf_add(out, tmp, n);
}

enum err rec_put_bytes(struct buf *out, const void *p, size_t len)
{
	enum err e = rec_put_varint(out, len);

	return e || !len ? e : buf_add(out, p, len);
}

size_t rec_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

int rec_get_varint(struct rec_reader *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;

	while (r->p < r->end && shift < 64) {
		unsigned char b = *r->p++;

		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

int rec_get_bytes(struct rec_reader *r, struct str *s)
{
	uint64_t len;

	if (rec_get_varint(r, &len) || len > (uint64_t)(r->end - r->p))
		return -1;
	s->ptr = (const char *)r->p;
	s->len = (size_t)len;
	r->p += len;
	return 0;
}

int rec_get_cstr(struct rec_reader *r, char *out, size_t cap)
{
	struct str s;

	if (rec_get_bytes(r, &s) || s.len >= cap)
		return -1;
	if (s.len)
		memcpy(out, s.ptr, s.len);
	out[s.len] = '\0';
	return 0;
}
