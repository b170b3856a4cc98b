/* push_summary: what a push did, as text lines or one JSON object. */
#include "push.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const outcome_names[] = {
#define PUSH_OUTCOME_NAME_(c, s) [c] = s,
	PUSH_OUTCOME_LIST(PUSH_OUTCOME_NAME_)
#undef PUSH_OUTCOME_NAME_
};

int push_summary_is_partial(const struct push_summary *sum)
{
	int op;

	for (op = 0; op < PLAN__COUNT; op++)
		if (sum->ops[op][PUSH_FAILED] || sum->ops[op][PUSH_PENDING])
			return 1;
	return 0;
}

static const enum plan_op shown[] = { PLAN_CREATE, PLAN_UPDATE, PLAN_OPT_OUT, PLAN_DELETE };

json_t *push_summary_json(const struct push_summary *s)
{
	json_t *o = json_object(), *ops = json_object();
	size_t i;
	int k;

	if (!o || !ops) {
		json_decref(o);
		json_decref(ops);
		return NULL;
	}

	json_object_set_new(o, "profile", json_string(s->profile));
	json_object_set_new(o, "provider", json_string(s->provider));
	json_object_set_new(o, "dry_run", json_boolean(s->dry_run));
	for (i = 0; i < sizeof(shown) / sizeof(*shown); i++) {
		json_t *c = json_object();

		for (k = 0; k < PUSH_OUTCOME__COUNT; k++)
			json_object_set_new(c, outcome_names[k], json_integer((json_int_t)s->ops[shown[i]][k]));
		json_object_set_new(ops, plan_op_name(shown[i]), c);
	}
	json_object_set_new(o, "operations", ops);
	json_object_set_new(o, "unchanged", json_integer((json_int_t)s->plan.ops[PLAN_UNCHANGED]));
	json_object_set_new(o, "already_done", json_integer((json_int_t)s->already_done));
	json_object_set_new(o, "reconciled", json_integer((json_int_t)s->reconciled));
	json_object_set_new(o, plan_stat_row(PLAN_STAT_OPTOUT_UNSUPPORTED)->push_key,
			    json_integer((json_int_t)s->plan.optout_unsupported));
	json_object_set_new(o, plan_stat_row(PLAN_STAT_KEPT_OPTED_OUT)->push_key,
			    json_integer((json_int_t)s->plan.kept_opted_out));
	json_object_set_new(o, "requests", json_integer((json_int_t)s->requests));
	json_object_set_new(o, "retries", json_integer((json_int_t)s->retries));
	json_object_set_new(o, "status_429", json_integer((json_int_t)s->status_429));
	json_object_set_new(o, "rate_wait_s", json_real((double)s->wait_ms / 1000.0));
	json_object_set_new(o, "retry_wait_s", json_real((double)s->backoff_ms / 1000.0));
	json_object_set_new(o, "wall_s", json_real((double)s->wall_ms / 1000.0));
	json_object_set_new(o, "stopped_by", s->stopped_by ? json_string(s->stopped_by) : json_null());
	json_object_set_new(o, "results", s->results_dir[0] ? json_string(s->results_dir) : json_null());
	return o;
}

static void summary_json(FILE *fp, const struct push_summary *s)
{
	json_t *o = push_summary_json(s);
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	if (line)
		fprintf(fp, "%s\n", line);
	free(line);
}

void push_summary_print(FILE *fp, const struct push_summary *s, int json)
{
	size_t i;

	if (json) {
		summary_json(fp, s);
		return;
	}
	fprintf(fp, "%s '%s' (%s):\n", s->dry_run ? "dry run of the push to" : "push to",
		s->profile, s->provider);
	for (i = 0; i < sizeof(shown) / sizeof(*shown); i++) {
		const uint64_t *c = s->ops[shown[i]];

		fprintf(fp, "  %-8s %llu done", plan_op_name(shown[i]),
			(unsigned long long)c[PUSH_DONE]);
		if (c[PUSH_FAILED])
			fprintf(fp, ", %llu failed", (unsigned long long)c[PUSH_FAILED]);
		if (c[PUSH_SKIPPED])
			fprintf(fp, ", %llu skipped", (unsigned long long)c[PUSH_SKIPPED]);
		if (c[PUSH_PENDING])
			fprintf(fp, ", %llu pending", (unsigned long long)c[PUSH_PENDING]);
		fputc('\n', fp);
	}
	fprintf(fp, "  unchanged %llu\n", (unsigned long long)s->plan.ops[PLAN_UNCHANGED]);
	if (s->already_done)
		fprintf(fp, "  done by an earlier run, not sent again: %llu\n",
			(unsigned long long)s->already_done);
	if (s->reconciled)
		fprintf(fp, "  creates found at the provider after a stop, not sent again: %llu\n",
			(unsigned long long)s->reconciled);
	if (s->plan.kept_opted_out) {
		fputs("  ", fp);
		plan_stat_print(fp, &s->plan, PLAN_STAT_KEPT_OPTED_OUT, s->provider);
	}
	/* push's own words (not the plan's rows): a warning for the opt-outs
	 * it did not carry out, with the fix; the contacts not created as
	 * opted out, two of the plan's counters together */
	if (s->plan.optout_unsupported)
		fprintf(fp, "  warning: %llu opt-outs not carried out: %s cannot record an opt-out (set optout_action in the profile)\n",
			(unsigned long long)s->plan.optout_unsupported, s->provider);
	if (s->plan.not_created_opted_out + s->plan.removed_opted_out)
		fprintf(fp, "  opted out and not at the provider, not created: %llu\n",
			(unsigned long long)(s->plan.not_created_opted_out + s->plan.removed_opted_out));
	fprintf(fp, "  requests %lu, retries %lu, 429 answers %lu, rate-limit wait %.1f s, "
		"retry wait %.1f s, wall time %.1f s\n",
		s->requests, s->retries, s->status_429, (double)s->wait_ms / 1000.0,
		(double)s->backoff_ms / 1000.0, (double)s->wall_ms / 1000.0);
	if (s->stopped_by)
		fprintf(fp, "  stopped early: %s\n", s->stopped_by);
	if (s->results_dir[0])
		fprintf(fp, "  results in %s\n", s->results_dir);
}

