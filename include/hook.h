/*
 * hook: how the library tells the tool something meant for a person (a
 * warning, a note), since no library module writes to the terminal. The
 * tool passes a function and its context in a module's options (push_opts,
 * pull_opts, ingest_opts, report_opts …); a module formats its message
 * with hook_say, and a NULL hook means nobody is listening.
 */
#ifndef CONTACTSYNC_HOOK_H
#define CONTACTSYNC_HOOK_H

/* The message is borrowed for the call. */
typedef void hook_fn(void *ctx, const char *msg);

/* The longest message a hook is given (longer ones are cut), as the log
 * prints at most. */
#define HOOK_MSG_MAX 2048

/* Formats the message and hands it to hook (nothing when hook is NULL). */
void hook_say(hook_fn *hook, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
