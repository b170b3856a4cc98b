/*
 * Fuzz target: the store's record decoders, which read whatever bytes an
 * LMDB file holds. The first byte picks the decoder, the rest is the
 * record: 0 contact_decode, 1 snapshot_decode, 2 journal_plan_decode (and
 * the contact and snapshot it carries, as push reads them), 3
 * journal_state_decode. A contact or snapshot that decodes must encode
 * again, and that encoding must decode to the same contact.
 */
#include <string.h>

#include "contact.h"
#include "fuzz.h"
#include "journal.h"
#include "snapshot.h"

#define KEY "+447400123456"

static void check_contact_roundtrip(const struct contact *c)
{
	struct contact again;
	struct errinfo info;
	struct buf b;

	buf_init(&b, 0);
	contact_init(&again);
	if (contact_encode(c, &b) == ERR_OK) {
		if (contact_decode(&again, b.data, b.len, KEY, strlen(KEY), &info))
			fuzz_fail("a decoded contact re-encodes to a record that does not decode");
		if (!contact_is_same(c, &again))
			fuzz_fail("a decoded contact changes through encode and decode");
	}
	contact_free(&again);
	buf_free(&b);
}

static void check_snapshot_roundtrip(const struct remote_contact *rc)
{
	struct remote_contact again;
	struct errinfo info;
	struct buf b;

	buf_init(&b, 0);
	memset(&again, 0, sizeof(again));
	contact_init(&again.c);
	if (snapshot_encode(rc, &b) == ERR_OK) {
		if (snapshot_decode(&again, b.data, b.len, KEY, strlen(KEY), &info))
			fuzz_fail("a decoded snapshot re-encodes to a record that does not decode");
		if (!contact_is_same(&rc->c, &again.c) || strcmp(rc->id, again.id) ||
		    rc->phone_invalid != again.phone_invalid || rc->partial != again.partial)
			fuzz_fail("a decoded snapshot changes through encode and decode");
	}
	contact_free(&again.c);
	buf_free(&b);
}

static void contact_rec(const uint8_t *data, size_t size, int roundtrip)
{
	struct contact c;
	struct errinfo info;

	contact_init(&c);
	if (!contact_decode(&c, data, size, KEY, strlen(KEY), &info) && roundtrip)
		check_contact_roundtrip(&c);
	contact_free(&c);
}

static void snapshot_rec(const uint8_t *data, size_t size, int roundtrip)
{
	struct remote_contact rc;
	struct errinfo info;

	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	if (!snapshot_decode(&rc, data, size, KEY, strlen(KEY), &info) && roundtrip)
		check_snapshot_roundtrip(&rc);
	contact_free(&rc.c);
}

static void plan_rec(const uint8_t *data, size_t size)
{
	struct journal_op op;
	struct errinfo info;
	size_t i;

	memset(&op, 0, sizeof(op));
	if (!journal_plan_decode(&op, data, size, &info)) {
		(void)plan_op_name(op.op);
		for (i = 0; i < op.nchanges; i++)
			if (!memchr(op.changes[i].field, '\0', sizeof(op.changes[i].field)))
				fuzz_fail("a change's field is not NUL-terminated");
		if (op.desired.len)
			contact_rec((const uint8_t *)op.desired.ptr, op.desired.len, 0);
		if (op.remote.len)
			snapshot_rec((const uint8_t *)op.remote.ptr, op.remote.len, 0);
	}
	journal_op_free(&op);
}

static void state_rec(const uint8_t *data, size_t size)
{
	struct journal_state_rec s;
	struct errinfo info;

	if (!journal_state_decode(&s, data, size, &info) &&
	    (!memchr(s.id, '\0', sizeof(s.id)) || !memchr(s.message, '\0', sizeof(s.message))))
		fuzz_fail("a journal state's strings are not NUL-terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > FUZZ_MAX_INPUT)
		return 0;
	switch (data[0] % 4) {
	case 0:
		contact_rec(data + 1, size - 1, 1);
		break;
	case 1:
		snapshot_rec(data + 1, size - 1, 1);
		break;
	case 2:
		plan_rec(data + 1, size - 1);
		break;
	default:
		state_rec(data + 1, size - 1);
		break;
	}
	return 0;
}
