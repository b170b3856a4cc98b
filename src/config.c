/* config: INI provider profiles (see config.h). */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "duration.h"
#include "limit.h"
#include "phone.h"
#include "provider.h"

#define SECRET_MAX 4096

struct parse {
	struct config *c;
	FILE *fp;
	const char *path;
	unsigned line;
	struct profile *cur;	/* section being read */
	int in_other;		/* inside a section that is not a profile */
	struct errinfo *info;
	int failed;
};

/* Indexed by enum optout_action. */
static const char *const optout_actions[] = {
	[OPTOUT_ACTION_SKIP] = "skip",
	[OPTOUT_ACTION_DELETE] = "delete",
	[OPTOUT_ACTION_SUPPRESS_BOOK] = "suppress_book",
};

/* fgets that counts lines, so errors can name them (Debian's inih is
 * built without line numbers for handlers). */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->fp);

	if (r && strchr(r, '\n'))
		p->line++;
	return r;
}

static int fail(struct parse *p, const char *fmt, const char *a, const char *b)
{
	char msg[300];

	snprintf(msg, sizeof(msg), fmt, a, b);
	err_set(p->info, ERR_CONFIG, "'%s' line %u: %s", p->path, p->line, msg);
	p->failed = 1;
	return 0;
}

static struct profile *add_profile(struct parse *p, const char *name)
{
	struct profile *np;
	size_t i;

	for (i = 0; i < p->c->nprofiles; i++)
		if (!strcmp(p->c->profiles[i].name, name)) {
			fail(p, "profile '%s' is defined twice%s", name, "");
			return NULL;
		}
	np = realloc(p->c->profiles, (p->c->nprofiles + 1) * sizeof(*np));
	if (!np)
		return NULL;
	p->c->profiles = np;
	np = &p->c->profiles[p->c->nprofiles];
	memset(np, 0, sizeof(*np));
	np->name = strdup(name);
	np->line = p->line;
	if (!np->name)
		return NULL;
	p->c->nprofiles++;
	return np;
}

static int set_str(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
	return *field != NULL;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* A duration (duration.h: "90s", "500ms", "1h30m", bare seconds); -1 when
 * not one, and at most a day: a longer request timeout is a typo. */
static long parse_duration_ms(const char *v)
{
	long long ms = duration_ms(v);

	return ms >= 1 && ms <= 86400000LL ? (long)ms : -1;
}

static int set_slots(struct parse *p, struct profile *pr, const char *value)
{
	char *copy = strdup(value), *tok, *save = NULL;
	size_t i;

	if (!copy)
		return 0;
	for (i = 0; i < pr->nslots; i++)
		free(pr->custom_slots[i]);
	pr->nslots = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*tok)
			continue;
		if (pr->nslots == PROFILE_MAX_SLOTS) {
			char words[128];

			free(copy);
			provider_slots_words(words, sizeof(words));
			return fail(p, "custom_slots: %s ('%s')", words, value);
		}
		pr->custom_slots[pr->nslots] = strdup(tok);
		if (!pr->custom_slots[pr->nslots++]) {
			free(copy);
			return 0;
		}
	}
	free(copy);
	return 1;
}

static int set_optout_action(struct parse *p, struct profile *pr, const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(optout_actions) / sizeof(optout_actions[0]); i++)
		if (!strcmp(value, optout_actions[i])) {
			pr->optout_action = (enum optout_action)i;
			return 1;
		}
	return fail(p, "unknown optout_action '%s' (skip, delete or suppress_book)%s", value, "");
}

/*
 * The *_env keys name environment variables. A value that cannot be a
 * variable's name is most likely the key itself, pasted in the wrong place:
 * refused without repeating it, so that it never reaches a log.
 */
static int set_env_name(struct parse *p, char **dst, const char *name,
			const char *value)
{
	const char *c = value;

	if (*c && !(*c >= '0' && *c <= '9'))
		while (*c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		       (*c >= '0' && *c <= '9'))
			c++;
	if (!*value || *c)
		return fail(p, "%s must name an environment variable (letters, digits and '_'), "
			    "not hold the key itself (value not shown)%s", name, "");
	return set_str(dst, value);
}

static int set_key(struct parse *p, struct profile *pr, const char *name,
		   const char *value)
{
	char *end;
	unsigned long n;

	if (!strcmp(name, "provider")) {
		char all[128];

		if (provider_find(value))
			return set_str(&pr->provider, value);
		provider_names(all, sizeof(all));
		return fail(p, "unknown provider '%s' (%s)", value, all);
	}
	if (!strcmp(name, "base_url")) {
		if (strncmp(value, "https://", 8) && strncmp(value, "http://", 7))
			/* a URL with user:password@ is not repeated */
			return fail(p, "base_url must start with https:// (or http://), not '%s'%s",
				    strchr(value, '@') ? "(not shown: it holds a password)" : value, "");
		return set_str(&pr->base_url, value);
	}
	if (!strcmp(name, "api_key_env"))
		return set_env_name(p, &pr->api_key_env, name, value);
	if (!strcmp(name, "api_key_id_env"))
		return set_env_name(p, &pr->api_key_id_env, name, value);
	if (!strcmp(name, "api_secret_env"))
		return set_env_name(p, &pr->api_secret_env, name, value);
	if (!strcmp(name, "api_key_file"))
		return set_str(&pr->api_key_file, value);
	if (!strcmp(name, "address_book"))
		return set_str(&pr->address_book, value);
	if (!strcmp(name, "custom_slots"))
		return set_slots(p, pr, value);
	if (!strcmp(name, "optout_action"))
		return set_optout_action(p, pr, value);
	if (!strcmp(name, "blank")) {
		if (profile_parse_blank(value, &pr->blank))
			return fail(p, "blank must be keep or clear, not '%s'%s", value, "");
		return 1;
	}
	if (!strcmp(name, "suppress_book")) {
		if (!*value)
			return fail(p, "suppress_book is empty (the name or id of a book)%s%s", "", "");
		return set_str(&pr->suppress_book, value);
	}
	if (!strcmp(name, "rate"))
		return set_str(&pr->rate, value);
	if (!strcmp(name, "phones")) {
		if (strcmp(value, "best") && strcmp(value, "all"))
			return fail(p, "phones must be best or all, not '%s'%s", value, "");
		return set_str(&pr->phones, value);
	}
	if (!strcmp(name, "columns"))
		return set_str(&pr->columns, value);
	if (!strcmp(name, "ignore"))
		return set_str(&pr->ignore, value);
	if (!strcmp(name, "max_rejects")) {
		if (limit_parse(value, &pr->max_rejects))
			return fail(p, "max_rejects must be a count N or a share P%% (0 to 100), "
				    "not '%s'%s", value, "");
		return 1;
	}
	if (!strcmp(name, "concurrency")) {
		errno = 0;
		n = strtoul(value, &end, 10);
		if (errno || *end || end == value || n < 1 || n > 64)
			return fail(p, "concurrency must be 1 to 64, not '%s'%s", value, "");
		pr->concurrency = (unsigned)n;
		return 1;
	}
	if (!strcmp(name, "region")) {
		if (!phone_region_canon(value, pr->region))
			return fail(p, "unknown region '%s'%s", value, "");
		return 1;
	}
	if (!strcmp(name, "timeout")) {
		pr->timeout_ms = parse_duration_ms(value);
		if (pr->timeout_ms <= 0)
			return fail(p, "timeout must be a duration such as 30s, 500ms or 5m, not '%s'%s",
				    value, "");
		return 1;
	}
	if (!strcmp(name, "max_wait")) {
		pr->max_wait_ms = parse_duration_ms(value);
		if (pr->max_wait_ms <= 0)
			return fail(p, "max_wait must be a duration such as 15m, 90s or 1h, not '%s'%s",
				    value, "");
		return 1;
	}
	if (!strcmp(name, "create_settle")) {
		pr->create_settle_ms = parse_duration_ms(value);
		if (pr->create_settle_ms <= 0)
			return fail(p, "create_settle must be a duration such as 2m or 30s, not '%s'%s",
				    value, "");
		return 1;
	}
	if (!strcmp(name, "insecure")) {
		if (parse_bool(value, &pr->insecure))
			return fail(p, "insecure must be true or false, not '%s'%s", value, "");
		return 1;
	}
	return fail(p, "unknown key '%s' in profile '%s'", name, pr->name);
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;

	if (p->failed)
		return 0;
	if (!name) {	/* inih calls with name NULL only with INI_CALL_HANDLER_ON_NEW_SECTION */
		return 1;
	}
	if (!p->cur || strcmp(p->cur->name, section + (strncmp(section, "profile ", 8) ? 0 : 8))) {
		const char *pname;

		if (strncmp(section, "profile ", 8) || !section[8])
			return fail(p, "unknown section '[%s]' (profiles are [profile NAME])%s", section, "");
		pname = section + 8;
		while (*pname == ' ')
			pname++;
		p->cur = add_profile(p, pname);
		if (!p->cur)
			return 0;
	}
	return set_key(p, p->cur, name, value);
}

/*
 * What is wrong with the opt-out keys, or NULL, once the provider took
 * them (provider_check_profile): suppress_book without the action that
 * uses it is refused, so a forgotten line never silently changes what
 * opting out does. (A provider that records opt-outs itself accepts
 * optout_action and ignores it.)
 */
static const char *check_optout(const struct profile *pr)
{
	if (pr->optout_action == OPTOUT_ACTION_SUPPRESS_BOOK && !pr->suppress_book)
		return "has optout_action = suppress_book but no suppress_book (the book opted-out contacts move to)";
	if (pr->suppress_book && pr->optout_action != OPTOUT_ACTION_SUPPRESS_BOOK)
		return "has suppress_book but optout_action is not suppress_book";
	if (pr->suppress_book && pr->address_book && !strcmp(pr->suppress_book, pr->address_book))
		return "has suppress_book equal to address_book (opted-out contacts would stay in the book)";
	return NULL;
}

/* The provider's rules first (provider.h: base_url, its own keys, the
 * credentials), then the opt-out keys' own consistency. */
static enum err check_profile(const char *path, const struct profile *pr,
			      struct errinfo *info)
{
	struct errinfo sub;
	const char *why = NULL;

	if (!pr->provider)
		why = "has no provider";
	else if (provider_check_profile(pr, &sub))
		why = sub.msg;
	else
		why = check_optout(pr);
	if (why)
		return err_set(info, ERR_CONFIG, "'%s' line %u: profile '%s' %s", path,
			       pr->line, pr->name, why);
	return ERR_OK;
}

static char *default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p = NULL;

	if (!access("contactsync.ini", F_OK))
		return strdup("contactsync.ini");
	if (xdg && *xdg) {
		if (asprintf(&p, "%s/contactsync/config.ini", xdg) < 0)
			return NULL;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.config/contactsync/config.ini", home) < 0)
			return NULL;
	}
	if (p && access(p, F_OK)) {
		free(p);
		p = NULL;
	}
	return p;
}

enum err config_load(struct config *c, const char *explicit_path,
		     struct errinfo *info)
{
	struct parse p;
	size_t i;
	int rc;
	enum err e = ERR_OK;

	memset(c, 0, sizeof(*c));
	c->path = explicit_path ? strdup(explicit_path) : default_path();
	if (!c->path)
		return ERR_OK;	/* no configuration: no profiles */
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.path = c->path;
	p.info = info;
	p.fp = fopen(c->path, "r");
	if (!p.fp) {
		e = err_set(info, ERR_CONFIG, "cannot open configuration '%s': %s", c->path,
			    strerror(errno));
		config_free(c);
		return e;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.fp);
	if (rc && !p.failed)
		e = err_set(info, ERR_CONFIG, "'%s' line %d: not valid INI", c->path, rc);
	else if (p.failed)
		e = info ? info->code : ERR_CONFIG;
	for (i = 0; !e && i < c->nprofiles; i++)
		e = check_profile(c->path, &c->profiles[i], info);
	if (e)
		config_free(c);
	return e;
}

static void free_profile(struct profile *pr)
{
	size_t i;

	free(pr->name);
	free(pr->provider);
	free(pr->base_url);
	free(pr->api_key_env);
	free(pr->api_key_id_env);
	free(pr->api_secret_env);
	free(pr->api_key_file);
	free(pr->address_book);
	for (i = 0; i < pr->nslots; i++)
		free(pr->custom_slots[i]);
	free(pr->rate);
	free(pr->phones);
	free(pr->columns);
	free(pr->ignore);
	free(pr->suppress_book);
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nprofiles; i++)
		free_profile(&c->profiles[i]);
	free(c->profiles);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

const struct profile *config_profile(const struct config *c, const char *name,
				     struct errinfo *info)
{
	char list[512] = "";
	size_t i, len = 0;

	for (i = 0; i < c->nprofiles; i++)
		if (!strcmp(c->profiles[i].name, name))
			return &c->profiles[i];
	for (i = 0; i < c->nprofiles && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s'%s'", i ? ", " : "",
					c->profiles[i].name);
	if (!c->path)
		err_set(info, ERR_CONFIG,
			"no profile '%s': no configuration file (--config, ./contactsync.ini or $XDG_CONFIG_HOME/contactsync/config.ini)",
			name);
	else
		err_set(info, ERR_CONFIG, "no profile '%s' in '%s' (profiles: %s)", name, c->path,
			c->nprofiles ? list : "none");
	return NULL;
}

static enum err from_env(const struct profile *p, const char *key, const char *var,
			 char **out, struct errinfo *info)
{
	const char *v = getenv(var);

	if (!v || !*v)
		return err_set(info, ERR_CONFIG,
			       "profile '%s': environment variable '%s' (%s) is not set",
			       p->name, var, key);
	if (strlen(v) > SECRET_MAX)
		return err_set(info, ERR_CONFIG, "profile '%s': '%s' is too long for a key",
			       p->name, var);
	*out = strdup(v);
	return *out ? ERR_OK : err_set(info, ERR_NOMEM, "out of memory");
}

/* First line of a file only the owner may read. */
static enum err from_file(const struct profile *p, char **out, struct errinfo *info)
{
	char line[SECRET_MAX + 2];
	struct stat sb;
	FILE *fp;
	size_t n;

	fp = fopen(p->api_key_file, "r");
	if (!fp)
		return err_set(info, ERR_CONFIG, "profile '%s': cannot open api_key_file '%s': %s",
			       p->name, p->api_key_file, strerror(errno));
	if (fstat(fileno(fp), &sb) == 0 && (sb.st_mode & 077)) {
		fclose(fp);
		return err_set(info, ERR_CONFIG,
			       "profile '%s': api_key_file '%s' may be read by group or others; chmod 600 it",
			       p->name, p->api_key_file);
	}
	if (!fgets(line, sizeof(line), fp))
		line[0] = '\0';
	fclose(fp);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (!n) {
		explicit_bzero(line, sizeof(line));
		return err_set(info, ERR_CONFIG, "profile '%s': api_key_file '%s' is empty",
			       p->name, p->api_key_file);
	}
	*out = strdup(line);
	explicit_bzero(line, sizeof(line));
	return *out ? ERR_OK : err_set(info, ERR_NOMEM, "out of memory");
}

enum err config_secrets(const struct profile *p, struct secrets *s,
			struct errinfo *info)
{
	enum err e = ERR_OK;

	memset(s, 0, sizeof(*s));
	if (p->api_key_id_env && p->api_secret_env) {
		e = from_env(p, "api_key_id_env", p->api_key_id_env, &s->key_id, info);
		if (!e)
			e = from_env(p, "api_secret_env", p->api_secret_env, &s->secret, info);
	} else if (p->api_key_env) {
		e = from_env(p, "api_key_env", p->api_key_env, &s->key, info);
	} else if (p->api_key_file) {
		e = from_file(p, &s->key, info);
	} else {
		e = err_set(info, ERR_CONFIG, "profile '%s' names no key", p->name);
	}
	if (e)
		config_secrets_free(s);
	return e;
}

static void wipe(char **s)
{
	if (!*s)
		return;
	explicit_bzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

void config_secrets_free(struct secrets *s)
{
	wipe(&s->key);
	wipe(&s->key_id);
	wipe(&s->secret);
}
