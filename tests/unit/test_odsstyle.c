/*
 * Unit tests for odsstyle: ODF data styles (ODF 1.3 §16.27) turned into
 * the format codes numfmt renders. The expected codes are derived by hand
 * from the spec's elements and the rules odsstyle.c states (LibreOffice's
 * reading of them): min-integer-digits zeros, decimal-places after the
 * point, number:text quoted, embedded text at its digit position, maps as
 * conditional sections; the cells' resolution through cell styles and
 * columns; and the caps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "read/odsstyle.h"

#define NS                                                                   \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "   \
	"xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\""

#define DOC(styles)                                                          \
	"<?xml version=\"1.0\"?>\n<office:document-styles " NS ">"           \
	"<office:styles>" styles "</office:styles></office:document-styles>"

#define NUM(attrs) "<number:number " attrs "/>"
#define TEXT(t) "<number:text>" t "</number:text>"
#define STYLE(kind, name, body)                                              \
	"<number:" kind " style:name=\"" name "\">" body "</number:" kind ">"
#define NSTYLE(name, body) STYLE("number-style", name, body)
#define CELL(name, attrs)                                                    \
	"<style:style style:name=\"" name "\" style:family=\"table-cell\" "  \
	attrs "/>"
#define MAP(cond, name)                                                      \
	"<style:map style:condition=\"" cond "\" style:apply-style-name=\""  \
	name "\"/>"
#define INT(n) "number:decimal-places=\"0\" number:min-integer-digits=\"" n "\""

static struct odsstyle *load(const char *xml)
{
	struct odsstyle *s;
	struct errinfo info;
	enum err e;

	assert_int_equal(odsstyle_new(&s, "t.ods"), ERR_OK);
	e = odsstyle_read_xml(s, xml, strlen(xml), &info);
	if (e)
		fail_msg("%s: %s", err_name(e), info.msg);
	return s;
}

/* The code of data style "S" in a document of the given styles. */
static void expect_code(const char *xml, const char *want)
{
	struct odsstyle *s = load(xml);
	const char *got = odsstyle_code(s, "S");

	if (!want)
		assert_null(got);
	else if (!got)
		fail_msg("not rendered, expected %s", want);
	else
		assert_string_equal(got, want);
	odsstyle_free(s);
}

static void test_digits(void **state)
{
	(void)state;
	expect_code(DOC(NSTYLE("S", NUM(INT("1")))), "0");
	expect_code(DOC(NSTYLE("S", NUM(INT("10")))), "0000000000");
	expect_code(DOC(NSTYLE("S", NUM(INT("0")))), "#");
	/* grouping: padded with '#' to a full group and one more digit */
	expect_code(DOC(NSTYLE("S", NUM(INT("1") " number:grouping=\"true\""))),
		    "#,##0");
	expect_code(DOC(NSTYLE("S", NUM(INT("5") " number:grouping=\"true\""))),
		    "00,000");
	expect_code(DOC(NSTYLE("S", NUM(INT("0") " number:grouping=\"true\""))),
		    "#,###");
	/* no min-integer-digits: none required */
	expect_code(DOC(NSTYLE("S", NUM("number:decimal-places=\"0\""))), "#");
}

static void test_decimals(void **state)
{
	(void)state;
	expect_code(DOC(NSTYLE("S", NUM("number:decimal-places=\"2\" "
					"number:min-decimal-places=\"2\" "
					"number:min-integer-digits=\"1\""))),
		    "0.00");
	/* decimals past min-decimal-places are optional */
	expect_code(DOC(NSTYLE("S", NUM("number:decimal-places=\"3\" "
					"number:min-decimal-places=\"1\" "
					"number:min-integer-digits=\"1\""))),
		    "0.0##");
	expect_code(DOC(NSTYLE("S", NUM("number:decimal-places=\"2\" "
					"number:min-decimal-places=\"0\" "
					"number:min-integer-digits=\"1\""))),
		    "0.##");
	/* without min-decimal-places every decimal is shown */
	expect_code(DOC(NSTYLE("S", NUM("number:decimal-places=\"2\" "
					"number:min-integer-digits=\"1\""))),
		    "0.00");
	/* without decimal-places the number is General */
	expect_code(DOC(NSTYLE("S", NUM("number:min-integer-digits=\"1\""))),
		    "General");
	/* display-factor: one scaling comma per 1000 */
	expect_code(DOC(NSTYLE("S", NUM(INT("1") " number:grouping=\"true\" "
					"number:display-factor=\"1000\""))),
		    "#,##0,");
	expect_code(DOC(NSTYLE("S", NUM(INT("1") " number:display-factor="
					"\"1000000\""))),
		    "0,,");
}

static void test_literals(void **state)
{
	(void)state;
	expect_code(DOC(NSTYLE("S", TEXT("+") NUM(INT("1")))), "\"+\"0");
	expect_code(DOC(NSTYLE("S", TEXT("tel: ") NUM(INT("1")))),
		    "\"tel: \"0");
	expect_code(DOC(NSTYLE("S", NUM(INT("1")) TEXT(" kg"))), "0\" kg\"");
	/* a quote inside the text: closed, escaped, reopened */
	expect_code(DOC(NSTYLE("S", TEXT("a&quot;b") NUM(INT("1")))),
		    "\"a\"\\\"\"b\"0");
	/* '%' is the percent sign only in a percentage style */
	expect_code(DOC(STYLE("percentage-style", "S",
			      NUM("number:decimal-places=\"1\" "
				  "number:min-decimal-places=\"1\" "
				  "number:min-integer-digits=\"1\"") TEXT("%"))),
		    "0.0%");
	expect_code(DOC(STYLE("percentage-style", "S",
			      NUM(INT("1")) TEXT(" % off"))),
		    "0\" \"%\" off\"");
	expect_code(DOC(NSTYLE("S", NUM(INT("1")) TEXT("%"))), "0\"%\"");
	/* fill characters and colours do not change the digits */
	expect_code(DOC(NSTYLE("S",
			       "<style:text-properties fo:color=\"#ff0000\" "
			       "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"/>"
			       "<number:fill-character> </number:fill-character>"
			       NUM(INT("1")))),
		    "0");
	/* a text style's text content */
	expect_code(DOC(STYLE("text-style", "S",
			      TEXT("x") "<number:text-content/>")),
		    "\"x\"@");
}

#define EMB(pos, t)                                                          \
	"<number:embedded-text number:position=\"" pos "\">" t               \
	"</number:embedded-text>"

static void test_embedded_and_maps(void **state)
{
	(void)state;
	/* ###-####: text with four digits on its right, '#'s added so a
	 * digit is left of it */
	expect_code(DOC(NSTYLE("S", "<number:number " INT("0") ">" EMB("4", "-")
			       "</number:number>")),
		    "#\"-\"####");
	/* [<=9999999]###-####;(###) ###-#### as LibreOffice saves it */
	expect_code(DOC(NSTYLE("P0", "<number:number " INT("0") ">"
			       EMB("4", "-") "</number:number>")
			NSTYLE("S", TEXT("(") "<number:number " INT("0") ">"
			       EMB("7", ") ") EMB("4", "-") "</number:number>"
			       MAP("value()&lt;=9999999", "P0"))),
		    "[<=9999999]#\"-\"####;\"(\"#\") \"###\"-\"####");
	/* a lone value()>=0 map is the positive section, no condition */
	expect_code(DOC(NSTYLE("P0", NUM(INT("1")))
			NSTYLE("S", TEXT("(") NUM(INT("1")) TEXT(")")
			       MAP("value()&gt;=0", "P0"))),
		    "0;\"(\"0\")\"");
	/* != becomes <> */
	expect_code(DOC(NSTYLE("P0", NUM(INT("2")))
			NSTYLE("S", NUM(INT("1")) MAP("value()!=5", "P0")
			       MAP("value()&lt;0", "P0"))),
		    "[<>5]00;[<0]00;0");
	/* a text style's last map is "every other number" */
	expect_code(DOC(NSTYLE("A", NUM(INT("1")))
			NSTYLE("B", TEXT("-") NUM(INT("1")))
			NSTYLE("C", TEXT("zero"))
			STYLE("text-style", "S", "<number:text-content/>"
			      MAP("value()&gt;0", "A") MAP("value()&lt;0", "B")
			      MAP("value()=0", "C"))),
		    "[>0]0;[<0]\"-\"0;\"zero\";@");
	/* a map to a missing style, or not on value(), is dropped */
	expect_code(DOC(NSTYLE("S", NUM(INT("1")) MAP("value()&gt;0", "nope")
			       MAP("cell-content()&gt;0", "S"))),
		    "0");
}

static void test_not_rendered(void **state)
{
	(void)state;
	expect_code(DOC(NSTYLE("S", "<number:scientific-number "
			       "number:decimal-places=\"2\"/>")),
		    NULL);
	expect_code(DOC(NSTYLE("S", "<number:fraction "
			       "number:min-numerator-digits=\"1\"/>")),
		    NULL);
	expect_code(DOC(STYLE("currency-style", "S",
			      "<number:currency-symbol>\xe2\x82\xac"
			      "</number:currency-symbol>" NUM(INT("1")))),
		    NULL);
	/* a currency style without a symbol is a number */
	expect_code(DOC(STYLE("currency-style", "S", NUM(INT("1")))), "0");
	expect_code(DOC(NSTYLE("S", NUM("number:min-integer-digits=\"1\" "
					"number:decimal-places=\"2\" "
					"number:decimal-replacement=\"-\""))),
		    NULL);
	expect_code(DOC(STYLE("date-style", "S", "<number:day/>")), NULL);
	expect_code(DOC(NSTYLE("S", NUM(INT("41")))), NULL);
	/* a map to a style that has maps itself */
	expect_code(DOC(NSTYLE("Q", NUM(INT("1"))) NSTYLE("P", NUM(INT("1"))
			       MAP("value()&gt;0", "Q"))
			NSTYLE("S", NUM(INT("1")) MAP("value()&gt;0", "P"))),
		    NULL);
}

static void test_cells(void **state)
{
	struct odsstyle *s;
	char out[128];
	int f;

	(void)state;
	s = load(DOC(NSTYLE("Plus", TEXT("+") NUM(INT("1")))
		     NSTYLE("Pad", NUM(INT("10")))
		     STYLE("date-style", "D", "<number:day/>")
		     CELL("Default", "")
		     CELL("ce1", "style:data-style-name=\"Plus\" "
			  "style:parent-style-name=\"Default\"")
		     CELL("Phone", "style:data-style-name=\"Pad\"")
		     CELL("child", "style:parent-style-name=\"Phone\"")
		     CELL("grandchild", "style:parent-style-name=\"child\"")
		     CELL("dated", "style:data-style-name=\"D\" "
			  "style:parent-style-name=\"Phone\"")
		     CELL("loop", "style:parent-style-name=\"loop\"")));
	f = odsstyle_cell(s, "ce1");
	assert_int_not_equal(f, ODSSTYLE_NONE);
	assert_int_equal(odsstyle_render(s, f, 4915123456781.0, out), 14);
	assert_string_equal(out, "+4915123456781");
	/* asked twice: the same answer */
	assert_int_equal(odsstyle_cell(s, "ce1"), f);
	/* a parent's data style, two levels up */
	f = odsstyle_cell(s, "grandchild");
	assert_int_equal(odsstyle_render(s, f, 612345677, out), 10);
	assert_string_equal(out, "0612345677");
	/* the cell's own data style wins even when it is not rendered */
	assert_int_equal(odsstyle_cell(s, "dated"), ODSSTYLE_NONE);
	assert_int_equal(odsstyle_cell(s, "Default"), ODSSTYLE_NONE);
	assert_int_equal(odsstyle_cell(s, "missing"), ODSSTYLE_NONE);
	assert_int_equal(odsstyle_cell(s, "loop"), ODSSTYLE_NONE);
	assert_int_equal(odsstyle_render(s, ODSSTYLE_NONE, 1, out), -1);
	odsstyle_free(s);
}

static void test_columns(void **state)
{
	struct odsstyle *s;
	int plus, pad;

	(void)state;
	s = load(DOC(NSTYLE("Plus", TEXT("+") NUM(INT("1")))
		     NSTYLE("Pad", NUM(INT("10")))
		     CELL("Default", "style:data-style-name=\"Plus\"")
		     CELL("ce9", "style:data-style-name=\"Pad\"")));
	plus = odsstyle_cell(s, "Default");
	pad = odsstyle_cell(s, "ce9");
	assert_int_not_equal(plus, pad);
	odsstyle_cols_reset(s);
	assert_int_equal(odsstyle_cols_add(s, 2, NULL), ERR_OK);
	assert_int_equal(odsstyle_cols_add(s, 1, "ce9"), ERR_OK);
	assert_int_equal(odsstyle_cols_add(s, 3, "Default"), ERR_OK);
	assert_int_equal(odsstyle_cols_add(s, 2, "ce9"), ERR_OK);
	assert_int_equal(odsstyle_col(s, 0), plus);
	assert_int_equal(odsstyle_col(s, 1), plus);
	assert_int_equal(odsstyle_col(s, 2), pad);
	assert_int_equal(odsstyle_col(s, 3), plus);
	assert_int_equal(odsstyle_col(s, 5), plus);
	assert_int_equal(odsstyle_col(s, 6), pad);
	assert_int_equal(odsstyle_col(s, 7), pad);
	/* past the columns described: the Default style */
	assert_int_equal(odsstyle_col(s, 8), plus);
	assert_int_equal(odsstyle_col(s, 1000000), plus);
	/* a new table starts afresh */
	odsstyle_cols_reset(s);
	assert_int_equal(odsstyle_col(s, 2), plus);
	odsstyle_free(s);
}

static void test_column_cap(void **state)
{
	struct odsstyle *s;
	size_t i;

	(void)state;
	s = load(DOC(NSTYLE("Pad", NUM(INT("10")))
		     CELL("ce9", "style:data-style-name=\"Pad\"")));
	odsstyle_cols_reset(s);
	/* alternating styles cannot be merged into one run */
	for (i = 0; i < ODSSTYLE_MAX_COLS; i++)
		assert_int_equal(odsstyle_cols_add(s, 1, i % 2 ? "ce9" : NULL),
				 ERR_OK);
	assert_int_equal(odsstyle_cols_add(s, 1, "ce9"), ERR_OK);	/* merged */
	assert_int_equal(odsstyle_cols_add(s, 1, NULL), ERR_LIMIT);
	odsstyle_free(s);
}

/* A styles.xml with more styles than the cap is refused, naming it. */
static void test_style_cap(void **state)
{
	struct odsstyle *s;
	struct errinfo info;
	struct buf b;
	size_t i;
	char want[200];

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "<?xml version=\"1.0\"?>"
				  "<office:document-styles " NS "><office:styles>"),
			 ERR_OK);
	for (i = 0; i <= ODSSTYLE_MAX_STYLES; i++)
		assert_int_equal(buf_printf(&b, CELL("c%zu", ""), i), ERR_OK);
	assert_int_equal(buf_adds(&b, "</office:styles></office:document-styles>"),
			 ERR_OK);
	assert_int_equal(odsstyle_new(&s, "t.ods"), ERR_OK);
	assert_int_equal(odsstyle_read_xml(s, b.data, b.len, &info), ERR_LIMIT);
	snprintf(want, sizeof(want),
		 "'t.ods': styles.xml: more than %d styles or %zu bytes of styles",
		 ODSSTYLE_MAX_STYLES, (size_t)ODSSTYLE_MAX_BYTES);
	assert_string_equal(info.msg, want);
	odsstyle_free(s);
	buf_free(&b);
}

static void test_bad_xml(void **state)
{
	static const char dtd[] =
		"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>"
		"<office:document-styles " NS "/>";
	static const char broken[] = DOC(NSTYLE("S", NUM(INT("1"))));
	struct odsstyle *s;
	struct errinfo info;

	(void)state;
	assert_int_equal(odsstyle_new(&s, "t.ods"), ERR_OK);
	assert_int_equal(odsstyle_read_xml(s, dtd, sizeof(dtd) - 1, &info),
			 ERR_FORMAT);
	assert_string_equal(info.msg, "'t.ods': styles.xml: a DTD is not allowed");
	assert_int_equal(odsstyle_read_xml(s, broken, sizeof(broken) - 9,
					   &info),
			 ERR_FORMAT);
	assert_non_null(strstr(info.msg, "'t.ods': styles.xml line 2"));
	odsstyle_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_embedded_and_maps),
		cmocka_unit_test(test_not_rendered),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_column_cap),
		cmocka_unit_test(test_style_cap),
		cmocka_unit_test(test_bad_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
