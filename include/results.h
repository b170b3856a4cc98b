/*
 * results: the files a push leaves for people to inspect a run.
 *
 *   success.csv   operation, phone, id, source_file, source_row, attempts, note
 *   errors.csv    operation, phone, source_file, source_row, http_status,
 *                 message, attempts
 *   skipped.csv   operation, phone, source_file, source_row, reason
 *   before.jsonl  {"op","phone","id","book","before":{contact}} for every
 *                 contact the run changes or deletes, written before the
 *                 request goes out, so a bad run can be inspected and undone
 *   changes.csv   operation, phone, id, field, before, after: a row per
 *                 field each done operation changed (a delete: one row
 *                 without a field)
 *
 * Rows are appended as the run goes (a killed run leaves what it did so
 * far); messages are the HTTP layer's, already redacted.
 */
#ifndef CONTACTSYNC_RESULTS_H
#define CONTACTSYNC_RESULTS_H

#include <stdint.h>

#include "err.h"
#include "provider.h"

struct results;

/* Where a contact came from: file name ("" when unknown) and row (0). */
struct results_src {
	const char *file;
	uint64_t row;
};

/* Creates dir and its parents (mode 0700) when missing. */
enum err results_mkdir(const char *dir, struct errinfo *info);

/* Creates dir (and its parents, mode 0700) and the five files. */
enum err results_open(struct results **out, const char *dir, struct errinfo *info);

void results_success(struct results *r, const char *op, const char *phone, const char *id,
		     struct results_src src, unsigned long attempts, const char *note);
void results_change(struct results *r, const char *op, const char *phone, const char *id,
		    const char *field, struct str before, struct str after);
void results_error(struct results *r, const char *op, const char *phone,
		   struct results_src src, long status, const char *message,
		   unsigned long attempts);
void results_skipped(struct results *r, const char *op, const char *phone,
		     struct results_src src, const char *reason);
void results_before(struct results *r, const char *op, const struct remote_contact *rc);

/* Flushes and syncs every file, closes them; ERR_IO when any write failed. */
enum err results_close(struct results *r, struct errinfo *info);

#endif
