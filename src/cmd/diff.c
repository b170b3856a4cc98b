/* contactsync diff: the plan that makes a profile's account match the list. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "csvout.h"
#include "log.h"
#include "outfile.h"
#include "plan.h"
#include "push.h"

enum { O_MODE, O_ON_MISSING, O_BLANK, O_FORMAT, O_OUTPUT, O_EXIT_CODE };
enum format { FMT_TEXT, FMT_JSON, FMT_CSV };

static const struct opt options[] = {
	{ "mode", 0, "insert|update|upsert|mirror", "what to plan (default upsert; mirror also deletes)", O_MODE },
	{ "on-missing", 0, "none|optout|delete", "remote contacts not in the list: keep (default), opt out,\n"
	  "                                 or delete (= --mode mirror)", O_ON_MISSING },
	{ "blank", 0, "keep|clear", "an empty cell: keep the remote value, or clear it (default:\n"
	  "                                 the profile's blank, else clear in mirror, keep otherwise)", O_BLANK },
	{ "format", 0, "text|json|csv", "text: counts; json, csv: every planned operation", O_FORMAT },
	{ "output", 'o', "FILE", "write to FILE (replaced atomically) instead of stdout", O_OUTPUT },
	{ "exit-code", 0, NULL, "exit 1 when the plan is not empty, 0 when the account\n"
	  "                                 already matches the list (for monitoring)", O_EXIT_CODE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync diff PROFILE [--mode insert|update|upsert|mirror] [--on-missing none|optout|delete]\n"
		 "       [--blank keep|clear] [--format text|json|csv] [-o FILE] [--exit-code]",
	.summary = "Compares the desired set with PROFILE's remote snapshot (from 'pull') and\n"
		   "writes the plan: create, update (with the changed fields), delete (mirror\n"
		   "only) and opt-out. Only fields the provider stores are compared; an empty\n"
		   "cell clears the remote value only with --blank clear (the default in mirror),\n"
		   "and only for a column the list has: a clear is a change to \"\"; opt-outs\n"
		   "are never reversed.",
	.opts = options,
	.footer = "csv columns: op, phone, id, field, before, after (one row per changed field)\n\n"
		  EXITCODE_FOOTER
		  "Without --exit-code a plan with changes is a success (0); with it, 1.\n",
};

struct diff_opts {
	struct push_opts plan;		/* mode and on_missing: the plan push makes */
	enum format format;
	const char *output;
	int exit_code;		/* --exit-code: 1 when the plan is not empty */
};

struct out {
	FILE *fp;
	enum format format;
	struct csvout csv;
	char **custom;		/* the custom fields the plan writes, in order met */
	size_t ncustom;
};

/* Notes a field the plan writes when it is a custom one ("custom:KEY"). */
static enum err note_custom(struct out *o, const char *field)
{
	char **v;
	size_t i;

	if (strncmp(field, "custom:", 7))
		return ERR_OK;
	for (i = 0; i < o->ncustom; i++)
		if (!strcmp(o->custom[i], field + 7))
			return ERR_OK;
	v = realloc(o->custom, (o->ncustom + 1) * sizeof(*v));
	if (!v)
		return ERR_NOMEM;
	o->custom = v;
	if (!(v[o->ncustom] = strdup(field + 7)))
		return ERR_NOMEM;
	o->ncustom++;
	return ERR_OK;
}

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct diff_opts *o = ctx;

	switch (id) {
	case O_MODE:
		if (plan_parse_mode(arg, &o->plan.mode)) {
			err_set(info, ERR_USAGE, "--mode must be insert, update, upsert or mirror, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_ON_MISSING:
		if (push_parse_on_missing(arg, &o->plan.on_missing)) {
			err_set(info, ERR_USAGE, "--on-missing must be none, optout or delete, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_BLANK:
		if (profile_parse_blank(arg, &o->plan.blank)) {
			err_set(info, ERR_USAGE, "--blank must be keep or clear, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_FORMAT:
		if (!strcmp(arg, "text"))
			o->format = FMT_TEXT;
		else if (!strcmp(arg, "json"))
			o->format = FMT_JSON;
		else if (!strcmp(arg, "csv"))
			o->format = FMT_CSV;
		else {
			err_set(info, ERR_USAGE, "--format must be text, json or csv, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_OUTPUT:
		o->output = arg;
		return 0;
	case O_EXIT_CODE:
		o->exit_code = 1;
		return 0;
	}
	return -1;
}

static json_t *jstr(struct str s)
{
	json_t *j = json_stringn(s.ptr, s.len);

	return j ? j : json_string("");
}

static enum err emit_json(FILE *fp, const struct plan_entry *e)
{
	json_t *o = json_object(), *changes = json_array();
	char *line;
	size_t i;

	json_object_set_new(o, "op", json_string(plan_op_name(e->op)));
	json_object_set_new(o, "phone", json_string(e->phone));
	json_object_set_new(o, "id", e->remote && e->remote->id[0] ? json_string(e->remote->id) : json_null());
	for (i = 0; i < e->nchanges; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "field", json_string(e->changes[i].field));
		json_object_set_new(c, "before", jstr(e->changes[i].before));
		json_object_set_new(c, "after", jstr(e->changes[i].after));
		json_array_append_new(changes, c);
	}
	json_object_set_new(o, "changes", changes);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return ERR_NOMEM;
	fprintf(fp, "%s\n", line);
	free(line);
	return ERR_OK;
}

static void csv_row(struct out *o, const struct plan_entry *e, const char *field,
		    struct str before, struct str after)
{
	csvout_cellz(&o->csv, plan_op_name(e->op));
	csvout_cellz(&o->csv, e->phone);
	csvout_cellz(&o->csv, e->remote ? e->remote->id : "");
	csvout_cellz(&o->csv, field);
	csvout_cell(&o->csv, before.ptr, before.len);
	csvout_cell(&o->csv, after.ptr, after.len);
	csvout_end_row(&o->csv);
}

static enum err emit(void *ctx, const struct plan_entry *e, struct errinfo *info)
{
	struct out *o = ctx;
	struct str none = { "", 0 };
	size_t i;
	enum err err = ERR_OK;

	if (o->format == FMT_JSON)
		err = emit_json(o->fp, e);
	else if (o->format == FMT_CSV && !e->nchanges)
		csv_row(o, e, "", none, none);
	else if (o->format == FMT_CSV)
		for (i = 0; i < e->nchanges; i++)
			csv_row(o, e, e->changes[i].field, e->changes[i].before, e->changes[i].after);
	for (i = 0; !err && i < e->nchanges; i++)
		if (note_custom(o, e->changes[i].field))
			err = err_set(info, ERR_NOMEM, "out of memory");
	if (!err && ferror(o->fp))
		err = err_set(info, ERR_IO, "cannot write the plan: %s", strerror(errno));
	return err;
}

static void summary_text(FILE *fp, const char *profile, const struct provider *drv,
			 const struct plan_stats *s, const struct out *o)
{
	size_t i;

	unsigned line;
	int op, id;

	fprintf(fp, "plan for '%s' (%s):", profile, drv->name);
	for (op = 0; op < PLAN__COUNT; op++)
		fprintf(fp, "%s %s %llu", op ? "," : "", plan_op_name((enum plan_op)op),
			(unsigned long long)s->ops[op]);
	fprintf(fp, "\n");
	for (line = 1; line <= PLAN_STAT__COUNT; line++)
		for (id = 0; id < PLAN_STAT__COUNT; id++)
			if (plan_stat_row((enum plan_stat)id)->line == line &&
			    plan_stat_value(s, (enum plan_stat)id))
				plan_stat_print(fp, s, (enum plan_stat)id, drv->name);
	if (!o->ncustom)
		return;
	fprintf(fp, "custom fields written: ");
	for (i = 0; i < o->ncustom && i < 12; i++)
		fprintf(fp, "%s'%s'", i ? ", " : "", o->custom[i]);
	if (o->ncustom > 12)
		fprintf(fp, " and %zu more", o->ncustom - 12);
	fprintf(fp, " (choose with import --columns or --ignore)\n");
}

static void summary_json(FILE *fp, const struct plan_stats *s)
{
	json_t *o = json_object(), *ops = json_object();
	char *line;
	int op, id;

	for (op = 0; op < PLAN__COUNT; op++)
		json_object_set_new(ops, plan_op_name((enum plan_op)op), json_integer((json_int_t)s->ops[op]));
	json_object_set_new(o, "summary", ops);
	for (id = 0; id < PLAN_STAT__COUNT; id++)
		json_object_set_new(ops, plan_stat_row((enum plan_stat)id)->key,
				    json_integer((json_int_t)plan_stat_value(s, (enum plan_stat)id)));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line)
		fprintf(fp, "%s\n", line);
	free(line);
	json_decref(o);
}

/* Operations that change the account: everything but unchanged. */
static uint64_t changes(const struct plan_stats *s)
{
	uint64_t n = 0;
	int op;

	for (op = 0; op < PLAN__COUNT; op++)
		if (op != PLAN_UNCHANGED)
			n += s->ops[op];
	return n;
}

/* Writes the plan to fp; *nchanges: its operations that change the account. */
static enum err plan(struct app *app, const struct profile *p, const struct provider *drv,
		     const struct diff_opts *o, FILE *fp, uint64_t *nchanges,
		     struct errinfo *info)
{
	struct push_plan_in in;
	struct plan_stats stats;
	struct out out = { fp, o->format, { 0 }, NULL, 0 };
	size_t i;
	enum err e;

	e = push_plan_open(&in, app->store, p->name, &o->plan, info);
	if (e)
		return e;
	csvout_init(&out.csv, fp, ',');
	if (o->format == FMT_CSV)
		fputs("op,phone,id,field,before,after\n", fp);
	e = plan_run(in.rd, in.remote, p, drv, &in.params, emit, &out, &stats, info);
	push_plan_close(&in);
	*nchanges = e ? 0 : changes(&stats);
	if (!e && o->format == FMT_TEXT)
		summary_text(fp, p->name, drv, &stats, &out);
	else if (!e && o->format == FMT_JSON)
		summary_json(fp, &stats);
	else if (!e && o->format == FMT_CSV && log_is_enabled(LOG_INFO))
		summary_text(stderr, p->name, drv, &stats, &out);
	for (i = 0; i < out.ncustom; i++)
		free(out.custom[i]);
	free(out.custom);
	if (e)
		return e;
	return ferror(fp) ? err_set(info, ERR_IO, "cannot write the plan: %s", strerror(errno)) : ERR_OK;
}

int cmd_diff(int argc, char **argv, struct app *app)
{
	struct diff_opts o = { .format = FMT_TEXT };
	struct errinfo info = { ERR_OK, "" };
	const struct profile *p;
	const struct provider *drv;
	struct outfile out;
	uint64_t nchanges = 0;
	int npos, done, rc;
	enum err e;

	push_opts_init(&o.plan);
	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos != 1) {
		log_error("diff needs exactly one PROFILE (see 'contactsync diff --help')");
		return EXIT_USAGE;
	}
	p = config_profile(&app->config, argv[0], &info);
	if (!p)
		return app_fail(ERR_CONFIG, &info);
	drv = provider_for(p, PROVIDER_NEED_ANY, &info);
	if (!drv)
		return app_fail(ERR_CONFIG, &info);
	e = outfile_open(&out, o.output, &info);
	if (e)
		return app_fail(e, &info);
	e = plan(app, p, drv, &o, out.fp, &nchanges, &info);
	e = outfile_commit(&out, e, &info);
	if (!e)
		return o.exit_code && nchanges ? EXIT_PARTIAL : EXIT_OK;
	rc = app_fail(e, &info);
	return e == ERR_IO ? EXIT_PARTIAL : rc;
}
