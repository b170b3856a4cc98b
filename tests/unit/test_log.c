/* Unit tests of the log module's JSON lines: the common fields, events and
 * their fields (never overriding the common ones), phases, bytes that are
 * not UTF-8, and nothing drawn when standard error is not a terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/log.h"

/* Standard error goes to a temporary file while a test runs. */
struct capture {
	FILE *tmp;
	int saved;
};

static void capture_start(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* What was written, as a new string. */
static char *capture_end(struct capture *c)
{
	long n;
	char *s;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	n = ftell(c->tmp);
	assert_true(n >= 0);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	rewind(c->tmp);
	assert_int_equal(fread(s, 1, (size_t)n, c->tmp), (size_t)n);
	fclose(c->tmp);
	return s;
}

/* The only line of s as a JSON object (new reference). */
static json_t *one_line(const char *s)
{
	json_error_t err;
	const char *nl = strchr(s, '\n');
	json_t *o;

	assert_non_null(nl);
	assert_null(strchr(nl + 1, '\n'));
	o = json_loadb(s, (size_t)(nl - s), 0, &err);
	assert_non_null(o);
	assert_true(json_is_object(o));
	return o;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void test_message_is_an_event(void **state)
{
	struct capture c;
	const char *key;
	json_t *o, *v;
	char *out;
	int i = 0;
	static const char *const order[] = { "time", "level", "msg", "event" };

	(void)state;
	log_setup(LOG_JSON, 0);
	capture_start(&c);
	log_warn("'%s': header '%s' is repeated", "a.csv", "name");
	out = capture_end(&c);
	o = one_line(out);
	assert_string_equal(str(o, "level"), "warning");
	assert_string_equal(str(o, "event"), "warning");
	assert_string_equal(str(o, "msg"), "'a.csv': header 'name' is repeated");
	json_object_foreach(o, key, v) {
		assert_true(i < 4);
		assert_string_equal(key, order[i++]);	/* the common fields, in order */
	}
	json_decref(o);
	free(out);
}

static void test_event_fields_never_override(void **state)
{
	struct capture c;
	json_t *o;
	char *out;

	(void)state;
	log_setup(LOG_JSON, 0);
	capture_start(&c);
	log_event(LOG_ERROR, "failure",
		  json_pack("{s:s, s:s, s:i, s:n}", "phone", "+447700900001", "level", "info",
			    "attempts", 3, "http_status"),
		  "create of %s failed", "+447700900001");
	out = capture_end(&c);
	o = one_line(out);
	assert_string_equal(str(o, "level"), "error");	/* not the field's */
	assert_string_equal(str(o, "event"), "failure");
	assert_string_equal(str(o, "phone"), "+447700900001");
	assert_int_equal(json_integer_value(json_object_get(o, "attempts")), 3);
	assert_true(json_is_null(json_object_get(o, "http_status")));
	json_decref(o);
	free(out);
}

static void test_levels_and_text_format(void **state)
{
	struct capture c;
	char *out;

	(void)state;
	log_setup(LOG_JSON, -1);	/* -q: no info */
	capture_start(&c);
	log_event(LOG_INFO, "summary", json_object(), "summary");
	log_info("hello");
	out = capture_end(&c);
	assert_string_equal(out, "");
	free(out);

	log_setup(LOG_TEXT, 0);	/* events are for JSON logs only */
	capture_start(&c);
	log_event(LOG_ERROR, "failure", json_object(), "create failed");
	log_phase_start("push", "shop", NULL);
	log_phase_end("push", "shop", 1, NULL);
	log_error("cannot open '%s'", "x.csv");
	out = capture_end(&c);
	assert_string_equal(out, "error: cannot open 'x.csv'\n");	/* no colour: not a tty */
	free(out);
}

static void test_phases(void **state)
{
	struct capture c;
	json_t *o;
	char *out, *nl;

	(void)state;
	log_setup(LOG_JSON, 0);
	capture_start(&c);
	log_phase_start("pull", "shop", json_pack("{s:s}", "provider", "sendblue"));
	log_phase_end("pull", "shop", 0, json_pack("{s:i, s:s, s:s}", "contacts", 5, "error", "boom",
						   "ok", "overridden?"));
	out = capture_end(&c);
	nl = strchr(out, '\n');
	assert_non_null(nl);
	o = json_loadb(out, (size_t)(nl - out), 0, NULL);
	assert_true(json_is_object(o));
	assert_string_equal(str(o, "event"), "phase_start");
	assert_string_equal(str(o, "phase"), "pull");
	assert_string_equal(str(o, "profile"), "shop");
	assert_string_equal(str(o, "provider"), "sendblue");
	json_decref(o);
	o = one_line(nl + 1);
	assert_string_equal(str(o, "event"), "phase_end");
	assert_string_equal(str(o, "phase"), "pull");
	assert_true(json_is_false(json_object_get(o, "ok")));	/* not the field's */
	assert_true(json_is_number(json_object_get(o, "duration_s")));
	assert_true(json_number_value(json_object_get(o, "duration_s")) >= 0);
	assert_int_equal(json_integer_value(json_object_get(o, "contacts")), 5);
	assert_string_equal(str(o, "error"), "boom");
	json_decref(o);
	free(out);
}

static void test_not_utf8(void **state)
{
	json_t *j = log_json_str("caf\xe9 \xc3\xa9 \xed\xa0\x80!");	/* latin-1, UTF-8, a surrogate */

	(void)state;
	assert_non_null(j);
	assert_string_equal(json_string_value(j),
			    "caf\xef\xbf\xbd \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
	json_decref(j);
	j = log_json_str(NULL);
	assert_string_equal(json_string_value(j), "");
	json_decref(j);
}

static void test_no_status_line_off_a_terminal(void **state)
{
	struct log_status st = { "pushing to 'shop'", 5, 10, "operations", -1, NULL };
	struct capture c;
	char *out;

	(void)state;
	capture_start(&c);
	log_setup(LOG_TEXT, 0);	/* standard error is a file now */
	assert_false(log_is_status_due());
	log_status(&st);
	log_progress("pulling '%s': %d", "shop", 3);
	log_progress_end();
	out = capture_end(&c);
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_is_an_event),
		cmocka_unit_test(test_event_fields_never_override),
		cmocka_unit_test(test_levels_and_text_format),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_no_status_line_off_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
