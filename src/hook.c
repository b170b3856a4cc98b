/* hook: messages for the tool (see hook.h). */
#include "hook.h"

#include <stdarg.h>
#include <stdio.h>

void hook_say(hook_fn *hook, void *ctx, const char *fmt, ...)
{
	char msg[HOOK_MSG_MAX];
	va_list ap;

	if (!hook)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hook(ctx, msg);
}
