/*
 * filekind: what kind of contact file a path holds, by content first (zip
 * and OLE signatures, a JSON object at the start) and by name only where
 * content cannot tell (".json" files).
 */
#ifndef CONTACTSYNC_FILEKIND_H
#define CONTACTSYNC_FILEKIND_H

#include "err.h"

enum filekind {
	FILEKIND_CSV,
	FILEKIND_JSON,		/* JSON lines */
	FILEKIND_XLSX,		/* Office Open XML workbook */
	FILEKIND_ODS,		/* OpenDocument spreadsheet */
	FILEKIND_XLS,		/* legacy BIFF workbook in an OLE container */
};

/*
 * Detects the kind of `path` (`name` for messages). ERR_IO when it cannot
 * be read; ERR_FORMAT for a password-protected (encrypted) Office file or a
 * zip that is neither XLSX nor ODS.
 */
enum err filekind_detect(const char *path, const char *name,
			 enum filekind *kind, struct errinfo *info);

const char *filekind_name(enum filekind kind);

#endif
