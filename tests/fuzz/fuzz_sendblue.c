/*
 * Fuzz target: what the sendblue driver reads of its server's answers.
 * The first byte picks the status (low 4 bits, see fuzz_response) and
 * what is read (high bits): a listing page, a lookup by number, the
 * answer to a bulk create of three numbers (one asked twice), or to an
 * update; the rest is the body.
 */
#include <string.h>

#include "fuzz.h"
#include "provider/testing.h"

static const char *const phones[] = { "+447400123456", "+15551234567", "+447400123456" };

static void bulk(struct provider_session *s, const struct http_response *r)
{
	struct write_op ops[3];
	struct write_result w[3];
	size_t i;

	memset(ops, 0, sizeof(ops));
	memset(w, 0, sizeof(w));
	for (i = 0; i < 3; i++) {
		ops[i].kind = WRITE_CREATE;
		ops[i].phone = phones[i];
	}
	provider_sendblue.judge_bulk(s, WRITE_CREATE, ops, 3, r, w);
	for (i = 0; i < 3; i++)
		fuzz_check_result(&w[i]);
}

static void lookup(struct provider_session *s, const struct http_response *r)
{
	struct remote_contact rc;
	struct errinfo info;
	json_t *root = NULL;
	int found = 0;

	memset(&rc, 0, sizeof(rc));
	contact_init(&rc.c);
	if (!provider_sendblue.judge_lookup(s, r, &rc, &found, &root, &info) && found)
		fuzz_sink.contact(NULL, &rc, &info);
	json_decref(root);
	contact_free(&rc.c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provider_session *s = fuzz_session(&provider_sendblue);
	struct http_response r;
	struct errinfo info;

	if (!size || size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_response(&r, data[0], data + 1, size - 1);
	switch ((data[0] >> 4) % 4) {
	case 0:
		(void)sendblue_parse_page(s, &r, &fuzz_sink, &info);
		break;
	case 1:
		lookup(s, &r);
		break;
	case 2:
		bulk(s, &r);
		break;
	default:
		fuzz_judge(s, WRITE_UPDATE, &r);
		break;
	}
	http_response_free(&r);
	return 0;
}
