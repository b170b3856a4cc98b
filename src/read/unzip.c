/* unzip: capped reading of zip entries through minizip (see unzip.h). */
#include "unzip.h"

#include <errno.h>
#include <minizip/unzip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATIO_GRACE ((uint64_t)1 << 20)

struct unzip {
	unzFile uf;
	char *name;
	uint64_t max_total, total;
	unsigned max_ratio;
	/* the open entry */
	char *entry;
	uint64_t compressed, inflated;
	int open;
	int eof;	/* read to the end: minizip's entry already closed */
};

enum err unzip_open(struct unzip **out, const char *path, const char *name,
		    const struct unzip_limits *limits, struct errinfo *info)
{
	struct unzip *z;
	FILE *probe;

	*out = NULL;
	if (!name)
		name = path;
	/* minizip only says "cannot open": find out why first. */
	probe = fopen(path, "rb");
	if (!probe)
		return err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
	fclose(probe);
	z = calloc(1, sizeof(*z));
	if (!z || !(z->name = strdup(name))) {
		free(z);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	z->max_total = limits && limits->max_total ? limits->max_total : UNZIP_DEFAULT_MAX_TOTAL;
	z->max_ratio = limits && limits->max_ratio ? limits->max_ratio : UNZIP_DEFAULT_MAX_RATIO;
	z->uf = unzOpen64(path);
	if (!z->uf) {
		enum err e = err_set(info, ERR_FORMAT,
				     "cannot read '%s': not a zip archive, or a truncated or corrupt one",
				     name);

		unzip_close(z);
		return e;
	}
	*out = z;
	return ERR_OK;
}

void unzip_close(struct unzip *z)
{
	if (!z)
		return;
	unzip_entry_close(z);
	if (z->uf)
		unzClose(z->uf);
	free(z->name);
	free(z);
}

int unzip_has(struct unzip *z, const char *entry)
{
	if (z->open)
		return 0;
	return unzLocateFile(z->uf, entry, 1) == UNZ_OK;
}

enum err unzip_entry_open(struct unzip *z, const char *entry,
			  struct errinfo *info)
{
	unz_file_info64 fi;

	unzip_entry_close(z);
	if (unzLocateFile(z->uf, entry, 1) != UNZ_OK)
		return err_set(info, ERR_NOT_FOUND, "'%s' has no part '%s'", z->name, entry);
	if (unzGetCurrentFileInfo64(z->uf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
		return err_set(info, ERR_FORMAT, "'%s': corrupt zip directory entry '%s'",
			       z->name, entry);
	if (fi.flag & 1)
		return err_set(info, ERR_FORMAT, "'%s': part '%s' is encrypted", z->name, entry);
	if (unzOpenCurrentFile(z->uf) != UNZ_OK)
		return err_set(info, ERR_FORMAT, "'%s': cannot read part '%s' (corrupt zip)",
			       z->name, entry);
	z->entry = strdup(entry);
	if (!z->entry) {
		unzCloseCurrentFile(z->uf);
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	z->compressed = fi.compressed_size ? fi.compressed_size : 1;
	z->inflated = 0;
	z->open = 1;
	z->eof = 0;
	return ERR_OK;
}

enum err unzip_entry_read(struct unzip *z, void *p, size_t cap, size_t *got,
			  struct errinfo *info)
{
	int n;

	*got = 0;
	if (!z->open)
		return err_set(info, ERR_INTERNAL, "no zip entry open");
	if (cap > (1u << 30))
		cap = 1u << 30;
	if (z->eof)
		return ERR_OK;
	n = unzReadCurrentFile(z->uf, p, (unsigned)cap);
	if (n < 0)
		return err_set(info, ERR_FORMAT, "'%s': part '%s' is corrupt (%s)", z->name,
			       z->entry, n == UNZ_CRCERROR ? "checksum mismatch" : "inflate error");
	if (n == 0) {
		/* minizip checks the CRC only when the entry is closed. */
		int rc = unzCloseCurrentFile(z->uf);

		z->eof = 1;
		if (rc == UNZ_CRCERROR)
			return err_set(info, ERR_FORMAT, "'%s': part '%s' is corrupt (checksum mismatch)",
				       z->name, z->entry);
		return ERR_OK;
	}
	z->inflated += (uint64_t)n;
	z->total += (uint64_t)n;
	if (z->total > z->max_total)
		return err_set(info, ERR_LIMIT,
			       "'%s': more than %llu bytes when uncompressed (zip bomb?); raise the cap if the file is genuine",
			       z->name, (unsigned long long)z->max_total);
	if (z->inflated > RATIO_GRACE && z->inflated / z->compressed > z->max_ratio)
		return err_set(info, ERR_LIMIT,
			       "'%s': part '%s' inflates more than %u times (zip bomb?); raise the cap if the file is genuine",
			       z->name, z->entry, z->max_ratio);
	*got = (size_t)n;
	return ERR_OK;
}

void unzip_entry_close(struct unzip *z)
{
	if (!z->open)
		return;
	if (!z->eof)
		unzCloseCurrentFile(z->uf);
	free(z->entry);
	z->entry = NULL;
	z->open = 0;
}

enum err unzip_read_all(struct unzip *z, const char *entry, struct buf *out,
			struct errinfo *info)
{
	char chunk[65536];
	size_t got;
	enum err e;

	buf_reset(out);
	e = unzip_entry_open(z, entry, info);
	while (!e) {
		e = unzip_entry_read(z, chunk, sizeof(chunk), &got, info);
		if (e || !got)
			break;
		if (buf_add(out, chunk, got)) {
			e = err_set(info, ERR_LIMIT, "'%s': part '%s' is larger than %zu bytes",
				    z->name, entry, out->max);
			break;
		}
	}
	unzip_entry_close(z);
	return e;
}
