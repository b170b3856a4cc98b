/*
 * diff: the plan that makes a provider's account match the desired set.
 *
 * A merge of two ordered cursors (the desired set and the profile's remote
 * snapshot, both keyed by E.164), so memory does not depend on the number
 * of contacts. Each desired contact is first projected through the driver
 * (provider.h) and only the fields the provider stores are compared.
 *
 * Rules:
 *   - an empty desired field is no opinion: it never clears a remote value
 *     (a missing column must not wipe an account);
 *   - opt-outs propagate in every mode; an opted-out remote contact is
 *     never re-subscribed (kept_opted_out counts those the list says
 *     otherwise); a desired opted-out contact that is not remote is created
 *     opted out where the provider can set opt-out, and not created at all
 *     where it cannot (never subscribe a person who said stop);
 *   - a provider without opt-out (altum, atom) gets an opt-out planned only
 *     when the profile's optout_action says what it means (delete, or
 *     atom's suppress_book); with `skip` it is counted, not planned;
 *   - a number once removed as opted out (the `optouts` table) is never
 *     created again, and an opted-out remote contact is never deleted or
 *     re-subscribed: it is the provider's record of the opt-out;
 *   - modes: insert plans creates, update plans updates, upsert both,
 *     mirror also deletes remote contacts missing from the desired set;
 *     missing_optout opts them out instead.
 */
#ifndef CONTACTSYNC_DIFF_H
#define CONTACTSYNC_DIFF_H

#include <stdint.h>

#include "change.h"
#include "config.h"
#include "contact.h"
#include "err.h"
#include "provider.h"
#include "store.h"

enum diff_mode { DIFF_INSERT, DIFF_UPDATE, DIFF_UPSERT, DIFF_MIRROR };

struct diff_params {
	enum diff_mode mode;
	int missing_optout;	/* remote contacts not in the list: opt them out */
	const char *optouts;	/* table of numbers removed as opted out, or NULL */
	const char *desired;	/* the desired set's dataset; NULL: "desired"
				   (migrate: "migrate:<profile>") */
};

#define PLAN_OP_LIST(X)                 \
	X(PLAN_CREATE, "create")        \
	X(PLAN_UPDATE, "update")        \
	X(PLAN_DELETE, "delete")        \
	X(PLAN_OPT_OUT, "opt-out")      \
	X(PLAN_UNCHANGED, "unchanged")

enum plan_op {
#define PLAN_ENUM_(c, s) c,
	PLAN_OP_LIST(PLAN_ENUM_)
#undef PLAN_ENUM_
	PLAN__COUNT
};

struct plan_entry {
	enum plan_op op;
	const char *phone;
	const struct contact *desired;		/* projected; NULL for delete */
	const struct remote_contact *remote;	/* NULL for create */
	const struct plan_change *changes;
	size_t nchanges;
};

struct diff_stats {
	uint64_t ops[PLAN__COUNT];
	uint64_t skipped_by_mode;	/* creates/updates the mode leaves out */
	uint64_t remote_only;		/* remote contacts kept (not mirror) */
	uint64_t kept_opted_out;	/* remote opted out, list says not: left opted out */
	uint64_t optout_unsupported;	/* desired opted out, provider cannot say so */
	uint64_t not_created_opted_out;	/* opted out and not remote: not created */
	uint64_t remote_invalid;	/* remote numbers that are not E.164 */
	uint64_t unmapped_custom;	/* contacts with custom fields the provider cannot hold */
	uint64_t optout_records_kept;	/* opted-out remote contacts not in the list: kept */
	uint64_t removed_opted_out;	/* removed earlier as opted out: not created again */
};

const char *plan_op_name(enum plan_op op);
/* "insert" … into *mode; -1 when unknown. */
int diff_parse_mode(const char *s, enum diff_mode *mode);

/*
 * Runs the diff in one read transaction. emit is called for every planned
 * operation (not for unchanged contacts); its entry is borrowed for the
 * call. remote_dataset is snapshot_dataset(profile).
 */
enum err diff_run(struct store_read *rd, const char *remote_dataset,
		  const struct profile *p, const struct provider *drv,
		  const struct diff_params *dp,
		  enum err (*emit)(void *ctx, const struct plan_entry *e,
				   struct errinfo *info),
		  void *ctx, struct diff_stats *stats, struct errinfo *info);

#endif
