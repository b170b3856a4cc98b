/*
 * emu: the provider emulator's shared declarations.
 *
 * One process emulates one dialect (altum, atom or sendblue) on one port.
 * The daemon runs a thread per connection (so a stalled or slow request
 * never blocks the others); every access to the contact store goes through
 * `emu->lock`. Requests are handled in a fixed order, the same for every
 * dialect: route -> latency -> fault -> auth -> rate limit -> handler, so a
 * faulted request never touches the store and never consumes the rate limit.
 *
 * Ownership: a struct req lives from the first call of the access handler to
 * MHD's completion notice; everything it points to is owned by it. A struct
 * reply owns its body; main.c turns it into an MHD response.
 */
#ifndef CONTACTSYNC_EMU_H
#define CONTACTSYNC_EMU_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "buf.h"

enum dialect { D_ALTUM, D_ATOM, D_SENDBLUE };

/* ---- JSON output: a buf whose first error sticks (curl's dynbuf way) --- */

struct out {
	struct buf b;
	enum err e;
};

void out_init(struct out *o, size_t max);
void out_free(struct out *o);
void out_raw(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A JSON string, or null when s is NULL. */
void out_str(struct out *o, const char *s);
/* `"key":` preceded by a comma unless *first (which is then cleared). */
void out_key(struct out *o, bool *first, const char *key);

/* ---- contacts ---------------------------------------------------------- */

/* String fields. Altum's `name` lives in F_FIRST. */
enum field { F_FIRST, F_LAST, F_COMPANY, F_EMAIL, F_SBNUM,
	     F_C1, F_C2, F_C3, F_C4, F__COUNT };

struct kv {
	char *key;
	char *val;
};

struct contact {
	uint64_t id;
	int64_t created;	/* unix seconds: equal for same-second creates */
	uint64_t book;		/* atom address book; 0 elsewhere */
	char *phone;		/* the store's key, E.164 for altum/sendblue */
	char *f[F__COUNT];	/* NULL when unset */
	struct kv *vars;	/* altum custom_parameters, sendblue custom_variables */
	size_t nvars;
	char **tags;
	size_t ntags;
	bool opted_out;
	bool verified;
	bool dead;		/* deleted, freed by mstore_tidy */
};

struct book {
	uint64_t id;
	char *name;
};

/*
 * The store: a hash map by phone and one by id (open addressing), plus two
 * ordered vectors for listings (by id, by created_at then id). Deletions
 * only mark contacts dead and drop them from the maps; mstore_tidy removes
 * them from the vectors (and re-sorts after loads that broke the order)
 * before any listing, so a page of 1,000 out of 1,000,000 costs O(1,000).
 */
struct hmap {
	struct contact **slot;
	size_t cap;	/* power of two */
	size_t n;
	bool by_id;
};

struct ovec {
	struct contact **v;
	size_t n, cap;
	bool sorted;
	int (*cmp)(const void *, const void *);
};

struct store {
	struct hmap by_phone, by_idmap;
	struct ovec by_id, by_created;
	size_t ndead;
	uint64_t next_id;
	struct book *books;
	size_t nbooks, capbooks;
	uint64_t next_book;
};

void mstore_init(struct store *s);
void mstore_clear(struct store *s);
/* Borrowed: valid while the lock is held and the contact is not deleted. */
struct contact *mstore_by_phone(struct store *s, const char *phone);
struct contact *mstore_by_id(struct store *s, uint64_t id);
/* New contact with the phone (copied) and the next id (or `id` when not 0),
 * created now; NULL on allocation failure. The store owns it. */
struct contact *mstore_add(struct store *s, const char *phone, uint64_t id,
			  int64_t created);
void mstore_del(struct store *s, struct contact *c);
/* Changes the phone key; false on allocation failure (nothing changed). */
bool mstore_rephone(struct store *s, struct contact *c, const char *phone);
/* Drops dead contacts from the vectors and sorts them. */
void mstore_tidy(struct store *s);
size_t mstore_count(const struct store *s);

/* Sets a string field (copied, NULL clears); false on allocation failure. */
bool mstore_set(char **slot, const char *val);
bool mstore_setvar(struct contact *c, const char *key, const char *val);
void mstore_clearvars(struct contact *c);
bool mstore_settags(struct contact *c, char **tags, size_t n);

struct book *mstore_book(struct store *s, uint64_t id);
struct book *mstore_book_add(struct store *s, uint64_t id, const char *name);
void mstore_book_del(struct store *s, uint64_t id);

/* ---- helpers ----------------------------------------------------------- */

/* splitmix64: the one source of determinism for faults and quirks. */
uint64_t emu_mix64(uint64_t x);
/* "YYYY-MM-DD HH:MM:SS" (altum) or "YYYY-MM-DDTHH:MM:SS.000Z". */
void emu_fmt_time(char out[32], int64_t t, bool iso);
/* ISO 8601 / "YYYY-MM-DD HH:MM:SS" to unix seconds (fractions round up,
 * so `created >= t` keeps its meaning); false when malformed. */
bool emu_parse_time(const char *s, int64_t *t);
/* Strict unsigned decimal; false when empty, signed, junk or overflow. */
bool emu_parse_u64(const char *s, uint64_t *v);
/* Copies at most `max` UTF-8 characters of s (new, caller frees). */
char *emu_utf8_cut(const char *s, size_t max);
/* Interruptible sleep: returns early (false) when the daemon shuts down. */
bool emu_sleep(unsigned ms);
int64_t emu_now_ms(void);

/* ---- requests and replies ---------------------------------------------- */

struct formfield {
	char *key;
	struct buf val;
};

struct reply {
	unsigned status;
	struct out body;
	const char *ctype;	/* static string */
	bool empty;		/* no body at all (altum DELETE) */
	struct {
		char name[32];
		char value[64];
	} hdr[8];
	unsigned nhdr;
};

void reply_header(struct reply *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct emu;

struct req {
	struct emu *emu;
	struct MHD_Connection *conn;
	const char *method;
	char *path;		/* copy of the URL path, '/'-trimmed at the end */
	const char *pattern;	/* route pattern for stats */
	bool write;		/* changes the store when it succeeds */
	bool admin;
	bool counted_inflight;
	struct buf body;
	bool too_big;
	struct MHD_PostProcessor *pp;
	char tail[256];		/* a form body's last bytes (form_tail) */
	size_t ntail;
	struct formfield *form;
	size_t nform, capform;
};

const char *req_header(struct req *q, const char *name);
const char *req_query(struct req *q, const char *name);
const char *req_form(struct req *q, const char *key);
/* The JSON body as an object (new reference) or NULL (none or invalid). */
json_t *req_json(struct req *q);

/* ---- dialects ---------------------------------------------------------- */

struct dialect_ops {
	const char *name;
	bool form_bodies;	/* bodies are forms, JSON is not read */
	/* Stats pattern of a route ("GET /api/contacts/{id}"); *write tells
	 * whether it changes the store. Never NULL. */
	const char *(*route)(const char *method, const char *path, bool *write);
	bool (*auth)(struct req *q, struct reply *r);
	/* The dialect's error body (also for 429s and faults). */
	void (*error)(struct reply *r, unsigned status, const char *code,
		      const char *msg);
	/* Called with the lock held. */
	void (*handle)(struct req *q, struct reply *r);
	/* A body to truncate for a faulted write (never applied). */
	const char *fault_body;
};

extern const struct dialect_ops altum_ops, atom_ops, sendblue_ops;

/* ---- rate limiting ----------------------------------------------------- */

struct rate {
	unsigned n;		/* 0: unlimited */
	int64_t window_ms;
};

struct limiter {
	struct rate rate;
	/* altum: fixed window */
	int64_t win_start;
	unsigned win_count;
	/* atom, sendblue: token bucket */
	double tokens;
	int64_t last_ms;
	bool started;
};

bool emu_rate_parse(const char *spec, struct rate *r);
void emu_limiter_reset(struct limiter *l);
/* Fixed window: counts the request; false when over, *reset_s then the
 * seconds until the window ends. *remaining is what is left after this one. */
bool emu_limiter_window(struct limiter *l, int64_t now, unsigned *remaining,
		    unsigned *reset_s);
/* Token bucket (capacity n, refill n per window); false when empty, with
 * *retry_ms until the next token. */
bool emu_limiter_bucket(struct limiter *l, int64_t now, int64_t *retry_ms);

/* ---- hostile modes (hostile.c) ---------------------------------------- */

enum hmode { H_NONE, H_HUGE, H_ENDLESS, H_DRIP, H_BADJSON, H_NULLS, H_STRINGS,
	     H_MISSING, H_REDIRECT, H_MUTATE, H_RATELIMIT, H_CUT, H_LOST, H_SLOW,
	     H_KEYSET, H_REPEAT, H_PAGES, H_LONGPHONE, H_EMPTY, H__COUNT };

struct hrule {
	enum hmode mode;
	char endpoint[96];	/* stats pattern; "" = every API endpoint */
	unsigned count;		/* requests left; 0 = for ever */
	char value[32];		/* ratelimit: the reset ("86400", "epoch+60", "epochms+5") */
};

/* ---- the emulator ------------------------------------------------------ */

struct stat_row {
	char *pattern;
	char code[16];		/* "200", "stall", "truncated", ... */
	unsigned long n;
};

struct emu {
	enum dialect dialect;
	const struct dialect_ops *ops;
	const char *key, *key_id, *secret;
	struct rate rate;
	unsigned latency_ms;
	double fail_rate;
	uint64_t seed;
	bool quirks;
	unsigned max_inflight;	/* sendblue: more concurrent requests get 429 */
	unsigned port;

	pthread_mutex_t lock;	/* store, limiter, counters, stats */
	struct store store;
	struct limiter limiter;
	uint64_t nrequests;	/* API requests seen: drives fault choice */
	uint64_t nupdates;	/* altum updates: drives the 500 quirk */
	unsigned inflight;
	uint64_t creates_existing;	/* creates of a number already there */
	struct stat_row *stats;
	size_t nstats, capstats;

	struct hrule hostile[16];
	size_t nhostile;
	uint64_t hostile_turn;	/* rules matching one request take turns */
	char hostile_value[32];	/* the value of the rule hostile_pick chose */
	uint64_t mutations;
	uint64_t slow_from_id;	/* `slow`: contacts from this id are not listed */
	uint64_t keyset_page;	/* keyset, repeat: the page last made up */
	unsigned redirect_port;	/* the redirect target's listener */
	unsigned long redirect_requests, redirect_credentials;
};

struct sockaddr_in;
/* "huge,drip": rules for every endpoint, for ever; false for a bad name. */
bool hostile_parse(struct emu *e, const char *list);
const char *hostile_name(enum hmode m);
/* The mode for this request (H_NONE mostly); counts the rule down. Lock held. */
enum hmode hostile_pick(struct emu *e, const char *pattern);
/* Whether m answers through hostile_send instead of the handler's reply. */
bool hostile_streams(enum hmode m);
/* After the handler: reshapes the reply or changes the account. Lock held. */
void hostile_after(struct emu *e, struct req *q, struct reply *r, enum hmode m);
/* huge, endless, drip (r's body, dripped) and redirect answers. */
enum MHD_Result hostile_send(struct emu *e, struct req *q, struct reply *r, enum hmode m);
/* GET and POST /_emulator/hostile. Lock held. */
void hostile_admin(struct emu *e, struct req *q, struct reply *r);
/* The redirect target's listener, on bind_to's address and a free port. */
struct MHD_Daemon *hostile_target_start(struct emu *e, const struct sockaddr_in *bind_to);

/* Admin endpoints (/_emulator/...); called with the lock held. */
void admin_handle(struct emu *e, struct req *q, struct reply *r);
void emu_stats_count(struct emu *e, const char *pattern, const char *code);
void emu_stats_reset(struct emu *e);

/* Shared phone rules. */
/* altum: keep digits and '+', prepend '+', require ^\+\d{1,15}$. */
char *emu_phone_altum(const char *in);
/* sendblue: E.164 after dropping spaces, dashes, dots and parentheses. */
char *emu_phone_e164(const char *in);
/* atom: digits with an optional leading '+', 6 to 15 digits. */
char *emu_phone_atom(const char *in);

#endif
