/* Helpers shared by the fuzz targets (see fuzz.h). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_check_row(const struct row *row)
{
	volatile unsigned sum = 0;
	size_t i, j;

	if (row->ncells && (!row->cells || !row->lens))
		fuzz_fail("row without cell arrays");
	for (i = 0; i < row->ncells; i++) {
		if (!row->cells[i] || row->cells[i][row->lens[i]] != '\0')
			fuzz_fail("cell not NUL-terminated at its length");
		for (j = 0; j < row->lens[i]; j++)
			sum += (unsigned char)row->cells[i][j];
	}
	(void)sum;
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}
