/*
 * numfmt: numbers rendered through a spreadsheet number format, for the
 * parts that matter to phones and ids, so a numeric cell reads as the
 * text LibreOffice's "as shown" CSV of the sheet holds (7.4):
 *
 *   - literal text: "+"0, \+0, "tel: "0, 00" kg", bare $ - + ( ) : space;
 *   - digit placeholders 0 (zero padding), # (digit if any), ? (space);
 *   - thousands separators (#,##0) and scaling by trailing commas (#,);
 *   - decimals (0.00, #.##), rounded half away from zero on the value's
 *     15 significant digits, as Excel and LibreOffice do (4.35 -> 4.4);
 *   - percent (0%, 0.00%);
 *   - sections pos;neg;zero;text and conditions ([<=9999999]###-####;…),
 *     colours and [$-409] locale tags ignored, _x as a space, *x dropped.
 *
 * Anything else (currency symbols in [$€-407], fractions, scientific
 * notation, dates, text "@", DBNum brackets) is not rendered: the caller
 * keeps its own rendering (cellfmt_number), as it did before.
 */
#ifndef CONTACTSYNC_NUMFMT_H
#define CONTACTSYNC_NUMFMT_H

#define NUMFMT_MAX 128		/* output bytes with the NUL */

/*
 * Writes v through the format code into out (NUMFMT_MAX bytes); returns
 * the length (0 when the format shows nothing), or -1 when the code has
 * parts this module does not render or the text would not fit.
 */
int numfmt_render(const char *code, double v, char *out);

/* The format code of a built-in XLSX number format id that numfmt
 * renders (1-4, 9, 10, 37-40); NULL for General and the others. Static. */
const char *numfmt_builtin(unsigned id);

#endif
