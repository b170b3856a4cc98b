/*
 * odsstyle: the data styles of an OpenDocument spreadsheet and the cell
 * styles pointing to them, turned into format codes numfmt renders, so
 * odsin shows a numeric cell as LibreOffice's "as shown" CSV does.
 *
 * Private to the reader family (odsin's toolkit). The tables are filled
 * from styles.xml's office:styles (odsstyle_read_part) and content.xml's
 * office:automatic-styles (odsin forwards those elements), then asked per
 * cell: a cell style's data style (odsstyle_cell), the number through it
 * (odsstyle_render). Their size is capped: a file with more styles or
 * style bytes than the caps is ERR_LIMIT naming the file and the part.
 */
#ifndef CONTACTSYNC_ODSSTYLE_H
#define CONTACTSYNC_ODSSTYLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "unzip.h"

#define ODSSTYLE_MAX_STYLES 65536	/* data and cell styles together */
#define ODSSTYLE_MAX_BYTES ((size_t)8 << 20)	/* their names and codes */
#define ODSSTYLE_MAX_COLS 16384	/* table:table-column elements per table */

/* A data style numfmt can render (an index into the tables), or: */
#define ODSSTYLE_NONE (-1)	/* General, or a format not rendered */

struct odsstyle;

/* name: the file's name for messages (copied). */
enum err odsstyle_new(struct odsstyle **out, const char *name);
void odsstyle_free(struct odsstyle *s);

/*
 * The elements inside office:styles or office:automatic-styles, as expat
 * reports them with namespaces ("URI|local"); a style is at the first
 * level. part names the XML part in messages ("content.xml"), borrowed
 * until the next call.
 */
enum err odsstyle_start(struct odsstyle *s, const char *part, const char *el,
			const char **attrs, struct errinfo *info);
enum err odsstyle_end(struct odsstyle *s, const char *part,
		      struct errinfo *info);
void odsstyle_text(struct odsstyle *s, const char *text, size_t len);

/*
 * Reads the office:styles of an XML part of the open zip (styles.xml);
 * max_token bounds what expat may buffer without an event, as in odsin.
 * ERR_FORMAT on bad XML or a DTD, ERR_LIMIT on a cap.
 */
enum err odsstyle_read_part(struct odsstyle *s, struct unzip *z,
			    const char *part, size_t max_token,
			    struct errinfo *info);

/* The same from a document in memory (for the tests). */
enum err odsstyle_read_xml(struct odsstyle *s, const char *xml, size_t len,
			   struct errinfo *info);

/*
 * The data style of a cell style (its own style:data-style-name, else its
 * parents'), ODSSTYLE_NONE when there is none or it is not rendered.
 * Looked up once per name, then remembered.
 */
int odsstyle_cell(struct odsstyle *s, const char *cell_style);

/* v through data style fmt: numfmt_render's answer (-1: not rendered). */
int odsstyle_render(const struct odsstyle *s, int fmt, double v, char *out);

/* The format code of the data style of that name, maps included, or
 * NULL when it is not rendered (borrowed until the tables change). */
const char *odsstyle_code(struct odsstyle *s, const char *data_style);

/*
 * A table's columns, in document order: repeat columns whose default
 * cell style is cell_style (NULL: the "Default" style, as LibreOffice
 * does). odsstyle_col gives column col's data style; past the last
 * column described, the "Default" style's.
 */
void odsstyle_cols_reset(struct odsstyle *s);
enum err odsstyle_cols_add(struct odsstyle *s, uint32_t repeat,
			   const char *cell_style);
int odsstyle_col(struct odsstyle *s, uint64_t col);

#endif
