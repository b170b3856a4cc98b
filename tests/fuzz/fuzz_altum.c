/*
 * Fuzz target: what the altum driver reads of its server's answers. The
 * first byte picks the status (low 4 bits, see fuzz_response) and what
 * is read (high bits): a listing page, or the answer to a create, an
 * update or a delete; the rest is the body.
 */

#include "fuzz.h"
#include "provider/testing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provider_session *s = fuzz_session(&provider_altum);
	struct http_response r;
	struct errinfo info;

	if (!size || size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_response(&r, data[0], data + 1, size - 1);
	switch ((data[0] >> 4) % 4) {
	case 0:
		(void)altum_parse_page(s, &r, &fuzz_sink, &info);
		break;
	case 1:
		fuzz_judge(s, WRITE_CREATE, &r);
		break;
	case 2:
		fuzz_judge(s, WRITE_UPDATE, &r);
		break;
	default:
		fuzz_judge(s, WRITE_DELETE, &r);
		break;
	}
	http_response_free(&r);
	return 0;
}
