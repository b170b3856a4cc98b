/*
 * drv_sendblue: Sendblue API v2, see shared/api/PROVIDERS.md §3.
 *
 * What sendblue stores of a contact: first and last name, company, tags
 * (replaced as a whole on update), custom variables (merged on update: a
 * key can not be removed by leaving it out) and the opt-out flag. Bulk
 * create and bulk delete exist.
 */
#include "provider.h"

#include <string.h>

static enum err sendblue_project(const struct profile *p, const struct contact *in,
				 struct contact *out, struct buf *scratch)
{
	size_t i;
	enum err e = ERR_OK;

	(void)p;
	(void)scratch;
	contact_reset(out);
	memcpy(out->phone, in->phone, sizeof(out->phone));
	out->raw_phone = in->raw_phone;
	out->opted_out = in->opted_out;
	out->source_file = in->source_file;
	out->source_row = in->source_row;
	provider_split_name(in, &out->first_name, &out->last_name);
	out->company = in->company;
	for (i = 0; !e && i < in->ntags; i++)
		e = contact_add_tag(out, in->tags[i].ptr, in->tags[i].len);
	for (i = 0; !e && i < in->ncustom; i++)
		e = contact_add_custom(out, in->custom[i].key.ptr, in->custom[i].key.len,
				       in->custom[i].val.ptr, in->custom[i].val.len);
	if (!e)
		contact_sort(out);
	return e;
}

const struct provider provider_sendblue = {
	.name = "sendblue",
	.caps = PROVIDER_CAP_BULK_CREATE | PROVIDER_CAP_BULK_DELETE | PROVIDER_CAP_OPT_OUT |
		PROVIDER_CAP_PARTIAL_UPDATE | PROVIDER_CAP_CUSTOM_FIELDS |
		PROVIDER_CAP_CUSTOM_MERGE | PROVIDER_CAP_TAGS | PROVIDER_CAP_COMPANY |
		PROVIDER_CAP_SPLIT_NAME,
	.default_base_url = "https://api.sendblue.co",
	.default_rate = NULL,
	.default_concurrency = 4,
	.project = sendblue_project,
	.pull = NULL,
};
