/* SHIM until the vocab branch lands. */
#include "optval.h"

int optval_parse(const char *s, size_t len, int consent, enum tri *opted_out)
{
	if (text_parse_optout(s, len, opted_out))
		return -1;
	if (consent && *opted_out != TRI_UNKNOWN)
		*opted_out = *opted_out == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
	return 0;
}
