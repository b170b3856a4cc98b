/*
 * jsonin: reader of JSON lines (one object per line), the format that
 * `contactsync export --format json` writes, so that such an export can be
 * imported again.
 *
 * Lines are read with a hard cap (JSONIN_MAX_LINE); blank lines are
 * skipped. A line that is not valid JSON, or not an object, is returned as
 * such (obj NULL) so the caller can reject that one row and go on.
 */
#ifndef CONTACTSYNC_JSONIN_H
#define CONTACTSYNC_JSONIN_H

#include <jansson.h>
#include <stdio.h>

#include "contact.h"
#include "err.h"

#define JSONIN_MAX_LINE ((size_t)16 << 20)

struct jsonin;

struct jsonin_line {
	json_t *obj;		/* new reference, or NULL when not an object */
	const char *raw;	/* the line, borrowed until the next call */
	size_t rawlen;
	unsigned long lineno;	/* 1-based */
	char why[160];		/* when obj is NULL: what is wrong */
};

/* Reads from fp (not closed by jsonin_close); name is for messages. */
enum err jsonin_open(struct jsonin **out, FILE *fp, const char *name,
		     struct errinfo *info);
/* ERR_OK with a line, ERR_NOT_FOUND at the end, ERR_IO / ERR_LIMIT. */
enum err jsonin_next(struct jsonin *r, struct jsonin_line *line,
		     struct errinfo *info);
void jsonin_close(struct jsonin *r);

/* Transitional: the writer moved to contact.h (contact_to_json); this
 * name stays only until results.c (not this branch's) calls the new one. */
static inline json_t *jsonin_contact_object(const struct contact *c)
{
	return contact_to_json(c);
}

#endif
