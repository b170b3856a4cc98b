/* cfb: one stream out of a compound file, one stream into a new one (see cfb.h). */
#include "read/cfb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FREESECT 0xFFFFFFFFu
#define ENDOFCHAIN 0xFFFFFFFEu
#define FATSECT 0xFFFFFFFDu
#define DIFSECT 0xFFFFFFFCu
#define NOSTREAM 0xFFFFFFFFu

#define HEADER_DIFAT 109	/* FAT sector numbers in the header */
#define ENTRY 128		/* bytes per directory entry */
#define MINI_SECTOR 64
#define MINI_CUTOFF 4096
#define TYPE_STREAM 2
#define TYPE_ROOT 5

/* Larger files are not legacy workbooks anyone can still open. */
#define MAX_FILE (2 * CFB_MAX_STREAM)

struct cfb {
	const unsigned char *file;
	size_t size;
	size_t ss;		/* sector size: 512 or 4096 */
	uint32_t nsect;		/* sectors after the header, the last maybe partial */
	uint32_t *fat;
	uint32_t nfat;
	const char *name;
	struct errinfo *info;
};

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static enum err corrupt(const struct cfb *c, const char *why)
{
	return err_set(c->info, ERR_FORMAT, "cannot read '%s': not a valid .xls workbook (%s)",
		       c->name, why);
}

/* Copies sector s (zeros past the end of a partial last sector). */
static void sector(const struct cfb *c, uint32_t s, unsigned char *out)
{
	size_t off = ((size_t)s + 1) * c->ss;
	size_t n = c->size - off < c->ss ? c->size - off : c->ss;

	memcpy(out, c->file + off, n);
	memset(out + n, 0, c->ss - n);
}

/*
 * Follows the chain from start through table (n entries) and gathers
 * `want` bytes of it (SIZE_MAX: the whole chain, at most `cap`) into
 * *out, reading units of `unit` bytes with get(). A chain that loops,
 * leaves the table or ends before `want` bytes is corrupt.
 */
struct chain {
	const uint32_t *table;
	uint32_t n;
	size_t unit;
	uint32_t limit;		/* valid unit numbers are below it */
	int (*get)(const struct cfb *c, const void *ctx, uint32_t u, unsigned char *out);
	const void *ctx;
};

static int get_sector(const struct cfb *c, const void *ctx, uint32_t u, unsigned char *out)
{
	(void)ctx;
	sector(c, u, out);
	return 0;
}

struct mini {
	const unsigned char *data;
	size_t len;
};

static int get_mini(const struct cfb *c, const void *ctx, uint32_t u, unsigned char *out)
{
	const struct mini *m = ctx;
	size_t off = (size_t)u * MINI_SECTOR;

	(void)c;
	if (off + MINI_SECTOR > m->len)
		return -1;
	memcpy(out, m->data + off, MINI_SECTOR);
	return 0;
}

static enum err gather(const struct cfb *c, const struct chain *ch, uint32_t start, size_t want,
		       size_t cap, unsigned char **out, size_t *outlen)
{
	unsigned char *seen = calloc((size_t)ch->n / 8 + 1, 1);
	unsigned char *buf = NULL, *p;
	size_t len = 0, alloc = 0;
	uint32_t u = start;
	enum err e = ERR_OK;

	*out = NULL;
	*outlen = 0;
	if (!seen)
		return err_set(c->info, ERR_NOMEM, "out of memory");
	while (!e && (want == SIZE_MAX ? u != ENDOFCHAIN : len < want)) {
		if (u == ENDOFCHAIN) {
			e = corrupt(c, "a stream is shorter than its size");
			break;
		}
		if (u >= ch->limit || u >= ch->n) {
			e = corrupt(c, "a sector chain leaves the file");
			break;
		}
		if (seen[u / 8] & (1u << (u % 8))) {
			e = corrupt(c, "a sector chain loops");
			break;
		}
		seen[u / 8] |= (unsigned char)(1u << (u % 8));
		if (len + ch->unit > alloc) {
			size_t na = alloc ? alloc * 2 : 16 * ch->unit;

			if (len + ch->unit > cap) {
				e = err_set(c->info, ERR_LIMIT,
					    "'%s' is too large for a legacy .xls workbook; save it as XLSX",
					    c->name);
				break;
			}
			if (na > cap)
				na = cap;
			p = realloc(buf, na);
			if (!p) {
				e = err_set(c->info, ERR_NOMEM, "out of memory");
				break;
			}
			buf = p;
			alloc = na;
		}
		if (ch->get(c, ch->ctx, u, buf + len)) {
			e = corrupt(c, "a sector chain leaves the mini stream");
			break;
		}
		len += ch->unit;
		u = ch->table[u];
	}
	free(seen);
	if (e) {
		free(buf);
		return e;
	}
	*out = buf;
	*outlen = want == SIZE_MAX ? len : want;
	return ERR_OK;
}

/* The FAT: the sectors the header and the DIFAT chain list. */
static enum err load_fat(struct cfb *c, const unsigned char *hdr)
{
	uint32_t nfs = le32(hdr + 44), difat = le32(hdr + 68), ndifat = le32(hdr + 72);
	uint32_t per = (uint32_t)(c->ss / 4), i, got = 0, steps = 0;
	unsigned char *sec = malloc(c->ss);
	uint32_t *ids;

	if (!sec)
		return err_set(c->info, ERR_NOMEM, "out of memory");
	if (nfs == 0 || nfs > c->nsect) {
		free(sec);
		return corrupt(c, "wrong number of FAT sectors");
	}
	ids = malloc((size_t)nfs * sizeof(*ids));
	c->fat = malloc((size_t)nfs * per * sizeof(*c->fat));
	if (!ids || !c->fat) {
		free(sec);
		free(ids);
		return err_set(c->info, ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < HEADER_DIFAT && got < nfs; i++)
		ids[got++] = le32(hdr + 76 + 4 * i);
	while (got < nfs) {
		if (difat >= c->nsect || ++steps > ndifat) {
			free(sec);
			free(ids);
			return corrupt(c, "the FAT's sector list is cut short");
		}
		sector(c, difat, sec);
		for (i = 0; i < per - 1 && got < nfs; i++)
			ids[got++] = le32(sec + 4 * i);
		difat = le32(sec + c->ss - 4);
	}
	for (i = 0; i < nfs; i++) {
		uint32_t k;

		if (ids[i] >= c->nsect) {
			free(sec);
			free(ids);
			return corrupt(c, "a FAT sector past the end of the file");
		}
		sector(c, ids[i], sec);
		for (k = 0; k < per; k++)
			c->fat[(size_t)i * per + k] = le32(sec + 4 * k);
	}
	c->nfat = nfs * per;
	free(sec);
	free(ids);
	return ERR_OK;
}

/* 1 if the entry's name is `want` (UTF-16LE, ASCII only). */
static int name_is(const unsigned char *e, const char *want)
{
	size_t n = le16(e + 64) / 2, i;

	if (n == 0 || strlen(want) != n - 1)
		return 0;
	for (i = 0; i + 1 < n; i++)
		if (le16(e + 2 * i) != (unsigned char)want[i])
			return 0;
	return 1;
}

/*
 * The root's child entry named by the first name of streams found, from
 * the red-black tree under the root (left, right siblings); -1 if none.
 */
static enum err find_entry(const struct cfb *c, const unsigned char *dir, size_t n,
			   const char *const *streams, long *found)
{
	uint32_t *stack = malloc(n * sizeof(*stack));
	size_t top = 0, visits = 0, best = SIZE_MAX, k;
	uint32_t id;

	*found = -1;
	if (!stack)
		return err_set(c->info, ERR_NOMEM, "out of memory");
	id = le32(dir + 76);
	if (id != NOSTREAM)
		stack[top++] = id;
	while (top) {
		const unsigned char *e;

		id = stack[--top];
		if (id >= n || ++visits > n) {
			free(stack);
			return corrupt(c, "corrupt directory");
		}
		e = dir + (size_t)id * ENTRY;
		for (k = 0; streams[k] && k < best; k++)
			if (e[66] == TYPE_STREAM && name_is(e, streams[k])) {
				best = k;
				*found = id;
			}
		if (le32(e + 68) != NOSTREAM && top < n)
			stack[top++] = le32(e + 68);
		if (le32(e + 72) != NOSTREAM && top < n)
			stack[top++] = le32(e + 72);
	}
	free(stack);
	return ERR_OK;
}

static enum err read_entry(struct cfb *c, const unsigned char *hdr, const unsigned char *dir,
			   const unsigned char *e, unsigned char **data, size_t *len)
{
	struct chain ch = { c->fat, c->nfat, c->ss, c->nsect, get_sector, NULL };
	uint64_t size = le32(e + 120);
	unsigned char *mini = NULL, *mfat = NULL;
	size_t minilen, mfatlen, i;
	uint32_t *mtable;
	struct mini m;
	enum err err;

	if (c->ss == 4096)
		size |= (uint64_t)le32(e + 124) << 32;
	if (size > CFB_MAX_STREAM)
		return err_set(c->info, ERR_LIMIT,
			       "'%s' is too large for a legacy .xls workbook; save it as XLSX", c->name);
	if (size >= le32(hdr + 56))
		return gather(c, &ch, le32(e + 116), (size_t)size, CFB_MAX_STREAM, data, len);

	/* A small stream lives in the mini stream (the root's), in 64-byte
	 * sectors chained by the mini FAT. */
	err = gather(c, &ch, le32(dir + 116), le32(dir + 120), CFB_MAX_STREAM, &mini, &minilen);
	if (!err)
		err = gather(c, &ch, le32(hdr + 60), SIZE_MAX, CFB_MAX_STREAM, &mfat, &mfatlen);
	if (err) {
		free(mini);
		return err;
	}
	mtable = malloc(mfatlen ? mfatlen : 1);
	if (!mtable) {
		free(mini);
		free(mfat);
		return err_set(c->info, ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < mfatlen / 4; i++)
		mtable[i] = le32(mfat + 4 * i);
	m.data = mini;
	m.len = minilen;
	ch.table = mtable;
	ch.n = (uint32_t)(mfatlen / 4);
	ch.unit = MINI_SECTOR;
	ch.limit = (uint32_t)(minilen / MINI_SECTOR);
	ch.get = get_mini;
	ch.ctx = &m;
	err = gather(c, &ch, le32(e + 116), (size_t)size, CFB_MAX_STREAM, data, len);
	free(mtable);
	free(mfat);
	free(mini);
	return err;
}

static enum err read_stream(struct cfb *c, const char *const *streams, unsigned char **data,
			    size_t *len)
{
	struct chain ch = { NULL, 0, 0, 0, get_sector, NULL };
	const unsigned char *hdr = c->file;
	unsigned char *dir = NULL;
	size_t dirlen, n, i;
	uint32_t shift;
	long found;
	enum err e;

	if (c->size < 512 || memcmp(hdr, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return corrupt(c, "truncated or unreadable");
	shift = le16(hdr + 30);
	if (le16(hdr + 28) != 0xFFFE || (shift != 9 && shift != 12) || le16(hdr + 32) != 6 ||
	    le32(hdr + 56) != MINI_CUTOFF)
		return corrupt(c, "unknown compound file header");
	c->ss = (size_t)1 << shift;
	if (c->size <= c->ss)
		return corrupt(c, "the file ends after its header");
	c->nsect = (uint32_t)((c->size - c->ss + c->ss - 1) / c->ss);
	e = load_fat(c, hdr);
	if (e)
		return e;
	ch.table = c->fat;
	ch.n = c->nfat;
	ch.unit = c->ss;
	ch.limit = c->nsect;
	e = gather(c, &ch, le32(hdr + 48), SIZE_MAX, CFB_MAX_STREAM, &dir, &dirlen);
	if (e)
		return e;
	n = dirlen / ENTRY;
	for (i = 0; i < n; i++) {
		const unsigned char *ent = dir + i * ENTRY;
		uint32_t nl = le16(ent + 64);

		/* the name field holds 64 bytes, its terminating NUL included */
		if (ent[66] != 0 && (nl > 64 || nl < 2 || nl % 2)) {
			free(dir);
			return corrupt(c, "corrupt directory entry");
		}
	}
	if (n == 0 || dir[66] != TYPE_ROOT) {
		free(dir);
		return corrupt(c, "no root entry");
	}
	e = find_entry(c, dir, n, streams, &found);
	if (!e && found < 0)
		e = err_set(c->info, ERR_NOT_FOUND, "cannot read '%s': not a valid .xls workbook (no workbook stream)",
			    c->name);
	if (!e)
		e = read_entry(c, hdr, dir, dir + (size_t)found * ENTRY, data, len);
	free(dir);
	return e;
}

enum err cfb_read_stream(const char *path, const char *name, const char *const *streams,
			 unsigned char **data, size_t *len, struct errinfo *info)
{
	struct cfb c = { 0 };
	struct stat st;
	void *map;
	enum err e;
	int fd;

	*data = NULL;
	*len = 0;
	c.name = name;
	c.info = info;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
	if (fstat(fd, &st)) {
		e = err_set(info, ERR_IO, "cannot read '%s': %s", name, strerror(errno));
		close(fd);
		return e;
	}
	if ((uint64_t)st.st_size > MAX_FILE) {
		close(fd);
		return err_set(info, ERR_LIMIT,
			       "'%s' is too large for a legacy .xls workbook; save it as XLSX", name);
	}
	c.size = (size_t)st.st_size;
	if (c.size < 512) {
		close(fd);
		return corrupt(&c, "truncated or unreadable");
	}
	map = mmap(NULL, c.size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return err_set(info, ERR_IO, "cannot read '%s': %s", name, strerror(errno));
	c.file = map;
	e = read_stream(&c, streams, data, len);
	munmap(map, c.size);
	free(c.fat);
	return e;
}

/* ---- writing ------------------------------------------------------------- */

static enum err write_all(int fd, const char *name, const unsigned char *p, size_t n,
			  struct errinfo *info)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(info, ERR_IO, "cannot copy '%s': %s", name,
				       w < 0 ? strerror(errno) : "short write");
		p += w;
		n -= (size_t)w;
	}
	return ERR_OK;
}

static void dir_entry(unsigned char *e, const char *name, int type, uint32_t child,
		      uint32_t start, uint32_t size)
{
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++)
		put16(e + 2 * i, (unsigned char)name[i]);
	put16(e + 64, (uint32_t)(n + 1) * 2);
	e[66] = (unsigned char)type;
	e[67] = 1;	/* black */
	put32(e + 68, NOSTREAM);
	put32(e + 72, NOSTREAM);
	put32(e + 76, child);
	put32(e + 116, start);
	put32(e + 120, size);
}

/*
 * Layout: the FAT sectors, then the DIFAT sectors (past 109 FAT sectors),
 * the directory sector, the stream. Version 3, 512-byte sectors, no mini
 * stream: a stream under 4096 bytes is still in regular sectors, which
 * the format allows only for streams of at least the cutoff, so the
 * cutoff is left at 4096 and a short stream is padded with zeros, which
 * BIFF readers take for the end (a record of type 0 and size 0).
 */
enum err cfb_write_stream(int fd, const char *name, const char *stream,
			  const unsigned char *data, size_t len, struct errinfo *info)
{
	const size_t ss = 512, per = ss / 4;
	size_t size = len < MINI_CUTOFF ? MINI_CUTOFF : len;
	size_t nstream = (size + ss - 1) / ss, nfat = 1, ndifat = 0, total, i, s;
	unsigned char *img;
	enum err e;

	if (len > CFB_MAX_STREAM || strlen(stream) > 31)
		return err_set(info, ERR_LIMIT, "'%s' is too large for a legacy .xls workbook", name);
	for (;;) {
		total = nfat + ndifat + 1 + nstream;
		if ((total + per - 1) / per <= nfat)
			break;
		nfat = (total + per - 1) / per;
		ndifat = nfat > HEADER_DIFAT ? (nfat - HEADER_DIFAT + per - 2) / (per - 1) : 0;
	}
	img = calloc(total + 1, ss);
	if (!img)
		return err_set(info, ERR_NOMEM, "out of memory");
	memcpy(img, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	put16(img + 24, 0x3E);
	put16(img + 26, 3);
	put16(img + 28, 0xFFFE);
	put16(img + 30, 9);
	put16(img + 32, 6);
	put32(img + 44, (uint32_t)nfat);
	put32(img + 48, (uint32_t)(nfat + ndifat));
	put32(img + 56, MINI_CUTOFF);
	put32(img + 60, ENDOFCHAIN);
	put32(img + 68, ndifat ? (uint32_t)nfat : ENDOFCHAIN);
	put32(img + 72, (uint32_t)ndifat);
	for (i = 0; i < HEADER_DIFAT; i++)
		put32(img + 76 + 4 * i, i < nfat ? (uint32_t)i : FREESECT);
	/* the FAT */
	for (s = 0; s < nfat * per; s++) {
		uint32_t v = FREESECT;

		if (s < nfat)
			v = FATSECT;
		else if (s < nfat + ndifat)
			v = DIFSECT;
		else if (s == nfat + ndifat)
			v = ENDOFCHAIN;	/* the directory: one sector */
		else if (s < total)
			v = s + 1 < total ? (uint32_t)s + 1 : ENDOFCHAIN;
		put32(img + ss + 4 * s, v);
	}
	/* the DIFAT: the FAT sectors past the header's 109 */
	for (i = 0; i < ndifat; i++) {
		unsigned char *d = img + (nfat + i + 1) * ss;
		size_t k;

		for (k = 0; k < per - 1; k++) {
			size_t f = HEADER_DIFAT + i * (per - 1) + k;

			put32(d + 4 * k, f < nfat ? (uint32_t)f : FREESECT);
		}
		put32(d + ss - 4, i + 1 < ndifat ? (uint32_t)(nfat + i + 1) : ENDOFCHAIN);
	}
	/* the directory: the root, the stream, two unused entries */
	{
		unsigned char *d = img + (nfat + ndifat + 1) * ss;

		dir_entry(d, "Root Entry", TYPE_ROOT, 1, ENDOFCHAIN, 0);
		dir_entry(d + ENTRY, stream, TYPE_STREAM, NOSTREAM, (uint32_t)(nfat + ndifat + 1),
			  (uint32_t)size);
		for (i = 2; i < 4; i++) {
			put32(d + i * ENTRY + 68, NOSTREAM);
			put32(d + i * ENTRY + 72, NOSTREAM);
			put32(d + i * ENTRY + 76, NOSTREAM);
		}
	}
	if (len)
		memcpy(img + (nfat + ndifat + 2) * ss, data, len);
	e = write_all(fd, name, img, (total + 1) * ss, info);
	free(img);
	return e;
}
