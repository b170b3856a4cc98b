/*
 * duration: the one grammar of durations, for the configuration (a
 * profile's `timeout`) and the options (--time-budget, --max-snapshot-age).
 *
 * A duration is one or more parts "<number><unit>", unit ms, s, m, h or d,
 * added up ("1h30m", "1.5h", "500ms", "90s"), or a bare number of seconds
 * alone ("90"; "1h30" is refused: ambiguous). Numbers are what strtod
 * reads, without a sign. Each part is truncated to whole milliseconds.
 * The caller decides the range it allows (a request timeout of a day at
 * most, a time budget of any length).
 */
#ifndef CONTACTSYNC_DURATION_H
#define CONTACTSYNC_DURATION_H

#include <stddef.h>

/* Milliseconds, or -1 when s is not a duration (or a part is beyond
 * 9e15 ms, or the sum beyond what a long long holds). */
long long duration_ms(const char *s);

/*
 * ms written back in the same grammar, for messages: at most the two
 * largest units, rounded to the nearest second from 1 s up ("24h",
 * "1h30m", "5s", "500ms", "3d4h"; days from two days up). Returns out.
 */
char *duration_format(long long ms, char *out, size_t outsize);

#endif
