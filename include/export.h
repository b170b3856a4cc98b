/*
 * export: a dataset of the store, the desired set or a profile's remote
 * snapshot, written as CSV, JSON lines (one object per line) or an XLSX
 * workbook. CSV and XLSX share one definition of the columns (put_row),
 * so the two can never disagree: phone, name, first_name, last_name,
 * company, tags (joined with ';'), opted_out (true, false or empty), then
 * one column per custom field, sorted. A remote snapshot's invalid number
 * keeps its raw value in the phone column. XLSX cells are all text, on
 * sheet 'Contacts' (continued on 'Contacts (2)' … past a sheet's rows).
 *
 * The dataset is read in one read transaction per pass (CSV and XLSX make
 * two: the custom fields first); memory grows with the number of distinct
 * custom fields, not with contacts.
 */
#ifndef CONTACTSYNC_EXPORT_H
#define CONTACTSYNC_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "store.h"

enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_XLSX };

/* "csv", "json" or "xlsx" → *out; -1 for another word. */
int export_format_parse(const char *name, enum export_format *out);

/* 1 when name is a dataset export reads: STORE_DESIRED, or
 * STORE_REMOTE_PREFIX and a profile name; else 0. */
int export_is_dataset(const char *name);

/* ERR_USAGE, with a message saying to pull first, for a remote snapshot
 * that was never pulled (an error, not an empty export). */
enum err export_check_dataset(struct store *st, const char *dataset, struct errinfo *info);

/* CSV or JSON lines to fp; ERR_IO when a write to fp failed. */
enum err export_stream(struct store *st, const char *dataset, enum export_format format,
		       FILE *fp, struct errinfo *info);

/* What export_xlsx wrote. */
struct export_stats {
	uint64_t rows;			/* contacts written */
	unsigned sheets;
	uint64_t truncated;		/* values cut to a cell's XLSXOUT_MAX_CELL */
	char first_truncated[160];	/* "'Contacts (2)'!J5", or "" */
	char *truncated_column;		/* the first cut value's column: new
					 * (export_stats_free), NULL when none */
};

/*
 * The workbook at path (`name` in messages; libxlsxwriter's temporary
 * files go beside name). A value cut to fit a cell is counted in stats:
 * the file is then complete but does not hold everything. stats is filled
 * on success; release it with export_stats_free either way.
 */
enum err export_xlsx(struct store *st, const char *dataset, const char *path,
		     const char *name, struct export_stats *stats, struct errinfo *info);

void export_stats_free(struct export_stats *s);

#endif
