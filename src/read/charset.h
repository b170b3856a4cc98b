/*
 * charset: the guess of a text file's encoding when it has no byte order
 * mark and is not UTF-8 (csvin's slow path), and the reading of single-byte
 * encodings. Part of the readers' toolkit: csvin and reader.c use it, the
 * core does not.
 *
 * The guess asks libuchardet (Mozilla's detector) first, then lets the
 * single-byte readings compete: uchardet's answer, Windows-1252 and Mac
 * Roman (which uchardet 0.0.7 cannot name at all), and Windows-1250 and
 * ISO-8859-2 when uchardet answers with one of the Central European
 * encodings it confuses with each other. Each reading is scored by what it
 * puts inside words (charset_score): letters in a plausible case score,
 * symbols and control characters cost. uchardet 0.0.7 has no confidence
 * API, so the guess is called uncertain when uchardet gives no answer, when
 * a reading that differs scores close to the winner, when the winner still
 * puts symbols inside words, or when a multi-byte answer does not decode
 * the sample; csvin then warns, naming the encoding assumed.
 */
#ifndef CONTACTSYNC_READ_CHARSET_H
#define CONTACTSYNC_READ_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CHARSET_NAME_MAX 32
/* In a charset_table: a byte the encoding leaves undefined. */
#define CHARSET_UNDEF UINT32_C(0xFFFFFFFF)

/* The reading of bytes 0x80-0xFF (cp[b - 0x80]) in a single-byte encoding
 * that reads bytes below 0x80 as ASCII. */
struct charset_table {
	uint32_t cp[128];
};

/*
 * Whether iconv reads `name` (an iconv encoding name) into UTF-8 as a
 * single-byte encoding that keeps ASCII as it is (each byte alone is one
 * character): 1 with *t filled, 0 when it is another kind of encoding
 * (multi-byte, stateful, UTF-16), -1 when iconv does not know the name.
 * t may be NULL.
 */
int charset_table(const char *name, struct charset_table *t);

/* 1 when iconv converts from `name` to UTF-8. Names holding '/' (iconv's
 * //TRANSLIT and //IGNORE suffixes) are refused. */
int charset_known(const char *name);

/*
 * What a single-byte reading puts inside words. A byte of 0x80-0xFF is
 * inside a word when a neighbour is an ASCII letter or another such byte;
 * there its character scores +2 when it is a letter in a plausible case (a
 * lower-case letter; an upper-case one that starts a word or stands
 * between upper-case letters), 0 for an apostrophe or another letter, and
 * -2 (counted in bad) for anything else: an upper-case letter after a
 * lower-case one (`JosŽ`, `JŸrgen`), a symbol (`Gro§`), punctuation, a
 * control character or an undefined byte. A control character or an
 * undefined byte outside words costs the same (and counts in words).
 */
struct charset_score {
	long score;
	unsigned long words;	/* bytes scored: those inside words */
	unsigned long bad;	/* of them, scored -2 */
};

void charset_score(const struct charset_table *t, const unsigned char *s,
		   size_t n, struct charset_score *out);

/* How sure a guess is (see the top). */
enum charset_doubt {
	CHARSET_SURE,
	CHARSET_NO_ANSWER,	/* uchardet had none: Windows-1252 or Mac Roman by score */
	CHARSET_CLOSE,		/* rival reads the sample differently, scoring close */
	CHARSET_ODD,		/* the reading chosen puts symbols inside words */
	CHARSET_UNDECODABLE,	/* a multi-byte answer that fails on the sample */
};

struct charset_guess {
	char name[CHARSET_NAME_MAX];	/* iconv name of the encoding chosen */
	char detector[CHARSET_NAME_MAX];	/* uchardet's answer, "" for none */
	char rival[CHARSET_NAME_MAX];	/* CHARSET_CLOSE: the runner-up */
	enum charset_doubt doubt;
};

/*
 * Guesses the encoding of sample s (n bytes, the start of the file; all of
 * it when `complete`) that is neither UTF-8 nor marked by a BOM. ERR_NOMEM
 * when uchardet cannot be set up; the guess is then not made.
 */
enum err charset_guess(const unsigned char *s, size_t n, int complete,
		       struct charset_guess *g);

#endif
