/* filekind: content sniffing of contact files (see filekind.h). */
#include "filekind.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unzip.h"

static const unsigned char ZIP_SIG[4] = { 'P', 'K', 3, 4 };
static const unsigned char OLE_SIG[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

const char *filekind_name(enum filekind kind)
{
	switch (kind) {
	case FILEKIND_JSON: return "JSON lines";
	case FILEKIND_XLSX: return "XLSX";
	case FILEKIND_ODS: return "ODS";
	case FILEKIND_XLS: return "XLS";
	default: return "CSV";
	}
}

/*
 * An encrypted OOXML workbook is an OLE container holding the streams
 * "EncryptionInfo" and "EncryptedPackage"; their names sit in the OLE
 * directory as UTF-16LE. Scanning for one is cheap and needs no OLE parser.
 */
static int ole_is_encrypted(FILE *fp)
{
	static const char pat[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e";
	const size_t plen = sizeof(pat) - 1;
	char chunk[65536 + sizeof(pat)];
	size_t keep = 0, n;

	rewind(fp);
	while ((n = fread(chunk + keep, 1, sizeof(chunk) - keep, fp)) > 0) {
		size_t len = keep + n;

		if (memmem(chunk, len, pat, plen))
			return 1;
		keep = len < plen ? len : plen - 1;
		memmove(chunk, chunk + len - keep, keep);
	}
	return 0;
}

/* ODF encrypts the parts inside the zip and says so in the manifest. */
static int odf_is_encrypted(struct unzip *z)
{
	struct buf manifest;
	struct errinfo ignored;
	int enc = 0;

	buf_init(&manifest, (size_t)4 << 20);
	if (!unzip_read_all(z, "META-INF/manifest.xml", &manifest, &ignored))
		enc = strstr(buf_str(&manifest), "encryption-data") != NULL;
	buf_free(&manifest);
	return enc;
}

/*
 * A BIFF8 workbook whose globals substream (BOF record 0x0809, version
 * 0x0600, type 0x0005) is followed at once by a FILEPASS record (0x002F)
 * is encrypted; FreeXL 1.0 does not notice RC4 encryption by itself.
 */
static int biff_is_encrypted(FILE *fp)
{
	static const unsigned char bof[8] = { 0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00 };
	unsigned char chunk[65536 + 32];
	size_t keep = 0, n;

	rewind(fp);
	while ((n = fread(chunk + keep, 1, sizeof(chunk) - keep, fp)) > 0) {
		size_t len = keep + n;
		unsigned char *p = memmem(chunk, len, bof, sizeof(bof));

		if (p && p + 22 <= chunk + len)
			return p[20] == 0x2F && p[21] == 0x00;
		keep = len < 31 ? len : 31;
		memmove(chunk, chunk + len - keep, keep);
	}
	return 0;
}

static enum err zip_kind(const char *path, const char *name, enum filekind *kind,
			 struct errinfo *info)
{
	struct unzip *z;
	enum err e = unzip_open(&z, path, name, NULL, info);

	if (e)
		return e;
	if (unzip_has(z, "[Content_Types].xml")) {
		*kind = FILEKIND_XLSX;
	} else if (unzip_has(z, "content.xml") || unzip_has(z, "mimetype")) {
		*kind = FILEKIND_ODS;
		if (odf_is_encrypted(z))
			e = err_set(info, ERR_FORMAT,
				    "'%s' is password-protected (encrypted): save it without a password first",
				    name);
	} else
		e = err_set(info, ERR_FORMAT,
			    "'%s' is a zip archive but neither an XLSX nor an ODS workbook", name);
	unzip_close(z);
	return e;
}

static int json_name(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && (!strcmp(dot, ".json") || !strcmp(dot, ".jsonl") ||
		       !strcmp(dot, ".ndjson"));
}

enum err filekind_detect(const char *path, const char *name,
			 enum filekind *kind, struct errinfo *info)
{
	unsigned char head[16];
	size_t n, i = 0;
	FILE *fp;
	int encrypted = 0;

	*kind = FILEKIND_CSV;
	fp = fopen(path, "rb");
	if (!fp)
		return err_set(info, ERR_IO, "cannot open '%s': %s", name, strerror(errno));
	n = fread(head, 1, sizeof(head), fp);
	if (ferror(fp)) {
		int err = errno;

		fclose(fp);
		return err_set(info, ERR_IO, "cannot read '%s': %s", name, strerror(err));
	}
	if (n >= sizeof(OLE_SIG) && !memcmp(head, OLE_SIG, sizeof(OLE_SIG))) {
		encrypted = ole_is_encrypted(fp) || biff_is_encrypted(fp);
		*kind = FILEKIND_XLS;
	}
	fclose(fp);
	if (encrypted)
		return err_set(info, ERR_FORMAT,
			       "'%s' is password-protected (encrypted): save it without a password first",
			       name);
	if (*kind == FILEKIND_XLS)
		return ERR_OK;
	if (n >= sizeof(ZIP_SIG) && !memcmp(head, ZIP_SIG, sizeof(ZIP_SIG)))
		return zip_kind(path, name, kind, info);
	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (json_name(path) || (i < n && head[i] == '{'))
		*kind = FILEKIND_JSON;
	return ERR_OK;
}
