/* exitcode: the exit codes' table (see exitcode.h). */
#include "exitcode.h"

#include <stddef.h>

struct row {
	const char *name, *brief, *words, *help;
};

#define ROW(value, name, brief, words, help) [value] = { #name, brief, words, help },
static const struct row rows[] = { EXIT_CODES(ROW) };
#undef ROW

static const struct row *row_of(long long code)
{
	if (code < 0 || code >= (long long)(sizeof(rows) / sizeof(rows[0])) || !rows[code].name)
		return NULL;
	return &rows[code];
}

const char *exitcode_brief(long long code)
{
	const struct row *r = row_of(code);

	return r ? r->brief : "failed";
}

const char *exitcode_words(long long code)
{
	const struct row *r = row_of(code);

	return r ? r->words : "failed";
}

const char *exitcode_help(long long code)
{
	const struct row *r = row_of(code);

	return r ? r->help : "failed";
}

const char *exitcode_name(long long code)
{
	const struct row *r = row_of(code);

	return r ? r->name : NULL;
}
