/*
 * listsel: which list (desired set) a command works on, and the locks that
 * keep one writer per list and per profile (store.h says who holds what).
 */
#ifndef CONTACTSYNC_CMD_LISTSEL_H
#define CONTACTSYNC_CMD_LISTSEL_H

#include "err.h"
#include "profile.h"
#include "store.h"

/*
 * The dataset of the list profile p syncs to (its `list`, else its name)
 * into ds. With need, a list that holds nothing yet is ERR_CONFIG with a
 * message saying how to stage it.
 */
enum err listsel_profile(struct store *st, const struct profile *p, int need,
			 char ds[STORE_LIST_DATASET_MAX], struct errinfo *info);

/* The dataset of list name into ds; ERR_USAGE when it is not a list name,
 * ERR_NOT_FOUND (naming the lists there are) when need and it holds
 * nothing. */
enum err listsel_named(struct store *st, const char *name, int need,
		       char ds[STORE_LIST_DATASET_MAX], struct errinfo *info);

#endif
