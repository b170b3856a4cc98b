/*
 * outfile: an output file that appears whole or not at all.
 *
 * Written under "<path>.tmp<pid>", then flushed, synced and renamed over
 * <path>; any failure removes the temporary file and leaves an existing
 * <path> as it was. With a NULL path it is standard output (which main
 * flushes and checks).
 *
 * Two steps for callers that must publish something else in between (the
 * import syncs its rejects file, commits the store, then renames):
 * outfile_finish, then outfile_publish. outfile_commit does both.
 */
#ifndef CONTACTSYNC_OUTFILE_H
#define CONTACTSYNC_OUTFILE_H

#include <stdio.h>

#include "err.h"

struct outfile {
	FILE *fp;	/* write here */
	char *path;	/* NULL for standard output */
	char *tmp;	/* the temporary file, while it exists */
};

/* ERR_IO "cannot create '<path>': …" when the file cannot be created. */
enum err outfile_open(struct outfile *of, const char *path, struct errinfo *info);
/* Flushes, syncs and closes: ERR_IO "cannot write '<path>': …". */
enum err outfile_finish(struct outfile *of, struct errinfo *info);
/* Renames the finished file into place. */
enum err outfile_publish(struct outfile *of, struct errinfo *info);
/* Closes if needed and removes the temporary file; safe to call twice. */
void outfile_discard(struct outfile *of);
/* With failed == ERR_OK: finish and publish; otherwise (or when those
 * fail) discard. Returns failed, or the error of finishing. */
enum err outfile_commit(struct outfile *of, enum err failed, struct errinfo *info);

/* The directory of path, where a writer that keeps temporary files of its
 * own (libxlsxwriter) should put them: "." for a bare name (new string,
 * caller frees; NULL when out of memory). */
char *outfile_dir(const char *path);

#endif
