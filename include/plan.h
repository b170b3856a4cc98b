/*
 * plan: the plan that makes a provider's account match the desired set.
 *
 * A merge of two ordered cursors (the desired set and the profile's remote
 * snapshot, both keyed by E.164), so memory does not depend on the number
 * of contacts. Each desired contact is first projected through the driver
 * (provider.h) and only the fields the provider stores are compared.
 *
 * Rules:
 *   - an empty desired field clears the remote value only under the
 *     blank rule `clear` (--blank, profile `blank`; the default in mode
 *     mirror, which asks for an exact copy; `keep` in the other modes),
 *     and only when the contact's source file had a column for the field
 *     (store_columns: a list without a company column says nothing about
 *     companies, and a set without a column table, such as migrate's,
 *     clears nothing). A clear is a change to "": names, company, tags
 *     (an emptied list), custom fields (a custom column present with an
 *     empty cell; a remote custom field the list has no column for is
 *     left alone). Otherwise an empty desired field is no opinion;
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
#ifndef CONTACTSYNC_PLAN_H
#define CONTACTSYNC_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "change.h"
#include "config.h"
#include "contact.h"
#include "err.h"
#include "provider.h"
#include "store.h"

enum plan_mode { PLAN_MODE_INSERT, PLAN_MODE_UPDATE, PLAN_MODE_UPSERT, PLAN_MODE_MIRROR };

/* What a push does with remote contacts missing from the desired set:
 * keep them, opt them out (missing_optout), or delete them (mode mirror). */
enum on_missing { ON_MISSING_NONE, ON_MISSING_OPTOUT, ON_MISSING_DELETE };

struct plan_params {
	enum plan_mode mode;
	int missing_optout;	/* remote contacts not in the list: opt them out */
	const char *optouts;	/* table of numbers removed as opted out, or NULL */
	const char *desired;	/* the desired set's dataset; NULL: "desired"
				   (migrate: "migrate:<profile>") */
	enum blank_rule blank;	/* --blank; BLANK_DEFAULT: the profile's, else
				   clear in mirror and keep otherwise */
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

struct plan_stats {
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
	uint64_t cleared;		/* fields planned to be cleared (--blank clear) */
};

/*
 * The statistics besides the operation counts, one row each: the counter
 * in struct plan_stats; its key in diff's JSON summary; its key in push's
 * summary where push shows it (NULL: not shown); its line in diff's text;
 * and diff's words for it, %s standing for the provider's name. The rows
 * are in the order of diff's JSON; the text came later and puts the
 * invalid remote numbers last. Keys are published: never renamed, never
 * reordered. Push's summary has called optout_unsupported
 * "optouts_not_recordable" from its first version, so the row carries
 * both names rather than renaming either.
 */
#define PLAN_STAT_LIST(X)                                                                          \
	X(PLAN_STAT_SKIPPED_BY_MODE, skipped_by_mode, "left_out_by_mode", NULL, 1,                  \
	  "left out by --mode")                                                                    \
	X(PLAN_STAT_REMOTE_ONLY, remote_only, "remote_only_kept", NULL, 2,                          \
	  "remote contacts not in the list, kept (use --mode mirror to delete)")                   \
	X(PLAN_STAT_KEPT_OPTED_OUT, kept_opted_out, "kept_opted_out", "kept_opted_out", 3,          \
	  "opted out remotely, kept opted out")                                                    \
	X(PLAN_STAT_OPTOUT_UNSUPPORTED, optout_unsupported, "optout_unsupported",                   \
	  "optouts_not_recordable", 4, "opted out in the list, but %s cannot record an opt-out")   \
	X(PLAN_STAT_NOT_CREATED_OPTED_OUT, not_created_opted_out, "not_created_opted_out", NULL, 5, \
	  "opted out and not remote, not created")                                                 \
	X(PLAN_STAT_UNMAPPED_CUSTOM, unmapped_custom, "unmapped_custom", NULL, 6,                   \
	  "contacts with custom fields %s has no place for")                                       \
	X(PLAN_STAT_REMOTE_INVALID, remote_invalid, "remote_invalid", NULL, 9,                      \
	  "remote numbers that are not valid E.164")                                               \
	X(PLAN_STAT_OPTOUT_RECORDS_KEPT, optout_records_kept, "optout_records_kept", NULL, 7,        \
	  "opted out remotely and not in the list, kept as the opt-out record")                    \
	X(PLAN_STAT_REMOVED_OPTED_OUT, removed_opted_out, "removed_opted_out", NULL, 8,             \
	  "removed earlier as opted out, not created again")                                       \
	X(PLAN_STAT_CLEARED, cleared, "fields_cleared", NULL, 10,                                  \
	  "fields cleared (empty in the list, --blank clear)")

enum plan_stat {
#define PLAN_STAT_ENUM_(id, field, key, push_key, line, words) id,
	PLAN_STAT_LIST(PLAN_STAT_ENUM_)
#undef PLAN_STAT_ENUM_
	PLAN_STAT__COUNT
};

/* A row of PLAN_STAT_LIST (static). */
struct plan_stat_row {
	const char *key;	/* diff's JSON */
	const char *push_key;	/* push's summary; NULL: not shown there */
	unsigned line;		/* 1…PLAN_STAT__COUNT: diff's text order */
	const char *words;	/* %s: the provider's name */
	size_t offset;		/* of the counter in struct plan_stats */
};

/* The row of id; NULL when out of range. */
const struct plan_stat_row *plan_stat_row(enum plan_stat id);
/* The counter id of s. */
uint64_t plan_stat_value(const struct plan_stats *s, enum plan_stat id);
/* Writes id's words with provider for %s, then ": " and its value. */
void plan_stat_print(FILE *fp, const struct plan_stats *s, enum plan_stat id,
		     const char *provider);

const char *plan_op_name(enum plan_op op);
/* "insert" … into *mode; -1 when unknown. */
int plan_parse_mode(const char *s, enum plan_mode *mode);
/* Whether empty cells clear remote values under profile p and params dp
 * (the blank rule above). */
int plan_blank_clears(const struct profile *p, const struct plan_params *dp);

/*
 * Runs the planner in one read transaction. emit is called for every planned
 * operation (not for unchanged contacts); its entry is borrowed for the
 * call. remote_dataset is snapshot_dataset(profile).
 */
enum err plan_run(struct store_read *rd, const char *remote_dataset,
		  const struct profile *p, const struct provider *drv,
		  const struct plan_params *dp,
		  enum err (*emit)(void *ctx, const struct plan_entry *e,
				   struct errinfo *info),
		  void *ctx, struct plan_stats *stats, struct errinfo *info);

#endif
