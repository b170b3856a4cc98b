/* Unit tests of the profile configuration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static char *write_tmp(const char *text, mode_t mode)
{
	char tmpl[] = "/tmp/cs-config-XXXXXX";
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
	return strdup(tmpl);
}

static void test_sample(void **state)
{
	struct config c;
	struct errinfo info = { 0 };
	const struct profile *p;
	const char *top = getenv("CONTACTSYNC_TOP");
	char path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/samples/contactsync.ini", top ? top : ".");
	assert_int_equal(config_load(&c, path, &info), ERR_OK);
	assert_int_equal(c.nprofiles, 3);
	p = config_profile(&c, "au-atom", &info);
	assert_non_null(p);
	assert_string_equal(p->provider, "atom");
	assert_string_equal(p->address_book, "Customers");
	assert_int_equal(p->nslots, 4);
	assert_string_equal(p->custom_slots[3], "Customer ID");
	assert_string_equal(p->region, "AU");
	p = config_profile(&c, "us-sendblue", &info);
	assert_int_equal(p->concurrency, 4);
	assert_null(config_profile(&c, "nope", &info));
	assert_non_null(strstr(info.msg, "profiles: 'shop-altum', 'au-atom', 'us-sendblue'"));
	config_free(&c);
}

static void expect_error(const char *text, const char *want)
{
	struct config c;
	struct errinfo info = { 0 };
	char *path = write_tmp(text, 0600);

	assert_int_equal(config_load(&c, path, &info), ERR_CONFIG);
	if (!strstr(info.msg, want))
		fail_msg("wanted '%s' in '%s'", want, info.msg);
	unlink(path);
	free(path);
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	expect_error("[profile a]\nprovider = altum\nbase_url = https://x\napi_key_env = K\nratee = 1/s\n",
		     "line 5: unknown key 'ratee' in profile 'a'");
	expect_error("[profiles]\nprovider = altum\n", "line 2: unknown section '[profiles]'");
	expect_error("[profile a]\nprovider = twilio\n", "line 2: unknown provider 'twilio'");
	expect_error("[profile a]\nprovider = atom\nbase_url = https://x\napi_key_env = K\n",
		     "profile 'a' needs address_book");
	expect_error("[profile a]\nprovider = altum\napi_key_env = K\n", "profile 'a' has no base_url");
	expect_error("[profile a]\nprovider = altum\nbase_url = ftp://x\n", "base_url must start with https://");
	expect_error("[profile a]\nprovider = atom\ncustom_slots = a,b,c,d,e\n", "only 4 slots");
	expect_error("[profile a]\nconcurrency = 0\n", "concurrency must be 1 to 64");
	expect_error("[profile a]\nregion = XX\n", "unknown region 'XX'");
	expect_error("[profile a]\nprovider = altum\nbase_url = https://x\napi_key_env = K\n"
		     "[profile b]\nprovider = altum\n[profile a]\ninsecure = yes\n",
		     "profile 'a' is defined twice");
}

/* The whole message after "'PATH' line N: " (the path is a temporary file). */
static void expect_exact(const char *text, const char *want)
{
	struct config c;
	struct errinfo info = { 0 };
	char *path = write_tmp(text, 0600);
	const char *after;

	assert_int_equal(config_load(&c, path, &info), ERR_CONFIG);
	after = strstr(info.msg, "' line ");
	if (!after || !(after = strstr(after, ": ")) || strcmp(after + 2, want))
		fail_msg("wanted '%s' in '%s'", want, info.msg);
	unlink(path);
	free(path);
}

/*
 * The rules each provider sets on a profile (provider_check_profile and
 * the drivers' check_profile hooks, asked by config.c), word for word and
 * in the order they were always checked: the first broken rule is the one
 * reported.
 */
static void test_provider_rules(void **state)
{
	(void)state;
	expect_exact("[profile a]\nprovider = twilio\n",
		     "unknown provider 'twilio' (altum, atom or sendblue)");
	expect_exact("[profile a]\nprovider = atom\ncustom_slots = a,b,c,d,e\n",
		     "custom_slots: atom has only 4 slots ('a,b,c,d,e')");
	expect_exact("[profile a]\nbase_url = https://x\n", "profile 'a' has no provider");
	expect_exact("[profile a]\nprovider = altum\ncustom_slots = a\n", "profile 'a' has no base_url");
	expect_exact("[profile a]\nprovider = atom\nbase_url = https://x\ncustom_slots = a\n",
		     "profile 'a' needs address_book (atom keeps contacts in address books)");
	expect_exact("[profile a]\nprovider = altum\nbase_url = https://x\ncustom_slots = a\n",
		     "profile 'a' has custom_slots, which only atom uses");
	expect_exact("[profile a]\nprovider = sendblue\ncustom_slots = a\n",
		     "profile 'a' has custom_slots, which only atom uses");
	expect_exact("[profile a]\nprovider = sendblue\napi_key_id_env = K\n",
		     "profile 'a' needs api_key_id_env and api_secret_env (or api_key_env, or api_key_file)");
	expect_exact("[profile a]\nprovider = altum\nbase_url = https://x\napi_key_id_env = K\n"
		     "api_secret_env = S\noptout_action = suppress_book\n",
		     "profile 'a' needs api_key_env (or api_key_file)");
	expect_exact("[profile a]\nprovider = atom\nbase_url = https://x\naddress_book = B\n"
		     "suppress_book = Out\n",
		     "profile 'a' needs api_key_env (or api_key_file)");
	expect_exact("[profile a]\nprovider = sendblue\napi_key_env = K\noptout_action = suppress_book\n"
		     "suppress_book = Out\n",
		     "profile 'a' has optout_action = suppress_book, which only atom can do");
	expect_exact("[profile a]\nprovider = altum\nbase_url = https://x\napi_key_file = /k\n"
		     "suppress_book = Out\n",
		     "profile 'a' has suppress_book, which only atom uses");
	expect_exact("[profile a]\nprovider = atom\nbase_url = https://x\naddress_book = B\napi_key_env = K\n"
		     "optout_action = suppress_book\n",
		     "profile 'a' has optout_action = suppress_book but no suppress_book (the book opted-out contacts move to)");
}

/* A key pasted where a variable's name belongs is refused without being
 * repeated in the message; so is a password in a base_url of the wrong scheme. */
static void expect_hidden(const char *text, const char *want, const char *secret)
{
	struct config c;
	struct errinfo info = { 0 };
	char *path = write_tmp(text, 0600);

	assert_int_equal(config_load(&c, path, &info), ERR_CONFIG);
	if (!strstr(info.msg, want))
		fail_msg("wanted '%s' in '%s'", want, info.msg);
	if (strstr(info.msg, secret))
		fail_msg("'%s' leaks into '%s'", secret, info.msg);
	unlink(path);
	free(path);
}

static void test_secrets_not_repeated(void **state)
{
	(void)state;
	expect_hidden("[profile a]\nprovider = altum\nbase_url = https://x\napi_key_env = SECRET-cs-7f3a9b\n",
		      "line 4: api_key_env must name an environment variable", "7f3a9b");
	expect_hidden("[profile a]\nprovider = sendblue\napi_key_id_env = K\napi_secret_env = 9f3a9bc0ffee\n",
		      "line 4: api_secret_env must name an environment variable", "9f3a9b");
	expect_hidden("[profile a]\nprovider = sendblue\napi_key_id_env = sk.live/7f3a9b\n",
		      "line 3: api_key_id_env must name", "7f3a9b");
	expect_hidden("[profile a]\nprovider = altum\nbase_url = ftp://u:7f3a9b@x\n",
		      "base_url must start with https://", "7f3a9b");
}

#define ATOM "[profile a]\nprovider = atom\nbase_url = https://x\napi_key_env = K\naddress_book = Customers\n"
#define ALTUM "[profile a]\nprovider = altum\nbase_url = https://x\napi_key_env = K\n"
#define SENDBLUE "[profile a]\nprovider = sendblue\napi_key_env = K\n"

/* Loads text, which must be valid; the caller frees c. */
static const struct profile *load_one(struct config *c, const char *text)
{
	struct errinfo info = { 0 };
	char *path = write_tmp(text, 0600);

	if (config_load(c, path, &info))
		fail_msg("'%s': %s", text, info.msg);
	unlink(path);
	free(path);
	return config_profile(c, "a", &info);
}

static void test_optout_action(void **state)
{
	struct config c;
	const struct profile *p;

	(void)state;
	p = load_one(&c, ATOM);
	assert_int_equal(p->optout_action, OPTOUT_ACTION_SKIP);	/* the default */
	assert_null(p->suppress_book);
	config_free(&c);
	p = load_one(&c, ATOM "optout_action = delete\n");
	assert_int_equal(p->optout_action, OPTOUT_ACTION_DELETE);
	config_free(&c);
	p = load_one(&c, ATOM "optout_action = skip\n");
	assert_int_equal(p->optout_action, OPTOUT_ACTION_SKIP);
	config_free(&c);
	p = load_one(&c, ALTUM "optout_action = delete\n");
	assert_int_equal(p->optout_action, OPTOUT_ACTION_DELETE);
	config_free(&c);
	/* by name or by id, in either order */
	p = load_one(&c, ATOM "suppress_book = Opted out\noptout_action = suppress_book\n");
	assert_int_equal(p->optout_action, OPTOUT_ACTION_SUPPRESS_BOOK);
	assert_string_equal(p->suppress_book, "Opted out");
	config_free(&c);
	p = load_one(&c, ATOM "optout_action = suppress_book\nsuppress_book = 4711\n");
	assert_string_equal(p->suppress_book, "4711");
	config_free(&c);
	/* sendblue records opt-outs itself: accepted, and ignored */
	p = load_one(&c, SENDBLUE "optout_action = delete\n");
	assert_int_equal(p->optout_action, OPTOUT_ACTION_DELETE);
	config_free(&c);
}

static void test_optout_action_errors(void **state)
{
	(void)state;
	expect_error(ATOM "optout_action = remove\n",
		     "line 6: unknown optout_action 'remove' (skip, delete or suppress_book)");
	expect_error(ATOM "optout_action = Delete\n", "line 6: unknown optout_action 'Delete'");
	expect_error(ATOM "suppress_book =\n", "line 6: suppress_book is empty");
	expect_error(ATOM "optout_action = suppress_book\n",
		     "line 2: profile 'a' has optout_action = suppress_book but no suppress_book");
	expect_error(ALTUM "optout_action = suppress_book\nsuppress_book = Out\n",
		     "line 2: profile 'a' has optout_action = suppress_book, which only atom can do");
	expect_error(SENDBLUE "optout_action = suppress_book\nsuppress_book = Out\n",
		     "profile 'a' has optout_action = suppress_book, which only atom can do");
	expect_error(ALTUM "suppress_book = Out\n", "profile 'a' has suppress_book, which only atom uses");
	expect_error(ATOM "optout_action = delete\nsuppress_book = Out\n",
		     "profile 'a' has suppress_book but optout_action is not suppress_book");
	expect_error(ATOM "suppress_book = Out\n",
		     "profile 'a' has suppress_book but optout_action is not suppress_book");
	expect_error(ATOM "optout_action = suppress_book\nsuppress_book = Customers\n",
		     "profile 'a' has suppress_book equal to address_book");
	/* the file is named too */
	expect_error(ATOM "optout_action = suppress_book\n", "'/tmp/cs-config-");
}

static void test_explicit_missing_file(void **state)
{
	struct config c;
	struct errinfo info = { 0 };

	(void)state;
	assert_int_equal(config_load(&c, "/nonexistent/cs.ini", &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "cannot open configuration '/nonexistent/cs.ini'"));
}

static void test_secrets(void **state)
{
	struct config c;
	struct errinfo info = { 0 };
	struct secrets s;
	const struct profile *p;
	char *keyfile = write_tmp("s3cr3t-from-file\n", 0600);
	char *loose = write_tmp("s3cr3t\n", 0644);
	char text[1024];
	char *path;

	(void)state;
	snprintf(text, sizeof(text),
		 "[profile sb]\nprovider = sendblue\napi_key_id_env = CS_T_ID\napi_secret_env = CS_T_SECRET\n"
		 "[profile f]\nprovider = altum\nbase_url = https://x\napi_key_file = %s\n"
		 "[profile loose]\nprovider = altum\nbase_url = https://x\napi_key_file = %s\n",
		 keyfile, loose);
	path = write_tmp(text, 0600);
	assert_int_equal(config_load(&c, path, &info), ERR_OK);
	p = config_profile(&c, "sb", &info);
	unsetenv("CS_T_SECRET");
	setenv("CS_T_ID", "id-123", 1);
	assert_int_equal(config_secrets(p, &s, &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "environment variable 'CS_T_SECRET' (api_secret_env) is not set"));
	setenv("CS_T_SECRET", "very-secret-value", 1);
	assert_int_equal(config_secrets(p, &s, &info), ERR_OK);
	assert_string_equal(s.key_id, "id-123");
	assert_string_equal(s.secret, "very-secret-value");
	config_secrets_free(&s);
	assert_null(s.secret);
	assert_int_equal(config_secrets(config_profile(&c, "f", &info), &s, &info), ERR_OK);
	assert_string_equal(s.key, "s3cr3t-from-file");
	config_secrets_free(&s);
	assert_int_equal(config_secrets(config_profile(&c, "loose", &info), &s, &info), ERR_CONFIG);
	assert_non_null(strstr(info.msg, "may be read by group or others"));
	assert_null(strstr(info.msg, "s3cr3t"));
	config_free(&c);
	unlink(path);
	unlink(keyfile);
	unlink(loose);
	free(path);
	free(keyfile);
	free(loose);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_provider_rules),
		cmocka_unit_test(test_secrets_not_repeated),
		cmocka_unit_test(test_optout_action),
		cmocka_unit_test(test_optout_action_errors),
		cmocka_unit_test(test_explicit_missing_file),
		cmocka_unit_test(test_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
