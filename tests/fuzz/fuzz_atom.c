/*
 * Fuzz target: what the atom driver reads of its server's answers. The
 * first byte picks the status (low 4 bits, see fuzz_response) and what
 * is read (high bits): the list of address books, an address book's
 * contacts, one contact's detail, or the answer to a create or an
 * update; the rest is the body.
 */
#include <string.h>

#include "fuzz.h"
#include "provider/testing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provider_session *s = fuzz_session(&provider_atom);
	struct http_response r;
	struct errinfo info;
	char id[64];

	if (!size || size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_response(&r, data[0], data + 1, size - 1);
	switch ((data[0] >> 4) % 5) {
	case 0:
		if (!atom_parse_books(s, &r, "Customers", id, sizeof(id), &info) &&
		    !memchr(id, '\0', sizeof(id)))
			fuzz_fail("a book id is not NUL-terminated");
		break;
	case 1:
		(void)atom_parse_book(s, &r, &fuzz_sink, &info);
		break;
	case 2:
		(void)atom_parse_contact(s, &r, &fuzz_sink, &info);
		break;
	case 3:
		fuzz_judge(s, WRITE_CREATE, &r);
		break;
	default:
		fuzz_judge(s, WRITE_UPDATE, &r);
		break;
	}
	http_response_free(&r);
	return 0;
}
