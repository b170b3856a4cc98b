/*
 * ingest_sheets: which sheets of a workbook an import reads, and how.
 *
 *   no --sheet       the first visible worksheet, then every later one
 *                    whose first row is that sheet's header: export
 *                    continues a table past Excel's 1,048,576 rows on
 *                    "Contacts (2)" ... with the header again, and half a
 *                    backup must never pass for all of it. A later sheet
 *                    with anything else is named in a warning, not read.
 *   --sheet NAME|N   that sheet only; later sheets with its header are
 *                    counted (stats sheets_unread: reported, as rejects are) and
 *                    named in a warning.
 *   --sheet all      every visible worksheet, each with its own header.
 *   --sheet A,B      those sheets (names or numbers), in that order, each
 *                    with its own header, like several files. A name with
 *                    a comma in it is tried whole first.
 *
 * The rows of a sheet are named FILE:SHEET in messages and rejects
 * (_source, which an import of the rejects ignores), except those of the
 * one sheet read by default, which stay FILE as before; row numbers are
 * the sheet's own.
 */
#include "ingest_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"
#include "quote.h"

/* Sheets named in a warning: the first few of them (quote.h), and how
 * many. */
struct sheet_list {
	struct buf names;
	struct quote_list q;
};

static void list_init(struct sheet_list *l)
{
	buf_init(&l->names, 0);
	quote_list_init(&l->q, &l->names);
}

static void list_add(struct sheet_list *l, const char *name)
{
	quote_list_add(&l->q, name, strlen(name));
}

/* "FILE:SHEET", new string; NULL when out of memory. */
static char *label_of(const char *fname, const char *sheet)
{
	char *s;

	return asprintf(&s, "%s:%s", fname, sheet ? sheet : "?") < 0 ? NULL : s;
}

/* The current sheet's rows under their FILE:SHEET label. */
static enum err read_labelled(struct ingest *in, uint32_t idx, const char *fname,
			      const struct row *pending)
{
	char *label = label_of(fname, in->cur.reader->sheet(in->cur.priv));
	enum err e;

	if (!label)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	e = ingest_rows(in, idx, label, pending, NULL);
	free(label);
	return e;
}

/* The sheet's first non-blank row into row; *has 0 when it has none. */
static enum err first_row(struct ingest *in, struct row *row, int *has)
{
	enum err e;

	*has = 0;
	while (!(e = in->cur.reader->next(in->cur.priv, row, in->info)))
		if (!row_is_blank(row)) {
			*has = 1;
			return ERR_OK;
		}
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/*
 * After the first sheet (found: it had a header): the later sheets that
 * start with its header are read (explicit 0) or counted as unread
 * (explicit 1); those that start with something else go in others.
 */
static enum err later_sheets(struct ingest *in, uint32_t idx, const char *fname, int found,
			     int explicit, struct sheet_list *same, struct sheet_list *others)
{
	const struct reader *rd = in->cur.reader;
	struct row row;
	int has;
	enum err e;

	while (!(e = rd->next_sheet(in->cur.priv, in->info))) {
		const char *sheet = rd->sheet(in->cur.priv);

		if ((e = first_row(in, &row, &has)))
			break;
		if (!has)
			continue;
		if (!found || !ingest_is_header(in, &row)) {
			list_add(others, sheet);
		} else if (explicit) {
			list_add(same, sheet);
			in->s->sheets_unread++;
		} else {
			if (in->o->debug)
				in->o->debug(in->o->warn_ctx, fname, sheet);
			if ((e = read_labelled(in, idx, fname, &row)))
				break;
		}
	}
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/*
 * The warnings about later sheets not read, hint first: those with the
 * first sheet's header (--sheet named one), and, by default, those with
 * another header.
 */
static enum err warn_unread(struct ingest *in, const char *fname, const char *first,
			    int explicit, struct sheet_list *same, struct sheet_list *others)
{
	struct buf msg;
	enum err e = ERR_OK;

	buf_init(&msg, 0);
	if (same->q.total && !(e = quote_list_end(&same->q))) {
		buf_printf(&msg, "'%s': only sheet ", fname);
		quote_str(&msg, first);
		buf_printf(&msg, " was read (read the others with --sheet all or --sheet NAME,NAME); "
			   "%zu later sheet%s with the same header %s not: %s",
			   same->q.total, same->q.total == 1 ? "" : "s",
			   same->q.total == 1 ? "was" : "were", buf_str(&same->names));
		hook_say(in->o->warn, in->o->warn_ctx, "%s", buf_str(&msg));
	}
	if (!e && others->q.total && !explicit && !(e = quote_list_end(&others->q))) {
		buf_reset(&msg);
		buf_printf(&msg, "'%s': %zu sheet%s with another header than ", fname,
			   others->q.total, others->q.total == 1 ? "" : "s");
		quote_str(&msg, first);
		buf_printf(&msg, " %s not read (read them with --sheet all or --sheet NAME,NAME): %s",
			   others->q.total == 1 ? "was" : "were", buf_str(&others->names));
		hook_say(in->o->warn, in->o->warn_ctx, "%s", buf_str(&msg));
	}
	buf_free(&msg);
	return e ? err_set(in->info, e, "out of memory") : ERR_OK;
}

/* No --sheet, or one sheet: it, then what the later sheets hold. */
static enum err read_one(struct ingest *in, uint32_t idx, const char *fname, int explicit)
{
	struct sheet_list same, others;
	const char *first = in->cur.reader->sheet(in->cur.priv);
	char *name = strdup(first ? first : "?");
	int found;
	enum err e;

	if (!name)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	list_init(&same);
	list_init(&others);
	e = ingest_rows(in, idx, fname, NULL, &found);
	if (!e && in->cur.reader->next_sheet)
		e = later_sheets(in, idx, fname, found, explicit, &same, &others);
	if (!e)
		e = warn_unread(in, fname, name, explicit, &same, &others);
	buf_free(&same.names);
	buf_free(&others.names);
	free(name);
	return e;
}

/* --sheet all: every visible worksheet, each with its own header. */
static enum err read_all(struct ingest *in, uint32_t idx, const char *fname)
{
	const struct reader *rd = in->cur.reader;
	enum err e;

	while (!(e = read_labelled(in, idx, fname, NULL)) && rd->next_sheet &&
	       !(e = rd->next_sheet(in->cur.priv, in->info)))
		if (in->o->debug)
			in->o->debug(in->o->warn_ctx, fname, rd->sheet(in->cur.priv));
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* --sheet A,B: each sheet listed opened in turn (a reader moves only
 * forward through its sheets, and the list need not be in order). */
static enum err read_list(struct ingest *in, const struct reader *rd, const char *path,
			  uint32_t idx, const char *fname, const char *spec)
{
	char *copy = strdup(spec), *item, *save = NULL;
	enum err e = ERR_OK;

	if (!copy)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	for (item = strtok_r(copy, ",", &save); item && !e; item = strtok_r(NULL, ",", &save)) {
		e = ingest_open(in, rd, path, fname, item);
		if (e)
			break;
		e = read_labelled(in, idx, fname, NULL);
		ingest_close(in, fname, e);
	}
	free(copy);
	return e;
}

enum err ingest_sheets(struct ingest *in, const struct reader *rd, const char *path,
		       uint32_t idx, const char *fname)
{
	const char *spec = in->o->sheet.sheet;
	int all = spec && !strcmp(spec, "all");
	enum err e;

	e = ingest_open(in, rd, path, fname, all ? NULL : spec);
	if (e == ERR_NOT_FOUND && spec && strchr(spec, ','))
		return read_list(in, rd, path, idx, fname, spec);
	if (e)
		return e;
	e = all ? read_all(in, idx, fname) : read_one(in, idx, fname, spec != NULL);
	ingest_close(in, fname, e);
	return e;
}
