/* push: the engine (see push.h). Work in progress: the API only. */
#include "push.h"

#include <stdio.h>
#include <string.h>

void push_opts_init(struct push_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = DIFF_UPSERT;
	o->on_missing = ON_MISSING_NONE;
	o->max_delete = -1;
	o->max_delete_percent = PUSH_DEFAULT_MAX_DELETE_PERCENT;
	o->max_snapshot_age_s = PUSH_DEFAULT_SNAPSHOT_AGE_S;
	o->dry_out = stdout;
}

void push_journal_table(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, "journal:%s", profile);
}

void push_optouts_table(const char *profile, char *out, size_t cap)
{
	snprintf(out, cap, "optouts:%s", profile);
}

int push_parse_on_missing(const char *s, enum on_missing *out)
{
	static const char *const names[] = { "none", "optout", "delete" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum on_missing)i;
			return 0;
		}
	return -1;
}

enum err push_run(struct store *st, const struct profile *p, const struct provider *drv,
		  const struct push_opts *o, struct push_summary *sum,
		  struct errinfo *info)
{
	(void)st;
	(void)drv;
	(void)o;
	memset(sum, 0, sizeof(*sum));
	return err_set(info, ERR_INTERNAL, "profile '%s': push is not built yet", p->name);
}

int push_summary_partial(const struct push_summary *sum)
{
	(void)sum;
	return 0;
}

void push_summary_print(FILE *fp, const struct push_summary *sum, int json)
{
	(void)fp;
	(void)sum;
	(void)json;
}
