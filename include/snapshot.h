/*
 * snapshot: a profile's remote contacts in the store, as the last complete
 * `pull` saw them (dataset "remote:<profile>").
 *
 * Key: the E.164 phone, or the raw remote value when the provider holds a
 * number that is not valid E.164 (kept and reported, never dropped).
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

/* "remote:<profile>" into out (cap bytes). */
void snapshot_dataset(const char *profile, char *out, size_t cap);

enum err snapshot_encode(const struct remote_contact *rc, struct buf *out);
/* Strings borrow from data; rc->c's arrays are rc's own (contact_init it,
 * contact_free when done). ERR_STORE_CORRUPT on bad bytes. */
enum err snapshot_decode(struct remote_contact *rc, const void *data, size_t len,
			 const char *key, size_t keylen, struct errinfo *info);

#endif
