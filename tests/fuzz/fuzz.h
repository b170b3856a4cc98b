/*
 * Shared by the fuzz targets (fuzz_*.c): each defines LLVMFuzzerTestOneInput,
 * built with libFuzzer by `make fuzz` and with the plain compiler and
 * replay.c by `make` (so `make test` replays every corpus file and crash
 * reproducer). Inputs past FUZZ_MAX_INPUT are ignored, to keep every run
 * short; readers that only take a path get the input through an in-memory
 * file (memfd) named /proc/self/fd/N.
 */
#ifndef CONTACTSYNC_FUZZ_H
#define CONTACTSYNC_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "provider.h"
#include "row.h"

#define FUZZ_MAX_INPUT ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An in-memory file holding data: its fd (close it), its path in path
 * (cap bytes). -1 when it cannot be made. */
int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap);

/* Aborts when a row breaks row.h's contract (every cell NUL-terminated at
 * its length); reads every byte so that ASan sees them. */
void fuzz_check_row(const struct row *row);

/*
 * For the drivers' targets: a session of drv on a profile that points
 * nowhere (nothing is ever sent; its http client only redacts), opened
 * once and kept for the process; the answer an input stands for, its
 * first byte picking the status (or a transport failure) and the rest
 * being the body (http_response_free it); and a sink that checks every
 * contact it is given.
 */
struct provider_session *fuzz_session(const struct provider *drv);
void fuzz_response(struct http_response *r, uint8_t sel, const uint8_t *body, size_t len);
extern const struct pull_sink fuzz_sink;
/* Checks a judged write: a known outcome, NUL-terminated id and message. */
void fuzz_check_result(const struct write_result *w);

/* Judges r as the answer to a `kind` write of +447400123456 through
 * s's driver (an update or delete of remote contact 42 in book 17), and
 * checks the result. */
void fuzz_judge(struct provider_session *s, enum write_kind kind, const struct http_response *r);

/* The spreadsheet readers' caps for the fuzz targets: one input cannot
 * inflate to more than a few MB. */
void fuzz_sheet_opts(struct sheet_opts *opts);

/* Aborts with a message: a property the target checks does not hold. */
void fuzz_fail(const char *what);

#endif
