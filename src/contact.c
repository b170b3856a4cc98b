/* contact: canonical contact, record encoding and merge (see contact.h). */
#include "contact.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "text.h"

enum {
	TAG_RAW_PHONE = 1,
	TAG_NAME = 2,
	TAG_FIRST_NAME = 3,
	TAG_LAST_NAME = 4,
	TAG_COMPANY = 5,
	TAG_TAG = 6,
	TAG_CUSTOM = 7,
};

void contact_init(struct contact *c)
{
	memset(c, 0, sizeof(*c));
}

void contact_free(struct contact *c)
{
	free(c->tags);
	free(c->custom);
	memset(c, 0, sizeof(*c));
}

void contact_reset(struct contact *c)
{
	struct str *tags = c->tags;
	struct contact_kv *custom = c->custom;
	size_t tcap = c->tags_cap, ccap = c->custom_cap;

	memset(c, 0, sizeof(*c));
	c->tags = tags;
	c->tags_cap = tcap;
	c->custom = custom;
	c->custom_cap = ccap;
}

static enum err grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return ERR_OK;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return ERR_NOMEM;
	*arr = p;
	*cap = ncap;
	return ERR_OK;
}

enum err contact_add_tag(struct contact *c, const char *s, size_t len)
{
	enum err e = grow((void **)&c->tags, &c->tags_cap, c->ntags + 1,
			  sizeof(*c->tags));

	if (e)
		return e;
	c->tags[c->ntags].ptr = s;
	c->tags[c->ntags].len = len;
	c->ntags++;
	return ERR_OK;
}

enum err contact_add_custom(struct contact *c, const char *k, size_t klen,
			    const char *v, size_t vlen)
{
	enum err e = grow((void **)&c->custom, &c->custom_cap, c->ncustom + 1,
			  sizeof(*c->custom));

	if (e)
		return e;
	c->custom[c->ncustom].key.ptr = k;
	c->custom[c->ncustom].key.len = klen;
	c->custom[c->ncustom].val.ptr = v;
	c->custom[c->ncustom].val.len = vlen;
	c->ncustom++;
	return ERR_OK;
}

static int str_cmp(const struct str *a, const struct str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = n ? memcmp(a->ptr, b->ptr, n) : 0;

	if (r)
		return r;
	return (a->len > b->len) - (a->len < b->len);
}

/* Insertion sorts: both arrays are short (a handful of entries) and stable
 * order is needed so that the last custom value for a key wins. */
void contact_sort(struct contact *c)
{
	size_t i, j, n;

	for (i = 1; i < c->ntags; i++) {
		struct str t = c->tags[i];

		for (j = i; j > 0 && str_cmp(&c->tags[j - 1], &t) > 0; j--)
			c->tags[j] = c->tags[j - 1];
		c->tags[j] = t;
	}
	for (i = n = 0; i < c->ntags; i++)
		if (!n || !str_eq(c->tags[n - 1], c->tags[i]))
			c->tags[n++] = c->tags[i];
	c->ntags = n;

	for (i = 1; i < c->ncustom; i++) {
		struct contact_kv kv = c->custom[i];

		for (j = i; j > 0 && str_cmp(&c->custom[j - 1].key, &kv.key) > 0; j--)
			c->custom[j] = c->custom[j - 1];
		c->custom[j] = kv;
	}
	for (i = n = 0; i < c->ncustom; i++) {
		if (n && str_eq(c->custom[n - 1].key, c->custom[i].key))
			c->custom[n - 1] = c->custom[i];
		else
			c->custom[n++] = c->custom[i];
	}
	c->ncustom = n;
}

const struct str *contact_custom(const struct contact *c, const char *key)
{
	return contact_custom_n(c, key, strlen(key));
}

const struct str *contact_custom_n(const struct contact *c, const char *key,
				   size_t keylen)
{
	struct str k = { key, keylen };
	size_t lo = 0, hi = c->ncustom;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = str_cmp(&c->custom[mid].key, &k);

		if (!r)
			return &c->custom[mid].val;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static enum err put_field(struct buf *out, int tag, const struct str *s)
{
	enum err e;

	if (!s->len)
		return ERR_OK;
	e = buf_addc(out, (char)tag);
	if (!e)
		e = rec_put_varint(out, s->len);
	if (!e)
		e = buf_add(out, s->ptr, s->len);
	return e;
}

enum err contact_encode(const struct contact *c, struct buf *out)
{
	enum err e;
	size_t i;

	e = buf_addc(out, CONTACT_RECORD_VERSION);
	if (!e)
		e = buf_addc(out, (char)(c->opted_out & 3));
	if (!e)
		e = rec_put_varint(out, c->source_file);
	if (!e)
		e = rec_put_varint(out, c->source_row);
	if (!e)
		e = put_field(out, TAG_RAW_PHONE, &c->raw_phone);
	if (!e)
		e = put_field(out, TAG_NAME, &c->name);
	if (!e)
		e = put_field(out, TAG_FIRST_NAME, &c->first_name);
	if (!e)
		e = put_field(out, TAG_LAST_NAME, &c->last_name);
	if (!e)
		e = put_field(out, TAG_COMPANY, &c->company);
	for (i = 0; !e && i < c->ntags; i++)
		e = put_field(out, TAG_TAG, &c->tags[i]);
	for (i = 0; !e && i < c->ncustom; i++) {
		const struct contact_kv *kv = &c->custom[i];

		if (!kv->key.len)
			continue;
		e = buf_addc(out, TAG_CUSTOM);
		if (!e)
			e = rec_put_varint(out, rec_varint_len(kv->key.len) +
						    kv->key.len + kv->val.len);
		if (!e)
			e = rec_put_varint(out, kv->key.len);
		if (!e)
			e = buf_add(out, kv->key.ptr, kv->key.len);
		if (!e)
			e = buf_add(out, kv->val.ptr, kv->val.len);
	}
	return e;
}

static enum err corrupt(struct errinfo *info, const char *key, size_t keylen,
			const char *what)
{
	return err_set(info, ERR_STORE_CORRUPT, "record '%.*s' is corrupt: %s",
		       (int)(keylen > 32 ? 32 : keylen), key ? key : "", what);
}

static enum err decode_field(struct contact *c, int tag, struct str s)
{
	struct rec_reader sub;
	uint64_t klen;

	switch (tag) {
	case TAG_RAW_PHONE: c->raw_phone = s; return ERR_OK;
	case TAG_NAME: c->name = s; return ERR_OK;
	case TAG_FIRST_NAME: c->first_name = s; return ERR_OK;
	case TAG_LAST_NAME: c->last_name = s; return ERR_OK;
	case TAG_COMPANY: c->company = s; return ERR_OK;
	/* contact_encode never writes an empty tag or custom key: one in a
	 * record did not come from it */
	case TAG_TAG: return s.len ? contact_add_tag(c, s.ptr, s.len) : ERR_STORE_CORRUPT;
	case TAG_CUSTOM:
		sub.p = (const unsigned char *)s.ptr;
		sub.end = sub.p + s.len;
		if (rec_get_varint(&sub, &klen) || !klen || klen > (uint64_t)(sub.end - sub.p))
			return ERR_STORE_CORRUPT;
		return contact_add_custom(c, (const char *)sub.p, (size_t)klen,
					  (const char *)sub.p + klen,
					  (size_t)(sub.end - sub.p - klen));
	default:
		return ERR_STORE_CORRUPT;
	}
}

enum err contact_decode(struct contact *c, const void *data, size_t len,
			const char *key, size_t keylen, struct errinfo *info)
{
	struct rec_reader r = { data, (const unsigned char *)data + len };
	uint64_t file, row;
	int last_tag = 0;

	contact_reset(c);
	if (key) {
		if (keylen > PHONE_E164_MAX)
			return corrupt(info, key, keylen, "key too long");
		memcpy(c->phone, key, keylen);
		c->phone[keylen] = '\0';
	}
	if (len < 2 || r.p[0] != CONTACT_RECORD_VERSION)
		return corrupt(info, key, keylen, "unknown record version");
	if (r.p[1] > TRI_TRUE)
		return corrupt(info, key, keylen, "bad flags");
	c->opted_out = (enum tri)r.p[1];
	r.p += 2;
	if (rec_get_varint(&r, &file) || file > UINT32_MAX || rec_get_varint(&r, &row))
		return corrupt(info, key, keylen, "bad source");
	c->source_file = (uint32_t)file;
	c->source_row = row;
	while (r.p < r.end) {
		int tag = *r.p++;
		struct str s;
		enum err e;

		if (tag < last_tag || rec_get_bytes(&r, &s))
			return corrupt(info, key, keylen, "bad field");
		e = decode_field(c, tag, s);
		if (e == ERR_NOMEM)
			return err_set(info, e, "out of memory");
		if (e)
			return corrupt(info, key, keylen, "bad field");
		last_tag = tag;
	}
	return ERR_OK;
}

static void take(struct str *dst, const struct str *src)
{
	if (src->len)
		*dst = *src;
}

enum err contact_merge(struct contact *base, const struct contact *later)
{
	size_t i;
	enum err e;

	take(&base->raw_phone, &later->raw_phone);
	take(&base->name, &later->name);
	take(&base->first_name, &later->first_name);
	take(&base->last_name, &later->last_name);
	take(&base->company, &later->company);
	if (later->opted_out != TRI_UNKNOWN)
		base->opted_out = later->opted_out;
	if (later->ntags) {
		base->ntags = 0;
		for (i = 0; i < later->ntags; i++) {
			e = contact_add_tag(base, later->tags[i].ptr, later->tags[i].len);
			if (e)
				return e;
		}
	}
	for (i = 0; i < later->ncustom; i++) {
		const struct contact_kv *kv = &later->custom[i];

		if (!kv->val.len)
			continue;
		e = contact_add_custom(base, kv->key.ptr, kv->key.len,
				       kv->val.ptr, kv->val.len);
		if (e)
			return e;
	}
	base->source_file = later->source_file;
	base->source_row = later->source_row;
	contact_sort(base);
	return ERR_OK;
}

int contact_is_same(const struct contact *a, const struct contact *b)
{
	size_t i;

	if (strcmp(a->phone, b->phone) || a->opted_out != b->opted_out ||
	    !str_eq(a->name, b->name) ||
	    !str_eq(a->first_name, b->first_name) ||
	    !str_eq(a->last_name, b->last_name) ||
	    !str_eq(a->company, b->company) || a->ntags != b->ntags ||
	    a->ncustom != b->ncustom)
		return 0;
	for (i = 0; i < a->ntags; i++)
		if (!str_eq(a->tags[i], b->tags[i]))
			return 0;
	for (i = 0; i < a->ncustom; i++)
		if (!str_eq(a->custom[i].key, b->custom[i].key) ||
		    !str_eq(a->custom[i].val, b->custom[i].val))
			return 0;
	return 1;
}

const char *tri_str(enum tri t)
{
	return t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : "";
}

enum err contact_join_tags(const struct contact *c, struct buf *out, struct str *s)
{
	size_t i;

	buf_reset(out);
	for (i = 0; i < c->ntags; i++)
		if ((i && buf_addc(out, ';')) || buf_add(out, c->tags[i].ptr, c->tags[i].len))
			return ERR_NOMEM;
	s->ptr = buf_str(out);
	s->len = out->len;
	return ERR_OK;
}

static json_t *jstr(const struct str *s)
{
	return s->len ? json_stringn(s->ptr, s->len) : json_null();
}

json_t *contact_to_json(const struct contact *c)
{
	json_t *o = json_object(), *tags = json_array(), *custom = json_object();
	size_t i;

	if (!o || !tags || !custom) {
		json_decref(o);
		json_decref(tags);
		json_decref(custom);
		return NULL;
	}
	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set_new(o, "name", jstr(&c->name));
	json_object_set_new(o, "first_name", jstr(&c->first_name));
	json_object_set_new(o, "last_name", jstr(&c->last_name));
	json_object_set_new(o, "company", jstr(&c->company));
	for (i = 0; i < c->ntags; i++)
		json_array_append_new(tags, json_stringn(c->tags[i].ptr, c->tags[i].len));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "opted_out", c->opted_out == TRI_UNKNOWN ? json_null()
					    : json_boolean(c->opted_out == TRI_TRUE));
	for (i = 0; i < c->ncustom; i++) {
		char *k = strndup(c->custom[i].key.ptr, c->custom[i].key.len);

		if (k)
			json_object_set_new(custom, k, jstr(&c->custom[i].val));
		free(k);
	}
	json_object_set_new(o, "custom", custom);
	return o;
}

enum err contact_clean_value(struct buf *arena, struct buf *tmp, const char *s, size_t len,
			     enum contact_bad_text rule, size_t *off, size_t *outlen)
{
	enum err e;

	*off = arena->len;
	*outlen = 0;
	if (!len)
		return ERR_OK;
	e = text_clean(s, len, tmp);
	if (e && !(e == ERR_ENCODING && rule == CONTACT_BAD_TEXT_KEPT))
		return e;
	if (!e) {
		s = tmp->data;
		len = tmp->len;
	}
	e = buf_add(arena, s, len);
	if (!e)
		*outlen = len;
	return e;
}
