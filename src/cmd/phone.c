/* contactsync phone: normalise numbers given as arguments or on stdin. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "log.h"
#include "phone.h"

#define LINE_MAX_BYTES 4096

enum { O_REGION, O_FORMAT, O_STRICT_PHONE };
enum format { FMT_PLAIN, FMT_TSV, FMT_JSON };

static const struct opt options[] = {
	{ "region", 0, "CC", "default region for national numbers (ISO 3166, e.g. GB)", O_REGION },
	{ "format", 0, "plain|tsv|json", "output format (default plain)", O_FORMAT },
	{ "strict-phone", 0, NULL,
	  "read digits without '+' as libphonenumber does (no international reading)",
	  O_STRICT_PHONE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct opts_spec spec = {
	.usage = "contactsync phone [--region CC] [--format plain|tsv|json] [--strict-phone] [NUMBER...]",
	.summary = "Normalises phone numbers to E.164, from the arguments or one per line\n"
		   "of standard input. Exit status 0 when every input was valid, 1 otherwise.",
	.opts = options,
	.footer = "formats:\n"
		  "  plain  the E.164 number, or '-' when the input is not a valid number\n"
		  "  tsv    E.164 (or '-'), input, type, reason, extension, tab-separated\n"
		  "  json   one object per line: input, valid, e164, type, reason, region, extension,\n"
		  "         read_international\n"
		  "\n"
		  "digits without '+' that start with the region's calling code and make a\n"
		  "mobile number with one (4915123456781 in DE) are read as international when\n"
		  "the national reading is not a mobile number; plain and tsv say so on\n"
		  "standard error, json in read_international\n"
		  "\n"
		  "reasons: empty, not_a_number, invalid_country_code, too_short, too_long,\n"
		  "         invalid_for_region, no_region\n",
};

struct phone_opts {
	const char *region;
	char region_cc[3];
	enum format format;
	int strict;	/* --strict-phone: no PHONE_READ_INTL */
};

static int option(void *ctx, int id, const char *arg, struct errinfo *info)
{
	struct phone_opts *o = ctx;

	switch (id) {
	case O_REGION:
		if (!phone_region_canon(arg, o->region_cc)) {
			err_set(info, ERR_USAGE, "unknown region '%s'", arg);
			return -1;
		}
		o->region = o->region_cc;
		return 0;
	case O_FORMAT:
		if (!strcmp(arg, "plain"))
			o->format = FMT_PLAIN;
		else if (!strcmp(arg, "tsv"))
			o->format = FMT_TSV;
		else if (!strcmp(arg, "json"))
			o->format = FMT_JSON;
		else {
			err_set(info, ERR_USAGE, "--format must be plain, tsv or json, not '%s'", arg);
			return -1;
		}
		return 0;
	case O_STRICT_PHONE:
		o->strict = 1;
		return 0;
	}
	return -1;
}

/* Tabs and newlines inside an input would break the TSV columns. */
static void put_tsv_field(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		putchar(s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
}

static void put_json(const char *in, size_t len, const struct phone_result *r)
{
	int ok = r->reason == PHONE_OK;
	json_t *o = json_object();
	json_t *input = json_stringn(in, len);
	char *line;

	/* jansson refuses invalid UTF-8; the input is then not a number anyway. */
	json_object_set_new(o, "input", input ? input : json_string("(invalid utf-8)"));
	json_object_set_new(o, "valid", json_boolean(ok));
	json_object_set_new(o, "e164", ok ? json_string(r->e164) : json_null());
	json_object_set_new(o, "type", ok ? json_string(phone_type_name(r->type)) : json_null());
	json_object_set_new(o, "reason", ok ? json_null() : json_string(phone_reason_code(r->reason)));
	json_object_set_new(o, "region", ok ? json_string(r->region) : json_null());
	json_object_set_new(o, "extension", r->extension[0] ? json_string(r->extension) : json_null());
	json_object_set_new(o, "read_international", json_boolean(r->read_international));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line)
		printf("%s\n", line);
	free(line);
	json_decref(o);
}

/*
 * Says on standard error that `in` was read as international, with what
 * --strict-phone would have answered, so that plain and tsv output (whose
 * columns stay as they are) do not change a number silently.
 */
static void note_international(const struct phone_opts *o, const char *in,
			       size_t len, const struct phone_result *r)
{
	struct phone_result strict;

	if (phone_parse(in, len, o->region, PHONE_WANT_TYPE, &strict) != ERR_OK)
		return;
	if (strict.reason == PHONE_OK)
		log_info("'%.*s' read as international: %s (%s); --strict-phone reads %s (%s)",
			 (int)len, in, r->e164, phone_type_name(r->type), strict.e164,
			 phone_type_name(strict.type));
	else
		log_info("'%.*s' read as international: %s (%s); --strict-phone: %s",
			 (int)len, in, r->e164, phone_type_name(r->type),
			 phone_reason_code(strict.reason));
}

/* Returns 1 when the input was valid, 0 when not, -1 on failure. */
static int one(const struct phone_opts *o, const char *in, size_t len)
{
	struct phone_result r;
	struct errinfo info = { ERR_OK, "" };
	unsigned flags = o->strict ? 0 : PHONE_READ_INTL;
	enum err e;

	/* The note names the type even in plain output. */
	if (o->format != FMT_PLAIN || !o->strict)
		flags |= PHONE_WANT_TYPE;
	e = phone_parse(in, len, o->region, flags, &r);
	if (e) {
		app_fail(e, &info);
		return -1;
	}
	if (r.read_international && o->format != FMT_JSON)
		note_international(o, in, len, &r);
	switch (o->format) {
	case FMT_PLAIN:
		puts(r.reason == PHONE_OK ? r.e164 : "-");
		break;
	case FMT_TSV:
		fputs(r.reason == PHONE_OK ? r.e164 : "-", stdout);
		putchar('\t');
		put_tsv_field(in, len);
		printf("\t%s\t%s\t%s\n",
		       r.reason == PHONE_OK ? phone_type_name(r.type) : "",
		       r.reason == PHONE_OK ? "" : phone_reason_code(r.reason),
		       r.extension);
		break;
	case FMT_JSON:
		put_json(in, len, &r);
		break;
	}
	return r.reason == PHONE_OK;
}

static int from_stdin(const struct phone_opts *o, int *all_valid)
{
	struct buf line;
	int c, rc = 0, overlong = 0;
	unsigned long lineno = 0;

	buf_init(&line, LINE_MAX_BYTES);
	for (;;) {
		c = getchar();
		if (c != EOF && c != '\n') {
			if (buf_addc(&line, (char)c) == ERR_LIMIT)
				overlong = 1;
			continue;
		}
		if (c == EOF && !line.len && !overlong)
			break;
		lineno++;
		if (line.len && line.data[line.len - 1] == '\r')
			line.data[--line.len] = '\0';
		if (overlong) {
			log_warn("stdin line %lu: longer than %d bytes, read as not_a_number",
				 lineno, LINE_MAX_BYTES);
			buf_reset(&line);
			buf_adds(&line, "(line too long)");
		}
		rc = one(o, buf_str(&line), line.len);
		if (rc < 0)
			break;
		if (!rc)
			*all_valid = 0;
		buf_reset(&line);
		overlong = 0;
		if (c == EOF)
			break;
	}
	buf_free(&line);
	if (ferror(stdin)) {
		log_error("cannot read standard input");
		return EXIT_USAGE;
	}
	return rc < 0 ? EXIT_PARTIAL : EXIT_OK;
}

int cmd_phone(int argc, char **argv, struct app *app)
{
	struct phone_opts o = { NULL, "", FMT_PLAIN, 0 };
	int npos, done, rc, i, all_valid = 1;

	rc = app_parse(app, &spec, argc, argv, option, &o, &npos, &done);
	if (done)
		return rc;
	if (npos == 0) {
		rc = from_stdin(&o, &all_valid);
		if (rc)
			return rc;
		return all_valid ? EXIT_OK : EXIT_PARTIAL;
	}
	for (i = 0; i < npos; i++) {
		rc = one(&o, argv[i], strlen(argv[i]));
		if (rc < 0)
			return EXIT_PARTIAL;
		if (!rc)
			all_valid = 0;
	}
	return all_valid ? EXIT_OK : EXIT_PARTIAL;
}
