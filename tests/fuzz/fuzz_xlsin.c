/* Fuzz target: the xlsin reader of legacy Excel workbooks (FreeXL),
 * through the reader harness (fuzz_reader.h): the first sheet, every
 * row. `make fuzz-freexl` builds it with -DFUZZ_FREEXL (fuzz_reader.h). */
#define FUZZ_READER reader_xls
#include "fuzz_reader.h"
