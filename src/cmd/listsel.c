/* listsel: the list a command works on (see listsel.h). */
#include "listsel.h"

#include <string.h>

static int list_exists(struct store *st, const char *ds)
{
	struct store_read *rd;
	int has;

	if (store_read_begin(st, &rd, NULL))
		return 0;
	has = store_has(rd, ds);
	store_read_end(rd);
	return has;
}

enum err listsel_named(struct store *st, const char *name, int need,
		       char ds[STORE_LIST_DATASET_MAX], struct errinfo *info)
{
	if (!*store_list_dataset(name, ds))
		return err_set(info, ERR_USAGE, "'%s' is not a list's name (1 to %d bytes, no '#')",
			       name, STORE_LIST_NAME_MAX);
	if (need && !list_exists(st, ds))
		return err_set(info, ERR_NOT_FOUND,
			       "list '%s' holds nothing yet: stage it with 'contactsync import --list %s FILE' "
			       "('contactsync status' lists the lists)", name, name);
	return ERR_OK;
}

enum err listsel_profile(struct store *st, const struct profile *p, int need,
			 char ds[STORE_LIST_DATASET_MAX], struct errinfo *info)
{
	const char *name = profile_list(p);

	if (!*store_list_dataset(name, ds))
		return err_set(info, ERR_CONFIG,
			       "profile '%s': its name is not a list's name (no '#', at most %d bytes): "
			       "set list = NAME in [profile %s]", p->name, STORE_LIST_NAME_MAX, p->name);
	if (need && !list_exists(st, ds))
		return err_set(info, ERR_CONFIG,
			       "profile '%s' syncs list '%s', which holds nothing yet: stage it with "
			       "'contactsync import --list %s FILE' or 'contactsync sync %s FILE', "
			       "or name another list with list = NAME in [profile %s]",
			       p->name, name, name, p->name, p->name);
	return ERR_OK;
}
