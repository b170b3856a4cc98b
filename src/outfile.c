/* outfile: write to a temporary file, rename into place (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum err outfile_open(struct outfile *of, const char *path, struct errinfo *info)
{
	memset(of, 0, sizeof(*of));
	if (!path) {
		of->fp = stdout;
		return ERR_OK;
	}
	of->path = strdup(path);
	if (!of->path || asprintf(&of->tmp, "%s.tmp%ld", path, (long)getpid()) < 0) {
		free(of->path);
		of->path = NULL;
		of->tmp = NULL;
		return err_set(info, ERR_NOMEM, "out of memory");
	}
	of->fp = fopen(of->tmp, "w");
	if (!of->fp) {
		enum err e = err_set(info, ERR_IO, "cannot create '%s': %s", path, strerror(errno));

		outfile_discard(of);
		return e;
	}
	return ERR_OK;
}

enum err outfile_finish(struct outfile *of, struct errinfo *info)
{
	int failed;

	if (!of->path)
		return ERR_OK;	/* standard output: main flushes it */
	if (!of->fp)
		return ERR_OK;
	failed = fflush(of->fp) || ferror(of->fp) || fsync(fileno(of->fp));
	if (fclose(of->fp))
		failed = 1;
	of->fp = NULL;
	if (failed)
		return err_set(info, ERR_IO, "cannot write '%s': %s", of->path, strerror(errno));
	return ERR_OK;
}

enum err outfile_publish(struct outfile *of, struct errinfo *info)
{
	if (!of->path || !of->tmp)
		return ERR_OK;
	if (rename(of->tmp, of->path) < 0)
		return err_set(info, ERR_IO, "cannot rename '%s' to '%s': %s", of->tmp, of->path,
			       strerror(errno));
	free(of->tmp);
	of->tmp = NULL;
	return ERR_OK;
}

void outfile_discard(struct outfile *of)
{
	if (of->path && of->fp)
		fclose(of->fp);
	of->fp = NULL;
	if (of->tmp) {
		unlink(of->tmp);
		free(of->tmp);
		of->tmp = NULL;
	}
	free(of->path);
	of->path = NULL;
}

enum err outfile_commit(struct outfile *of, enum err failed, struct errinfo *info)
{
	enum err e = failed;

	if (!e)
		e = outfile_finish(of, info);
	if (!e)
		e = outfile_publish(of, info);
	outfile_discard(of);
	return e;
}

char *outfile_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}
