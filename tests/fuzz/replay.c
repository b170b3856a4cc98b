/*
 * Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without
 * libFuzzer: every file named, and every file inside every directory named
 * (not recursively; a missing file or directory is skipped). Prints "ok - NAME: N
 * inputs" for tests/run.sh; a crash or a failed check aborts, as it would
 * under the fuzzer. NAME is the first argument.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path, unsigned long *n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, got;

	if (!fp) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(data, cap);
			if (!p) {
				free(data);
				fclose(fp);
				fprintf(stderr, "replay: out of memory\n");
				return -1;
			}
			data = p;
		}
		got = fread(data + len, 1, cap - len, fp);
		len += got;
	} while (got && len <= FUZZ_MAX_INPUT);
	fclose(fp);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	(*n)++;
	return 0;
}

static int replay_dir(const char *dir, unsigned long *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		if (replay_file(path, n))
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long n = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: replay NAME [FILE|DIR]...\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb)) {
			if (errno == ENOENT)
				continue;	/* a target with no reproducer yet */
			fprintf(stderr, "replay: cannot read '%s': %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			if (replay_dir(argv[i], &n))
				rc = 1;
		} else if (replay_file(argv[i], &n)) {
			rc = 1;
		}
	}
	printf("%s - %s: %lu inputs\n", rc ? "not ok" : "ok", argv[1], n);
	return rc;
}
