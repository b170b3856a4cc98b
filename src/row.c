/* row: helpers shared by every reader's rows. */
#include "row.h"

int row_is_blank(const struct row *r)
{
	size_t i;

	for (i = 0; i < r->ncells; i++)
		if (r->lens[i] != 0)
			return 0;
	return 1;
}
