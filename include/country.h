/* SHIM until the country branch lands. */
#ifndef CONTACTSYNC_COUNTRY_H
#define CONTACTSYNC_COUNTRY_H
#include <stddef.h>
int country_lookup(const char *s, size_t len, char out[3]);
#endif
