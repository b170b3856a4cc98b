/* Unit tests of the lockfile module: take, refuse naming the holder, take over. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lockfile.h"

struct fixture {
	char dir[64];
	char path[96];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/cs-lock-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/run.lock", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void read_file(const char *path, char *out, size_t cap)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(out, 1, cap - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

static void pid_line(long pid, char *out, size_t cap)
{
	snprintf(out, cap, "%ld\n", pid);
}

/*
 * In a forked child (cmocka's asserts belong to the parent): tries to take
 * the lock; exits 0 when it was refused with want in the message, 1 when
 * it was taken, 2 when refused otherwise.
 */
static int child_try(const char *path, const char *want)
{
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lk = LOCKFILE_INIT;
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		enum err e = lockfile_take(&lk, path, "thing 'x'", &info);

		if (!e)
			_exit(1);
		_exit(e == ERR_STORE_LOCKED && strstr(info.msg, want) ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_take_writes_pid(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lk = LOCKFILE_INIT;
	char got[64], want[64];

	assert_int_equal(lockfile_take(&lk, f->path, "thing 'x'", &info), ERR_OK);
	assert_true(lk.fd >= 0);
	read_file(f->path, got, sizeof(got));
	pid_line((long)getpid(), want, sizeof(want));
	assert_string_equal(got, want);
	lockfile_release(&lk);
	assert_int_equal(lk.fd, -1);
	lockfile_release(&lk);	/* twice is harmless */
}

static void test_second_take_refused(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { ERR_OK, "" };
	struct lockfile a = LOCKFILE_INIT, b = LOCKFILE_INIT;
	char want[64];

	assert_int_equal(lockfile_take(&a, f->path, "thing 'x'", &info), ERR_OK);
	snprintf(want, sizeof(want), "thing 'x' is locked by pid %ld", (long)getpid());

	/* another process */
	assert_int_equal(child_try(f->path, want), 0);

	/* the same process, through another open file */
	assert_int_equal(lockfile_take(&b, f->path, "thing 'x'", &info), ERR_STORE_LOCKED);
	assert_string_equal(info.msg, want);
	assert_int_equal(b.fd, -1);	/* nothing held after a failure */

	lockfile_release(&a);
	assert_int_equal(child_try(f->path, want), 1);	/* free again */
}

static void test_dead_holder_taken_over(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lk = LOCKFILE_INIT;
	char got[64], want[64];
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lockfile held = LOCKFILE_INIT;

		/* exits holding it: only the kernel lets go */
		_exit(lockfile_take(&held, f->path, "thing 'x'", NULL) ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	read_file(f->path, got, sizeof(got));
	pid_line((long)pid, want, sizeof(want));
	assert_string_equal(got, want);	/* the dead holder's pid stays */

	assert_int_equal(lockfile_take(&lk, f->path, "thing 'x'", &info), ERR_OK);
	read_file(f->path, got, sizeof(got));
	pid_line((long)getpid(), want, sizeof(want));
	assert_string_equal(got, want);
	lockfile_release(&lk);
}

/* A longer pid left by an earlier holder must not leave digits behind. */
static void test_shorter_pid_replaces_longer(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lk = LOCKFILE_INIT;
	FILE *fp = fopen(f->path, "w");
	char got[64], want[64];

	assert_non_null(fp);
	fputs("123456789012345678\n", fp);
	fclose(fp);
	assert_int_equal(lockfile_take(&lk, f->path, "thing 'x'", &info), ERR_OK);
	read_file(f->path, got, sizeof(got));
	pid_line((long)getpid(), want, sizeof(want));
	assert_string_equal(got, want);
	lockfile_release(&lk);
}

static void test_holder_without_pid(void **state)
{
	struct fixture *f = *state;
	struct errinfo info = { ERR_OK, "" };
	struct lockfile a = LOCKFILE_INIT, b = LOCKFILE_INIT;

	assert_int_equal(lockfile_take(&a, f->path, "thing 'x'", &info), ERR_OK);
	assert_int_equal(ftruncate(a.fd, 0), 0);	/* as if it had not written it yet */
	assert_int_equal(lockfile_take(&b, f->path, "thing 'x'", &info), ERR_STORE_LOCKED);
	assert_string_equal(info.msg, "thing 'x' is locked by pid ?");
	lockfile_release(&a);
}

static void test_unopenable(void **state)
{
	struct errinfo info = { ERR_OK, "" };
	struct lockfile lk = LOCKFILE_INIT;

	(void)state;
	assert_int_equal(lockfile_take(&lk, "/nonexistent/cs/run.lock", "thing 'x'", &info),
			 ERR_STORE);
	assert_non_null(strstr(info.msg, "cannot open '/nonexistent/cs/run.lock'"));
	assert_int_equal(lk.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_take_writes_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_take_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_holder_taken_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shorter_pid_replaces_longer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holder_without_pid, setup, teardown),
		cmocka_unit_test(test_unopenable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
