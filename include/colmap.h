/*
 * colmap: which input column feeds which contact field.
 *
 * Built from the header row. Headers are matched case-, space- and
 * punctuation-insensitively against synonym lists ("Mobile Number",
 * "mobile_number" and "MobileNumber" are the same); when several columns
 * match one field, the strongest synonym wins ("Phone" beats "Number"),
 * then the leftmost column. `--map FIELD=COLUMN` overrides the automatic
 * choice; FIELD may also be any other name, which makes COLUMN the custom
 * field FIELD. Every column not used for a standard field becomes a custom
 * field keyed by its (cleaned) header; an empty header becomes
 * `column_N`, and a repeated header gets ` (2)`, ` (3)` … so no column is
 * silently dropped.
 */
#ifndef CONTACTSYNC_COLMAP_H
#define CONTACTSYNC_COLMAP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "row.h"

enum field {
	FIELD_PHONE,
	FIELD_NAME,
	FIELD_FIRST_NAME,
	FIELD_LAST_NAME,
	FIELD_COMPANY,
	FIELD_TAGS,
	FIELD_OPTED_OUT,
	FIELD_COUNTRY,
	FIELD__STD,		/* number of standard fields */
	FIELD_CUSTOM = FIELD__STD,
	FIELD_PHONE_TYPE,	/* the type cell of a typed pair: read, not pushed */
	FIELD_IGNORED,		/* --ignore, or not allowed by --columns */
};

/* The role of a phone column, strongest (for SMS) first. */
enum phone_role {
	ROLE_MOBILE, ROLE_GENERIC, ROLE_HOME, ROLE_WORK, ROLE_OTHER,
	ROLE_FAX,	/* fax, pager: never a contact's number (from a type cell) */
	ROLE_BY_TYPE,	/* read per row from the cell in type_col[i] */
};

struct colmap_override {
	const char *field;	/* "phone", "first_name", ... or a custom key */
	const char *column;	/* header text (exact or loosely matched) */
};

struct colmap_opts {
	const struct colmap_override *maps;
	size_t nmaps;
	const char *const *columns;	/* allow-list of custom columns; NULL: all */
	size_t ncolumns;
	const char *const *ignore;
	size_t nignore;
};

struct colmap {
	size_t ncols;
	enum field *field;	/* per column */
	char **key;		/* per column: custom field key (owned), or NULL */
	enum phone_role *role;	/* per column, for FIELD_PHONE */
	long *type_col;		/* per column: ROLE_BY_TYPE's type column, else -1 */
	long col[FIELD__STD];	/* column of each standard field, or -1 */
	size_t nphones;
	int optout_consent;
	char **warnings;	/* owned messages about duplicate headers etc. */
	size_t nwarnings;
};

/* Field name as used by --map and the export header ("first_name"). */
const char *colmap_field_name(enum field f);
/* Standard field for a --map name, or FIELD_CUSTOM when it is not one. */
enum field colmap_field_lookup(const char *name);

/*
 * Builds the map for a header row. `file` names the input in messages.
 * ERR_USAGE when an override names a column that does not exist;
 * ERR_CONFIG when no phone column can be found (both list the headers).
 */
enum err colmap_build(struct colmap *m, const struct row *header,
		      const struct colmap_opts *o, const char *file, struct errinfo *info);
enum phone_role colmap_role_of_type(const char *s, size_t len);
const char *colmap_role_name(enum phone_role r);
enum err colmap_check_field(const char *field, struct errinfo *info);
enum err colmap_describe(const struct colmap *m, size_t col, struct buf *out);
void colmap_free(struct colmap *m);

#endif
