/*
 * change: one field that a planned update changes (struct plan_change).
 * The planner (plan.h) makes them, the journal keeps them, and a write
 * (provider.h's write_op) carries them to the driver: a header of its own
 * so that the providers read them without depending on the planner.
 */
#ifndef CONTACTSYNC_CHANGE_H
#define CONTACTSYNC_CHANGE_H

#include "contact.h"

struct plan_change {
	char field[80];		/* "first_name", "tags", "custom:Email" … */
	struct str before;	/* remote value ("" when none) */
	struct str after;	/* desired value */
};

#endif
