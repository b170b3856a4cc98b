/*
 * status: what the store says of a profile, for `contactsync status`: its
 * snapshot (size, age), and where its last plan stands in the journal
 * (operations done, failed, still pending: planned, in flight, or to
 * verify, including those no run has reached yet).
 */
#ifndef CONTACTSYNC_STATUS_H
#define CONTACTSYNC_STATUS_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "store.h"

struct status_profile {
	int has_snapshot;
	uint64_t snapshot_contacts;
	int64_t snapshot_time;		/* Unix seconds; 0 unknown */
	uint64_t planned;		/* operations in the last plan */
	uint64_t done, failed, pending;
};

enum err status_profile(struct store *st, const char *profile, struct status_profile *out,
			struct errinfo *info);

/* The disk space of the store's data file in bytes; 0 when it cannot be read. */
uint64_t status_store_bytes(const struct store *st);

/*
 * One line for the run record `run` (runlog.h), as `status` lists runs:
 *   "    ID  COMMAND [from 'A'] [(dry run)]  START  Ns  exit N (words)[:
 *    create N, update N, opt-out N, delete N; failed N]"
 * A record of another shape (an older or damaged one) prints what it has,
 * "?" for a missing text and 0 for a missing number.
 */
void status_print_run(FILE *fp, json_t *run);

#endif
