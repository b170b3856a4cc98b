/*
 * err: the project's error codes.
 *
 * Every module returns an `enum err` (ERR_OK = 0) and, where useful, fills a
 * `struct errinfo` with a detail string. Foreign error values (LMDB rc, errno,
 * libcsv status, CURLcode ...) are translated into these codes at the module
 * boundary and never passed around raw.
 *
 * The list is written once below and generates both the enum and the message
 * table, so they cannot drift. Codes are appended, never renumbered.
 */
#ifndef CONTACTSYNC_ERR_H
#define CONTACTSYNC_ERR_H

#include <stddef.h>

#define ERR_LIST(X)                                                         \
	X(ERR_OK, "success")                                                \
	X(ERR_NOMEM, "out of memory")                                       \
	X(ERR_USAGE, "invalid usage")                                       \
	X(ERR_CONFIG, "invalid configuration")                              \
	X(ERR_IO, "input/output error")                                     \
	X(ERR_NOT_FOUND, "not found")                                       \
	X(ERR_LIMIT, "size limit exceeded")                                 \
	X(ERR_FORMAT, "malformed input")                                    \
	X(ERR_ENCODING, "invalid text encoding")                            \
	X(ERR_STORE, "store error")                                         \
	X(ERR_STORE_LOCKED, "store is locked")                              \
	X(ERR_STORE_CORRUPT, "store is corrupt")                            \
	X(ERR_STORE_FULL, "store is full")                                  \
	X(ERR_STORE_VERSION, "store schema version is not supported")       \
	X(ERR_PHONE, "phone number library error")                          \
	X(ERR_INTERNAL, "internal error")                                   \
	X(ERR_NETWORK, "network error")                                     \
	X(ERR_TIMEOUT, "timed out")                                         \
	X(ERR_REMOTE, "remote service error")                               \
	X(ERR_AUTH, "authentication failed")                                \
	X(ERR_GUARD, "stopped by a safety guard")                           \
	X(ERR_BUDGET, "time budget spent")                                  \
	X(ERR_INTERRUPTED, "interrupted")                                   \
	X(ERR_CHANGED, "remote data changed while it was read")             \
	X(ERR_RESULTS, "a results file cannot be written")

enum err {
#define ERR_ENUM_(code, msg) code,
	ERR_LIST(ERR_ENUM_)
#undef ERR_ENUM_
	ERR__COUNT
};

/* Human-readable message for a code; never NULL. */
const char *err_str(enum err code);

/* Symbolic name of a code ("ERR_IO"); never NULL. */
const char *err_name(enum err code);

/*
 * Detail for the last error of an operation, git-style: lower case, no final
 * full stop, names in single quotes. Filled by the module that failed.
 */
struct errinfo {
	enum err code;
	char msg[512];
};

/* Sets info (if not NULL) and returns code. printf-style. */
enum err err_set(struct errinfo *info, enum err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
