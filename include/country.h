/*
 * country: a Country cell to an ISO 3166-1 alpha-2 region code.
 *
 * Real exports name the country rather than code it: "Canada", "United
 * Kingdom", "Deutschland", "Österreich", "Royaume-Uni", "USA". This module
 * turns such a cell into the region code ("CA", "GB", "DE", "AT", "GB",
 * "US") from maintained data, not from a table written here:
 *
 *   - the regions are CLDR's territories as ICU lists them
 *     (uregion_getAvailable(URGN_TERRITORY)): the ISO 3166-1 alpha-2 codes
 *     in use plus the few CLDR adds (XK Kosovo, AC Ascension, TA Tristan da
 *     Cunha, which libphonenumber supports; DG, EA, IC, CP, which it does
 *     not). A code libphonenumber lacks (AQ, BV, HM, ...) is still returned:
 *     whether a region is usable for phone numbers is phone.h's question
 *     (phone_is_region_supported), asked by the caller;
 *   - their alpha-3 codes (uloc_getISO3Country: "GBR", "USA", "DEU");
 *   - their names in CLDR (ICU's region bundles) for the locales en, de, fr,
 *     es, it, pt, pt_PT, nl, pl, sv, da, nb, fi, cs, ro, hu, el, tr, ru, ja,
 *     zh, zh_Hant and ar: the display name ("Countries") and CLDR's
 *     alternates ("Countries%short": "UK", "USA"; "Countries%variant":
 *     "Czech Republic", "Ivory Coast", "Swaziland");
 *   - a handful of aliases no data source has (country.c says why each):
 *     "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
 *     "United States of America".
 *
 * Matching ignores case, accents, spaces and punctuation, and a leading
 * "the": the key of a string is its NFKC case fold with marks stripped
 * (utf8proc), letters and digits only. "U.S.", "the Netherlands",
 * "OSTERREICH" and "côte d'ivoire" all match.
 *
 * Ambiguity: a key that means two regions is dropped and matches nothing,
 * with one rule first: a code wins over a name (the French short name of
 * the United Kingdom, "R.-U.", has the key of Russia's code "RU"; "RU" is
 * Russia). A key that is the code or the name of a CLDR region that is not
 * a country (EU, UN, "Europe", "world") never names a country ("É.-U.",
 * French for the United States, has the key of EU and is dropped).
 *
 * Cost and threads: a two-letter code is answered without the name table
 * (ICU's region list only). Anything else builds the table on first use,
 * once (pthread_once), in a few milliseconds; it is read-only afterwards,
 * so import workers call country_lookup at once. It is never freed.
 */
#ifndef CONTACTSYNC_COUNTRY_H
#define CONTACTSYNC_COUNTRY_H

#include <stddef.h>

/*
 * 1 and the upper-case alpha-2 code in out when s (len bytes of UTF-8, need
 * not be NUL-terminated) names a region as above; 0 and out = "" otherwise
 * (also for invalid UTF-8, an empty or over-long string, or when the table
 * could not be built for lack of memory: then only codes are known).
 */
int country_lookup(const char *s, size_t len, char out[3]);

#endif
