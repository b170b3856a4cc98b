/*
 * cellfmt: turning spreadsheet cell values into the text a CSV of the same
 * sheet would hold, shared by the XLSX, ODS and XLS readers.
 *
 *   - numbers without float noise: 18 (not 18.0 or 1.8E+1), 0.1, 0.3
 *     for 0.30000000000000004 (15 significant digits, as Excel shows),
 *     447911123456 (integers print all their digits up to 2^53, so numeric
 *     phone cells reach the phone normaliser as their exact digits);
 *   - date and time serials (Excel's 1900 system with its 1900-02-29 bug,
 *     or the 1904 system) as ISO 8601: 2024-03-01, 13:45:00,
 *     2024-03-01T13:45:00;
 *   - number formats classified as date, time, date-time or plain number,
 *     for the built-in ids and for custom format codes.
 */
#ifndef CONTACTSYNC_CELLFMT_H
#define CONTACTSYNC_CELLFMT_H

#include <stddef.h>

enum cellfmt_kind {
	CELLFMT_NUMBER,
	CELLFMT_DATE,
	CELLFMT_TIME,
	CELLFMT_DATETIME,
	CELLFMT_TEXT,		/* the "@" format */
};

#define CELLFMT_MAX 40		/* enough for any output below, with NUL */

/* Writes v into out (CELLFMT_MAX bytes); returns the length. */
size_t cellfmt_number(double v, char *out);

/*
 * Writes a date/time serial as ISO 8601 according to kind (DATE: the day;
 * TIME: hh:mm:ss of the fraction; DATETIME: both, with 'T'). Times are
 * rounded to the second. Serials outside years 1900..9999 fall back to
 * cellfmt_number. Returns the length.
 */
size_t cellfmt_serial(double serial, int date1904, enum cellfmt_kind kind,
		      char *out);

/* Kind of a built-in number format id (0-49 and the locale ones). */
enum cellfmt_kind cellfmt_builtin(unsigned id);

/*
 * Kind of a custom format code such as "dd/mm/yyyy", "[h]:mm", "0.00",
 * "[$-409]mmmm d, yyyy;@": date/time tokens (y m d h s, AM/PM) outside
 * quotes, brackets and escapes make it a date or time; "m" counts as
 * minutes next to h or s. Only the first section is considered.
 */
enum cellfmt_kind cellfmt_classify(const char *code);

#endif
