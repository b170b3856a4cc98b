/*
 * Unit tests for charset: the single-byte tables (checked against the
 * published mapping tables: Microsoft's cp1252.txt and Apple's ROMAN.TXT),
 * the score of what a reading puts inside words, and the guess. The byte
 * strings are Python's str.encode of the text in the comment beside them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "read/charset.h"

static struct charset_table cp1252, macroman;

static int setup(void **state)
{
	(void)state;
	if (charset_table("WINDOWS-1252", &cp1252) != 1 ||
	    charset_table("MACINTOSH", &macroman) != 1)
		return -1;
	return 0;
}

static void test_tables(void **state)
{
	(void)state;
	/* cp1252.txt: 0x80 EURO SIGN, 0x8E Ž, 0x81 undefined */
	assert_int_equal(cp1252.cp[0x80 - 0x80], 0x20AC);
	assert_int_equal(cp1252.cp[0x8E - 0x80], 0x017D);
	assert_int_equal(cp1252.cp[0x81 - 0x80], CHARSET_UNDEF);
	/* ROMAN.TXT: 0x8E é, 0xA7 ß, 0x96 ñ, 0x80 Ä */
	assert_int_equal(macroman.cp[0x8E - 0x80], 0x00E9);
	assert_int_equal(macroman.cp[0xA7 - 0x80], 0x00DF);
	assert_int_equal(macroman.cp[0x96 - 0x80], 0x00F1);
	assert_int_equal(macroman.cp[0x80 - 0x80], 0x00C4);
}

static void test_table_kinds(void **state)
{
	(void)state;
	assert_int_equal(charset_table("ISO-8859-2", NULL), 1);
	assert_int_equal(charset_table("koi8-r", NULL), 1);
	/* bytes below 0x80 may start or continue another character */
	assert_int_equal(charset_table("SHIFT_JIS", NULL), 0);
	assert_int_equal(charset_table("GB18030", NULL), 0);
	assert_int_equal(charset_table("UTF-16LE", NULL), 0);
	assert_int_equal(charset_table("UTF-8", NULL), 0);
	assert_int_equal(charset_table("ISO-2022-JP", NULL), 0);
	/* ASCII bytes are not ASCII */
	assert_int_equal(charset_table("EBCDIC-US", NULL), 0);
	assert_int_equal(charset_table("klingon", NULL), -1);
	assert_int_equal(charset_table("UTF-8//IGNORE", NULL), -1);
}

static void test_known(void **state)
{
	(void)state;
	assert_true(charset_known("macintosh"));
	assert_true(charset_known("iso-8859-15"));
	assert_true(charset_known("cp1250"));
	assert_false(charset_known("klingon"));
	assert_false(charset_known(""));
	assert_false(charset_known(NULL));
	assert_false(charset_known("latin1//TRANSLIT"));
}

static struct charset_score score(const struct charset_table *t, const char *s)
{
	struct charset_score sc;

	charset_score(t, (const unsigned char *)s, strlen(s), &sc);
	return sc;
}

#define assert_score(t, s, want_score, want_words, want_bad) do {	\
	struct charset_score sc_ = score(t, s);				\
	assert_int_equal(sc_.score, want_score);			\
	assert_int_equal(sc_.words, want_words);			\
	assert_int_equal(sc_.bad, want_bad);				\
} while (0)

static void test_score_case(void **state)
{
	(void)state;
	/* "José" in Mac Roman: JosŽ in Windows-1252, an upper-case letter
	 * after a lower-case one */
	assert_score(&cp1252, "Jos\x8e", -2, 1, 1);
	assert_score(&macroman, "Jos\x8e", 2, 1, 0);
	/* "Jürgen" in Mac Roman: JŸrgen, upper-case between J and r */
	assert_score(&cp1252, "J\x9frgen", -2, 1, 1);
	assert_score(&macroman, "J\x9frgen", 2, 1, 0);
	/* upper case is plausible at the start of a word or among capitals:
	 * "Élodie", "MÜLLER" in Windows-1252 */
	assert_score(&cp1252, "\xc9lodie", 2, 1, 0);
	assert_score(&cp1252, "M\xdcLLER", 2, 1, 0);
	/* read as Mac Roman they are symbols: …lodie, M‹LLER */
	assert_score(&macroman, "\xc9lodie", -2, 1, 1);
	assert_score(&macroman, "M\xdcLLER", -2, 1, 1);
}

static void test_score_symbols(void **state)
{
	(void)state;
	/* "Groß" in Mac Roman: Gro§ in Windows-1252 */
	assert_score(&cp1252, "Gro\xa7", -2, 1, 1);
	assert_score(&macroman, "Gro\xa7", 2, 1, 0);
	/* "Núñez" in Mac Roman: Nœ–ez (œ is a letter, – is not) */
	assert_score(&cp1252, "N\x9c\x96" "ez", 0, 2, 1);
	assert_score(&macroman, "N\x9c\x96" "ez", 4, 2, 0);
	/* an apostrophe inside a name costs nothing: O’Brien */
	assert_score(&cp1252, "O\x92" "Brien", 0, 1, 0);
	/* outside words only control characters and undefined bytes count:
	 * "15 €" scores nothing, 0x81 (undefined in Windows-1252) costs */
	assert_score(&cp1252, "15 \x80", 0, 0, 0);
	assert_score(&cp1252, "a, \x81", -2, 1, 1);
	assert_score(&cp1252, "plain ASCII", 0, 0, 0);
}

static struct charset_guess guess(const char *s)
{
	struct charset_guess g;

	assert_int_equal(charset_guess((const unsigned char *)s, strlen(s), 1, &g), ERR_OK);
	return g;
}

static void test_guess_mac_roman(void **state)
{
	/* "José Núñez", "Jürgen Groß", "François Müller" in Mac Roman */
	struct charset_guess g = guess("phone,name\n+33612345670,Jos\x8e N\x9c\x96" "ez\n"
				       "+33612345671,J\x9frgen Gro\xa7\n"
				       "+33612345672,Fran\x8dois M\x9fller\n");

	(void)state;
	assert_string_equal(g.name, "MACINTOSH");
	assert_int_equal(g.doubt, CHARSET_SURE);
}

static void test_guess_windows_1252(void **state)
{
	/* the same names in Windows-1252 */
	struct charset_guess g = guess("phone,name\n+33612345670,Jos\xe9 N\xfa\xf1" "ez\n"
				       "+33612345671,J\xfcrgen Gro\xdf\n"
				       "+33612345672,Fran\xe7ois M\xfcller\n");

	(void)state;
	assert_string_equal(g.name, "WINDOWS-1252");
	assert_int_equal(g.doubt, CHARSET_SURE);
}

static void test_guess_shift_jis(void **state)
{
	/* "山田太郎,東京都新宿区", "佐藤花子,大阪市北区" in Shift-JIS */
	struct charset_guess g = guess("phone,name,city\n"
				       "+819012345670,\x8eR\x93" "c\x91\xbe\x98Y,"
				       "\x93\x8c\x8b\x9e\x93s\x90V\x8fh\x8b\xe6\n"
				       "+819012345671,\x8d\xb2\x93\xa1\x89\xd4\x8eq,"
				       "\x91\xe5\x8d\xe3\x8es\x96k\x8b\xe6\n");

	(void)state;
	assert_string_equal(g.detector, "SHIFT_JIS");
	assert_string_equal(g.name, "CP932");	/* Windows' Shift-JIS */
	assert_int_equal(g.doubt, CHARSET_SURE);
}

static void test_guess_too_little(void **state)
{
	/* the two names alone are too little for uchardet: no answer, and
	 * the guess says so (the reader warns) */
	struct charset_guess g = guess("phone,name\n+819012345670,\x8eR\x93" "c\x91\xbe\x98Y\n"
				       "+819012345671,\x8d\xb2\x93\xa1\x89\xd4\x8eq\n");

	(void)state;
	assert_string_equal(g.detector, "");
	assert_int_equal(g.doubt, CHARSET_NO_ANSWER);
}

static void test_guess_undecodable(void **state)
{
	/* the Shift-JIS sample with a lead byte cut off by a line end */
	struct charset_guess g = guess("phone,name,city\n"
				       "+819012345670,\x8eR\x93" "c\x91\xbe\x98Y,"
				       "\x93\x8c\x8b\x9e\x93s\x90V\x8fh\x8b\xe6\n"
				       "+819012345671,\x8d\xb2\x93\xa1\x89\xd4\x8eq,"
				       "\x91\xe5\x8d\xe3\x8es\x96k\x8b\xe6\x81\n");

	(void)state;
	assert_string_equal(g.name, "CP932");
	assert_int_equal(g.doubt, CHARSET_UNDECODABLE);
}

static void test_guess_close(void **state)
{
	/* one byte, a letter either way: š in Windows-1252, ö in Mac Roman */
	struct charset_guess g = guess("name\nab\x9a\n");

	(void)state;
	assert_int_not_equal(g.doubt, CHARSET_SURE);
	if (g.doubt == CHARSET_CLOSE)
		assert_true(g.rival[0] != '\0');
}

static void test_guess_symbols_left(void **state)
{
	/* "Œuvre", "Cœur" in ISO-8859-15 (0xBC, 0xBD), which no reading
	 * that competes takes for letters: ¼uvre, C½ur */
	struct charset_guess g = guess("name\n\xbcuvre\nC\xbdur\n");

	(void)state;
	assert_int_not_equal(g.doubt, CHARSET_SURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_table_kinds),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_score_case),
		cmocka_unit_test(test_score_symbols),
		cmocka_unit_test(test_guess_mac_roman),
		cmocka_unit_test(test_guess_windows_1252),
		cmocka_unit_test(test_guess_shift_jis),
		cmocka_unit_test(test_guess_too_little),
		cmocka_unit_test(test_guess_undecodable),
		cmocka_unit_test(test_guess_close),
		cmocka_unit_test(test_guess_symbols_left),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
