/* ratestate: a profile's rate limiter carried from one run to the next. */
#include "ratestate.h"

#include "hook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http.h"


static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t state_key(const struct provider_session *s, char *key, size_t cap)
{
	int n = snprintf(key, cap, STORE_RATELIMIT_PREFIX "%s", s->profile->name);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

void ratestate_resume(struct store *st, struct provider_session *s)
{
	struct store_read *rd;
	char key[300], val[64];
	const void *v;
	size_t vl, kl = state_key(s, key, sizeof(key));
	double tokens;
	long long at;

	if (store_read_begin(st, &rd, NULL))
		return;
	if (!store_table_get(rd, STORE_STATE, key, kl, &v, &vl, NULL) && vl < sizeof(val)) {
		memcpy(val, v, vl);
		val[vl] = '\0';
		if (sscanf(val, "%lf %lld", &tokens, &at) == 2)
			http_rate_resume(s->http, tokens, wall_ms() - at);
	}
	store_read_end(rd);
}

void ratestate_save(struct store *st, struct provider_session *s,
		    hook_fn *warn, void *ctx)
{
	struct errinfo info = { ERR_OK, "" };
	struct store_tx *tx;
	char key[300], val[64];
	size_t kl = state_key(s, key, sizeof(key));
	int vl;
	enum err e;

	if (!s->http || !http_is_rate_limited(s->http))
		return;
	vl = snprintf(val, sizeof(val), "%.3f %lld", http_rate_tokens(s->http), wall_ms());
	e = store_tx_begin(st, &tx, &info);
	if (!e) {
		e = store_tx_put(tx, STORE_STATE, key, kl, val, (size_t)vl, &info);
		if (!e)
			e = store_tx_commit(tx, &info);
		else
			store_tx_abort(tx);
	}
	if (e)
		hook_say(warn, ctx, "profile '%s': the rate limiter's state was not kept: %s",
			 s->profile->name, info.msg);
}
