/* Fuzz target: the htmlin reader of HTML tables saved as "xls" (libxml2's
 * HTML push parser), through the reader harness (fuzz_reader.h): the first
 * table with rows, every row. */
#define FUZZ_READER reader_html
#include "fuzz_reader.h"
