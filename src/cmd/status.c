/* contactsync status: the store, each profile's snapshot, journal and last runs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "runlog.h"
#include "status.h"

enum { O_FORMAT, O_RUNS };

static const struct opt options[] = {
	{ "format", 0, "text|json", "output format (default text; json with --log-format json)", O_FORMAT },
	{ "runs", 0, "N", "how many of each profile's last runs to show (default 5)", O_RUNS },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync status [PROFILE] [--format text|json] [--runs N]",
	.summary = "Shows the store (path, size, desired set) and, for each profile of the\n"
		   "configuration or with runs in the store (or only PROFILE): its snapshot's\n"
		   "size and age, where its last plan stands in the journal (operations done,\n"
		   "failed, still pending), and its last runs with their outcome.",
	.opts = options,
};

struct status_opts {
	int json;
	unsigned runs;
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct status_opts *o = ctx;
	char *end;
	unsigned long n;

	if (id == O_FORMAT) {
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return err_set(info, ERR_USAGE, "--format must be text or json, not '%s'", arg), 1;
		o->json = !strcmp(arg, "json");
		return 0;
	}
	n = strtoul(arg, &end, 10);
	if (!*arg || *end || n > 1000)
		return err_set(info, ERR_USAGE, "--runs must be a number from 0 to 1000, not '%s'", arg), 1;
	o->runs = (unsigned)n;
	return 0;
}

/* The profiles to show: the configuration's, then those only the store
 * has runs of, each once. */
struct names {
	char **v;
	size_t n;
};

static int names_add(struct names *ns, const char *name)
{
	char **v;
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return 0;
	v = realloc(ns->v, (ns->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	ns->v = v;
	if (!(ns->v[ns->n] = strdup(name)))
		return -1;
	ns->n++;
	return 0;
}

static int add_run_profile(void *ctx, const char *profile, json_t *rec)
{
	(void)rec;
	return names_add(ctx, profile);
}

static void names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* The last `keep` runs of a profile, oldest first, in a JSON array. */
struct last_runs {
	json_t *a;
	unsigned keep;
};

static int keep_run(void *ctx, const char *profile, json_t *rec)
{
	struct last_runs *l = ctx;

	(void)profile;
	if (!l->keep)
		return 1;
	json_array_append(l->a, rec);
	if (json_array_size(l->a) > l->keep)
		json_array_remove(l->a, 0);
	return 0;
}

static json_t *profile_json(struct store *st, const struct config *cfg, const char *name,
			    unsigned keep, struct errinfo *info)
{
	const struct profile *p = config_profile(cfg, name, NULL);
	struct status_profile sp;
	struct last_runs lr = { json_array(), keep };
	json_t *o = json_object(), *snap = json_null(), *jr;

	if (status_profile(st, name, &sp, info) ||
	    runlog_each(st, name, keep_run, &lr, info)) {
		json_decref(o);
		json_decref(lr.a);
		return NULL;
	}
	if (sp.has_snapshot) {
		char when[32];

		snap = json_object();
		json_object_set_new(snap, "contacts", json_integer((json_int_t)sp.snapshot_contacts));
		runlog_time(when, sizeof(when), (time_t)sp.snapshot_time);
		json_object_set_new(snap, "time", sp.snapshot_time ? json_string(when) : json_null());
		json_object_set_new(snap, "age_s", sp.snapshot_time
				    ? json_integer((json_int_t)(time(NULL) - sp.snapshot_time)) : json_null());
	}
	jr = json_object();
	json_object_set_new(jr, "planned", json_integer((json_int_t)sp.planned));
	json_object_set_new(jr, "done", json_integer((json_int_t)sp.done));
	json_object_set_new(jr, "failed", json_integer((json_int_t)sp.failed));
	json_object_set_new(jr, "pending", json_integer((json_int_t)sp.pending));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "provider", p ? json_string(p->provider) : json_null());
	json_object_set_new(o, "in_configuration", json_boolean(p != NULL));
	json_object_set_new(o, "list", p ? json_string(profile_list(p)) : json_null());
	json_object_set_new(o, "snapshot", snap);
	json_object_set_new(o, "journal", jr);
	json_object_set_new(o, "runs", lr.a);
	return o;
}

/* What status says of each list: name, contacts, time, files. */
struct lists {
	struct store_read *rd;
	json_t *a;
	struct errinfo *info;
};

static int add_list(void *ctx, const char *dataset)
{
	struct lists *l = ctx;
	const char *name = store_list_of(dataset), **files;
	json_t *o, *jf;
	uint64_t n = 0;
	size_t nf, i;
	int64_t t;
	char when[32];

	if (!name)
		return 0;
	if (store_count(l->rd, dataset, &n, l->info) ||
	    store_files(l->rd, dataset, &files, &nf, l->info))
		return -1;
	t = store_gen_time(l->rd, dataset);
	runlog_time(when, sizeof(when), (time_t)t);
	o = json_object();
	jf = json_array();
	for (i = 0; i < nf; i++)
		json_array_append_new(jf, json_string(files[i]));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "contacts", json_integer((json_int_t)n));
	json_object_set_new(o, "time", t ? json_string(when) : json_null());
	json_object_set_new(o, "files", jf);
	json_array_append_new(l->a, o);
	return 0;
}

static json_t *store_json(struct store *st, struct errinfo *info)
{
	struct lists l = { NULL, json_array(), info };
	json_t *o;

	if (store_read_begin(st, &l.rd, info)) {
		json_decref(l.a);
		return NULL;
	}
	/* "desired" (the list 'default') first, then the others by name */
	if (add_list(&l, STORE_DESIRED) || store_datasets(l.rd, STORE_LIST_PREFIX, add_list, &l)) {
		store_read_end(l.rd);
		json_decref(l.a);
		return NULL;
	}
	store_read_end(l.rd);
	o = json_object();
	json_object_set_new(o, "path", json_string(store_dir(st)));
	json_object_set_new(o, "bytes", json_integer((json_int_t)status_store_bytes(st)));
	json_object_set_new(o, "lists", l.a);
	return o;
}

static void print_age(FILE *fp, json_int_t s)
{
	if (s < 120)
		fprintf(fp, "%lld s", (long long)s);
	else if (s < 2 * 3600)
		fprintf(fp, "%lld min", (long long)s / 60);
	else if (s < 2 * 86400)
		fprintf(fp, "%lld h", (long long)s / 3600);
	else
		fprintf(fp, "%lld days", (long long)s / 86400);
}

/* "list 'NAME': N contacts, imported T, from a.csv, b.xlsx" */
static void print_list(FILE *fp, json_t *l)
{
	json_t *files = json_object_get(l, "files"), *f;
	size_t i;

	fprintf(fp, "list '%s': %lld contacts", json_string_value(json_object_get(l, "name")),
		(long long)json_integer_value(json_object_get(l, "contacts")));
	if (json_is_string(json_object_get(l, "time")))
		fprintf(fp, ", imported %s", json_string_value(json_object_get(l, "time")));
	json_array_foreach(files, i, f)
		fprintf(fp, "%s%s", i ? ", " : ", from ", json_string_value(f));
	fputc('\n', fp);
}

static void print_text(FILE *fp, json_t *all)
{
	json_t *st = json_object_get(all, "store"), *lists = json_object_get(st, "lists");
	json_t *profiles = json_object_get(all, "profiles"), *p, *r, *l;
	size_t i, j;

	fprintf(fp, "store %s (%.1f MB on disk)\n", json_string_value(json_object_get(st, "path")),
		(double)json_integer_value(json_object_get(st, "bytes")) / 1e6);
	if (!json_array_size(lists))
		fputs("lists: none (run 'contactsync import' or 'contactsync sync')\n", fp);
	json_array_foreach(lists, i, l)
		print_list(fp, l);
	json_array_foreach(profiles, i, p) {
		json_t *snap = json_object_get(p, "snapshot"), *jr = json_object_get(p, "journal");
		json_t *runs = json_object_get(p, "runs");

		fprintf(fp, "profile '%s'", json_string_value(json_object_get(p, "name")));
		if (json_is_string(json_object_get(p, "provider")))
			fprintf(fp, " (%s)", json_string_value(json_object_get(p, "provider")));
		if (json_is_string(json_object_get(p, "list")))
			fprintf(fp, ", list '%s'", json_string_value(json_object_get(p, "list")));
		if (!json_is_true(json_object_get(p, "in_configuration")))
			fputs(" (not in the configuration)", fp);
		fputc('\n', fp);
		if (json_is_object(snap)) {
			fprintf(fp, "  snapshot: %lld contacts",
				(long long)json_integer_value(json_object_get(snap, "contacts")));
			if (json_is_integer(json_object_get(snap, "age_s"))) {
				fputs(", ", fp);
				print_age(fp, json_integer_value(json_object_get(snap, "age_s")));
				fputs(" old", fp);
			}
			fputc('\n', fp);
		} else {
			fputs("  snapshot: none (run 'contactsync pull')\n", fp);
		}
		fprintf(fp, "  last plan: %lld operations, %lld done, %lld failed, %lld pending\n",
			(long long)json_integer_value(json_object_get(jr, "planned")),
			(long long)json_integer_value(json_object_get(jr, "done")),
			(long long)json_integer_value(json_object_get(jr, "failed")),
			(long long)json_integer_value(json_object_get(jr, "pending")));
		if (!json_array_size(runs)) {
			fputs("  runs: none recorded\n", fp);
			continue;
		}
		fprintf(fp, "  last runs:\n");
		json_array_foreach(runs, j, r)
			status_print_run(fp, r);
	}
}

int cmd_status(int argc, char **argv, struct app *app)
{
	struct status_opts o = { log_format() == LOG_JSON, 5 };
	struct errinfo info = { ERR_OK, "" };
	struct names ns = { NULL, 0 };
	json_t *all = NULL, *profiles, *st, *p;
	int npos, done, rc = EXIT_OK;
	size_t i;

	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos > 1) {
		log_error("status takes at most one PROFILE (see 'contactsync status --help')");
		return EXIT_USAGE;
	}
	if (npos == 1) {
		if (names_add(&ns, argv[0]))
			return app_fail(ERR_NOMEM, NULL);
	} else {
		for (i = 0; i < app->config.nprofiles; i++)
			if (names_add(&ns, app->config.profiles[i].name))
				goto nomem;
		if (runlog_each(app->store, NULL, add_run_profile, &ns, &info)) {
			rc = app_fail(info.code ? info.code : ERR_STORE, &info);
			goto out;
		}
	}
	all = json_object();
	profiles = json_array();
	st = store_json(app->store, &info);
	if (!st) {
		rc = app_fail(info.code ? info.code : ERR_STORE, &info);
		json_decref(profiles);
		goto out;
	}
	json_object_set_new(all, "store", st);
	json_object_set_new(all, "profiles", profiles);
	for (i = 0; i < ns.n; i++) {
		p = profile_json(app->store, &app->config, ns.v[i], o.runs, &info);
		if (!p) {
			rc = app_fail(info.code ? info.code : ERR_STORE, &info);
			goto out;
		}
		json_array_append_new(profiles, p);
	}
	if (o.json) {
		char *line = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (!line)
			goto nomem;
		printf("%s\n", line);
		free(line);
	} else {
		print_text(stdout, all);
	}
	goto out;
nomem:
	rc = app_fail(ERR_NOMEM, NULL);
out:
	json_decref(all);
	names_free(&ns);
	return rc;
}
