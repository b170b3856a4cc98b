/*
 * config: provider profiles from an INI file (inih).
 *
 * The file is `--config FILE`, else `./contactsync.ini`, else
 * `$XDG_CONFIG_HOME/contactsync/config.ini` (XDG_CONFIG_HOME defaults to
 * ~/.config). One section per profile:
 *
 *     [profile nightly]
 *     provider = sendblue            ; altum | atom | sendblue
 *     base_url = https://api.sendblue.co
 *     api_key_id_env = SENDBLUE_KEY_ID
 *     api_secret_env = SENDBLUE_SECRET
 *     rate = 10/s
 *     concurrency = 4
 *     region = GB
 *
 * Keys: provider, base_url, api_key_env (altum, atom), api_key_id_env and
 * api_secret_env (sendblue), api_key_file (instead of an env variable;
 * refused when group or others may read it), address_book (atom),
 * custom_slots (atom: up to four custom field keys, comma-separated, for
 * custom_1..custom_4), optout_action and suppress_book (below), rate,
 * concurrency, region, insecure, timeout (the most one request may take,
 * its retries included: a duration such as 90s or 5m; see http.h).
 *
 * Opt-outs: altum and atom cannot record one, so `optout_action` says
 * what an opt-out does there: `skip` (the default: the contact is left as
 * it is and the summary warns), `delete` (the contact is removed) or
 * `suppress_book` (atom only: the contact moves to the address book that
 * `suppress_book` names or numbers, created when the account lacks it).
 * suppress_book is required with that action, refused without it, and
 * must differ from address_book. sendblue records opt-outs itself: its
 * optout_action is accepted and ignored.
 *
 * The file never holds a secret: only the names of the environment
 * variables (or the file) that hold them. Secrets are read by
 * config_secrets at the moment a command needs them, and the values are
 * wiped when freed. Unknown sections and keys are errors naming the file
 * and line, so a typo never silently changes what a nightly job does.
 */
#ifndef CONTACTSYNC_CONFIG_H
#define CONTACTSYNC_CONFIG_H

#include <stddef.h>

#include "err.h"
#include "profile.h"

struct config {
	char *path;			/* the file read, or NULL when none exists */
	struct profile *profiles;
	size_t nprofiles;
};

/*
 * Loads the configuration. `explicit_path` (from --config) must exist;
 * the default locations may be absent (an empty configuration). Errors
 * name the file and line: ERR_CONFIG for content, ERR_IO for reading.
 */
enum err config_load(struct config *c, const char *explicit_path,
		     struct errinfo *info);
void config_free(struct config *c);

/* The named profile (borrowed), or NULL with info saying which exist. */
const struct profile *config_profile(const struct config *c, const char *name,
				     struct errinfo *info);

/* Secrets of a profile (profile.h), read from the environment or the key
 * file. */
/* ERR_CONFIG naming the variable or file (never a value) when missing. */
enum err config_secrets(const struct profile *p, struct secrets *s,
			struct errinfo *info);
/* Wipes and frees. */
void config_secrets_free(struct secrets *s);

#endif
