/*
 * phonefast: a native fast path in front of libphonenumber's Parse,
 * IsValidNumber, IsPossibleNumberWithReason, GetNumberType and Format(E164),
 * driven by the library's own metadata (phonemeta.h, generated at build
 * time) and its patterns compiled with PCRE2's JIT.
 *
 * It answers only inputs of the common forms: ASCII digits with the
 * separators space - . / ( ), an optional leading '+', the default region's
 * international prefix or trunk prefix, bare digits. For those it gives
 * exactly the answer lpn_parse would give, field by field; for anything
 * else (letters, extensions, non-ASCII, a '+' elsewhere, regions whose
 * national prefix transform it would have to apply, ...) it says it is not
 * sure, and the caller asks libphonenumber. tests/tools/phone_diff is the
 * judge of "exactly".
 *
 * Thread-safe: patterns are compiled once per region on first use under a
 * lock; the PCRE2 match data is per thread, allocated once per thread. No
 * allocation on the hot path.
 *
 * Disabled for a process when the environment has
 * CONTACTSYNC_PHONE_FASTPATH=0 (read at first use), or by
 * phonefast_set_enabled(0): then every call says "not sure".
 */
#ifndef CONTACTSYNC_PHONEFAST_H
#define CONTACTSYNC_PHONEFAST_H

#include <stddef.h>

#include "lpn.h"

/*
 * Same arguments as lpn_parse (region: upper case, or NULL for none).
 * Returns 1 with *status and *out as lpn_parse would write them, or 0
 * when not sure (out and status then undefined: call lpn_parse).
 */
int phonefast_parse(const char *input, size_t len, const char *region,
		    unsigned flags, struct lpn_number *out,
		    enum lpn_status *status);

/*
 * How many calls of the calling thread phonefast_parse answered and
 * declined ("not sure") so far; for benchmarks and tests.
 */
void phonefast_counts(unsigned long *answered, unsigned long *declined);

/* Turns the fast path on or off for the whole process (tests, benches). */
void phonefast_set_enabled(int on);

/* 1 when phonefast_parse may answer. */
int phonefast_is_enabled(void);

#endif
