/*
 * sheet: the readers' toolkit (for the members of the reader family, not
 * the core: that is reader.h): the failure helper (every reader's), the
 * encrypted-file refusal (odsin's and xlsin's probes) and the choice of a
 * sheet by --sheet NAME|N, written once for xlsxin, odsin and xlsin.
 */
#ifndef CONTACTSYNC_READ_SHEET_H
#define CONTACTSYNC_READ_SHEET_H

#include <stddef.h>

#include "err.h"

/*
 * Sets info (and *failed, the reader's sticky error: after it the reader
 * can only be closed) to code and the message; returns code.
 */
enum err reader_fail(enum err *failed, struct errinfo *info, enum err code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A probe's answer for a password-protected (encrypted) Office file:
 * info set to say so, naming the file; returns -1 (reader.h's probe). */
int reader_encrypted(struct errinfo *info, const char *name);

/* A --sheet value as a 1-based sheet number: "2" → 2; 0 when it is not
 * one (no sign, no leading zero, at most nine digits). */
unsigned long sheet_number(const char *spec);

/* Name of sheet i of n (borrowed), for sheet_by_name. */
typedef const char *sheet_name_fn(const void *ctx, size_t i);

/*
 * The sheet spec names among n: exact name first, then ignoring ASCII
 * case; -1 when none (the caller then tries it as a number, its own way).
 */
long sheet_by_name(const char *spec, size_t n, sheet_name_fn *name, const void *ctx);

/* The sheet names noted in q ended and as a string, for the "no sheet"
 * message: bounded by quote.h, so the message is never cut. */
struct quote_list;
const char *sheet_names(struct quote_list *q);

/* The same, of the n sheets name gives, appended to out. */
struct buf;
const char *sheet_list_names(struct buf *out, size_t n, sheet_name_fn *name, const void *ctx);

#endif
