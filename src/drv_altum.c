/*
 * drv_altum: AltumCode 66text (lopbe.com, smsflow.su, …), see
 * shared/api/PROVIDERS.md §1.
 *
 * What altum stores of a contact: one `name` (cut at 256 characters by
 * the server), the phone, and custom parameters (keys cut at 64, values at
 * 512). No first/last name, company or tags; opt-out is read-only (set by
 * an inbound STOP only), so it can be read but never planned. No bulk
 * endpoints.
 */
#include "provider.h"

#include <string.h>

#define NAME_MAX_CHARS 256
#define KEY_MAX_CHARS 64
#define VALUE_MAX_CHARS 512

static enum err altum_project(const struct profile *p, const struct contact *in,
			      struct contact *out, struct buf *scratch)
{
	size_t i;
	enum err e;

	(void)p;
	contact_reset(out);
	memcpy(out->phone, in->phone, sizeof(out->phone));
	out->raw_phone = in->raw_phone;
	out->opted_out = in->opted_out;
	out->source_file = in->source_file;
	out->source_row = in->source_row;
	e = provider_full_name(in, &out->name, scratch);
	if (e)
		return e;
	out->name = provider_cut(out->name, NAME_MAX_CHARS);
	for (i = 0; i < in->ncustom; i++) {
		struct str k = provider_cut(in->custom[i].key, KEY_MAX_CHARS);
		struct str v = provider_cut(in->custom[i].val, VALUE_MAX_CHARS);

		e = contact_add_custom(out, k.ptr, k.len, v.ptr, v.len);
		if (e)
			return e;
	}
	contact_sort(out);
	return ERR_OK;
}

const struct provider provider_altum = {
	.name = "altum",
	.caps = PROVIDER_CAP_PARTIAL_UPDATE | PROVIDER_CAP_CUSTOM_FIELDS |
		PROVIDER_CAP_FULL_NAME,
	.default_base_url = NULL,
	.default_rate = "60/60s",
	.default_concurrency = 1,
	.project = altum_project,
	.pull = NULL,
};
