/* sst: a workbook's shared strings, spilled to disk when large (see sst.h). */
#include "read/sst.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum err sst_init(struct sst *s, size_t max_str, size_t spill_at, const char *tmp_dir,
		  struct errinfo *info)
{
	memset(s, 0, sizeof(*s));
	s->max_str = max_str;
	s->spill_at = spill_at ? spill_at : SST_SPILL_AT;
	buf_init(&s->mem, s->spill_at + max_str + 2);
	buf_init(&s->got, max_str + 2);
	if (!tmp_dir)
		tmp_dir = getenv("TMPDIR");
	s->tmp_dir = strdup(tmp_dir && *tmp_dir ? tmp_dir : "/tmp");
	if (!s->tmp_dir)
		return err_set(info, ERR_NOMEM, "out of memory");
	return ERR_OK;
}

/* A temporary file in tmp_dir, gone from the directory at once: it
 * disappears with the process whatever happens. */
static FILE *tmp_file(const struct sst *s)
{
	char *path;
	FILE *fp = NULL;
	int fd;

	if (asprintf(&path, "%s/.sst-XXXXXX", s->tmp_dir) < 0)
		return NULL;
	fd = mkstemp(path);
	if (fd >= 0) {
		unlink(path);
		fp = fdopen(fd, "w+b");
		if (!fp)
			close(fd);
	}
	free(path);
	return fp;
}

static enum err io_fail(const struct sst *s, struct errinfo *info, const char *what)
{
	return err_set(info, errno == ENOSPC ? ERR_STORE_FULL : ERR_IO,
		       "cannot %s a temporary file in '%s' for the shared strings: %s", what,
		       s->tmp_dir, strerror(errno));
}

static int put_offset(struct sst *s, uint64_t off)
{
	return fwrite(&off, sizeof(off), 1, s->idx) == 1 ? 0 : -1;
}

/* The strings so far move to disk; mem keeps only the strings to come. */
static enum err spill(struct sst *s, struct errinfo *info)
{
	size_t i;

	s->data = tmp_file(s);
	s->idx = s->data ? tmp_file(s) : NULL;
	if (!s->idx)
		return io_fail(s, info, "create");
	if (s->mem.len && fwrite(s->mem.data, 1, s->mem.len, s->data) != s->mem.len)
		return io_fail(s, info, "write");
	for (i = 0; i < s->n; i++)
		if (put_offset(s, s->offs[i]))
			return io_fail(s, info, "write");
	s->data_len = s->mem.len;
	free(s->offs);
	s->offs = NULL;
	s->cap = 0;
	buf_free(&s->mem);
	buf_init(&s->mem, s->max_str + 2);
	return ERR_OK;
}

void sst_begin(struct sst *s)
{
	s->start = s->data ? 0 : s->mem.len;
	if (s->data)
		buf_reset(&s->mem);
}

enum err sst_add(struct sst *s, const char *p, size_t n, struct errinfo *info)
{
	if (s->mem.len - s->start + n > s->max_str)
		return err_set(info, ERR_LIMIT, "a shared string is longer than %zu bytes",
			       s->max_str);
	return buf_add(&s->mem, p, n) ? err_set(info, ERR_NOMEM, "out of memory") : ERR_OK;
}

/* In memory: the string's offset kept, the table spilled once too big. */
static enum err end_in_memory(struct sst *s, struct errinfo *info)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint32_t *p = realloc(s->offs, ncap * sizeof(*p));

		if (!p)
			return err_set(info, ERR_NOMEM, "out of memory");
		s->offs = p;
		s->cap = ncap;
	}
	s->offs[s->n++] = (uint32_t)s->start;
	if (s->mem.len + s->cap * sizeof(*s->offs) > s->spill_at)
		return spill(s, info);
	return ERR_OK;
}

enum err sst_end(struct sst *s, size_t (*fix)(char *, size_t), struct errinfo *info)
{
	size_t len = s->mem.len - s->start;

	if (fix && len)
		s->mem.len = s->start + fix(s->mem.data + s->start, len);
	if (buf_addc(&s->mem, '\0'))
		return err_set(info, ERR_NOMEM, "out of memory");
	if (!s->data)
		return end_in_memory(s, info);
	if (put_offset(s, s->data_len) ||
	    fwrite(s->mem.data, 1, s->mem.len, s->data) != s->mem.len)
		return io_fail(s, info, "write");
	s->data_len += s->mem.len;
	s->n++;
	return ERR_OK;
}

enum err sst_done(struct sst *s, struct errinfo *info)
{
	if (s->data)
		buf_reset(&s->mem);
	if (s->data && (fflush(s->data) || fflush(s->idx)))
		return io_fail(s, info, "write");
	return ERR_OK;
}

static int read_at(FILE *fp, void *p, size_t n, uint64_t off)
{
	return pread(fileno(fp), p, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* String i from disk: its offset and the next one's bound it. */
static enum err get_spilled(struct sst *s, size_t i, const char **str, size_t *len,
			    struct errinfo *info)
{
	uint64_t off[2];
	size_t n = i + 1 < s->n ? 2 : 1;

	if (read_at(s->idx, off, n * sizeof(off[0]), (uint64_t)i * sizeof(off[0])))
		return io_fail(s, info, "read");
	if (n == 1)
		off[1] = s->data_len;
	if (off[1] <= off[0] || off[1] - off[0] > s->max_str + 1)
		return err_set(info, ERR_INTERNAL, "shared string %zu is damaged on disk", i);
	buf_reset(&s->got);
	if (buf_reserve(&s->got, (size_t)(off[1] - off[0])) ||
	    read_at(s->data, s->got.data, (size_t)(off[1] - off[0]), off[0]))
		return io_fail(s, info, "read");
	*str = s->got.data;
	*len = (size_t)(off[1] - off[0]) - 1;
	return ERR_OK;
}

enum err sst_get(struct sst *s, size_t i, const char **str, size_t *len, struct errinfo *info)
{
	size_t end;

	if (i >= s->n)
		return err_set(info, ERR_NOT_FOUND, "no shared string %zu (%zu in the file)", i, s->n);
	if (s->data)
		return get_spilled(s, i, str, len, info);
	end = i + 1 < s->n ? s->offs[i + 1] : s->mem.len;
	*str = s->mem.data + s->offs[i];
	*len = end - s->offs[i] - 1;
	return ERR_OK;
}

size_t sst_count(const struct sst *s)
{
	return s->n;
}

int sst_spilled(const struct sst *s)
{
	return s->data != NULL;
}

void sst_free(struct sst *s)
{
	if (s->data)
		fclose(s->data);
	if (s->idx)
		fclose(s->idx);
	buf_free(&s->mem);
	buf_free(&s->got);
	free(s->offs);
	free(s->tmp_dir);
	memset(s, 0, sizeof(*s));
}
