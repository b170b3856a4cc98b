/* Fuzz target: the xlsxin reader of Office Open XML workbooks, through the reader harness
 * (fuzz_reader.h): the first sheet, every row. */
#define FUZZ_READER reader_xlsx
#include "fuzz_reader.h"
