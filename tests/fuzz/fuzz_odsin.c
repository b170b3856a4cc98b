/* Fuzz target: the odsin reader of OpenDocument spreadsheets, through the reader harness
 * (fuzz_reader.h): the first sheet, every row. */
#define FUZZ_READER reader_ods
#include "fuzz_reader.h"
