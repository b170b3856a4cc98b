/* SHIM until the country branch lands. */
#include "country.h"

#include <string.h>

#include "phone.h"

int country_lookup(const char *s, size_t len, char out[3])
{
	char tmp[8];

	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return phone_region_canon(tmp, out);
}
