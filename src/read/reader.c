/* reader: the table of readers and content detection (see reader.h). */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "read/charset.h"
#include "unzip.h"

/* The members, each defined in its own file. */
extern const struct reader reader_xls, reader_xlsx, reader_ods, reader_xmlss, reader_html,
	reader_vcard, reader_jsonl;

/* Asked in this order; the first that says yes reads the file. */
static const struct reader *const readers[] = {
	&reader_xls,
	&reader_xlsx,
	&reader_ods,
	&reader_xmlss,	/* XML text: before HTML, whose probe skips a prolog */
	&reader_html,
	&reader_vcard,	/* before CSV: a card's lines would read as one column */
	&reader_jsonl,
	&reader_csv,	/* last: takes whatever is not a container */
};

static const unsigned char ZIP_SIG[4] = { 'P', 'K', 3, 4 };
static const unsigned char OLE_SIG[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

static enum err read_head(struct reader_probe *p, unsigned char *head, size_t cap,
			  struct errinfo *info)
{
	FILE *fp = fopen(p->path, "rb");

	if (!fp)
		return err_set(info, ERR_IO, "cannot open '%s': %s", p->name, strerror(errno));
	p->n = fread(head, 1, cap, fp);
	if (ferror(fp)) {
		int err = errno;

		fclose(fp);
		return err_set(info, ERR_IO, "cannot read '%s': %s", p->name, strerror(err));
	}
	fclose(fp);
	p->head = head;
	p->ole = p->n >= sizeof(OLE_SIG) && !memcmp(head, OLE_SIG, sizeof(OLE_SIG));
	return ERR_OK;
}

static enum err ask(const struct reader_probe *p, const struct reader **out,
		    struct errinfo *info)
{
	size_t i;
	int yes;

	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		yes = readers[i]->probe(p, info);
		if (yes < 0)
			return info->code;
		if (yes) {
			*out = readers[i];
			return ERR_OK;
		}
	}
	return err_set(info, ERR_FORMAT,
		       "'%s' is a zip archive but neither an XLSX nor an ODS workbook", p->name);
}

enum err reader_detect(const char *path, const char *name, const struct reader **out,
		       struct errinfo *info)
{
	struct reader_probe p = { path, name, NULL, 0, NULL, 0 };
	unsigned char head[READER_PROBE_HEAD];
	enum err e;

	*out = &reader_csv;
	e = read_head(&p, head, sizeof(head), info);
	if (e)
		return e;
	if (!p.ole && p.n >= sizeof(ZIP_SIG) && !memcmp(head, ZIP_SIG, sizeof(ZIP_SIG))) {
		e = unzip_open(&p.zip, path, name, NULL, info);
		if (e)
			return e;
	}
	e = ask(&p, out, info);
	unzip_close(p.zip);
	return e;
}

int reader_parse_delimiter(const char *s, char *out)
{
	if (!s)
		return -1;
	if (strcmp(s, "\\t") == 0 || strcasecmp(s, "tab") == 0) {
		*out = '\t';
		return 0;
	}
	if (strlen(s) == 1 && strchr(",;|\t", s[0])) {
		*out = s[0];
		return 0;
	}
	return -1;
}

int reader_encoding_known(const char *name)
{
	return charset_known(name);
}
