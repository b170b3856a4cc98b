/* row: helpers shared by every reader's rows. */
#include "row.h"

#include <stdlib.h>
#include <string.h>

int row_is_blank(const struct row *r)
{
	size_t i;

	for (i = 0; i < r->ncells; i++)
		if (r->lens[i] != 0)
			return 0;
	return 1;
}

void rowbuf_init(struct rowbuf *rb, size_t max_cells, size_t max_bytes)
{
	memset(rb, 0, sizeof(*rb));
	buf_init(&rb->cells, max_bytes);
	rb->max_cells = max_cells;
}

void rowbuf_free(struct rowbuf *rb)
{
	buf_free(&rb->cells);
	free(rb->offs);
	free(rb->lens);
	free(rb->ptrs);
	memset(rb, 0, sizeof(*rb));
}

void rowbuf_reset(struct rowbuf *rb)
{
	buf_reset(&rb->cells);
	rb->ncells = 0;
}

static enum err grow(struct rowbuf *rb)
{
	size_t ncap = rb->cap ? rb->cap * 2 : 64;
	size_t *offs, *lens;
	char **ptrs;

	if (ncap > rb->max_cells)
		ncap = rb->max_cells;
	offs = realloc(rb->offs, ncap * sizeof(*offs));
	if (!offs)
		return ERR_NOMEM;
	rb->offs = offs;
	lens = realloc(rb->lens, ncap * sizeof(*lens));
	if (!lens)
		return ERR_NOMEM;
	rb->lens = lens;
	ptrs = realloc(rb->ptrs, ncap * sizeof(*ptrs));
	if (!ptrs)
		return ERR_NOMEM;
	rb->ptrs = ptrs;
	rb->cap = ncap;
	return ERR_OK;
}

enum err rowbuf_reserve(struct rowbuf *rb)
{
	if (rb->ncells >= rb->max_cells)
		return ERR_LIMIT;
	return rb->ncells == rb->cap ? grow(rb) : ERR_OK;
}

void rowbuf_commit(struct rowbuf *rb, size_t off)
{
	rb->offs[rb->ncells] = off;
	rb->lens[rb->ncells] = rb->cells.len - 1 - off;	/* the NUL aside */
	rb->ncells++;
}

enum err rowbuf_add(struct rowbuf *rb, const char *s, size_t n)
{
	size_t off = rb->cells.len;
	enum err e = rowbuf_reserve(rb);

	if (!e)
		e = buf_add(&rb->cells, s, n);
	if (!e)
		e = buf_addc(&rb->cells, '\0');
	if (e) {
		rb->cells.len = off;	/* no half cell left behind */
		if (rb->cells.data)
			rb->cells.data[off] = '\0';
		return e;
	}
	rowbuf_commit(rb, off);
	return ERR_OK;
}

void rowbuf_row(struct rowbuf *rb, struct row *row)
{
	size_t i;

	for (i = 0; i < rb->ncells; i++)
		rb->ptrs[i] = rb->cells.data + rb->offs[i];
	row->ncells = rb->ncells;
	row->cells = rb->ptrs;
	row->lens = rb->lens;
}
