/* lockfile: flock-based run locks naming their holder (see lockfile.h). */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <time.h>
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

/* "<store_dir>/<kind>-<name>.lock", every byte of name outside
 * [A-Za-z0-9._-] written %XX, so that two names never share a file. */
static enum err name_path(char *path, size_t cap, const char *store_dir, const char *kind,
			  const char *name, struct errinfo *info)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n;
	const unsigned char *c;

	n = (size_t)snprintf(path, cap, "%s/%s-", store_dir, kind);
	for (c = (const unsigned char *)name; *c && n + 4 < cap; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.') {
			path[n++] = (char)*c;
		} else {
			path[n++] = '%';
			path[n++] = hex[*c >> 4];
			path[n++] = hex[*c & 15];
		}
	}
	if (*c || n + sizeof(".lock") > cap)
		return err_set(info, ERR_STORE, "store '%s': the lock file name for %s '%s' is too long",
			       store_dir, kind, name);
	memcpy(path + n, ".lock", sizeof(".lock"));
	return ERR_OK;
}

enum err lockfile_take_profile(struct lockfile *lk, const char *store_dir, const char *profile,
			       struct errinfo *info)
{
	char path[4096], what[512];
	enum err e = name_path(path, sizeof(path), store_dir, "sync", profile, info);

	if (e)
		return e;
	snprintf(what, sizeof(what), "profile '%s' (one pull, push, sync or migrate at a time)",
		 profile);
	return lockfile_take(lk, path, what, info);
}

enum err lockfile_take_list(struct lockfile *lk, const char *store_dir, const char *list,
			    long wait_ms, struct errinfo *info)
{
	const struct timespec step = { 0, 100 * 1000 * 1000 };
	char path[4096], what[512];
	enum err e = name_path(path, sizeof(path), store_dir, "list", list, info);
	long waited;

	if (e)
		return e;
	snprintf(what, sizeof(what), "list '%s' (one import at a time)", list);
	for (waited = 0;; waited += 100) {
		e = lockfile_take(lk, path, what, info);
		if (e != ERR_STORE_LOCKED || waited >= wait_ms)
			return e;
		nanosleep(&step, NULL);
	}
}

enum err lockfile_take_shared(struct lockfile *lk, const char *path, int *alone,
			      struct errinfo *info)
{
	*alone = 0;
	lk->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lk->fd < 0)
		return err_set(info, ERR_STORE, "cannot open '%s': %s", path, strerror(errno));
	if (flock(lk->fd, LOCK_EX | LOCK_NB) == 0) {
		*alone = 1;
		return ERR_OK;
	}
	/* another writer: it holds the lock shared, or exclusively for the
	 * moment it clears leftovers, which this waits out */
	while (flock(lk->fd, LOCK_SH) < 0) {
		if (errno == EINTR)
			continue;
		err_set(info, ERR_STORE, "cannot lock '%s': %s", path, strerror(errno));
		lockfile_release(lk);
		return ERR_STORE;
	}
	return ERR_OK;
}

enum err lockfile_share(struct lockfile *lk, struct errinfo *info)
{
	if (lk->fd >= 0 && flock(lk->fd, LOCK_SH) < 0)
		return err_set(info, ERR_STORE, "cannot share the store's lock: %s", strerror(errno));
	return ERR_OK;
}
