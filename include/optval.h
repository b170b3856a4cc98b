/*
 * optval: what an opt-out or consent cell says about texting a contact.
 *
 * Exports answer one of two questions. An opt-out column ("Opted Out",
 * "Do not text") says yes when the contact must not be texted; a consent
 * column (Shopify's "Accepts SMS Marketing", "SMS Consent", "sms_opt_in")
 * says yes when the contact agreed to be. So yes and no words are read
 * according to the column; every other word says the same thing in
 * either kind of column:
 *
 *   meaning      opt-out column   consent column   words (some of them)
 *   yes          opted out        not opted out    yes, y, true, 1, x, ✓, ja, oui, sí, tak
 *   no           not opted out    opted out        no, n, false, 0, nein, non, não, nie
 *   opted out    opted out        opted out        opt out, unsubscribed, stop, cleaned,
 *                                                   pending, not subscribed
 *   subscribed   not opted out    not opted out    subscribed, opted in
 *
 * Status words (Mailchimp's and Shopify's subscription states) describe
 * the contact's consent, so they are not answers to the column's question
 * and mean the same in both kinds. "pending" (double opt-in not
 * confirmed), "not_subscribed" (Shopify: never agreed to SMS marketing),
 * "transactional" (Mailchimp: no marketing), "archived", "redacted" and
 * "invalid" all mean no consent that allows marketing texts, so they read
 * as opted out wherever they appear: a tool that sends SMS must never
 * text someone who did not agree, and a status word in an opt-out column
 * still says the contact did not. "active" is not read: in a status
 * column it means subscribed, in an opt-out column it may mean the
 * opt-out is in force, so such a row is rejected for the user to map.
 *
 * Matching ignores case, accents (marks stripped after canonical
 * decomposition: "NÃO", "não" and "nao" are one word) and the separators
 * ' ', '-' and '_' ("Opted-Out", "opted_out", "OptedOut"). Only a wholly
 * empty value is unknown; a value of separators only ("-") is unreadable.
 * The word lists are data tables in optval.c, one per meaning, each
 * language's words with where they come from.
 *
 * Thread-safe: constant tables only (import workers call it at once).
 */
#ifndef CONTACTSYNC_OPTVAL_H
#define CONTACTSYNC_OPTVAL_H

#include <stddef.h>

#include "text.h"

/* The meanings a word can have, one word table each. */
enum optval_meaning {
	OPTVAL_YES,		/* the column's question answered yes */
	OPTVAL_NO,		/* ... answered no */
	OPTVAL_OPTED_OUT,	/* opted out whatever the column */
	OPTVAL_SUBSCRIBED,	/* not opted out whatever the column */
	OPTVAL_NMEANINGS
};

/*
 * The cleaned value s (len bytes: trimmed, NFC, valid UTF-8) of an opt-out
 * column (consent 0) or a consent column (consent 1): 0 with *opted_out
 * set (TRI_TRUE opted out, TRI_FALSE not, TRI_UNKNOWN for an empty
 * value), -1 when the value is no word of any table (*opted_out is left
 * alone).
 */
int optval_parse(const char *s, size_t len, int consent, enum tri *opted_out);

/*
 * The words of one meaning as they are compared (lower case, no accents,
 * no separators), NULL-terminated; borrowed, constant. For tests and
 * documentation.
 */
const char *const *optval_words(enum optval_meaning m);

#endif
