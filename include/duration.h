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

/* Milliseconds, or -1 when s is not a duration (or a part is beyond
 * 9e15 ms, or the sum beyond what a long long holds). */
long long duration_ms(const char *s);

#endif
