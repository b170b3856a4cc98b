/* opts: table-driven option parser (see opts.h). */
#include "opts.h"

#include <stdlib.h>
#include <string.h>

static const struct opt *find_long(const struct opt *t, const char *name,
				   size_t len)
{
	for (; t->lng; t++)
		if (strlen(t->lng) == len && !strncmp(t->lng, name, len))
			return t;
	return NULL;
}

static const struct opt *find_short(const struct opt *t, char c)
{
	for (; t->lng; t++)
		if (t->shrt && t->shrt == c)
			return t;
	return NULL;
}

static int is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* Returns the number of argv entries consumed, or -1. */
static int do_long(const struct opts_spec *spec, int argc, char **argv, int i,
		   int (*cb)(void *, int, const char *, struct errinfo *),
		   void *ctx, struct errinfo *info)
{
	const char *name = argv[i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = find_long(spec->opts, name, len);

	if (!o) {
		err_set(info, ERR_USAGE, "unknown option '--%.*s'", (int)len, name);
		return -1;
	}
	if (!o->arg) {
		if (eq) {
			err_set(info, ERR_USAGE, "option '--%s' takes no value", o->lng);
			return -1;
		}
		return cb(ctx, o->id, NULL, info) ? -1 : 1;
	}
	if (eq)
		return cb(ctx, o->id, eq + 1, info) ? -1 : 1;
	if (i + 1 >= argc) {
		err_set(info, ERR_USAGE, "option '--%s' needs a value (%s)", o->lng, o->arg);
		return -1;
	}
	return cb(ctx, o->id, argv[i + 1], info) ? -1 : 2;
}

static int do_short(const struct opts_spec *spec, int argc, char **argv, int i,
		    int (*cb)(void *, int, const char *, struct errinfo *),
		    void *ctx, struct errinfo *info)
{
	const char *p;

	for (p = argv[i] + 1; *p; p++) {
		const struct opt *o = find_short(spec->opts, *p);

		if (!o) {
			err_set(info, ERR_USAGE, "unknown option '-%c'", *p);
			return -1;
		}
		if (!o->arg) {
			if (cb(ctx, o->id, NULL, info))
				return -1;
			continue;
		}
		if (p[1])
			return cb(ctx, o->id, p + 1, info) ? -1 : 1;
		if (i + 1 >= argc) {
			err_set(info, ERR_USAGE, "option '-%c' needs a value (%s)", *p, o->arg);
			return -1;
		}
		return cb(ctx, o->id, argv[i + 1], info) ? -1 : 2;
	}
	return 1;
}

enum opts_result opts_parse(const struct opts_spec *spec, int argc, char **argv,
			    int (*cb)(void *ctx, int id, const char *arg,
				      struct errinfo *info),
			    void *ctx, int *npos, struct errinfo *info)
{
	int i = 1, n = 0, used;

	while (i < argc) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				argv[n++] = argv[i];
			break;
		}
		if (a[0] != '-' || !a[1]) {
			if (spec->stop_at_positional) {
				while (i < argc)
					argv[n++] = argv[i++];
				break;
			}
			argv[n++] = argv[i++];
			continue;
		}
		if (is_help(a))
			return OPTS_HELP;
		if (a[1] == '-')
			used = do_long(spec, argc, argv, i, cb, ctx, info);
		else
			used = do_short(spec, argc, argv, i, cb, ctx, info);
		if (used < 0)
			return OPTS_ERROR;
		i += used;
	}
	*npos = n;
	return OPTS_OK;
}

void opts_help(FILE *fp, const struct opts_spec *spec)
{
	const struct opt *o;

	fprintf(fp, "usage: %s\n", spec->usage);
	if (spec->summary)
		fprintf(fp, "\n%s\n", spec->summary);
	fprintf(fp, "\noptions:\n");
	for (o = spec->opts; o->lng; o++) {
		char left[64];
		int n;

		if (o->shrt)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->shrt, o->lng);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->lng);
		if (o->arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->arg);
		fprintf(fp, "  %-30s %s\n", left, o->help);
	}
	fprintf(fp, "  %-30s %s\n", "-h, --help", "show this help and exit");
	if (spec->footer)
		fprintf(fp, "\n%s", spec->footer);
}

static size_t count(const struct opt *t)
{
	size_t n = 0;

	while (t[n].lng)
		n++;
	return n;
}

struct opt *opts_concat(const struct opt *a, const struct opt *b)
{
	size_t na = count(a), nb = count(b);
	struct opt *t = calloc(na + nb + 1, sizeof(*t));	/* the last one zeroed: the end */

	if (!t)
		return NULL;
	memcpy(t, a, na * sizeof(*t));
	memcpy(t + na, b, nb * sizeof(*t));
	return t;
}
