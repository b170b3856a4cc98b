/* snapshot: remote contact records (see snapshot.h). */
#include "snapshot.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rec.h"
#include "store.h"

void snapshot_dataset(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, STORE_REMOTE_PREFIX "%s", profile);
}

size_t snapshot_key(const char *raw, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a 64 */
	size_t i;
	int k;

	if (len <= SNAPSHOT_KEY_MAX) {
		memcpy(out, raw, len);
		return len;
	}
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)raw[i]) * 0x100000001b3ull;
	memcpy(out, raw, SNAPSHOT_KEY_KEEP);
	out[SNAPSHOT_KEY_KEEP] = '#';
	for (k = 0; k < 16; k++)
		out[SNAPSHOT_KEY_KEEP + 1 + k] = hex[(h >> (60 - 4 * k)) & 15];
	return SNAPSHOT_KEY_KEEP + 1 + 16;
}

static enum err put_str(struct buf *out, const char *s)
{
	return rec_put_bytes(out, s, strlen(s));
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

enum err snapshot_decode(struct remote_contact *rc, const void *data, size_t len,
			 const char *key, size_t keylen, struct errinfo *info)
{
	const unsigned char *p = data;
	struct rec_reader r;

	if (len < 4 || p[0] != SNAPSHOT_VERSION || p[1] > 3)
		return err_set(info, ERR_STORE_CORRUPT, "remote record '%.*s' is corrupt",
			       (int)(keylen > 32 ? 32 : keylen), key ? key : "");
	rc->phone_invalid = p[1] & 1;
	rc->partial = (p[1] >> 1) & 1;
	rec_reader_init(&r, p + 2, len - 2);
	if (rec_get_cstr(&r, rc->id, sizeof(rc->id)) ||
	    rec_get_cstr(&r, rc->book, sizeof(rc->book)))
		return err_set(info, ERR_STORE_CORRUPT, "remote record '%.*s' is corrupt",
			       (int)(keylen > 32 ? 32 : keylen), key ? key : "");
	/* An invalid remote number is kept under its raw value, which may be
	 * longer than any E.164 number: then it lives in raw_phone only. */
	if (keylen > PHONE_E164_MAX)
		return contact_decode(&rc->c, r.p, (size_t)(r.end - r.p), NULL, 0, info);
	return contact_decode(&rc->c, r.p, (size_t)(r.end - r.p), key, keylen, info);
}
