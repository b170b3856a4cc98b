/*
 * colmap_words: the header words colmap knows, and the words of a phone
 * type cell. Data, kept apart from the logic in colmap.c; private to
 * colmap (src/colmap*.c) and its unit test.
 *
 * Keys are in text_header_key form (lower case, letters and digits only).
 * Within one field, a word's strength is its place in the table: earlier
 * beats later.
 */
#ifndef CONTACTSYNC_COLMAP_WORDS_H
#define CONTACTSYNC_COLMAP_WORDS_H

#include <stddef.h>

#include "colmap.h"

enum word_kind {
	WORD_FIELD,	/* a standard field's column (a phone column: role says which) */
	WORD_CONSENT,	/* opted_out, values read inverted */
	WORD_FAX,	/* fax, pager, telex, TTY: kept custom, never a contact's number */
	WORD_NOT_SMS,	/* an e-mail or fax opt-out or consent: kept custom, warned about */
};

struct colmap_word {
	const char *key;
	enum field field;	/* FIELD_OPTED_OUT for WORD_CONSENT and WORD_NOT_SMS */
	enum phone_role role;	/* for FIELD_PHONE */
	enum word_kind kind;
};

/*
 * The word for a header key, or NULL; *rank is its strength (lower is
 * stronger). A key ending in digits that is no word as it is is tried
 * without them for phone and fax words only ("businessphone2").
 */
const struct colmap_word *colmap_word_find(const char *key, size_t *rank);

#endif
