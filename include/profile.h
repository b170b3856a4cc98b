/*
 * profile: one provider profile, as the configuration (config.h) reads it
 * and the providers (provider.h) use it, and its secrets. A header of its
 * own so that the providers need not know the configuration, which asks
 * the provider table about each profile it reads.
 */
#ifndef CONTACTSYNC_PROFILE_H
#define CONTACTSYNC_PROFILE_H

#include <stddef.h>
#include <string.h>

#include "limit.h"

#define PROFILE_MAX_SLOTS 4

/* What opting out means for a provider that has no opt-out (altum, atom). */
enum optout_action {
	OPTOUT_ACTION_SKIP,		/* default: leave the contact, warn */
	OPTOUT_ACTION_DELETE,		/* remove the contact */
	OPTOUT_ACTION_SUPPRESS_BOOK,	/* atom: move it to the `suppress_book` book */
};

/*
 * What an empty cell in the list does to the value the provider holds
 * (plan.h): `blank = keep|clear`, --blank. BLANK_DEFAULT: clear in --mode
 * mirror (an exact copy), keep in the other modes.
 */
enum blank_rule {
	BLANK_DEFAULT,
	BLANK_KEEP,
	BLANK_CLEAR,
};

/* "keep" or "clear" into *out; -1 for anything else. */
static inline int profile_parse_blank(const char *s, enum blank_rule *out)
{
	if (!strcmp(s, "keep"))
		*out = BLANK_KEEP;
	else if (!strcmp(s, "clear"))
		*out = BLANK_CLEAR;
	else
		return -1;
	return 0;
}
/* A create may take this long to show in a listing (default of the
 * profile key create_settle). */
#define PROFILE_CREATE_SETTLE_MS (2L * 60 * 1000)

struct profile {
	char *name;
	char *provider;
	char *base_url;
	char *api_key_env;
	char *api_key_id_env;
	char *api_secret_env;
	char *api_key_file;
	char *address_book;
	char *custom_slots[PROFILE_MAX_SLOTS];	/* custom_1..4 field keys */
	size_t nslots;
	char *rate;			/* NULL = the provider's default */
	unsigned concurrency;		/* 0 = the provider's default */
	char region[3];			/* "" = none */
	int insecure;
	long timeout_ms;		/* per request, retries included; 0 = default */
	long max_wait_ms;		/* longest wait a server may ask for; 0 = 15 min */
	long create_settle_ms;		/* how late a listing must be to show that a
					 * create whose answer was lost never
					 * arrived; 0 = PROFILE_CREATE_SETTLE_MS */
	enum optout_action optout_action;
	char *suppress_book;		/* atom: name or id of the suppression book */
	enum blank_rule blank;		/* empty cells: keep or clear remote values */
	/* what a sync imports for it (import --phones, --columns, --ignore);
	 * NULL: the command line's, or the defaults */
	char *phones;			/* "best" or "all" */
	char *columns;			/* COL,COL,... */
	char *ignore;
	struct limit max_rejects;	/* import --max-rejects; LIMIT_NONE: the
					   command line's, or the default */
	unsigned line;			/* where the section starts */
};

/* A profile's secrets (config_secrets reads them; wiped when freed). */
struct secrets {
	char *key;		/* altum, atom; sendblue Bearer accounts */
	char *key_id;		/* sendblue */
	char *secret;		/* sendblue */
};

#endif
