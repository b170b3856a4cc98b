/*
 * snapshot: a profile's remote contacts in the store, as the last complete
 * `pull` saw them (dataset "remote:<profile>").
 *
 * Key: the E.164 phone, or the raw remote value when the provider holds a
 * number that is not valid E.164 (kept and reported, never dropped). A
 * raw value longer than a store key may be (SNAPSHOT_KEY_MAX) is stored
 * under snapshot_key's hashed form; the record keeps the whole value as
 * its raw_phone, so nothing of it is lost and the plan still sees the
 * contact (an invalid number: never matched to a desired one).
 * Value, version 1:
 *
 *     u8      version = 1
 *     u8      flags          bit 0: the phone is not valid E.164
 *                            bit 1: partial (only names known)
 *     varint  id length, id  the provider's id ("" for sendblue)
 *     varint  book length, book   atom's address book, else ""
 *     ...     contact record (contact.h), in the provider's shape
 */
#ifndef CONTACTSYNC_SNAPSHOT_H
#define CONTACTSYNC_SNAPSHOT_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "provider.h"

#define SNAPSHOT_VERSION 1

/* The longest key the store takes (store_gen_append), and how much of a
 * long raw value its hashed key keeps before the '#' and the hash. */
#define SNAPSHOT_KEY_MAX 64
#define SNAPSHOT_KEY_KEEP 40

/*
 * The key of a remote contact whose number is not valid E.164, into out
 * (SNAPSHOT_KEY_MAX bytes, not NUL-terminated); returns its length. raw
 * itself when it fits; else its first SNAPSHOT_KEY_KEEP bytes, '#' and 16
 * hex digits of a 64-bit FNV-1a hash of the whole value, so two long
 * values that differ anywhere get different keys (and the prefix keeps
 * them readable and near their like in key order). Only a value made to
 * collide could share a key; it is then dropped as a repeated number.
 */
size_t snapshot_key(const char *raw, size_t len, char *out);

/* "remote:<profile>" into out (cap bytes). */
void snapshot_dataset(const char *profile, char *out, size_t cap);

enum err snapshot_encode(const struct remote_contact *rc, struct buf *out);
/* Strings borrow from data; rc->c's arrays are rc's own (contact_init it,
 * contact_free when done). ERR_STORE_CORRUPT on bad bytes. */
enum err snapshot_decode(struct remote_contact *rc, const void *data, size_t len,
			 const char *key, size_t keylen, struct errinfo *info);

#endif
