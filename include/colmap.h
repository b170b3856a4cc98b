/*
 * colmap: which input column feeds which contact field.
 *
 * Built from the header row. Headers are matched case-, space- and
 * punctuation-insensitively (text_header_key: "Mobile Number",
 * "mobile_number" and "MobileNumber" are the same) against the words of
 * real exports (Google Contacts, Outlook, HubSpot, Salesforce, Shopify,
 * Mailchimp, Zoho: src/colmap_words.c says which comes from where).
 *
 * Phone columns: every phone-like header is a FIELD_PHONE column with a
 * role (mobile, phone, home, work, other); a header ending in a number
 * ("Business Phone 2") is matched without it. Google's typed pairs
 * (`Phone 1 - Type` or `- Label` beside `Phone 1 - Value`) give the value
 * column ROLE_BY_TYPE: its role is read per row from the type cell
 * (colmap_role_of_type). Fax, pager, telex and TTY columns are never a
 * contact's number: they stay custom fields. `phones` lists the phone
 * columns strongest (for SMS) first: those named by `--map phone=COLUMN`
 * (in the order given; such a column counts as mobile), then mobile, then
 * generic and by-type, home, work, other; within a role the stronger
 * header word, then the leftmost column. A phone column that does not
 * give the contact's number keeps its numbers as the custom field key[i].
 *
 * The other standard fields take one column each: the strongest synonym,
 * then the leftmost. Opt-out: an SMS-specific column beats a generic one,
 * an opt-out beats a consent column ("Accepts SMS Marketing": values read
 * inverted, optout_consent); e-mail opt-outs and e-mail consent ("Email
 * Opt Out", Shopify's "Accepts Email Marketing") are never used. Every
 * opt-out-looking column that is not used stays custom, with a warning.
 *
 * `--map FIELD=COLUMN` overrides the automatic choice of FIELD (which is
 * undone); `--map custom:KEY=COLUMN` (or the old form, any name that is
 * not close to a field's: colmap_check_field) makes COLUMN the custom
 * field KEY. A --map is never undone by --columns or --ignore.
 * `--columns` is an allow-list of custom columns, `--ignore` a deny-list;
 * both also decide whether a phone column's numbers are kept (key[i]),
 * and an --ignore'd column that was a standard field's automatic choice
 * leaves that field unread. Names are matched as --map's columns are:
 * the exact (cleaned) header, else the loose key.
 *
 * Every other column becomes a custom field keyed by its cleaned header;
 * an empty header becomes `column_N`, and a repeated key gets ` (2)`,
 * ` (3)` … (with a warning) so no column is silently dropped.
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
	FIELD_CUSTOM = FIELD__STD,	/* pushed as a custom field under key[i] */
	FIELD_PHONE_TYPE,	/* the type cell of a typed pair (Google's "Phone 1 - Type"): read, not pushed */
	FIELD_IGNORED,		/* --ignore, or not allowed by --columns: not pushed */
};

/* The role of a phone column, strongest (for SMS) first. */
enum phone_role {
	ROLE_MOBILE,
	ROLE_GENERIC,
	ROLE_HOME,
	ROLE_WORK,
	ROLE_OTHER,
	ROLE_FAX,	/* fax, pager: never a contact's number (only from a type cell) */
	ROLE_BY_TYPE,	/* read per row from the cell in type_col[i] */
};

/* Why a column became what it is, for colmap_describe. */
enum colmap_note {
	NOTE_AUTO,		/* its header */
	NOTE_MAP,		/* --map */
	NOTE_IGNORE,		/* --ignore */
	NOTE_NOT_IN_COLUMNS,	/* --columns does not name it */
	NOTE_FAX,		/* a fax, pager ... column: custom, never a number */
	NOTE_EMAIL_OPTOUT,	/* an e-mail (or fax) opt-out or consent: custom, never the opt-out */
	NOTE_OPTOUT_UNUSED,	/* an opt-out or consent column another one beat */
};

struct colmap_override {
	const char *field;	/* "phone", "first_name", ..., "custom:KEY", or a custom key */
	const char *column;	/* header text (exact or loosely matched) */
};

struct colmap_opts {
	const struct colmap_override *maps;	/* --map */
	size_t nmaps;
	const char *const *columns;	/* --columns: allow-list of custom columns; NULL/0 = all */
	size_t ncolumns;
	const char *const *ignore;	/* --ignore */
	size_t nignore;
};

struct colmap {
	size_t ncols;
	enum field *field;	/* per column */
	char **key;		/* per column, owned: the custom key for FIELD_CUSTOM; for FIELD_PHONE the key
				   under which the column's numbers are kept as a custom field when they are not
				   the contact's number (NULL when that key is not allowed by --columns/--ignore);
				   NULL for the rest */
	enum phone_role *role;	/* per column: the role of a FIELD_PHONE column */
	long *type_col;		/* per column: for ROLE_BY_TYPE, the FIELD_PHONE_TYPE column; else -1 */
	long col[FIELD__STD];	/* the column of each single-column field, -1 when none;
				   col[FIELD_PHONE] = the first phone column (phones[0]) */
	size_t nphones;		/* FIELD_PHONE columns */
	long *phones;		/* the nphones FIELD_PHONE columns, strongest first (see above) */
	int optout_consent;	/* col[FIELD_OPTED_OUT] is a consent column (values read inverted) */
	char **header;		/* per column, owned: the cleaned header text ("" when empty) */
	unsigned char *note;	/* per column: enum colmap_note */
	char **warnings;	/* owned messages about repeated headers, unused opt-outs ... */
	size_t nwarnings;
};

/* Field name as used by --map and the export header ("first_name");
 * "custom", "phone_type", "ignored" for the rest. */
const char *colmap_field_name(enum field f);
/* Standard field for a --map name (exact), or FIELD_CUSTOM when it is not one. */
enum field colmap_field_lookup(const char *name);
/* "mobile", "phone", "home", "work", "other", "fax", "by type". */
const char *colmap_role_name(enum phone_role r);

/*
 * The role a type cell names: Google, Outlook and vCard words (Mobile,
 * Cell, "* Mobile" (Google's primary mark), Home, Work, Business, Main,
 * Other, Home Fax, Work Fax, Fax, Pager, iPhone ...); a custom label is
 * ROLE_OTHER, an empty cell ROLE_GENERIC. Case and punctuation do not
 * matter. Thread-safe (import workers call it): no state, no allocation.
 */
enum phone_role colmap_role_of_type(const char *s, size_t len);

/*
 * Checks a --map FIELD name at option time: a standard field, "custom:KEY"
 * (KEY not empty), or a name that is not close to any standard field's
 * (the old form of a custom field). Close is the same header key ("First
 * Name", "lastname", "optedout") or an edit distance (with transpositions)
 * of at most 2 (1 for the short names: phone, name, tags), so that "date"
 * or "note" stay custom while "first_nme" and "phon" are caught:
 * ERR_USAGE "--map first_nme=...: unknown field 'first_nme'; did you mean
 * 'first_name'? (a custom field is named custom:first_nme)".
 */
enum err colmap_check_field(const char *field, struct errinfo *info);

/*
 * Builds the map for a header row (see above); o may be NULL. `file`
 * names the input in messages. ERR_USAGE when a --map names a column that
 * does not exist; ERR_FORMAT when the header holds NUL bytes; ERR_CONFIG
 * when no phone column is found (exactly this code: the caller uses it to
 * look for the header further down). On error m is left empty.
 */
enum err colmap_build(struct colmap *m, const struct row *header, const struct colmap_opts *o,
		      const char *file, struct errinfo *info);

/*
 * What column col became, for --show-map and the run's mapping file,
 * appended to out as one line of text without its newline: "phone
 * (mobile)", "phone (type from 'Phone 1 - Type')", "phone type of 'Phone 1
 * - Value'", "first_name", "opted_out (consent: read inverted)", "custom
 * 'Lead Source'", "ignored (--ignore)", "ignored (not in --columns)",
 * "custom 'Fax' (fax: never a contact's number)". ERR_NOT_FOUND for a
 * column the map does not have.
 */
enum err colmap_describe(const struct colmap *m, size_t col, struct buf *out);
void colmap_free(struct colmap *m);

#endif
