/* results: success.csv, errors.csv, skipped.csv, before.jsonl and changes.csv of a push. */
#include "results.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvout.h"
#include "jsonin.h"

enum { R_SUCCESS, R_ERRORS, R_SKIPPED, R_BEFORE, R_CHANGES, R__COUNT };

static const char *const names[R__COUNT] = {
	"success.csv", "errors.csv", "skipped.csv", "before.jsonl", "changes.csv",
};

static const char *const headers[R__COUNT] = {
	"operation,phone,id,source_file,source_row,attempts,note\n",
	"operation,phone,source_file,source_row,http_status,message,attempts\n",
	"operation,phone,source_file,source_row,reason\n",
	"",
	"operation,phone,id,field,before,after\n",
};

struct results {
	char *dir;
	FILE *fp[R__COUNT];
	struct csvout csv[R__COUNT];
};

static int mkdirs(const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(path))
		return ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return errno;
		path[i] = dir[i];
	}
	return 0;
}

enum err results_mkdir(const char *dir, struct errinfo *info)
{
	int rc = mkdirs(dir);

	if (rc)
		return err_set(info, ERR_IO, "cannot create the results folder '%s': %s", dir,
			       strerror(rc));
	return ERR_OK;
}

enum err results_open(struct results **out, const char *dir, struct errinfo *info)
{
	struct results *r = calloc(1, sizeof(*r));
	char path[4200];
	int i, rc;

	*out = NULL;
	if (!r || !(r->dir = strdup(dir))) {
		free(r);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	if (results_mkdir(dir, info)) {
		results_close(r, NULL);
		return ERR_IO;
	}
	for (i = 0; i < R__COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		r->fp[i] = fopen(path, "w");
		if (!r->fp[i]) {
			rc = errno;
			results_close(r, NULL);
			return err_set(info, ERR_IO, "cannot create '%s': %s", path, strerror(rc));
		}
		fputs(headers[i], r->fp[i]);
		csvout_init(&r->csv[i], r->fp[i], ',');
	}
	*out = r;
	return ERR_OK;
}

static void cell_u64(struct csvout *w, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	csvout_cellz(w, num);
}

static void src_cells(struct csvout *w, struct results_src src)
{
	csvout_cellz(w, src.file ? src.file : "");
	if (src.row)
		cell_u64(w, src.row);
	else
		csvout_cellz(w, "");
}

void results_success(struct results *r, const char *op, const char *phone, const char *id,
		     struct results_src src, unsigned long attempts, const char *note)
{
	struct csvout *w = &r->csv[R_SUCCESS];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	csvout_cellz(w, id ? id : "");
	src_cells(w, src);
	cell_u64(w, attempts);
	csvout_cellz(w, note ? note : "");
	csvout_end_row(w);
}

void results_change(struct results *r, const char *op, const char *phone, const char *id,
		    const char *field, struct str before, struct str after)
{
	struct csvout *w = &r->csv[R_CHANGES];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	csvout_cellz(w, id ? id : "");
	csvout_cellz(w, field ? field : "");
	csvout_cell(w, before.ptr, before.len);
	csvout_cell(w, after.ptr, after.len);
	csvout_end_row(w);
}

void results_error(struct results *r, const char *op, const char *phone,
		   struct results_src src, long status, const char *message,
		   unsigned long attempts)
{
	struct csvout *w = &r->csv[R_ERRORS];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	src_cells(w, src);
	if (status > 0)
		cell_u64(w, (uint64_t)status);
	else
		csvout_cellz(w, "");
	csvout_cellz(w, message ? message : "");
	cell_u64(w, attempts);
	csvout_end_row(w);
}

void results_skipped(struct results *r, const char *op, const char *phone,
		     struct results_src src, const char *reason)
{
	struct csvout *w = &r->csv[R_SKIPPED];

	csvout_cellz(w, op);
	csvout_cellz(w, phone);
	src_cells(w, src);
	csvout_cellz(w, reason);
	csvout_end_row(w);
}

void results_before(struct results *r, const char *op, const struct remote_contact *rc)
{
	json_t *o = json_object(), *before = jsonin_contact_object(&rc->c);
	char *line;

	if (!o || !before) {
		json_decref(o);
		json_decref(before);
		return;
	}
	json_object_set_new(o, "op", json_string(op));
	json_object_set_new(o, "phone", json_string(rc->c.phone[0] ? rc->c.phone : ""));
	json_object_set_new(o, "id", rc->id[0] ? json_string(rc->id) : json_null());
	if (rc->book[0])
		json_object_set_new(o, "book", json_string(rc->book));
	json_object_set_new(o, "before", before);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line)
		fprintf(r->fp[R_BEFORE], "%s\n", line);
	free(line);
}

/* A full disk is exit 5 like a full store (the folder is in the store by
 * default); other write errors are plain I/O errors. */
static enum err write_failed(const struct results *r, int i, int err,
			     struct errinfo *info)
{
	return err_set(info, err == ENOSPC || err == EDQUOT ? ERR_STORE_FULL : ERR_IO,
		       "cannot write '%s/%s': %s", r->dir, names[i], strerror(err));
}

enum err results_close(struct results *r, struct errinfo *info)
{
	enum err e = ERR_OK;
	int i;

	if (!r)
		return ERR_OK;
	for (i = 0; i < R__COUNT; i++) {
		if (!r->fp[i])
			continue;
		/* errno as the failed write left it: ferror() may report one
		 * of long ago, whose errno is the only word on why */
		if ((fflush(r->fp[i]) || ferror(r->fp[i]) || fsync(fileno(r->fp[i]))) && !e)
			e = write_failed(r, i, errno ? errno : EIO, info);
		errno = 0;
		if (fclose(r->fp[i]) && !e)
			e = write_failed(r, i, errno ? errno : EIO, info);
	}
	free(r->dir);
	free(r);
	return e;
}
