/*
 * Fuzz target: the vCard reader (vcardin), through the reader harness
 * (fuzz_reader.h): content lines, folding, quoted-printable soft line
 * breaks, CHARSET= through iconv, escapes, groups and the two passes. The
 * input is the file itself.
 */
#define FUZZ_READER reader_vcard
#include "fuzz_reader.h"
