/*
 * drv_atom: Atom Telecom, see shared/api/PROVIDERS.md §2.
 *
 * What atom stores of a contact: first and last name, company, the phone
 * and four numbered custom slots, which the profile's `custom_slots` names
 * (custom_1 = the first key listed, …); every other custom field has no
 * place there. No tags, and no opt-out flag: opting out means leaving the
 * address book. No bulk endpoints.
 */
#include "provider.h"

#include <string.h>

static enum err atom_project(const struct profile *p, const struct contact *in,
			     struct contact *out, struct buf *scratch)
{
	size_t i;
	enum err e;

	(void)scratch;
	contact_reset(out);
	memcpy(out->phone, in->phone, sizeof(out->phone));
	out->raw_phone = in->raw_phone;
	out->opted_out = in->opted_out;
	out->source_file = in->source_file;
	out->source_row = in->source_row;
	provider_split_name(in, &out->first_name, &out->last_name);
	out->company = in->company;
	for (i = 0; p && i < p->nslots; i++) {
		const struct str *v = contact_custom(in, p->custom_slots[i]);

		if (!v || !v->len)
			continue;
		e = contact_add_custom(out, p->custom_slots[i], strlen(p->custom_slots[i]),
				       v->ptr, v->len);
		if (e)
			return e;
	}
	contact_sort(out);
	return ERR_OK;
}

const struct provider provider_atom = {
	.name = "atom",
	.caps = PROVIDER_CAP_PARTIAL_UPDATE | PROVIDER_CAP_CUSTOM_SLOTS |
		PROVIDER_CAP_COMPANY | PROVIDER_CAP_SPLIT_NAME,
	.default_base_url = NULL,
	.default_rate = "10/s",
	.default_concurrency = 4,
	.project = atom_project,
	.pull = NULL,
};
