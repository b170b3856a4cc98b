/* Fuzz target: the xmlssin reader of Excel 2003 XML Spreadsheets (expat),
 * through the reader harness (fuzz_reader.h): the first worksheet, every
 * row. */
#define FUZZ_READER reader_xmlss
#include "fuzz_reader.h"
