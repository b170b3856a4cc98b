/*
 * contact: the canonical contact and its record encoding in the store.
 *
 * Identity is the E.164 phone number, which is the store key and therefore
 * not part of the record. A decoded contact is a *view*: its strings point
 * into the record bytes (or whatever the caller built it from) and are
 * borrowed; only the tags and custom arrays are owned by the struct and
 * reused across decodes, so decoding a million records allocates nothing
 * in steady state.
 *
 * Record encoding, version 1 (all integers are LEB128 varints unless noted):
 *
 *     u8      version        = 1
 *     u8      flags          bits 0-1: opted_out (0 unknown, 1 false, 2 true)
 *     varint  source_file    index into the import's file table (meta)
 *     varint  source_row     row as a spreadsheet shows it (header = 1)
 *     field*                 u8 tag, varint length, bytes; tags ascending
 *
 *     tag 1 raw_phone   2 name   3 first_name   4 last_name   5 company
 *     tag 6 tag (one field per tag, sorted, unique)
 *     tag 7 custom      payload: varint key length, key, value
 *                       (one per key, sorted by key, unique)
 *
 * Empty strings are not written. An unknown tag, an empty tag or custom
 * key, a length running past the end or an unknown version makes the
 * record corrupt: a newer encoding gets a new version byte, and the
 * store's schema version keeps old binaries out.
 */
#ifndef CONTACTSYNC_CONTACT_H
#define CONTACTSYNC_CONTACT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "phone.h"
#include "str.h"
#include "text.h"

#define CONTACT_RECORD_VERSION 1

struct contact_kv {
	struct str key;
	struct str val;
};

struct contact {
	char phone[PHONE_E164_MAX + 1];	/* E.164; the store key */
	struct str raw_phone;		/* as it was in the source */
	struct str name;
	struct str first_name;
	struct str last_name;
	struct str company;
	enum tri opted_out;
	uint32_t source_file;
	uint64_t source_row;

	struct str *tags;		/* owned array of borrowed strings */
	size_t ntags, tags_cap;
	struct contact_kv *custom;	/* owned array, sorted by key */
	size_t ncustom, custom_cap;
};

void contact_init(struct contact *c);
void contact_free(struct contact *c);
/* Clears the fields, keeping the arrays' allocations. */
void contact_reset(struct contact *c);

/* Appends a tag / custom field (borrowed strings). Order is fixed up by
 * contact_sort. */
enum err contact_add_tag(struct contact *c, const char *s, size_t len);
enum err contact_add_custom(struct contact *c, const char *k, size_t klen,
			    const char *v, size_t vlen);
/* Sorts tags and custom fields and removes duplicates: for tags the
 * duplicates are equal, for custom fields the last one added wins. */
void contact_sort(struct contact *c);
/* Custom value for key, or NULL. Needs contact_sort first. */
const struct str *contact_custom(const struct contact *c, const char *key);
const struct str *contact_custom_n(const struct contact *c, const char *key,
				   size_t keylen);

/* c's tags as one value, ';' between them, held in out (reset first):
 * *s points into it (or at "" when there are none). ERR_NOMEM. */
enum err contact_join_tags(const struct contact *c, struct buf *out, struct str *s);

/* Appends the record encoding of c (sorted) to out. */
enum err contact_encode(const struct contact *c, struct buf *out);
/* Decodes a record; strings borrow from data. ERR_STORE_CORRUPT on bad
 * bytes (with info). `phone` is copied from key when key is not NULL. */
enum err contact_decode(struct contact *c, const void *data, size_t len,
			const char *key, size_t keylen, struct errinfo *info);

/*
 * Merges `later` into `base` (both decoded views): every non-empty field of
 * later wins, opted_out when known, custom fields key by key, tags as a
 * whole when later has any; source_file/row follow the later row.
 */
enum err contact_merge(struct contact *base, const struct contact *later);

/* 1 when both have the same content (source and raw phone ignored). */
int contact_is_same(const struct contact *a, const struct contact *b);

const char *tri_str(enum tri t);

/*
 * The cleaning of a contact's values (text.h's text_clean: trimmed,
 * whitespace collapsed, NFC), one function for import and pull, so that a
 * value compares equal whichever side it came from. The two differ in one
 * thing only, what becomes of a value that is not valid UTF-8 (or holds a
 * NUL byte):
 */
enum contact_bad_text {
	/* import (ingest): ERR_ENCODING, and the row is rejected as
	 * bad_encoding; the user can fix the file, and the desired set holds
	 * only clean text */
	CONTACT_BAD_TEXT_FAILS,
	/* pull: the value is kept byte for byte; a remote contact exists
	 * whatever its bytes, and the snapshot must say what the provider
	 * holds (it cannot be rejected like a row) */
	CONTACT_BAD_TEXT_KEPT,
};

/*
 * Cleans len bytes at s and appends the result to arena (nothing for an
 * empty value); *off and *outlen say where it went: offsets, because the
 * arena may move while it grows, so callers resolve them once the contact
 * is complete. tmp is scratch. ERR_ENCODING (with CONTACT_BAD_TEXT_FAILS
 * only), ERR_NOMEM. Thread-safe: touches nothing but the caller's buffers
 * (import workers call it at once).
 */
enum err contact_clean_value(struct buf *arena, struct buf *tmp, const char *s, size_t len,
			     enum contact_bad_text rule, size_t *off, size_t *outlen);

/*
 * c as the JSON object that export writes and the JSON-lines reader reads
 * back (phone, name, first_name, last_name, company, tags, opted_out,
 * custom; empty values are null). New reference, NULL when out of memory.
 */
struct json_t;	/* jansson's json_t */
struct json_t *contact_to_json(const struct contact *c);	/* "true", "false", "" */

#endif
