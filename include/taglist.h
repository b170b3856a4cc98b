/*
 * taglist: one cell of tags, as exports write them, split into tags.
 *
 * Tags are separated by ',' or ';', or by Google Contacts' " ::: " (its
 * Labels column: "* myContacts ::: Friends"). Each piece is trimmed of
 * spaces and tabs; empty pieces are dropped. Two exporters' quirks are
 * undone:
 *   - Mailchimp quotes each tag name ("VIP","Newsletter"): a piece that
 *     starts with a double quote with a closing one after it is read up to
 *     that closing quote, separators inside included ("Smith, Jones" is
 *     one tag) and "" inside standing for one quote; text between the
 *     closing quote and the next separator is kept as it is. A quote that
 *     is not closed, or not at the start of a piece, is an ordinary
 *     character.
 *   - Google marks its system groups with "* " before the name ("*
 *     myContacts"): the marker is dropped from an unquoted piece.
 *
 * Thread-safe; allocates only for a quoted tag holding "" or followed by
 * text (its unescaped copy).
 */
#ifndef CONTACTSYNC_TAGLIST_H
#define CONTACTSYNC_TAGLIST_H

#include <stddef.h>

#include "err.h"

/*
 * Calls add(ctx, tag, len) for each tag of s (len bytes) in order; tag is
 * borrowed for the call (not NUL-terminated). Stops at the first error add
 * returns and returns it; ERR_NOMEM if a copy cannot be made.
 */
enum err taglist_split(const char *s, size_t len,
		       enum err (*add)(void *ctx, const char *tag, size_t len), void *ctx);

#endif
