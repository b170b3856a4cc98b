/*
 * csvin: streaming CSV reader on top of libcsv.
 *
 * Pipeline: file -> chunk of CHUNK bytes -> stream decoder -> pieces ->
 * libcsv -> cells -> per-cell conversion to UTF-8 -> row. The stream
 * decoder (iconv to UTF-8) runs only for encodings in which a byte below
 * 0x80 may be part of another character (UTF-16, Shift-JIS, GB18030, the
 * stateful ones): UTF-8 and the single-byte encodings that keep ASCII
 * (charset_table) go to libcsv as they are, since their delimiters, quotes
 * and line ends are the ASCII bytes, and only cells with other bytes are
 * converted. So the common case, UTF-8, costs one validity check per cell.
 *
 * Invariants:
 * - A piece ends just after a CR, LF or quote, or at the end of the decoded
 *   chunk. libcsv ends a row only on CR or LF (or in csv_fini), so it ends
 *   at most one row per csv_parse call: csvin_next stops right after the
 *   piece that completed a row, and never queues rows. The reader holds one
 *   chunk, the row being built and libcsv's buffer for the current field.
 * - row_bytes counts the bytes fed to libcsv since the last completed row and
 *   is checked before each piece is fed, so an unterminated quote in a huge
 *   file stops at max_row_bytes instead of growing libcsv's field buffer.
 * - Physical lines are counted here, on the bytes fed, not from libcsv's
 *   callbacks: CR, LF and CRLF each end one line, inside quotes or not.
 * - libcsv runs with CSV_REPALL_NL so that blank lines reach us as rows
 *   without cells. It then also reports the LF of every CRLF as such a row;
 *   that LF always comes alone in its piece right after a piece ending in CR,
 *   which is how it is recognised and dropped (swallow_lf).
 * - libcsv's space trimming is switched off (never_space): cells keep their
 *   bytes exactly, the caller normalises. libcsv needs it on only for the
 *   spaces after a closing quote (`"b" ,c`): without it, it takes the quote
 *   as literal and the field as still open, and one padded field swallows
 *   the rest of the file. Pieces end at quotes so that we see the parser
 *   sitting just after a quote, and feed the spaces that follow with
 *   pad_space instead.
 * - Cells are copied into one buffer reused across rows. While a row grows
 *   only offsets are kept, because the buffer may move; pointers are made
 *   when the row is handed over.
 */
#include "csvin.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "reader.h"
#include "read/charset.h"
#include "read/sheet.h"

#define CHUNK ((size_t)64 << 10)
/* A character cut by a chunk end leaves a few bytes behind (3 at most in
 * UTF-16 and GB18030); the stream decoder keeps them for the next round. */
#define RAW_CAP (CHUNK + 16)
/* Decoded text: 3 UTF-8 bytes per input byte is the most any encoding
 * iconv reads gives but a few that combine; those stop short of the cap
 * (E2BIG) and go on in the next round. */
#define DEC_CAP (4 * RAW_CAP)
#define SAMPLE_LINES 100
#define NCAND 4

/*
 * libcsv's parser state lives in the public struct csv_parser, but the state
 * values are private to libcsv.c (3.0.x). We need one of them to tell a
 * quoted field still open at end of file, because CSV_STRICT_FINI only works
 * together with CSV_STRICT, which would also reject stray quotes.
 */
#define LIBCSV_FIELD_BEGUN 2
#define LIBCSV_FIELD_MIGHT_HAVE_ENDED 3

/*
 * How the file's bytes are read: UTF-8 as it is; UTF-16 with the byte order
 * of its BOM (whose rules differ: see decode_stream); a single-byte encoding
 * that keeps ASCII, converted cell by cell; anything else iconv reads,
 * decoded as a stream.
 */
enum enc { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE, ENC_SINGLE, ENC_STREAM };

/* Pseudo encodings for opts.encoding: none given, and "utf-16" alone
 * (the BOM decides, little-endian without one). */
#define ENC_AUTO (-1)
#define ENC_UTF16_ANY (-2)

/* Names with a meaning of their own, and the names stats give them; any
 * other name iconv knows is read through iconv as it is spelled. */
static const struct {
	const char *name;
	int enc;		/* ENC_SINGLE, ENC_STREAM: through iconv as `iconv` */
	const char *iconv, *canon;
} enc_aliases[] = {
	{ "utf-8", ENC_UTF8, "UTF-8", "utf-8" },
	{ "utf8", ENC_UTF8, "UTF-8", "utf-8" },
	{ "utf-16", ENC_UTF16_ANY, NULL, NULL },
	{ "utf-16le", ENC_UTF16LE, "UTF-16LE", "utf-16le" },
	{ "utf-16be", ENC_UTF16BE, "UTF-16BE", "utf-16be" },
	{ "windows-1252", ENC_SINGLE, "WINDOWS-1252", "windows-1252" },
	{ "cp1252", ENC_SINGLE, "WINDOWS-1252", "windows-1252" },
	{ "latin1", ENC_SINGLE, "ISO-8859-1", "iso-8859-1" },
	{ "iso-8859-1", ENC_SINGLE, "ISO-8859-1", "iso-8859-1" },
	/* what Windows and Excel write under the name (see charset.c) */
	{ "shift_jis", ENC_STREAM, "CP932", "shift_jis" },
	{ "shift-jis", ENC_STREAM, "CP932", "shift_jis" },
	{ "sjis", ENC_STREAM, "CP932", "shift_jis" },
};

/* Why a callback stopped storing cells (libcsv callbacks cannot fail). */
enum cb_fail { CB_OK, CB_CELLS, CB_BYTES, CB_NOMEM };

struct csvin {
	FILE *fp;
	int own_fp;
	char *name;
	struct csv_parser parser;
	int parser_ready;

	enum enc enc;
	char enc_iconv[CHARSET_NAME_MAX];	/* the name iconv is given */
	char enc_name[CHARSET_NAME_MAX];	/* the name stats give */
	int explicit_enc;
	int fallback;		/* auto-detected UTF-8: bad cells are cp1252 */
	int guessed;		/* the encoding is charset_guess's */
	struct charset_guess guess;
	iconv_t stream_cd;	/* stream decoder -> UTF-8 */
	iconv_t cell_cd;	/* single-byte encoding -> UTF-8 */
	size_t max_row;
	size_t max_cells;

	/* Input not yet decoded (streams: a cut character, then the chunk). */
	unsigned char *raw;
	size_t raw_len;
	unsigned long long raw_off;	/* file offset of raw[0] */
	unsigned char *dec;		/* stream decoder's output, else NULL */
	/* Text being fed to libcsv: dec for a stream, raw otherwise. */
	unsigned char *text;
	size_t text_len;
	size_t text_pos;
	size_t next[3];		/* cached memchr results in text, see stops */
	/* Where the decoder of a detected UTF-16 file failed, reported once
	 * the text decoded before it has been read, so the rows before it are
	 * not lost. */
	int bad_utf16;		/* 0, or the errno of the failure */
	unsigned long long bad_utf16_at;
	int eof;
	int done;
	enum err failed;

	/* The row being built. */
	struct rowbuf rb;
	size_t bad_cell;
	size_t row_bytes;
	int row_done;
	int swallow_lf;
	enum cb_fail cb_fail;
	unsigned long rowno;
	unsigned long line;
	unsigned long row_line;
	int prev_cr;

	struct csvin_stats stats;
};

/* Sets info and the reader's sticky error (read/sheet.h). */
#define fail(r, info, ...) reader_fail(&(r)->failed, info, __VA_ARGS__)

/* ---- UTF-8 ---------------------------------------------------------- */

/*
 * Length (1 to 4) of the valid UTF-8 sequence at s, 0 when it is invalid
 * (overlong, surrogate, above U+10FFFF, bad continuation), -1 when the n
 * bytes are a valid start cut short.
 */
static int utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0) {
		len = 2;
	} else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	if (n < 2)
		return -1;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++) {
		if (i >= n)
			return -1;
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	}
	return (int)len;
}

/*
 * Length of the valid UTF-8 prefix of s. Hot path: every cell goes through
 * it, so runs of ASCII are skipped eight bytes at a time.
 */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;
	int k;

	while (i < n) {
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if (!(w & UINT64_C(0x8080808080808080))) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_seq(s + i, n - i);
		if (k <= 0)
			return i;
		i += (size_t)k;
	}
	return n;
}

/* 1 when the sample is UTF-8, allowing a character cut by its end when
 * more input follows. */
static int utf8_sample_ok(const unsigned char *s, size_t n, int complete)
{
	size_t ok = utf8_valid_len(s, n);

	if (ok == n)
		return 1;
	return !complete && utf8_seq(s + ok, n - ok) < 0;
}


static int is_ascii(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; n - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			return 0;
	}
	for (; i < n; i++)
		if (s[i] & 0x80)
			return 0;
	return 1;
}

/* ---- cells ------------------------------------------------------------ */

static const unsigned char replacement[3] = { 0xEF, 0xBF, 0xBD };

/*
 * Ends the cell written up to `end`. Cells sit back to back in one buf,
 * each with its own NUL counted in b->len; buf's terminator follows, so
 * writers reserve one byte more than the cell can take.
 */
static void end_cell(struct buf *b, char *end)
{
	*end = '\0';
	b->len = (size_t)(end - b->data) + 1;
	b->data[b->len] = '\0';
}

static enum err put_copy(struct buf *b, const unsigned char *s, size_t n)
{
	enum err e = buf_reserve(b, n + 1);

	if (e)
		return e;
	memcpy(b->data + b->len, s, n);
	end_cell(b, b->data + b->len + n);
	return ERR_OK;
}

/* Appends s with every invalid byte replaced by U+FFFD. */
static enum err put_replaced(struct buf *b, const unsigned char *s, size_t n)
{
	char *o;
	size_t i = 0;
	int k;
	enum err e;

	if (n > (SIZE_MAX - 2) / 3)
		return ERR_LIMIT;
	e = buf_reserve(b, 3 * n + 1);
	if (e)
		return e;
	o = b->data + b->len;
	while (i < n) {
		k = utf8_seq(s + i, n - i);
		if (k > 0) {
			memcpy(o, s + i, (size_t)k);
			o += k;
			i += (size_t)k;
		} else {
			memcpy(o, replacement, 3);
			o += 3;
			i++;
		}
	}
	end_cell(b, o);
	return ERR_OK;
}

/*
 * Appends s decoded from the single-byte encoding of cd. Bytes the encoding
 * leaves undefined (five in Windows-1252) become U+FFFD and set *bad when
 * `strict`, otherwise the control character of the same value, as web
 * browsers do: a guessed encoding must never lose a cell.
 */
static enum err put_single_byte(struct buf *b, iconv_t cd,
				const unsigned char *s, size_t n, int strict,
				int *bad)
{
	char *ip = (char *)s, *op;
	size_t il = n, ol;
	unsigned char c;
	enum err e;

	if (n > (SIZE_MAX - 2) / 3)
		return ERR_LIMIT;
	e = buf_reserve(b, 3 * n + 1);
	if (e)
		return e;
	op = b->data + b->len;
	ol = 3 * n;
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno != EILSEQ && errno != EINVAL)
			return ERR_INTERNAL;
		c = (unsigned char)*ip++;
		il--;
		if (strict) {
			memcpy(op, replacement, 3);
			op += 3;
			ol -= 3;
			*bad = 1;
		} else {
			*op++ = (char)(0xC0 | c >> 6);
			*op++ = (char)(0x80 | (c & 0x3F));
			ol -= 2;
		}
	}
	end_cell(b, op);
	return ERR_OK;
}

/* Appends one cell, converted to UTF-8 and NUL-terminated, to r->rb.cells. */
static enum err put_cell(struct csvin *r, const unsigned char *s, size_t n,
			 int *bad)
{
	if (r->enc == ENC_SINGLE) {
		if (is_ascii(s, n))
			return put_copy(&r->rb.cells, s, n);
		return put_single_byte(&r->rb.cells, r->cell_cd, s, n,
				       r->explicit_enc, bad);
	}
	/* UTF-8 in the file, or UTF-8 from the stream decoder (where a bad
	 * byte was turned into an invalid one so that it shows here). */
	if (utf8_valid_len(s, n) == n)
		return put_copy(&r->rb.cells, s, n);
	if (r->fallback) {
		r->stats.cp1252_cells++;
		return put_single_byte(&r->rb.cells, r->cell_cd, s, n, 0, bad);
	}
	*bad = 1;
	return put_replaced(&r->rb.cells, s, n);
}

/* libcsv end-of-field callback. */
static void on_cell(void *data, size_t len, void *ud)
{
	struct csvin *r = ud;
	size_t off;
	int bad = 0;
	enum err e;

	if (r->cb_fail)
		return;
	if (r->rb.ncells == r->max_cells) {
		r->cb_fail = CB_CELLS;
		return;
	}
	if (rowbuf_reserve(&r->rb)) {
		r->cb_fail = CB_NOMEM;
		return;
	}
	off = r->rb.cells.len;
	e = put_cell(r, data, len, &bad);
	if (e) {
		r->cb_fail = e == ERR_LIMIT ? CB_BYTES : CB_NOMEM;
		return;
	}
	if (bad && !r->bad_cell)
		r->bad_cell = r->rb.ncells + 1;
	rowbuf_commit(&r->rb, off);
}

/* libcsv end-of-row callback. */
static void on_row(int c, void *ud)
{
	struct csvin *r = ud;

	r->row_bytes = 0;
	if (c == CSV_LF && r->swallow_lf)
		return;		/* second half of a CRLF, see the top */
	if (r->cb_fail)
		return;		/* keep the failing row's number */
	r->rowno++;
	r->row_done = 1;
}

static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int pad_space(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static enum err cell_failure(struct csvin *r, struct errinfo *info)
{
	unsigned long n = r->rowno + 1;

	switch (r->cb_fail) {
	case CB_CELLS:
		return fail(r, info, ERR_LIMIT, "'%s' row %lu: more than %zu cells",
			    r->name, n, r->max_cells);
	case CB_BYTES:
		return fail(r, info, ERR_LIMIT,
			    "'%s' row %lu: row is larger than %zu bytes", r->name,
			    n, r->max_row);
	default:
		return fail(r, info, ERR_NOMEM, "'%s' row %lu: out of memory",
			    r->name, n);
	}
}

/* ---- input ------------------------------------------------------------ */

/* Reads up to `want` bytes, fewer only at end of file. */
static enum err read_full(struct csvin *r, unsigned char *dst, size_t want,
			  size_t *got, struct errinfo *info)
{
	size_t n = 0, k;

	while (n < want && !r->eof) {
		k = fread(dst + n, 1, want - n, r->fp);
		n += k;
		if (k > 0)
			continue;
		if (ferror(r->fp))
			return fail(r, info, ERR_IO, "cannot read '%s': %s",
				    r->name, strerror(errno));
		r->eof = 1;
	}
	*got = n;
	return ERR_OK;
}

/*
 * Decodes raw into dec. A character cut by the end of the chunk stays in
 * raw for the next round, and so does what did not fit in dec. Invalid
 * input in a UTF-16 file known by its BOM is an error (recorded in
 * bad_utf16, the text before it is kept); in an encoding given or guessed,
 * each bad byte (UTF-16: unit) becomes a 0xFF byte, never valid in UTF-8,
 * so that the cell check flags the cell it landed in.
 */
static enum err decode_stream(struct csvin *r, struct errinfo *info)
{
	char *ip = (char *)r->raw, *op = (char *)r->dec;
	size_t il = r->raw_len, ol = DEC_CAP, skip;
	size_t unit = r->enc == ENC_STREAM ? 1 : 2;

	while (il > 0) {
		if (iconv(r->stream_cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG || (errno == EINVAL && !r->eof))
			break;
		if (errno != EILSEQ && errno != EINVAL)
			return fail(r, info, ERR_INTERNAL,
				    "'%s': cannot convert from %s: %s", r->name,
				    r->enc_iconv, strerror(errno));
		if (r->enc != ENC_STREAM && !r->explicit_enc) {
			r->bad_utf16 = errno;
			r->bad_utf16_at = r->raw_off +
				(unsigned long long)(ip - (char *)r->raw);
			break;
		}
		if (ol == 0)
			break;
		*op++ = (char)0xFF;
		ol--;
		skip = il < unit ? il : unit;
		ip += skip;
		il -= skip;
	}
	/* a converter may hold a character back until the end (to combine it) */
	if (r->eof && il == 0 && !r->bad_utf16)
		iconv(r->stream_cd, NULL, NULL, &op, &ol);
	r->text = r->dec;
	r->text_len = (size_t)(op - (char *)r->dec);
	r->raw_off += (unsigned long long)(ip - (char *)r->raw);
	memmove(r->raw, ip, il);
	r->raw_len = il;
	return ERR_OK;
}

static size_t find_byte(const unsigned char *s, size_t from, size_t len, int c)
{
	const unsigned char *p = memchr(s + from, c, len - from);

	return p ? (size_t)(p - s) : len;
}

/* Bytes a piece ends after (see the top). */
static const char stops[3] = { '\r', '\n', '"' };

/* Starts the text over, with the stop positions cached for it. */
static void reset_stops(struct csvin *r)
{
	size_t i;

	r->text_pos = 0;
	for (i = 0; i < sizeof(stops); i++)
		r->next[i] = find_byte(r->text, 0, r->text_len, stops[i]);
}

/* Makes text the decoded form of the next chunk; empty only at end. */
static enum err refill(struct csvin *r, struct errinfo *info)
{
	size_t got;
	enum err e;

	do {
		if (r->dec) {
			e = read_full(r, r->raw + r->raw_len,
				      RAW_CAP - r->raw_len < CHUNK ?
				      RAW_CAP - r->raw_len : CHUNK, &got, info);
			if (e)
				return e;
			r->raw_len += got;
			e = decode_stream(r, info);
			if (e)
				return e;
		} else {
			r->raw_off += r->raw_len;
			e = read_full(r, r->raw, CHUNK, &got, info);
			if (e)
				return e;
			r->raw_len = got;
			r->text = r->raw;
			r->text_len = got;
		}
	} while (r->text_len == 0 && !r->eof && !r->bad_utf16);
	reset_stops(r);
	return ERR_OK;
}

/* End of the next piece: just after the next stop byte, or end of text.
 * The memchr results are cached so that, say, a CR-only file does not
 * rescan the chunk for LF on every line. */
static size_t piece_end(struct csvin *r)
{
	size_t pos = r->text_pos, len = r->text_len, end = len, i;

	for (i = 0; i < sizeof(stops); i++) {
		if (r->next[i] < pos)
			r->next[i] = find_byte(r->text, pos, len, stops[i]);
		if (r->next[i] < end)
			end = r->next[i];
	}
	return end < len ? end + 1 : len;
}

/* End of the run of padding after a closing quote starting at text_pos, or
 * text_pos when there is none. */
static size_t padding_end(struct csvin *r)
{
	size_t i = r->text_pos;
	unsigned char d = (unsigned char)r->stats.delimiter;

	if (r->parser.pstate != LIBCSV_FIELD_MIGHT_HAVE_ENDED)
		return i;
	while (i < r->text_len && pad_space(r->text[i]) && r->text[i] != d)
		i++;
	return i;
}

static enum err feed(struct csvin *r, struct errinfo *info)
{
	size_t start = r->text_pos, end = padding_end(r), n;
	int padding = end > start, lf_after_cr;
	unsigned char last;
	size_t fed;

	if (!padding)
		end = piece_end(r);
	n = end - start;
	last = r->text[end - 1];

	if (r->row_bytes == 0)
		r->row_line = r->line;
	if (n > r->max_row - r->row_bytes)
		return fail(r, info, ERR_LIMIT,
			    "'%s' row %lu: row is larger than %zu bytes",
			    r->name, r->rowno + 1, r->max_row);
	r->row_bytes += n;
	lf_after_cr = n == 1 && last == '\n' && r->prev_cr;
	r->swallow_lf = lf_after_cr;
	if (padding)
		csv_set_space_func(&r->parser, pad_space);
	fed = csv_parse(&r->parser, r->text + start, n, on_cell, on_row, r);
	if (padding)
		csv_set_space_func(&r->parser, never_space);
	if (fed != n)
		return fail(r, info, ERR_NOMEM, "'%s' row %lu: %s", r->name,
			    r->rowno + 1, csv_strerror(csv_error(&r->parser)));
	r->text_pos = end;
	if (r->cb_fail)
		return cell_failure(r, info);
	if (last == '\r' || (last == '\n' && !lf_after_cr))
		r->line++;
	r->prev_cr = last == '\r';
	return ERR_OK;
}

static void put_row(struct csvin *r, struct row *row)
{

	rowbuf_row(&r->rb, row);
	row->rowno = r->rowno;
	row->line = r->row_line;
	row->bad_cell = r->bad_cell;
}

static enum err finish(struct csvin *r, struct row *row, struct errinfo *info)
{
	if (r->done)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more rows",
			       r->name);
	r->done = 1;
	if (r->parser.pstate == LIBCSV_FIELD_BEGUN && r->parser.quoted)
		return fail(r, info, ERR_FORMAT,
			    "'%s' row %lu: unterminated quoted field", r->name,
			    r->rowno + 1);
	r->swallow_lf = 0;
	csv_fini(&r->parser, on_cell, on_row, r);
	if (r->cb_fail)
		return cell_failure(r, info);
	if (!r->row_done)
		return err_set(info, ERR_NOT_FOUND, "'%s': no more rows",
			       r->name);
	put_row(r, row);
	return ERR_OK;
}

enum err csvin_next(struct csvin *r, struct row *row, struct errinfo *info)
{
	enum err e;

	if (r->failed)
		return err_set(info, r->failed,
			       "'%s': cannot read on after an error", r->name);
	rowbuf_reset(&r->rb);
	r->bad_cell = 0;
	r->row_done = 0;
	while (!r->row_done) {
		if (r->text_pos < r->text_len) {
			e = feed(r, info);
		} else if (r->bad_utf16) {
			return fail(r, info, ERR_ENCODING,
				    r->bad_utf16 == EINVAL ?
				    "'%s' row %lu: incomplete UTF-16 character at byte %llu" :
				    "'%s' row %lu: invalid UTF-16 at byte %llu",
				    r->name, r->rowno + 1, r->bad_utf16_at);
		} else if (r->eof) {
			return finish(r, row, info);
		} else {
			e = refill(r, info);
		}
		if (e)
			return e;
	}
	put_row(r, row);
	return ERR_OK;
}

/* ---- detection -------------------------------------------------------- */

static const char candidates[NCAND] = { ',', ';', '\t', '|' };

static int candidate_index(unsigned char c)
{
	int i;

	for (i = 0; i < NCAND; i++)
		if (c == (unsigned char)candidates[i])
			return i;
	return -1;
}

/* Most frequent value among v[0..n) (ties: the higher value) and how often
 * it occurs. */
static void mode_of(const unsigned *v, size_t n, unsigned *mode,
		    size_t *freq)
{
	size_t i, j, f;

	*mode = 0;
	*freq = 0;
	for (i = 0; i < n; i++) {
		for (f = 0, j = 0; j < n; j++)
			f += v[j] == v[i];
		if (f > *freq || (f == *freq && v[i] > *mode)) {
			*mode = v[i];
			*freq = f;
		}
	}
}

/*
 * Counts each candidate outside quotes on every non-blank line of the
 * sample. A quote opens a quoted field only at the start of a field (after
 * any candidate, spaces allowed), so `5" screen` does not hide the rest of
 * the line. `complete` says the sample is the whole file, so its last line
 * counts even without a newline.
 */
static size_t count_delimiters(const unsigned char *s, size_t n, int complete,
			       unsigned counts[NCAND][SAMPLE_LINES])
{
	unsigned cur[NCAND] = { 0 };
	size_t i, nlines = 0;
	int inq = 0, field_start = 1, nonblank = 0, k;

	for (i = 0; i < n && nlines < SAMPLE_LINES; i++) {
		unsigned char c = s[i];

		if (inq) {
			if (c == '"' && i + 1 < n && s[i + 1] == '"')
				i++;
			else if (c == '"')
				inq = 0;
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (nonblank) {
				for (k = 0; k < NCAND; k++)
					counts[k][nlines] = cur[k];
				nlines++;
			}
			memset(cur, 0, sizeof(cur));
			nonblank = 0;
			field_start = 1;
			continue;
		}
		nonblank = 1;
		k = candidate_index(c);
		if (k >= 0) {
			cur[k]++;
			field_start = 1;
		} else if (c == '"' && field_start) {
			inq = 1;
		} else if (c != ' ') {
			field_start = 0;
		}
	}
	if (complete && i == n && nonblank && !inq && nlines < SAMPLE_LINES) {
		for (k = 0; k < NCAND; k++)
			counts[k][nlines] = cur[k];
		nlines++;
	}
	return nlines;
}

/* The candidate found the same non-zero number of times on most lines;
 * ties go to the higher count, and ',' when none is found at all. */
static char detect_delimiter(const unsigned char *s, size_t n, int complete)
{
	unsigned counts[NCAND][SAMPLE_LINES];
	size_t nlines, freq, best_freq = 0;
	unsigned mode, best_mode = 0;
	char best = ',';
	int k;

	nlines = count_delimiters(s, n, complete, counts);
	for (k = 0; k < NCAND; k++) {
		mode_of(counts[k], nlines, &mode, &freq);
		if (mode == 0)
			continue;
		if (freq > best_freq || (freq == best_freq && mode > best_mode)) {
			best = candidates[k];
			best_freq = freq;
			best_mode = mode;
		}
	}
	return best;
}

/* ---- opening ---------------------------------------------------------- */

/* The encoding's names: for iconv, and for stats (lower case). */
static void set_names(struct csvin *r, const char *iconv_name,
		      const char *canon)
{
	size_t i;

	snprintf(r->enc_iconv, sizeof(r->enc_iconv), "%s", iconv_name);
	for (i = 0; canon[i] && i + 1 < sizeof(r->enc_name); i++)
		r->enc_name[i] = (char)tolower((unsigned char)canon[i]);
	r->enc_name[i] = '\0';
}

/* The encoding the user gave, as csvin_opts.encoding; *enc is ENC_AUTO when
 * none was. Fills r's names for a fixed one. -1 when iconv does not know it. */
static int parse_encoding(struct csvin *r, const char *s, int *enc)
{
	size_t i;

	*enc = ENC_AUTO;
	if (!s)
		return 0;
	for (i = 0; i < sizeof(enc_aliases) / sizeof(enc_aliases[0]); i++) {
		if (strcasecmp(s, enc_aliases[i].name) == 0) {
			*enc = enc_aliases[i].enc;
			if (enc_aliases[i].iconv)
				set_names(r, enc_aliases[i].iconv,
					  enc_aliases[i].canon);
			return 0;
		}
	}
	if (!charset_known(s) || strlen(s) >= CHARSET_NAME_MAX)
		return -1;
	set_names(r, s, s);
	*enc = ENC_STREAM;	/* or ENC_SINGLE: set_kind decides */
	return 0;
}

static int has_prefix(const unsigned char *s, size_t n, const char *p,
		      size_t plen)
{
	return n >= plen && memcmp(s, p, plen) == 0;
}

/* The encoding of a UTF-16 file or one given by name: through iconv as a
 * single-byte encoding that keeps ASCII when it is one, else as a stream. */
static void set_kind(struct csvin *r, int enc)
{
	if (enc == ENC_UTF8)
		set_names(r, "UTF-8", "utf-8");
	else if (enc == ENC_UTF16LE)
		set_names(r, "UTF-16LE", "utf-16le");
	else if (enc == ENC_UTF16BE)
		set_names(r, "UTF-16BE", "utf-16be");
	else if (enc == ENC_SINGLE || enc == ENC_STREAM)
		enc = charset_table(r->enc_iconv, NULL) == 1 ? ENC_SINGLE :
			ENC_STREAM;
	r->enc = (enum enc)enc;
}

/* No BOM, and not UTF-8: charset_guess decides. */
static enum err guess_encoding(struct csvin *r, struct errinfo *info)
{
	if (charset_guess(r->raw, r->raw_len, r->eof, &r->guess))
		return err_set(info, ERR_NOMEM, "out of memory");
	r->guessed = 1;
	set_names(r, r->guess.name, r->guess.name);
	set_kind(r, ENC_STREAM);
	return ERR_OK;
}

/* Chooses the encoding from the first chunk (raw) and drops its BOM. */
static enum err pick_encoding(struct csvin *r, int given, struct errinfo *info)
{
	const unsigned char *s = r->raw;
	size_t n = r->raw_len, bom = 0;
	enum err e = ERR_OK;

	if (given == ENC_UTF16_ANY)
		given = has_prefix(s, n, "\xFE\xFF", 2) ? ENC_UTF16BE :
			ENC_UTF16LE;
	if (given != ENC_AUTO)
		set_kind(r, given);
	else if (has_prefix(s, n, "\xEF\xBB\xBF", 3))
		set_kind(r, ENC_UTF8);
	else if (has_prefix(s, n, "\xFF\xFE", 2))
		set_kind(r, ENC_UTF16LE);
	else if (has_prefix(s, n, "\xFE\xFF", 2))
		set_kind(r, ENC_UTF16BE);
	else if (utf8_sample_ok(s, n, r->eof))
		set_kind(r, ENC_UTF8);
	else
		e = guess_encoding(r, info);
	if (e)
		return e;

	if (r->enc == ENC_UTF8 && has_prefix(s, n, "\xEF\xBB\xBF", 3))
		bom = 3;
	else if (r->enc == ENC_UTF16LE && has_prefix(s, n, "\xFF\xFE", 2))
		bom = 2;
	else if (r->enc == ENC_UTF16BE && has_prefix(s, n, "\xFE\xFF", 2))
		bom = 2;
	memmove(r->raw, r->raw + bom, n - bom);
	r->raw_len = n - bom;
	r->raw_off = bom;
	r->stats.had_bom = bom > 0;
	r->stats.encoding = r->enc_name;
	r->fallback = given == ENC_AUTO && r->enc == ENC_UTF8;
	return ERR_OK;
}

static enum err open_iconv(struct csvin *r, iconv_t *cd, const char *from,
			   struct errinfo *info)
{
	*cd = iconv_open("UTF-8", from);
	if (*cd == (iconv_t)-1)
		return err_set(info, ERR_INTERNAL,
			       "'%s': cannot convert from %s: %s", r->name,
			       from, strerror(errno));
	return ERR_OK;
}

/* Everything after the first read: encoding, decoder, delimiter, libcsv. */
static enum err setup(struct csvin *r, const struct csvin_opts *opts,
		      int given, struct errinfo *info)
{
	size_t got;
	enum err e;

	e = read_full(r, r->raw, CHUNK, &got, info);
	if (e)
		return e;
	r->raw_len = got;
	e = pick_encoding(r, given, info);
	if (e)
		return e;

	if (r->enc != ENC_UTF8 && r->enc != ENC_SINGLE) {
		e = open_iconv(r, &r->stream_cd, r->enc_iconv, info);
		if (e)
			return e;
		r->dec = malloc(DEC_CAP);
		if (!r->dec)
			return err_set(info, ERR_NOMEM, "out of memory");
		e = decode_stream(r, info);
		if (e)
			return e;
	} else {
		if (r->enc == ENC_SINGLE || r->fallback) {
			e = open_iconv(r, &r->cell_cd, r->fallback ?
				       "WINDOWS-1252" : r->enc_iconv, info);
			if (e)
				return e;
		}
		r->text = r->raw;
		r->text_len = r->raw_len;
	}
	reset_stops(r);

	r->stats.delimiter = opts->delimiter ? opts->delimiter :
		detect_delimiter(r->text, r->text_len, r->eof);

	if (csv_init(&r->parser, CSV_REPALL_NL) != 0)
		return err_set(info, ERR_NOMEM, "out of memory");
	r->parser_ready = 1;
	csv_set_delim(&r->parser, (unsigned char)r->stats.delimiter);
	csv_set_space_func(&r->parser, never_space);
	/* libcsv grows its field buffer by this much each time; its default
	 * of 128 bytes makes a long field cost quadratic copying. */
	csv_set_blk_size(&r->parser, CHUNK);
	return ERR_OK;
}

static void destroy(struct csvin *r)
{
	if (r->parser_ready)
		csv_free(&r->parser);
	if (r->cell_cd != (iconv_t)-1)
		iconv_close(r->cell_cd);
	if (r->stream_cd != (iconv_t)-1)
		iconv_close(r->stream_cd);
	rowbuf_free(&r->rb);
	free(r->dec);
	free(r->raw);
	free(r->name);
	free(r);
}

/* Caps the cell buffer: every byte fed may become 3 in UTF-8 (cp1252 to
 * UTF-8, or U+FFFD), plus one NUL per cell. */
static size_t cells_cap(size_t max_row, size_t max_cells)
{
	if (max_row > (SIZE_MAX - max_cells - 1) / 3)
		return SIZE_MAX - 1;
	return 3 * max_row + max_cells + 1;
}

enum err csvin_open_stream(struct csvin **out, FILE *fp, const char *name,
			   const struct csvin_opts *opts, struct errinfo *info)
{
	static const struct csvin_opts defaults;
	struct csvin *r;
	int given = ENC_AUTO;
	enum err e;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!name)
		name = "-";
	if (opts->delimiter == '"' || opts->delimiter == '\r' ||
	    opts->delimiter == '\n')
		return err_set(info, ERR_USAGE,
			       "a quote or line break cannot be the delimiter");

	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(info, ERR_NOMEM, "out of memory");
	r->fp = fp;
	r->stream_cd = (iconv_t)-1;
	r->cell_cd = (iconv_t)-1;
	if (parse_encoding(r, opts->encoding, &given) != 0) {
		e = err_set(info, ERR_USAGE, "unknown encoding '%s'",
			    opts->encoding);
		goto fail;
	}
	r->explicit_enc = given != ENC_AUTO;
	r->max_row = opts->max_row_bytes ? opts->max_row_bytes :
		CSVIN_DEFAULT_MAX_ROW;
	r->max_cells = opts->max_cells ? opts->max_cells :
		CSVIN_DEFAULT_MAX_CELLS;
	r->line = 1;
	rowbuf_init(&r->rb, r->max_cells, cells_cap(r->max_row, r->max_cells));
	r->name = strdup(name);
	r->raw = malloc(RAW_CAP);
	if (!r->name || !r->raw) {
		e = err_set(info, ERR_NOMEM, "out of memory");
		goto fail;
	}
	e = setup(r, opts, given, info);
	if (e)
		goto fail;
	*out = r;
	return ERR_OK;
fail:
	destroy(r);
	return e;
}

enum err csvin_open(struct csvin **out, const char *path, const char *name,
		    const struct csvin_opts *opts, struct errinfo *info)
{
	FILE *fp;
	enum err e;

	*out = NULL;
	if (!path)
		return err_set(info, ERR_USAGE, "no input file given");
	if (strcmp(path, "-") == 0)
		return csvin_open_stream(out, stdin, name, opts, info);
	if (!name)
		name = path;
	fp = fopen(path, "rb");
	if (!fp)
		return err_set(info, ERR_IO, "cannot open '%s': %s", name,
			       strerror(errno));
	e = csvin_open_stream(out, fp, name, opts, info);
	if (e) {
		fclose(fp);
		return e;
	}
	(*out)->own_fp = 1;
	return ERR_OK;
}

const struct csvin_stats *csvin_stats(const struct csvin *r)
{
	return &r->stats;
}

/* Bytes of the input read so far (a little ahead of the rows returned);
 * 0 when the input cannot tell (a pipe). For progress reports. */
static unsigned long long csvin_offset(const struct csvin *r)
{
	off_t off = ftello(r->fp);

	return off < 0 ? 0 : (unsigned long long)off;
}

void csvin_close(struct csvin *r)
{
	if (!r)
		return;
	if (r->own_fp)
		fclose(r->fp);
	destroy(r);
}

/* ---- the reader family (reader.h) ------------------------------------ */

/* Whatever is not a container is read as CSV (the table's last row). */
static int csv_probe(const struct reader_probe *p, struct errinfo *info)
{
	(void)info;
	return !p->zip;
}

static enum err csv_open(void **priv, const char *path, const char *name,
			 const struct reader_opts *o, struct errinfo *info)
{
	struct csvin_opts co = { o->delimiter, o->encoding, o->max_row_bytes, o->max_cells };
	struct csvin *r;
	enum err e = csvin_open(&r, path, name, &co, info);

	*priv = r;
	return e;
}

static enum err csv_next(void *priv, struct row *row, struct errinfo *info)
{
	return csvin_next(priv, row, info);
}

static uint64_t csv_offset(void *priv)
{
	return csvin_offset(priv);
}

/* What the warning about a guessed encoding says, by how unsure it is. */
static void guess_note(const struct charset_guess *g, const char *enc,
		       const char *name, char *msg, size_t cap)
{
	switch (g->doubt) {
	case CHARSET_NO_ANSWER:
		snprintf(msg, cap, "'%s': the encoding was not recognised and was taken to be %s; "
			 "if names look wrong, give it with --encoding NAME (windows-1252, macintosh, "
			 "iso-8859-2 ...)", name, enc);
		break;
	case CHARSET_CLOSE:
		snprintf(msg, cap, "'%s': read as %s, a guess: %s reads it almost as well; "
			 "if names look wrong, give --encoding %s or the right one",
			 name, enc, g->rival, g->rival);
		break;
	case CHARSET_ODD:
		snprintf(msg, cap, "'%s': read as %s, a guess that puts symbols inside words; "
			 "if names look wrong, give the encoding with --encoding NAME", name, enc);
		break;
	default:
		snprintf(msg, cap, "'%s': read as %s, a guess, but some bytes are not valid in it "
			 "(their rows are rejected as bad_encoding); give the encoding with "
			 "--encoding NAME", name, enc);
		break;
	}
}

static int csv_note(void *priv, const char *name, char *msg, size_t cap)
{
	const struct csvin *r = priv;
	const struct csvin_stats *s = csvin_stats(r);

	if (r->guessed && r->guess.doubt != CHARSET_SURE) {
		guess_note(&r->guess, s->encoding, name, msg, cap);
		return 1;
	}
	if (!s->cp1252_cells)
		return 0;
	snprintf(msg, cap, "'%s': %lu cells were not valid UTF-8 and were read as Windows-1252",
		 name, s->cp1252_cells);
	return 1;
}

static void csv_close(void *priv)
{
	csvin_close(priv);
}

const struct reader reader_csv = {
	.name = "CSV",
	.probe = csv_probe,
	.open = csv_open,
	.next = csv_next,
	.offset = csv_offset,
	.note = csv_note,
	.close = csv_close,
};
