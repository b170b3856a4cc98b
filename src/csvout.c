/* csvout: RFC 4180 CSV writer (see csvout.h). */
#include "csvout.h"

#include <string.h>

void csvout_init(struct csvout *w, FILE *fp, char delim)
{
	w->fp = fp;
	w->delim = delim ? delim : ',';
	w->ncells = 0;
}

static int needs_quotes(const struct csvout *w, const char *s, size_t len)
{
	size_t i;

	if (len && (s[0] == ' ' || s[len - 1] == ' '))
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] == w->delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

void csvout_cell(struct csvout *w, const char *s, size_t len)
{
	size_t i;

	if (w->ncells++)
		putc(w->delim, w->fp);
	if (!len)
		return;		/* s may be NULL for an empty field */
	if (!needs_quotes(w, s, len)) {
		fwrite(s, 1, len, w->fp);
		return;
	}
	putc('"', w->fp);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', w->fp);
		putc(s[i], w->fp);
	}
	putc('"', w->fp);
}

void csvout_cellz(struct csvout *w, const char *s)
{
	csvout_cell(w, s ? s : "", s ? strlen(s) : 0);
}

void csvout_end_row(struct csvout *w)
{
	putc('\n', w->fp);
	w->ncells = 0;
}

enum err csvout_open(struct outfile *f, struct csvout *w, const char *path, const char *header,
		     struct errinfo *info)
{
	enum err e = outfile_open(f, path, info);

	if (e)
		return e;
	csvout_init(w, f->fp, ',');
	fputs(header, f->fp);
	return ERR_OK;
}
