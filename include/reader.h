/*
 * reader: the family of contact-file readers, as the core (ingest) sees it.
 *
 * One `const struct reader` per format, in the format's own file under
 * src/read/ (csvin.c, xlsxin.c, odsin.c, xlsin.c, xmlssin.c, htmlin.c,
 * vcardin.c, jsonin.c), with designated initialisers and NULL for what the
 * format cannot do; the member's state is the `void *priv` its open returns,
 * which the core never looks into. reader_detect (src/read/reader.c) holds the one table
 * of readers, in the order their probes are asked.
 *
 * Adding a format: one new file defining its `const struct reader` (and its
 * probe), and one row in reader.c's table.
 *
 * Every reader hands out rows as row.h describes (borrowed until the next
 * call); after an error other than ERR_NOT_FOUND it can only be closed.
 */
#ifndef CONTACTSYNC_READER_H
#define CONTACTSYNC_READER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "row.h"

struct unzip;

/* The options of every reader; each reads what concerns it. */
struct reader_opts {
	char delimiter;			/* CSV: 0 = detect */
	const char *encoding;		/* CSV: NULL = detect */
	size_t max_row_bytes, max_cells;	/* CSV: 0 = csvin's defaults */
	const struct sheet_opts *sheet;	/* spreadsheets: sheet and caps */
};

/* How many of a file's first bytes the probes see: enough for the marks
 * of the text formats (an XML spreadsheet's namespace after its prolog). */
#define READER_PROBE_HEAD 4096

/* What a probe sees of a file (borrowed for the call). */
struct reader_probe {
	const char *path, *name;	/* name: for messages */
	const unsigned char *head;	/* the first bytes */
	size_t n;			/* how many (up to READER_PROBE_HEAD) */
	struct unzip *zip;		/* open when the file is a zip, else NULL */
	int ole;			/* the file is an OLE (CFB) container */
};

struct reader {
	/* the format as messages and --debug name it ("CSV", "XLSX") */
	const char *name;
	/*
	 * Records that describe themselves (JSON lines): each row is one
	 * record in its one cell, there is no header row, and ingest maps it
	 * by its keys. 0: a table whose header names the columns.
	 */
	int records;
	/*
	 * Whether the file is this reader's: 1 yes, 0 no; -1 when it is of
	 * this format but cannot be read (encrypted), with info set.
	 */
	int (*probe)(const struct reader_probe *p, struct errinfo *info);
	/* Opens path (name for messages); *priv is the reader's state. */
	enum err (*open)(void **priv, const char *path, const char *name,
			 const struct reader_opts *o, struct errinfo *info);
	/* Next row: ERR_OK, ERR_NOT_FOUND at the end, or an error. */
	enum err (*next)(void *priv, struct row *row, struct errinfo *info);
	/* The sheet being read (borrowed); NULL: the format has no sheets. */
	const char *(*sheet)(void *priv);
	/*
	 * Sheets other than the one read that may hold data: their number,
	 * up to max of their names in names (borrowed). NULL: the reader
	 * cannot tell (ODS is read as a stream) or has no sheets.
	 */
	size_t (*other_sheets)(void *priv, const char **names, size_t max);
	/*
	 * Moves on to the next visible worksheet after the one being read,
	 * in workbook order, whatever is left of the current one: ERR_OK and
	 * next() reads its rows (sheet() names it), ERR_NOT_FOUND when there
	 * is none, or an error. NULL: the format has no sheets.
	 */
	enum err (*next_sheet)(void *priv, struct errinfo *info);
	/* Bytes of the file read so far, for progress (0: not known). NULL:
	 * the reader cannot tell (a workbook is inflated as it is read). */
	uint64_t (*offset)(void *priv);
	/* Once the whole file was read: a warning about it into msg (name
	 * for the message), 1 when there is one. NULL: never any. */
	int (*note)(void *priv, const char *name, char *msg, size_t cap);
	/*
	 * 1 when column col of the header is one the reader made up and that
	 * is a custom field only when --columns names it (vCard's E-mail and
	 * Note: a card's every property is not a column the user chose). NULL:
	 * every column is the file's own.
	 */
	int (*opt_in)(void *priv, size_t col);
	void (*close)(void *priv);
};

/*
 * The reader for `path` (`name` for messages), by content first (zip and
 * OLE signatures, an XML spreadsheet's or an HTML page's first tags,
 * BEGIN:VCARD, a JSON object at the start) and by name only where
 * content cannot tell (".json" files). ERR_IO when it cannot be read;
 * ERR_FORMAT for a password-protected (encrypted) Office file or a zip no
 * reader takes.
 */
enum err reader_detect(const char *path, const char *name, const struct reader **out,
		       struct errinfo *info);

/* Parses a --delimiter value into reader_opts.delimiter: ",", ";", "|",
 * "\t", "tab", "TAB". Returns 0 on success, -1 otherwise. */
int reader_parse_delimiter(const char *s, char *out);

/* 1 when `name` is an encoding a CSV file can be read in (--encoding):
 * any name iconv knows. */
int reader_encoding_known(const char *name);

/* The CSV member, for those who read CSV that contactsync wrote itself
 * (report reads the results files); the other members are reached only
 * through reader_detect, and each is declared where it is listed. */
extern const struct reader reader_csv;

#endif
