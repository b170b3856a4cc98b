/* snapshot: remote contact records (see snapshot.h). */
#include "snapshot.h"

#include <stdio.h>
#include <string.h>

void snapshot_dataset(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, "remote:%s", profile);
}

static enum err put_varint(struct buf *out, size_t v)
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

static enum err put_str(struct buf *out, const char *s)
{
	size_t n = strlen(s);
	enum err e = put_varint(out, n);

	return e ? e : buf_add(out, s, n);
}

enum err snapshot_encode(const struct remote_contact *rc, struct buf *out)
{
	enum err e = buf_addc(out, SNAPSHOT_VERSION);

	if (!e)
		e = buf_addc(out, (char)((rc->phone_invalid ? 1 : 0) | (rc->partial ? 2 : 0)));
	if (!e)
		e = put_str(out, rc->id);
	if (!e)
		e = put_str(out, rc->book);
	if (!e)
		e = contact_encode(&rc->c, out);
	return e;
}

static int get_str(const unsigned char **p, const unsigned char *end, char *out,
		   size_t cap)
{
	size_t len = 0;
	unsigned shift = 0;

	while (*p < end && shift < 35) {
		unsigned char b = *(*p)++;

		len |= (size_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	if (len >= cap || len > (size_t)(end - *p))
		return -1;
	memcpy(out, *p, len);
	out[len] = '\0';
	*p += len;
	return 0;
}

enum err snapshot_decode(struct remote_contact *rc, const void *data, size_t len,
			 const char *key, size_t keylen, struct errinfo *info)
{
	const unsigned char *p = data, *end = p + len;

	if (len < 4 || p[0] != SNAPSHOT_VERSION || p[1] > 3)
		return err_set(info, ERR_STORE_CORRUPT, "remote record '%.*s' is corrupt",
			       (int)(keylen > 32 ? 32 : keylen), key ? key : "");
	rc->phone_invalid = p[1] & 1;
	rc->partial = (p[1] >> 1) & 1;
	p += 2;
	if (get_str(&p, end, rc->id, sizeof(rc->id)) ||
	    get_str(&p, end, rc->book, sizeof(rc->book)))
		return err_set(info, ERR_STORE_CORRUPT, "remote record '%.*s' is corrupt",
			       (int)(keylen > 32 ? 32 : keylen), key ? key : "");
	/* An invalid remote number is kept under its raw value, which may be
	 * longer than any E.164 number: then it lives in raw_phone only. */
	if (keylen > PHONE_E164_MAX)
		return contact_decode(&rc->c, p, (size_t)(end - p), NULL, 0, info);
	return contact_decode(&rc->c, p, (size_t)(end - p), key, keylen, info);
}
