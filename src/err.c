/* err: message tables generated from ERR_LIST. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const messages[] = {
#define ERR_MSG_(code, msg) [code] = msg,
	ERR_LIST(ERR_MSG_)
#undef ERR_MSG_
};

static const char *const names[] = {
#define ERR_NAME_(code, msg) [code] = #code,
	ERR_LIST(ERR_NAME_)
#undef ERR_NAME_
};

const char *err_str(enum err code)
{
	if ((unsigned)code >= ERR__COUNT || !messages[code])
		return "unknown error";
	return messages[code];
}

const char *err_name(enum err code)
{
	if ((unsigned)code >= ERR__COUNT || !names[code])
		return "ERR_UNKNOWN";
	return names[code];
}

enum err err_set(struct errinfo *info, enum err code, const char *fmt, ...)
{
	va_list ap;

	if (!info)
		return code;
	info->code = code;
	va_start(ap, fmt);
	vsnprintf(info->msg, sizeof(info->msg), fmt, ap);
	va_end(ap);
	return code;
}
