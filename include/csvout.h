/*
 * csvout: RFC 4180 CSV writing on a stdio stream.
 *
 * A cell is quoted when it contains the delimiter, a quote, CR or LF, or
 * starts or ends with a space; quotes inside are doubled. Rows end with
 * CRLF-free "\n". Write errors are left in the stream's error flag for the
 * caller to check (ferror) once at the end.
 */
#ifndef CONTACTSYNC_CSVOUT_H
#define CONTACTSYNC_CSVOUT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "outfile.h"

struct csvout {
	FILE *fp;
	char delim;
	int ncells;	/* cells written on the current row */
};

void csvout_init(struct csvout *w, FILE *fp, char delim);
void csvout_cell(struct csvout *w, const char *s, size_t len);
void csvout_cellz(struct csvout *w, const char *s);
void csvout_end_row(struct csvout *w);

/*
 * A CSV file of its own: opens f at path (outfile.h: it appears whole or
 * not at all), points w at it with ',' and writes `header` (the first
 * line, "\n" included). Errors as outfile_open's.
 */
enum err csvout_open(struct outfile *f, struct csvout *w, const char *path, const char *header,
		     struct errinfo *info);

#endif
