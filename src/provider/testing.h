/*
 * provider/testing.h: entry points for the unit tests and the fuzzers
 * only (tests/unit/test_drivers.c, test_writes.c, test_diff.c,
 * tests/fuzz/fuzz_{altum,atom,sendblue}.c); the engine never calls them.
 */
#ifndef CONTACTSYNC_PROVIDER_TESTING_H
#define CONTACTSYNC_PROVIDER_TESTING_H

#include <stddef.h>

#include "provider/driver.h"

/* The drivers themselves (the engine finds them by name: provider_find). */
extern const struct provider provider_altum;
extern const struct provider provider_atom;
extern const struct provider provider_sendblue;

/*
 * The listings' parsers: the half of a listing request that reads the
 * answer (r: status and body, as http_do gives it), sending nothing. Each
 * judges r like the listing does (provider_check, then the JSON), then
 * hands every contact to sink; the pulls call them, and tests/fuzz calls
 * them on arbitrary bodies. s needs a profile and an http client (for
 * redaction); atom's book reading must have s->deep 0 and no s->desired,
 * else it would queue detail requests on s->http.
 */
/* altum: one page of GET /api/contacts (the first: its meta is read). */
enum err altum_parse_page(struct provider_session *s, const struct http_response *r,
			  const struct pull_sink *sink, struct errinfo *info);
/* atom: the address book list, the id of the book `want` names or
 * numbers into id ("" when none); the book's contacts (partial, in the
 * session's address book); one contact's detail. */
enum err atom_parse_books(const struct provider_session *s, const struct http_response *r,
			  const char *want, char *id, size_t cap, struct errinfo *info);
enum err atom_parse_book(struct provider_session *s, const struct http_response *r,
			 const struct pull_sink *sink, struct errinfo *info);
enum err atom_parse_contact(struct provider_session *s, const struct http_response *r,
			    const struct pull_sink *sink, struct errinfo *info);
/* sendblue: one page of GET /api/v2/contacts. */
enum err sendblue_parse_page(struct provider_session *s, const struct http_response *r,
			     const struct pull_sink *sink, struct errinfo *info);

/*
 * atom's session state (an open atom session's): the address book's id
 * and the suppression book's id ("" until a listing or `prepare` found
 * them; borrowed, valid while the session is open); atom_set_books sets
 * them as if found (NULL leaves one as it is).
 */
const char *atom_book_id(const struct provider_session *s);
const char *atom_suppress_book_id(const struct provider_session *s);
void atom_set_books(struct provider_session *s, const char *book, const char *suppress);

#endif
