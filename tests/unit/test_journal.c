/* Unit tests of journal: the state table, and the records read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "journal.h"

/* The legal moves, written out apart from the table they check. */
static const struct {
	enum journal_state from;
	enum journal_event ev;
	enum journal_state to;
} legal[] = {
	{ JOURNAL_PLANNED, JOURNAL_EV_SEND, JOURNAL_INFLIGHT },
	{ JOURNAL_INFLIGHT, JOURNAL_EV_SEND, JOURNAL_INFLIGHT },
	{ JOURNAL_FAILED, JOURNAL_EV_SEND, JOURNAL_INFLIGHT },
	{ JOURNAL_VERIFY, JOURNAL_EV_SEND, JOURNAL_INFLIGHT },
	{ JOURNAL_INFLIGHT, JOURNAL_EV_DONE, JOURNAL_DONE },
	{ JOURNAL_VERIFY, JOURNAL_EV_DONE, JOURNAL_DONE },
	{ JOURNAL_PLANNED, JOURNAL_EV_FAIL, JOURNAL_FAILED },
	{ JOURNAL_INFLIGHT, JOURNAL_EV_FAIL, JOURNAL_FAILED },
	{ JOURNAL_VERIFY, JOURNAL_EV_FAIL, JOURNAL_FAILED },
	{ JOURNAL_INFLIGHT, JOURNAL_EV_UNSURE, JOURNAL_VERIFY },
	{ JOURNAL_INFLIGHT, JOURNAL_EV_REQUEUE, JOURNAL_PLANNED },
	{ JOURNAL_VERIFY, JOURNAL_EV_REQUEUE, JOURNAL_PLANNED },
};

#define NLEGAL (sizeof(legal) / sizeof(*legal))

static int is_listed(enum journal_state from, enum journal_event ev)
{
	size_t i;

	for (i = 0; i < NLEGAL; i++)
		if (legal[i].from == from && legal[i].ev == ev)
			return 1;
	return 0;
}

/* Every legal move leads where it should, and journal_move makes it. */
static void test_legal_moves(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NLEGAL; i++) {
		struct journal_state_rec rec;

		assert_int_equal(journal_next(legal[i].from, legal[i].ev), legal[i].to);
		memset(&rec, 0, sizeof(rec));
		rec.state = legal[i].from;
		journal_move(&rec, legal[i].ev);
		assert_int_equal(rec.state, legal[i].to);
	}
}

/* Every other cell of the table is refused; done is final. */
static void test_illegal_moves(void **state)
{
	int s, ev;

	(void)state;
	for (s = 0; s < JOURNAL__COUNT; s++)
		for (ev = 0; ev < JOURNAL_EV__COUNT; ev++)
			if (!is_listed((enum journal_state)s, (enum journal_event)ev))
				assert_int_equal(journal_next((enum journal_state)s,
							      (enum journal_event)ev),
						 JOURNAL_ILLEGAL);
	for (ev = 0; ev < JOURNAL_EV__COUNT; ev++)
		assert_int_equal(journal_next(JOURNAL_DONE, (enum journal_event)ev),
				 JOURNAL_ILLEGAL);
	assert_int_equal(journal_next(JOURNAL__COUNT, JOURNAL_EV_SEND), JOURNAL_ILLEGAL);
	assert_int_equal(journal_next(JOURNAL_PLANNED, JOURNAL_EV__COUNT), JOURNAL_ILLEGAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(journal_state_name(JOURNAL_VERIFY), "to verify");
	assert_string_equal(journal_event_name(JOURNAL_EV_REQUEUE), "requeue");
	assert_string_equal(journal_event_name(JOURNAL_EV__COUNT), "unknown");
}

static void test_state_round_trip(void **state)
{
	struct journal_state_rec in, out;
	struct errinfo info = { ERR_OK, "" };
	struct buf b;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.state = JOURNAL_FAILED;
	in.step = 1;
	in.fp = 0x0123456789abcdefull;
	in.attempts = 300;
	in.status = 422;
	strcpy(in.id, "c-42");
	strcpy(in.message, "invalid number");
	in.sent = 1796342400;	/* 2026-12-01T00:00:00Z */
	buf_init(&b, 0);
	assert_int_equal(journal_state_encode(&in, &b), ERR_OK);
	/* a record of before the send time was kept: the same, sent unknown */
	assert_int_equal(journal_state_decode(&out, b.data, b.len - 5, &info), ERR_OK);
	assert_int_equal(out.attempts, in.attempts);
	assert_string_equal(out.message, in.message);
	assert_true(out.sent == 0);
	assert_int_equal(journal_state_decode(&out, b.data, b.len, &info), ERR_OK);
	assert_true(out.sent == in.sent);
	assert_int_equal(out.state, in.state);
	assert_int_equal(out.step, in.step);
	assert_true(out.fp == in.fp);
	assert_int_equal(out.attempts, in.attempts);
	assert_int_equal(out.status, in.status);
	assert_string_equal(out.id, in.id);
	assert_string_equal(out.message, in.message);
	/* a state past the table is corrupt */
	((unsigned char *)b.data)[1] = JOURNAL__COUNT;
	assert_int_equal(journal_state_decode(&out, b.data, b.len, &info), ERR_STORE_CORRUPT);
	buf_free(&b);
}

/* A plan record: decoded as encoded, and its header read on its own. */
static void test_plan_round_trip(void **state)
{
	struct contact c;
	struct plan_change ch = { "first_name", { "", 0 }, { "Ada", 3 } };
	struct plan_entry e = { PLAN_CREATE, "+14155550100", &c, NULL, &ch, 1 };
	struct journal_op op;
	struct errinfo info = { ERR_OK, "" };
	enum plan_op pop;
	enum write_kind kind;
	struct buf b;

	(void)state;
	contact_init(&c);
	strcpy(c.phone, "+14155550100");
	c.first_name = (struct str){ "Ada", 3 };
	c.opted_out = TRI_TRUE;
	buf_init(&b, 0);
	memset(&op, 0, sizeof(op));
	assert_int_equal(journal_plan_encode(&e, WRITE_CREATE, JOURNAL_FOLLOW_OPTOUT, &b), ERR_OK);
	assert_int_equal(journal_plan_decode(&op, b.data, b.len, &info), ERR_OK);
	assert_int_equal(op.op, PLAN_CREATE);
	assert_int_equal(op.kind, WRITE_CREATE);
	assert_int_equal(op.flags, JOURNAL_FOLLOW_OPTOUT);
	assert_true(op.desired.len > 0);
	assert_int_equal(op.remote.len, 0);
	assert_int_equal(op.nchanges, 1);
	assert_string_equal(op.changes[0].field, "first_name");
	assert_true(str_eq(op.changes[0].after, ch.after));

	assert_int_equal(journal_plan_op(b.data, b.len, &pop), 0);
	assert_int_equal(pop, PLAN_CREATE);
	assert_int_equal(journal_plan_kind(b.data, b.len, &kind), 0);
	assert_int_equal(kind, WRITE_CREATE);
	assert_int_equal(journal_plan_op(b.data, 1, &pop), -1);
	assert_int_equal(journal_plan_kind(b.data, 2, &kind), -1);
	assert_int_equal(journal_plan_kind(b.data, 3, &kind), 0);

	/* the same entry sent another way is another operation */
	{
		struct journal_op op2;
		struct buf b2;

		memset(&op2, 0, sizeof(op2));
		buf_init(&b2, 0);
		assert_int_equal(journal_plan_encode(&e, WRITE_CREATE, 0, &b2), ERR_OK);
		assert_int_equal(journal_plan_decode(&op2, b2.data, b2.len, &info), ERR_OK);
		assert_true(op2.fp != op.fp);
		journal_op_free(&op2);
		buf_free(&b2);
	}
	/* cut short: corrupt, not read past the end */
	assert_int_equal(journal_plan_decode(&op, b.data, b.len - 1, &info), ERR_STORE_CORRUPT);
	journal_op_free(&op);
	buf_free(&b);
	contact_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legal_moves),
		cmocka_unit_test(test_illegal_moves),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_plan_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
