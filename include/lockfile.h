/*
 * lockfile: an exclusive lock for the length of a run, on a file that names
 * its holder.
 *
 * The lock is a flock(2) on the file, taken without waiting: a second
 * taker fails at once with ERR_STORE_LOCKED and a message naming the
 * holder's pid, which the holder writes into the file. The kernel drops a
 * flock when the last descriptor of its open file description closes, so a
 * holder that dies, even by SIGKILL, leaves no stale lock: the file stays
 * with a dead pid in it, and the next taker simply takes it over. The file
 * is never removed, since unlinking it could let two processes hold locks
 * on two different files of the same name.
 *
 * A flock belongs to an open file description, not to a process: a second
 * lockfile_take in the same process fails as another process's would. The
 * descriptor is close-on-exec, so programs the holder runs do not keep the
 * lock alive after it exits.
 */
#ifndef CONTACTSYNC_LOCKFILE_H
#define CONTACTSYNC_LOCKFILE_H

#include "err.h"

struct lockfile {
	int fd;		/* -1 when not held */
};

#define LOCKFILE_INIT { -1 }

/*
 * Takes the lock on path (created 0600 if missing) and writes our pid
 * into it. When another holder has it: ERR_STORE_LOCKED, with the message
 * "<what> is locked by pid N" (what names the locked thing, e.g.
 * "store '/srv/cs'"; N is "?" when the holder has not written its pid
 * yet). Other failures are ERR_STORE naming path. On failure nothing is
 * held (lockfile_release is harmless).
 */
enum err lockfile_take(struct lockfile *lk, const char *path, const char *what,
		       struct errinfo *info);

/*
 * The lock that keeps one run at a time writing to a profile's account and
 * its datasets (pull, push, sync, migrate): "<store_dir>/sync-<profile>.lock", the profile's name
 * with every byte outside [A-Za-z0-9._-] written %XX, so that two
 * profiles' locks never share a file. When held: "profile 'P' (one sync
 * pull, push, sync or migrate at a time) is locked by pid N". ERR_STORE
 * when the name is too long.
 */
enum err lockfile_take_profile(struct lockfile *lk, const char *store_dir, const char *profile,
			       struct errinfo *info);

/*
 * The lock every process that writes to a store holds for its run, shared
 * with the other writers ("<store_dir>/lock"; no pid written): what one
 * writer writes is kept from the others by the profile and list locks,
 * and LMDB serialises their transactions. *alone is 1 when no other
 * writer held it, which is when leftovers of crashed writers may be
 * cleared: the lock is then held exclusively until lockfile_share.
 */
enum err lockfile_take_shared(struct lockfile *lk, const char *path, int *alone,
			      struct errinfo *info);

/* Turns an exclusive lock from lockfile_take_shared into a shared one. */
enum err lockfile_share(struct lockfile *lk, struct errinfo *info);

/*
 * The lock that keeps one import at a time writing to a list:
 * "<store_dir>/list-<list>.lock" (named as lockfile_take_profile names
 * profiles' files). A list being written by another process is waited
 * for, at most wait_ms, since imports are short and profiles that share
 * a list sync at the same hour; then ERR_STORE_LOCKED, "list 'L' is
 * locked by pid N".
 */
enum err lockfile_take_list(struct lockfile *lk, const char *store_dir, const char *list,
			    long wait_ms, struct errinfo *info);

/* Releases the lock if held; the file stays. */
void lockfile_release(struct lockfile *lk);

#endif
