/*
 * quote: text from a file (a header, a sheet name, a cell value) shown in
 * a message.
 *
 * A message is held in 512 bytes (errinfo) and its hint must survive, so
 * the file's text is bounded here rather than by the message being cut:
 * one value is cut after a whole character, at a space when there is one
 * in its second half, and marked "..."; a list shows fewer items, never a
 * part of one, and ends "... and N more". Control bytes are shown as \xNN,
 * so a binary file's first line cannot drive the terminal.
 */
#ifndef CONTACTSYNC_QUOTE_H
#define CONTACTSYNC_QUOTE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define QUOTE_VALUE_MAX 40	/* bytes of one value shown */
#define QUOTE_LIST_ITEMS 12	/* items of a list shown */
#define QUOTE_LIST_BYTES 280	/* and the bytes they may take */

/* Appends 's' (len bytes, at most max of them shown) in single quotes. */
enum err quote_value(struct buf *out, const char *s, size_t len, size_t max);

/* As quote_value for a NUL-terminated string, QUOTE_VALUE_MAX bytes. */
enum err quote_str(struct buf *out, const char *s);

/* quote_value of QUOTE_VALUE_MAX bytes into the caller's array, returned,
 * for a printf argument ("bad value %s"). */
#define QUOTE_CAP (QUOTE_VALUE_MAX * 4 + 8)
const char *quote_to(char out[QUOTE_CAP], const char *s, size_t len);

/*
 * A list of quoted values "'a', 'b', 'c' ... and 9 more" appended to out:
 * quote_list_init, quote_list_add for every item (the ones past the
 * bounds are only counted), quote_list_end ("none" when there were none).
 */
struct quote_list {
	struct buf *out;
	size_t start;		/* where the list begins in out */
	size_t shown, total;
	size_t max_items, max_bytes;
	enum err err;		/* the first failure, returned by quote_list_end */
};

void quote_list_init(struct quote_list *l, struct buf *out);
void quote_list_add(struct quote_list *l, const char *s, size_t len);
enum err quote_list_end(struct quote_list *l);

#endif
