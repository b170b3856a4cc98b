/* lockfile: flock-based run locks naming their holder (see lockfile.h). */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <unistd.h>

/* The holder's pid as it wrote it, or "?" while it has not yet. */
static void read_holder(int fd, char *out, size_t cap)
{
	ssize_t n = pread(fd, out, cap - 1, 0);

	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!out[0])
		snprintf(out, cap, "?");
}

/*
 * The pid is written before the file is cut to its length, so a reader
 * never finds the file empty in between: it sees the new pid, perhaps
 * followed by the tail of a longer old one after the newline, which it
 * ignores.
 */
static enum err write_pid(int fd, const char *path, struct errinfo *info)
{
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	if (pwrite(fd, pid, (size_t)n, 0) != n || ftruncate(fd, n) < 0)
		return err_set(info, ERR_STORE, "cannot write '%s': %s", path,
			       strerror(errno));
	return ERR_OK;
}

enum err lockfile_take(struct lockfile *lk, const char *path, const char *what,
		       struct errinfo *info)
{
	char holder[32];
	enum err e;

	lk->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lk->fd < 0)
		return err_set(info, ERR_STORE, "cannot open '%s': %s", path,
			       strerror(errno));
	if (flock(lk->fd, LOCK_EX | LOCK_NB) == 0) {
		e = write_pid(lk->fd, path, info);
	} else if (errno == EWOULDBLOCK) {
		read_holder(lk->fd, holder, sizeof(holder));
		e = err_set(info, ERR_STORE_LOCKED, "%s is locked by pid %s", what, holder);
	} else {
		e = err_set(info, ERR_STORE, "cannot lock '%s': %s", path, strerror(errno));
	}
	if (e)
		lockfile_release(lk);
	return e;
}

void lockfile_release(struct lockfile *lk)
{
	if (lk->fd >= 0)
		close(lk->fd);	/* drops the flock */
	lk->fd = -1;
}

enum err lockfile_take_profile(struct lockfile *lk, const char *store_dir, const char *profile,
			       struct errinfo *info)
{
	static const char hex[] = "0123456789ABCDEF";
	char path[4096], what[512];
	size_t n;
	const unsigned char *c;

	n = (size_t)snprintf(path, sizeof(path), "%s/sync-", store_dir);
	for (c = (const unsigned char *)profile; *c && n + 4 < sizeof(path); c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.') {
			path[n++] = (char)*c;
		} else {
			path[n++] = '%';
			path[n++] = hex[*c >> 4];
			path[n++] = hex[*c & 15];
		}
	}
	if (*c || n + sizeof(".lock") > sizeof(path))
		return err_set(info, ERR_STORE, "store '%s': the lock file name for profile '%s' is too long",
			       store_dir, profile);
	memcpy(path + n, ".lock", sizeof(".lock"));
	snprintf(what, sizeof(what), "profile '%s' (one sync or migrate at a time)", profile);
	return lockfile_take(lk, path, what, info);
}
