/*
 * Unit tests for cfb: streams written by cfb_write_stream read back by
 * cfb_read_stream (sizes that need the DIFAT included), the workbook
 * streams of LibreOffice's .xls fixtures and of a small workbook kept in
 * the mini stream, and the refusals: a chain that loops, one that leaves
 * the file, a name longer than its field, a stream that is not there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read/cfb.h"

static const char *const workbook[] = { "Workbook", "Book", NULL };

static char *top_path(const char *rel)
{
	const char *top = getenv("CONTACTSYNC_TOP");
	char *path;

	assert_true(asprintf(&path, "%s/%s", top ? top : ".", rel) > 0);
	return path;
}

/* A temporary file holding a compound file with `stream` of len bytes
 * (a pattern that differs at every offset modulo 251). */
static char *written(const char *stream, size_t len, unsigned char **data)
{
	char *path = strdup("/tmp/test_cfb_XXXXXX");
	struct errinfo info;
	size_t i;
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	*data = malloc(len ? len : 1);
	assert_non_null(*data);
	for (i = 0; i < len; i++)
		(*data)[i] = (unsigned char)(i % 251);
	assert_int_equal(cfb_write_stream(fd, "t", stream, *data, len, &info), ERR_OK);
	close(fd);
	return path;
}

static void roundtrip(size_t len)
{
	unsigned char *data, *got;
	size_t n, i;
	struct errinfo info;
	char *path = written("Workbook", len, &data);

	assert_int_equal(cfb_read_stream(path, "t", workbook, &got, &n, &info), ERR_OK);
	/* a stream under the 4096-byte cutoff is padded with zeros */
	assert_int_equal(n, len < 4096 ? 4096 : len);
	assert_memory_equal(got, data, len);
	for (i = len; i < n; i++)
		assert_int_equal(got[i], 0);
	free(got);
	free(data);
	unlink(path);
	free(path);
}

static void test_roundtrip(void **state)
{
	(void)state;
	roundtrip(0);
	roundtrip(100);
	roundtrip(4096);
	roundtrip(5000);
	/* 109 FAT sectors map 7.1 MB: past that the DIFAT lists the rest */
	roundtrip((size_t)7 << 20);
	roundtrip((size_t)9 << 20);
}

static void expect_bof(const char *rel)
{
	char *path = top_path(rel);
	unsigned char *got;
	size_t n;
	struct errinfo info;

	assert_int_equal(cfb_read_stream(path, "t", workbook, &got, &n, &info), ERR_OK);
	assert_true(n >= 4);
	/* a BIFF5/8 stream starts with its BOF record (0x0809) */
	assert_int_equal(got[0], 0x09);
	assert_int_equal(got[1], 0x08);
	free(got);
	free(path);
}

static void test_fixtures(void **state)
{
	(void)state;
	expect_bof("tests/fixtures/xls/contacts.xls");
	expect_bof("tests/fixtures/xls/formulas.xls");
	/* 3 KB: its workbook stream is in the mini stream */
	expect_bof("tests/fuzz/crashes/xlsin/freexl-segv");
}

static unsigned char *slurp(const char *path, size_t *n)
{
	struct stat st;
	unsigned char *d;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	d = malloc((size_t)st.st_size);
	assert_non_null(d);
	assert_int_equal(read(fd, d, (size_t)st.st_size), st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return d;
}

static void spit(const char *path, const unsigned char *d, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, d, n), (ssize_t)n);
	close(fd);
}

static void expect_refused(const char *path, enum err code, const char *msg)
{
	unsigned char *got = (unsigned char *)"";
	size_t n = 1;
	struct errinfo info;

	assert_int_equal(cfb_read_stream(path, "t.xls", workbook, &got, &n, &info), code);
	assert_null(got);
	assert_int_equal(n, 0);
	assert_string_equal(info.msg, msg);
}

/*
 * The written layout (cfb.c): sector 0 the FAT, 1 the directory, 2... the
 * stream; sector s at byte (s + 1) * 512.
 */
static void test_refusals(void **state)
{
	unsigned char *data, *f;
	size_t n;
	char *path = written("Workbook", 6000, &data);

	(void)state;
	f = slurp(path, &n);

	/* the stream's second sector chained back to its first */
	f[512 + 4 * 3] = 2;
	f[512 + 4 * 3 + 1] = f[512 + 4 * 3 + 2] = f[512 + 4 * 3 + 3] = 0;
	spit(path, f, n);
	expect_refused(path, ERR_FORMAT, "cannot read 't.xls': not a valid .xls workbook (a sector chain loops)");

	/* cut after its first sector */
	free(f);
	free(data);
	unlink(path);
	free(path);
	path = written("Workbook", 6000, &data);
	f = slurp(path, &n);
	spit(path, f, 4 * 512);
	expect_refused(path, ERR_FORMAT,
		       "cannot read 't.xls': not a valid .xls workbook (a sector chain leaves the file)");

	/* the stream's name claiming 66 bytes */
	spit(path, f, n);
	f[2 * 512 + 128 + 64] = 66;
	spit(path, f, n);
	expect_refused(path, ERR_FORMAT,
		       "cannot read 't.xls': not a valid .xls workbook (corrupt directory entry)");

	/* not a compound file */
	spit(path, (const unsigned char *)"Name,Phone\n", 11);
	expect_refused(path, ERR_FORMAT,
		       "cannot read 't.xls': not a valid .xls workbook (truncated or unreadable)");
	free(f);
	free(data);
	unlink(path);
	free(path);

	/* a compound file without a workbook stream */
	path = written("Other", 100, &data);
	expect_refused(path, ERR_NOT_FOUND,
		       "cannot read 't.xls': not a valid .xls workbook (no workbook stream)");
	free(data);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
