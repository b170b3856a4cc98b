/* xlsxout: tables as XLSX workbooks through libxlsxwriter (see xlsxout.h). */
#include "xlsxout.h"

#include <errno.h>
#include <minizip/unzip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xlsxwriter.h>

/* Room for the filter button the autofilter puts in every header cell. */
#define HEADER_BUTTON 2u
#define WIDTH_MIN 4u
/* Bytes of XML a non-empty cell takes at least besides its text:
 * <c r="A1" t="inlineStr"><is><t></t></is></c>, and a number cell
 * <c r="A1"><v></v></c> */
#define CELL_XML_MIN 40u
#define NUMBER_XML_MIN 20u
/* How often (rows) the temporary sheet is checked for write errors. */
#define CHECK_EVERY 65536u

struct xlsxout {
	lxw_workbook *wb;
	lxw_format *bold;
	char *path;
	char *name;		/* for messages */
	char *tmpdir;		/* libxlsxwriter may keep the pointer */
	char *sheet;		/* base name of the sheets */
	uint32_t max_rows;
	uint32_t max_cell;

	lxw_worksheet **sheets;	/* owned by wb */
	size_t table_first;	/* the current table's first sheet */
	uint64_t *xml_min;	/* per sheet: bytes its XML must at least have */
	char sheet_name[LXW_MAX_SHEETNAME_LENGTH];	/* the last one's */
	size_t nsheets, sheets_cap;
	char **header;
	size_t ncols;
	unsigned *width;	/* widest value per column, capped */

	lxw_row_t row;		/* current row on the last sheet (0 = header) */
	size_t col;		/* cells written on the current row */
	int in_row;
	struct buf text;
	struct xlsxout_stats stats;
};

/*
 * libxlsxwriter (1.1.4) ignores write errors on its temporary files: a full
 * disk gives a workbook with rows missing and no error. Two checks make
 * that an error: the stream of each sheet's temporary file, while rows are
 * written and before close, and the size of each sheet in the finished
 * zip against the least its XML can take (check_sizes).
 */
static enum err check_tmpfile(const struct xlsxout *w, lxw_worksheet *ws, int flush,
			      struct errinfo *info)
{
	if (!ws->optimize_tmpfile)
		return ERR_OK;
	if ((flush && fflush(ws->optimize_tmpfile)) || ferror(ws->optimize_tmpfile))
		return err_set(info, ERR_IO, "cannot write '%s': a temporary file in '%s' "
			       "could not be written (disk full?)", w->name,
			       w->tmpdir ? w->tmpdir : "the temporary directory");
	return ERR_OK;
}

/* libxlsxwriter's messages are sentences; ours are git-style. */
static const char *lxw_detail(lxw_error le, char *out, size_t size)
{
	size_t n;

	snprintf(out, size, "%s", lxw_strerror(le));
	n = strlen(out);
	while (n && (out[n - 1] == '.' || out[n - 1] == ' '))
		out[--n] = '\0';
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] - 'A' + 'a');
	return out;
}

/* Every lxw_error is ERR_IO naming the file; errno helps for file errors. */
static enum err lxw_fail(const struct xlsxout *w, lxw_error le, int errnum,
			 struct errinfo *info)
{
	char detail[160];

	lxw_detail(le, detail, sizeof(detail));
	if (errnum && (le == LXW_ERROR_CREATING_XLSX_FILE ||
		       le == LXW_ERROR_CREATING_TMPFILE ||
		       le == LXW_ERROR_READING_TMPFILE ||
		       le == LXW_ERROR_ZIP_FILE_OPERATION))
		return err_set(info, ERR_IO, "cannot write '%s': %s (%s)", w->name,
			       detail, strerror(errnum));
	return err_set(info, ERR_IO, "cannot write '%s': %s", w->name, detail);
}

int xlsxout_needs_zip64(uint64_t text_bytes, uint64_t cells)
{
	/* <c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve">
	 * and its closing tags are under 80 bytes; entities can grow text
	 * fivefold but are rare, so twice the text is the margin. */
	uint64_t estimate = text_bytes * 2 + cells * 80;

	return estimate > ((uint64_t)3 << 30);
}

/* Bytes of the UTF-8 sequence a lead byte starts (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Escape needed for the code point at s, or NULL. */
static const char *escape_for(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	size_t i;

	if (s[0] == '\0')
		return "_x0000_";
	if (s[0] != '_' || len < 7 || s[1] != 'x' || s[6] != '_')
		return NULL;
	for (i = 2; i < 6; i++)
		if (!s[i] || !strchr(hex, s[i]))
			return NULL;
	return "_x005F_";
}

/* Characters the code point at s counts for against the cell limit. */
static size_t cost_of(const char *s, size_t n, const char *esc)
{
	unsigned char c = (unsigned char)s[0];

	if (esc)
		return 7;
	/* libxlsxwriter writes the other C0 controls as _xHHHH_ too */
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return 7;
	return n == 4 ? 2 : 1;	/* beyond the BMP: a UTF-16 pair */
}

enum err xlsxout_text(const char *s, size_t len, size_t max, struct buf *out,
		      int *cut)
{
	size_t i = 0, run = 0, used = 0;
	enum err e;

	buf_reset(out);
	*cut = 0;
	while (i < len) {
		size_t n = seq_len((unsigned char)s[i]);
		const char *esc;
		size_t cost;

		if (n > len - i)
			n = len - i;
		esc = escape_for(s + i, len - i);
		cost = cost_of(s + i, n, esc);
		if (used + cost > max) {
			*cut = 1;
			break;
		}
		used += cost;
		if (esc) {
			e = buf_add(out, s + run, i - run);
			if (!e)
				e = buf_add(out, esc, 7);
			if (e)
				return e;
			run = i + 1;
		}
		i += n;
	}
	return buf_add(out, s + run, i - run);
}

unsigned xlsxout_display_width(const char *s, size_t len, unsigned cap)
{
	size_t i = 0;
	unsigned w = 0;

	while (i < len && w < cap) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		if ((unsigned char)s[i] < 0x80) {
			w += s[i] >= 0x20;
			i++;
			continue;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				     (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			w++;	/* a stray byte shows as a replacement mark */
			i++;
			continue;
		}
		w += (unsigned)utf8proc_charwidth(cp);
		i += (size_t)n;
	}
	return w < cap ? w : cap;
}

static void widen(struct xlsxout *w, size_t col, unsigned width)
{
	if (width > w->width[col])
		w->width[col] = width;
}

unsigned xlsxout_width(const struct xlsxout *w, size_t col)
{
	unsigned width;

	if (col >= w->ncols)
		return 0;
	width = w->width[col] + 1;
	if (width < WIDTH_MIN)
		width = WIDTH_MIN;
	return width > XLSXOUT_WIDTH_MAX ? XLSXOUT_WIDTH_MAX : width;
}

static enum err add_sheet(struct xlsxout *w, struct errinfo *info)
{
	char *name = w->sheet_name;
	char detail[160];
	lxw_worksheet *ws;
	lxw_error le;

	if (w->nsheets == w->sheets_cap) {
		size_t ncap = w->sheets_cap ? w->sheets_cap * 2 : 4;
		lxw_worksheet **nv = realloc(w->sheets, ncap * sizeof(*nv));
		uint64_t *nm;

		if (!nv)
			return err_set(info, ERR_NOMEM, "out of memory");
		w->sheets = nv;
		nm = realloc(w->xml_min, ncap * sizeof(*nm));
		if (!nm)
			return err_set(info, ERR_NOMEM, "out of memory");
		w->xml_min = nm;
		w->sheets_cap = ncap;
	}
	if (w->nsheets > w->table_first)
		snprintf(name, sizeof(w->sheet_name), "%s (%zu)", w->sheet,
			 w->nsheets - w->table_first + 1);
	else
		snprintf(name, sizeof(w->sheet_name), "%s", w->sheet);
	le = workbook_validate_sheet_name(w->wb, name);
	if (le)
		return err_set(info, w->nsheets > w->table_first ? ERR_LIMIT : ERR_USAGE,
			       "cannot name sheet '%s' of '%s': %s", name, w->name,
			       lxw_detail(le, detail, sizeof(detail)));
	errno = 0;
	ws = workbook_add_worksheet(w->wb, name);
	if (!ws)
		return lxw_fail(w, LXW_ERROR_CREATING_TMPFILE, errno, info);
	w->xml_min[w->nsheets] = 0;
	w->sheets[w->nsheets++] = ws;
	w->row = 0;
	return ERR_OK;
}

static lxw_worksheet *sheet(const struct xlsxout *w)
{
	return w->sheets[w->nsheets - 1];
}

static enum err write_header(struct xlsxout *w, struct errinfo *info)
{
	size_t i;
	lxw_error le;

	for (i = 0; i < w->ncols; i++) {
		if (!w->header[i][0])
			continue;
		le = worksheet_write_string(sheet(w), 0, (lxw_col_t)i, w->header[i],
					    w->bold);
		if (le)
			return lxw_fail(w, le, errno, info);
	}
	worksheet_freeze_panes(sheet(w), 1, 0);
	return ERR_OK;
}

/* Ends a sheet: the filter covers the header and every row below it. */
static enum err finish_sheet(struct xlsxout *w, struct errinfo *info)
{
	lxw_error le;

	if (!w->ncols)
		return ERR_OK;
	le = worksheet_autofilter(sheet(w), 0, 0, w->row, (lxw_col_t)(w->ncols - 1));
	return le ? lxw_fail(w, le, 0, info) : ERR_OK;
}

enum err xlsxout_open(struct xlsxout **out, const char *path, const char *name,
		      const struct xlsxout_opts *opts, struct errinfo *info)
{
	static const struct xlsxout_opts defaults = { 0 };
	lxw_workbook_options lo = { 0 };
	struct xlsxout *w;
	enum err e;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!name)
		name = path;
	if (opts->max_rows == 1 || opts->max_rows > XLSXOUT_MAX_ROWS)
		return err_set(info, ERR_USAGE, "rows per sheet must be 2 to %u, not %u",
			       XLSXOUT_MAX_ROWS, opts->max_rows);
	if (opts->max_cell > XLSXOUT_MAX_CELL)
		return err_set(info, ERR_USAGE, "characters per cell must be at most %u, not %u",
			       XLSXOUT_MAX_CELL, opts->max_cell);
	w = calloc(1, sizeof(*w));
	if (!w)
		return err_set(info, ERR_NOMEM, "out of memory");
	buf_init(&w->text, 0);
	w->max_rows = opts->max_rows ? opts->max_rows : XLSXOUT_MAX_ROWS;
	w->max_cell = opts->max_cell ? opts->max_cell : XLSXOUT_MAX_CELL;
	w->path = strdup(path);
	w->name = strdup(name);
	w->sheet = strdup(opts->sheet ? opts->sheet : "Sheet");
	w->tmpdir = opts->tmpdir ? strdup(opts->tmpdir) : NULL;
	if (!w->path || !w->name || !w->sheet || (opts->tmpdir && !w->tmpdir)) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	lo.constant_memory = LXW_TRUE;
	lo.tmpdir = w->tmpdir;
	lo.use_zip64 = opts->zip64 ? LXW_TRUE : LXW_FALSE;
	w->wb = workbook_new_opt(path, &lo);
	if (!w->wb) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	w->bold = workbook_add_format(w->wb);
	if (!w->bold) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	format_set_bold(w->bold);
	e = add_sheet(w, info);
	if (e)
		goto fail;
	*out = w;
	return ERR_OK;
fail:
	xlsxout_abort(w);
	return e;
}

enum err xlsxout_header(struct xlsxout *w, const char *const *names, size_t n,
			struct errinfo *info)
{
	size_t i;

	if (w->header)
		return err_set(info, ERR_INTERNAL, "'%s': header written twice", w->name);
	if (!n || n > XLSXOUT_MAX_COLS)
		return err_set(info, ERR_LIMIT, "cannot write '%s': %zu columns, a sheet "
			       "holds 1 to %u", w->name, n, XLSXOUT_MAX_COLS);
	w->header = calloc(n, sizeof(*w->header));
	w->width = calloc(n, sizeof(*w->width));
	if (!w->header || !w->width)
		return err_set(info, ERR_NOMEM, "out of memory");
	w->ncols = n;
	for (i = 0; i < n; i++) {
		w->header[i] = strdup(names[i] ? names[i] : "");
		if (!w->header[i])
			return err_set(info, ERR_NOMEM, "out of memory");
		widen(w, i, xlsxout_display_width(w->header[i], strlen(w->header[i]),
						  XLSXOUT_WIDTH_MAX) + HEADER_BUTTON);
	}
	return write_header(w, info);
}

static enum err start_row(struct xlsxout *w, struct errinfo *info)
{
	enum err e;

	if (!w->header)
		return err_set(info, ERR_INTERNAL, "'%s': row before the header", w->name);
	if (w->row % CHECK_EVERY == 0 && (e = check_tmpfile(w, sheet(w), 0, info)))
		return e;
	if (w->row + 1 >= w->max_rows) {
		e = finish_sheet(w, info);
		if (!e)
			e = add_sheet(w, info);
		if (!e)
			e = write_header(w, info);
		if (e)
			return e;
	}
	w->row++;
	w->col = 0;
	w->in_row = 1;
	return ERR_OK;
}

static void note_cut(struct xlsxout *w)
{
	char cell[LXW_MAX_CELL_NAME_LENGTH];

	if (!w->stats.truncated++) {
		lxw_rowcol_to_cell(cell, w->row, (lxw_col_t)w->col);
		snprintf(w->stats.first_truncated, sizeof(w->stats.first_truncated),
			 "'%s'!%s", w->sheet_name, cell);
		w->stats.first_truncated_col = w->col;
	}
}

/* Where the next cell goes: a new row when none is open, and never past
 * the header's columns. */
static enum err next_cell(struct xlsxout *w, struct errinfo *info)
{
	enum err e;

	if (!w->in_row && (e = start_row(w, info)))
		return e;
	if (w->col >= w->ncols)
		return err_set(info, ERR_INTERNAL, "'%s': row %u has more cells than the "
			       "%zu columns of the header", w->name, w->row + 1, w->ncols);
	return ERR_OK;
}

enum err xlsxout_cell(struct xlsxout *w, const char *s, size_t len,
		      struct errinfo *info)
{
	lxw_error le;
	enum err e;
	int cut;

	if ((e = next_cell(w, info)))
		return e;
	if (len) {
		e = xlsxout_text(s, len, w->max_cell, &w->text, &cut);
		if (e)
			return err_set(info, e, "cannot write '%s': %s", w->name, err_str(e));
		if (cut)
			note_cut(w);
		widen(w, w->col, xlsxout_display_width(s, len, XLSXOUT_WIDTH_MAX));
		le = worksheet_write_string(sheet(w), w->row, (lxw_col_t)w->col,
					    buf_str(&w->text), NULL);
		if (le)
			return lxw_fail(w, le, errno, info);
		w->xml_min[w->nsheets - 1] += w->text.len + CELL_XML_MIN;
	}
	w->col++;
	return ERR_OK;
}

enum err xlsxout_cellz(struct xlsxout *w, const char *s, struct errinfo *info)
{
	return xlsxout_cell(w, s, s ? strlen(s) : 0, info);
}

enum err xlsxout_end_row(struct xlsxout *w, struct errinfo *info)
{
	enum err e;

	/* a row without cells is still a row */
	if (!w->in_row && (e = start_row(w, info)))
		return e;
	w->in_row = 0;
	w->stats.rows++;
	return ERR_OK;
}

/* The current table's sheets get its column widths. */
static enum err set_widths(struct xlsxout *w, struct errinfo *info)
{
	size_t s, c;
	lxw_error le;

	for (s = w->table_first; s < w->nsheets; s++)
		for (c = 0; c < w->ncols; c++) {
			le = worksheet_set_column(w->sheets[s], (lxw_col_t)c, (lxw_col_t)c,
						  xlsxout_width(w, c), NULL);
			if (le)
				return lxw_fail(w, le, 0, info);
		}
	return ERR_OK;
}

enum err xlsxout_number(struct xlsxout *w, double v, struct errinfo *info)
{
	char text[32];
	lxw_error le;
	enum err e;
	int n;

	if ((e = next_cell(w, info)))
		return e;
	n = snprintf(text, sizeof(text), "%.15g", v);
	widen(w, w->col, (unsigned)n);
	le = worksheet_write_number(sheet(w), w->row, (lxw_col_t)w->col, v, NULL);
	if (le)
		return lxw_fail(w, le, errno, info);
	w->xml_min[w->nsheets - 1] += (uint64_t)n + NUMBER_XML_MIN;
	w->col++;
	return ERR_OK;
}

static void free_header(struct xlsxout *w)
{
	size_t i;

	for (i = 0; w->header && i < w->ncols; i++)
		free(w->header[i]);
	free(w->header);
	free(w->width);
	w->header = NULL;
	w->width = NULL;
	w->ncols = 0;
}

enum err xlsxout_table(struct xlsxout *w, const char *sheet_name, const char *const *names,
		       size_t n, struct errinfo *info)
{
	char *base;
	enum err e = ERR_OK;

	if (!w->header)
		return err_set(info, ERR_INTERNAL, "'%s': a new table before the first one's header",
			       w->name);
	if (w->in_row)
		e = xlsxout_end_row(w, info);
	if (!e)
		e = finish_sheet(w, info);
	if (!e)
		e = set_widths(w, info);
	if (e)
		return e;
	base = strdup(sheet_name);
	if (!base)
		return err_set(info, ERR_NOMEM, "out of memory");
	free(w->sheet);
	w->sheet = base;
	free_header(w);
	w->table_first = w->nsheets;
	e = add_sheet(w, info);
	return e ? e : xlsxout_header(w, names, n, info);
}

enum err xlsxout_chart(struct xlsxout *w, const struct xlsxout_chart *c, struct errinfo *info)
{
	lxw_worksheet *on = workbook_get_worksheet_by_name(w->wb, c->on_sheet);
	const char *data = w->sheets[w->table_first]->name;
	lxw_chart *chart;
	lxw_chart_series *series;
	lxw_col_t col;
	lxw_error le;

	if (!on)
		return err_set(info, ERR_INTERNAL, "'%s': no sheet '%s' for a chart", w->name,
			       c->on_sheet);
	if (c->first_col > c->last_col || c->last_col >= w->ncols || !c->rows)
		return err_set(info, ERR_INTERNAL, "'%s': a chart outside its table", w->name);
	chart = workbook_add_chart(w->wb, c->stacked ? LXW_CHART_COLUMN_STACKED : LXW_CHART_COLUMN);
	if (!chart)
		return err_set(info, ERR_NOMEM, "out of memory");
	chart_title_set_name(chart, c->title);
	for (col = c->first_col; col <= c->last_col; col++) {
		series = chart_add_series(chart, NULL, NULL);
		if (!series)
			return err_set(info, ERR_NOMEM, "out of memory");
		chart_series_set_categories(series, data, 1, 0, c->rows, 0);
		chart_series_set_values(series, data, 1, col, c->rows, col);
		chart_series_set_name_range(series, data, 0, col);
	}
	le = worksheet_insert_chart(on, c->at_row, c->at_col, chart);
	return le ? lxw_fail(w, le, 0, info) : ERR_OK;
}

static void free_writer(struct xlsxout *w)
{
	free_header(w);
	free(w->sheets);
	free(w->xml_min);
	buf_free(&w->text);
	free(w->sheet);
	free(w->tmpdir);
	free(w->name);
	free(w->path);
	free(w);
}


/* Sheets in the written zip at least as large as what was given to them. */
static enum err check_sizes(const struct xlsxout *w, const char *path,
			    struct errinfo *info)
{
	unz_file_info64 fi;
	char entry[64];
	unzFile z;
	size_t s;
	enum err e = ERR_OK;

	z = unzOpen64(path);
	if (!z)
		return err_set(info, ERR_IO, "cannot write '%s': the workbook written "
			       "is not a readable zip", w->name);
	for (s = 0; s < w->nsheets && !e; s++) {
		snprintf(entry, sizeof(entry), "xl/worksheets/sheet%zu.xml", s + 1);
		if (unzLocateFile(z, entry, 1) != UNZ_OK ||
		    unzGetCurrentFileInfo64(z, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
			e = err_set(info, ERR_IO, "cannot write '%s': '%s' is missing from "
				    "the workbook written", w->name, entry);
		else if (fi.uncompressed_size < w->xml_min[s])
			e = err_set(info, ERR_IO, "cannot write '%s': sheet %zu came out "
				    "short (%llu bytes, at least %llu expected): a temporary "
				    "file in '%s' could not be written (disk full?)",
				    w->name, s + 1, (unsigned long long)fi.uncompressed_size,
				    (unsigned long long)w->xml_min[s],
				    w->tmpdir ? w->tmpdir : "the temporary directory");
	}
	unzClose(z);
	return e;
}

enum err xlsxout_close(struct xlsxout *w, struct xlsxout_stats *stats,
		       struct errinfo *info)
{
	lxw_error le;
	enum err e = ERR_OK;
	size_t s;

	if (w->in_row)
		e = xlsxout_end_row(w, info);
	if (!e)
		e = finish_sheet(w, info);
	if (!e)
		e = set_widths(w, info);
	for (s = 0; s < w->nsheets && !e; s++)
		e = check_tmpfile(w, w->sheets[s], 1, info);
	w->stats.sheets = (unsigned)w->nsheets;
	if (stats)
		*stats = w->stats;
	if (e) {
		xlsxout_abort(w);
		return e;
	}
	errno = 0;
	le = workbook_close(w->wb);	/* frees the workbook, written or not */
	w->wb = NULL;
	if (le)
		e = lxw_fail(w, le, errno, info);
	else
		e = check_sizes(w, w->path, info);
	free_writer(w);
	return e;
}

void xlsxout_abort(struct xlsxout *w)
{
	if (!w)
		return;
	if (w->wb)
		lxw_workbook_free(w->wb);
	free_writer(w);
}
