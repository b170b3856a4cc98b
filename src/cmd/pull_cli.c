/* pull_cli: the pull as `pull` and `sync` run it (see pull_cli.h). */
#include "pull_cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* "pulling 'shop': 1200 of 25000 contacts (4%), 900/s, ETA 0:26, 2 requests" */
static void progress(void *ctx, const struct pull_progress *p)
{
	struct log_status st = { NULL, 0, 0, "contacts", -1, NULL };
	char what[300], detail[128];
	int n;

	(void)ctx;
	if (!p) {
		log_progress_end();	/* the listing is over */
		return;
	}
	if (!log_is_status_due())
		return;
	snprintf(what, sizeof(what), "pulling '%s'", p->profile);
	n = snprintf(detail, sizeof(detail), ", %lu request%s", p->requests,
		     p->requests == 1 ? "" : "s");
	if (p->wait_ms >= 100 && n > 0 && (size_t)n < sizeof(detail))
		snprintf(detail + n, sizeof(detail) - (size_t)n, ", %.1f s waiting for the rate limit",
			 (double)p->wait_ms / 1000.0);
	st.what = what;
	st.done = p->listed;
	st.total = p->total;
	st.detail = detail;
	log_status(&st);
}

void pull_cli_init(struct pull_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->warn = log_warn_hook;
	o->info = log_info_hook;
	o->progress = progress;
	o->max_shrink_percent = PULL_MAX_SHRINK;
}

int pull_cli_shrink_option(const char *arg, unsigned *out, struct errinfo *info)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > 100) {
		err_set(info, ERR_USAGE, "--max-remote-shrink-percent must be a whole number from 0 to 100, not '%s'",
			arg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

enum err pull_cli_run(struct store *st, const struct profile *p, const struct provider *drv,
		      const struct pull_opts *o, struct pull_stats *stats,
		      struct errinfo *info)
{
	json_t *end;
	enum err e;

	log_phase_start("pull", p->name, json_pack("{s:s}", "provider", drv ? drv->name : p->provider));
	e = pull_profile(st, p, drv, o, stats, info);
	end = pull_stats_json(stats);	/* as the run records have them */
	if (e)
		json_object_set_new(end, "error", log_json_str(info->msg[0] ? info->msg : err_str(e)));
	log_phase_end("pull", p->name, !e, end);
	return e;
}
