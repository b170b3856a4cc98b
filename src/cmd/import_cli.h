/*
 * import_cli: the import options and report, shared by `import` and `sync`
 * (one table, one parser, one report, so both commands accept, document and
 * print them alike), as push_cli is for the push options.
 */
#ifndef CONTACTSYNC_IMPORT_CLI_H
#define CONTACTSYNC_IMPORT_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "colmap.h"
#include "err.h"
#include "ingest.h"
#include "opts.h"

/* Option ids in the table are IMPORT_CLI_ID_BASE up to IMPORT_CLI_ID_END - 1,
 * clear of push_cli's (PUSH_CLI_ID_BASE and above), so a command can parse
 * both tables at once. */
#define IMPORT_CLI_ID_BASE 0
#define IMPORT_CLI_ID_END 100

/* Terminated by an entry with lng == NULL. */
extern const struct opt import_cli_options[];

/* Help text listing the reject reasons, for a footer (a literal, so a
 * command can append it to its own). */
#define IMPORT_CLI_REASONS_HELP                                                          \
	"reject reasons: empty, not_a_number, invalid_country_code, too_short, too_long,\n" \
	"  invalid_for_region, no_region, bad_opt_out, unknown_country, too_many_cells,\n" \
	"  bad_encoding, bad_json\n"

/* A list of names (owned). */
struct import_cli_list {
	char **v;
	size_t n;
};

struct import_cli {
	struct ingest_opts in;		/* what ingest_files takes; warnings go to the log */
	char region[3];			/* in.region points here */
	struct colmap_override *maps;	/* --map; in.maps points here. Fields
					   owned, columns borrowed from argv */
	size_t nmaps;
	struct import_cli_list columns, ignore;	/* --columns, --ignore */
	struct ingest_header_row *header_rows;	/* --header-row FILE=N; files
						   borrowed from argv */
	int show_map;			/* --show-map */
	int phones_given;		/* --phones: the profile's does not apply */
	int max_rejects_given;		/* --max-rejects: nor does its max_rejects */
	struct import_cli_list custom;	/* the custom fields the files give */
};

void import_cli_init(struct import_cli *o);
void import_cli_free(struct import_cli *o);

/* --max-rejects when not given: 50% of the rows read, in hundredths of a
 * percent (limit.h). */
#define IMPORT_CLI_MAX_REJECTS_SHARE 5000

/* Handles one option of import_cli_options (-1 with info on a bad value). */
int import_cli_option(struct import_cli *o, int id, const char *arg, struct errinfo *info);

/* The profile's settings (phones, columns, ignore) where the command line
 * did not say otherwise: -1 with info on a bad value. */
int import_cli_profile(struct import_cli *o, const char *phones, const char *columns,
		       const char *ignore, struct errinfo *info);

/* The profile's max_rejects, unless --max-rejects was given or l says
 * nothing (LIMIT_NONE). */
void import_cli_profile_max_rejects(struct import_cli *o, const struct limit *l);

/*
 * ingest_files as `import` and `sync` run it: a status line on a terminal
 * while rows are read, phase_start and phase_end events (profile: the
 * profile a sync imports for, or NULL).
 */
enum err import_cli_run(struct store *st, struct import_cli *o, const char *const *files,
			size_t nfiles, const char *profile, struct ingest_stats *stats,
			struct errinfo *info);

/* The import's counts: rows, the desired set, rejects by reason. */
void import_cli_report(FILE *fp, const struct import_cli *o, const struct ingest_stats *s);
/*
 * Rejected rows, as one warning line that -q still shows ("3 of 120 rows
 * rejected: they are in '…'"): they are reported, not failed, so they do
 * not change the exit status, and a cron job's log still says so.
 * Nothing when no row was rejected.
 */
void import_cli_warn_rejects(const struct ingest_stats *s);
/* The same counts as a JSON object (new reference): rows_read, staged,
 * merged, rejected, blank, total and rejected_by (reason code → rows),
 * plus the rejects file when one was written. */
json_t *import_cli_stats_json(const struct import_cli *o, const struct ingest_stats *s);

#endif
