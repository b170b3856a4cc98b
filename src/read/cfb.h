/*
 * cfb: Microsoft compound files (MS-CFB, "OLE2"), the container of legacy
 * .xls workbooks, as far as the xls reader needs them: one stream read out
 * of a file, checked strictly, and a file holding one stream written in
 * the plainest layout the format allows.
 *
 * xlsin uses the pair to hand FreeXL a compound file whose structure this
 * module made (512-byte sectors, one directory sector, no mini stream), so
 * that what FreeXL reads is exactly the stream checked here, whatever the
 * original's container looked like.
 *
 * The reader refuses (ERR_FORMAT, the message naming `name`) anything the
 * format does not allow or that would make a chain ambiguous: a sector
 * past the end of the file, a chain that loops or is shorter than its
 * stream, a directory entry whose name claims more than 64 bytes, a
 * stream size past what the chain holds. It looks for the stream among
 * the root storage's own entries (not inside embedded objects' storages).
 */
#ifndef CONTACTSYNC_CFB_H
#define CONTACTSYNC_CFB_H

#include <stddef.h>

#include "err.h"

/* The largest stream cfb_read_stream returns (ERR_LIMIT past it). */
#define CFB_MAX_STREAM ((size_t)256 << 20)

/*
 * The first stream of the root storage named streams[0], else streams[1]
 * ... (a NULL-terminated list; names compared exactly, ASCII), read from
 * the compound file at path into *data (malloc'd; free it) and *len.
 * ERR_NOT_FOUND when the file has none of them.
 */
enum err cfb_read_stream(const char *path, const char *name, const char *const *streams,
			 unsigned char **data, size_t *len, struct errinfo *info);

/*
 * Writes to fd (at its current offset) a compound file (version 3) whose
 * root storage holds one stream, `stream` (ASCII, at most 31 characters),
 * of len bytes. `name` is used in messages.
 */
enum err cfb_write_stream(int fd, const char *name, const char *stream,
			  const unsigned char *data, size_t len, struct errinfo *info);

#endif
