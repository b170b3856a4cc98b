/*
 * ingest: contact files → desired set (see ingest.h), the calling thread's
 * part: each file's reader (reader.h), the row loop, the counts, progress
 * and warnings. The rest: ingest_int.h.
 */
#include "ingest_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook.h"
#include "pipeline.h"

#define DEFAULT_SORT_MEM ((size_t)32 << 20)

static const char *const reject_codes[] = {
#define REJ_CODE_(c, code, words) [c] = code,
	REJECT_LIST(REJ_CODE_)
#undef REJ_CODE_
};

static const char *const reject_words[] = {
#define REJ_WORDS_(c, code, words) [c] = words,
	REJECT_LIST(REJ_WORDS_)
#undef REJ_WORDS_
};

const char *ingest_reject_code(enum reject r)
{
	return (unsigned)r < REJ__COUNT ? reject_codes[r] : "unknown";
}

const char *ingest_reject_words(enum reject r)
{
	return (unsigned)r < REJ__COUNT ? reject_words[r] : "unknown reason";
}

enum reject ingest_reject_from_code(const char *code)
{
	int r;

	for (r = 0; r < REJ__COUNT; r++)
		if (!strcmp(reject_codes[r], code))
			break;
	return (enum reject)r;
}

uint64_t ingest_read_pos(const struct ingest *in)
{
	if (!in->cur.reader || !in->cur.reader->offset)
		return 0;
	return in->cur.reader->offset(in->cur.priv);
}

void ingest_tick_at(struct ingest *in, uint64_t bytes)
{
	struct ingest_progress p;

	if (!in->o->progress || in->s->rows_read % INGEST_PROGRESS_ROWS)
		return;
	p.file = in->cur.name;
	p.file_no = in->cur.no;
	p.nfiles = in->cur.n;
	p.rows = in->s->rows_read;
	p.size = in->cur.size;
	p.bytes = bytes;
	in->o->progress(in->o->warn_ctx, &p);
}

static void tick(struct ingest *in)
{
	if (in->o->progress && !(in->s->rows_read % INGEST_PROGRESS_ROWS))
		ingest_tick_at(in, ingest_read_pos(in));
}

static void debug(struct ingest *in, const char *fname, const char *what)
{
	if (in->o->debug)
		in->o->debug(in->o->warn_ctx, fname, what);
}

enum err ingest_apply(struct ingest *in, const char *fname, const struct row *row,
		      const char *items, size_t len)
{
	const char *p = items, *end = items + len;
	struct norm_item it;
	int nrec = 0;
	enum err e = ERR_OK;

	while (!e && ingest_norm_next(&p, end, &it)) {
		switch (it.type) {
		case NORM_RECORD:
			if (nrec++)
				in->s->extra++;
			e = sorter_add(in->sorter, it.key.ptr, it.key.len, ++in->seq, it.data.ptr,
				       it.data.len, in->info);
			break;
		case NORM_REJECT:
			e = ingest_reject(in, fname, row, &it);
			break;
		case NORM_NOTE:
			e = ingest_note(in, fname, row, &it);
			break;
		}
	}
	return e;
}

/* The single-threaded path: one row, from the reader to the sorter. */
static enum err process_row(struct ingest *in, const struct colmap *m,
			    const struct row *row, uint32_t file_idx, const char *fname)
{
	struct ingest_norm *n = &in->norm;
	enum err e;

	in->s->rows_read++;
	tick(in);
	if (m)
		e = ingest_norm_row(n, m, row, file_idx, fname, in->info);
	else
		e = ingest_norm_record(n, row, file_idx, fname, in->info);
	if (e)
		return e;
	return ingest_apply(in, fname, row, n->out.data, n->out.len);
}

/* Self-describing records (JSON lines): every row is one, no header. */
static enum err ingest_records(struct ingest *in, uint32_t idx, const char *fname)
{
	const struct reader *rd = in->cur.reader;
	struct par *par = NULL;
	struct row row;
	enum err e;

	e = ingest_set_header(in, NULL);
	if (!e && in->jobs > 1)
		e = ingest_par_new(in, &par, NULL, idx, fname);
	while (!e && !(e = rd->next(in->cur.priv, &row, in->info))) {
		if (par)
			e = ingest_par_add(par, &row, 0);
		else
			e = process_row(in, NULL, &row, idx, fname);
	}
	if (par)
		e = ingest_par_end(par, e);
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* The header row --header-row gives this file (FILE=N first, then N); 0:
 * searched for. */
static unsigned long header_row_for(const struct ingest *in, const char *fname)
{
	size_t i;

	for (i = 0; i < in->o->nheader_rows; i++)
		if (!strcmp(in->o->header_rows[i].file, fname))
			return in->o->header_rows[i].row;
	return in->o->header_row;
}

static const char *const reject_columns[] = { "_reason", "_column", "_value", "_source", "_row" };
#define NREJCOLS (sizeof(reject_columns) / sizeof(reject_columns[0]))

/* A rejects file imported again after a fix: the columns the import added
 * (ingest_reject) are not the contacts' and are not pushed. */
static void ignore_reject_columns(struct colmap *m, const struct row *h)
{
	size_t i, base;

	if (h->ncells < NREJCOLS || m->ncols != h->ncells)
		return;
	base = h->ncells - NREJCOLS;
	for (i = 0; i < NREJCOLS; i++)
		if (h->lens[base + i] != strlen(reject_columns[i]) ||
		    memcmp(h->cells[base + i], reject_columns[i], h->lens[base + i]))
			return;
	for (i = base; i < h->ncells; i++)
		if (m->field[i] == FIELD_CUSTOM) {
			m->field[i] = FIELD_IGNORED;
			free(m->key[i]);
			m->key[i] = NULL;
		}
}

/* Columns the reader made up and asks to be opt-in (reader.opt_in: a
 * vCard's E-mail and Note) are not pushed unless --columns names them. */
static void ignore_opt_in_columns(const struct ingest *in, struct colmap *m)
{
	size_t i;

	if (!in->cur.reader->opt_in || in->o->ncolumns)
		return;
	for (i = 0; i < m->ncols; i++)
		if (m->field[i] == FIELD_CUSTOM && in->cur.reader->opt_in(in->cur.priv, i)) {
			m->field[i] = FIELD_IGNORED;
			m->note[i] = NOTE_NOT_IN_COLUMNS;
			free(m->key[i]);
			m->key[i] = NULL;
		}
}

/* The column map of a header row; ERR_CONFIG when it has no phone column. */
static enum err build_map(struct ingest *in, struct colmap *map, const struct row *row,
			  const char *fname)
{
	struct colmap_opts co = { in->o->maps, in->o->nmaps, in->o->columns, in->o->ncolumns,
				  in->o->ignore, in->o->nignore };
	enum err e = colmap_build(map, row, &co, fname, in->info);

	if (!e) {
		ignore_reject_columns(map, row);
		ignore_opt_in_columns(in, map);
	}
	return e;
}

/* The header found: said, kept for the rejects, written to mapping.csv. */
static enum err use_header(struct ingest *in, const struct colmap *map, const struct row *row,
			   uint32_t idx, const char *fname)
{
	enum err e;
	size_t i;

	for (i = 0; i < map->nwarnings; i++)
		hook_say(in->o->warn, in->o->warn_ctx, "%s", map->warnings[i]);
	if (in->o->mapped)
		in->o->mapped(in->o->warn_ctx, fname, row, map);
	e = ingest_set_header(in, row);
	if (!e)
		e = ingest_note_columns(in, idx, map);
	if (!e)
		e = ingest_write_mapping(in, fname, row, map);
	return e;
}

/* The row kept back by whoever looked at it first, else the reader's next. */
static enum err next_row(struct ingest *in, const struct row **pending, struct row *row)
{
	if (*pending) {
		*row = **pending;
		*pending = NULL;
		return ERR_OK;
	}
	return in->cur.reader->next(in->cur.priv, row, in->info);
}

/*
 * The header is row --header-row gives, or else the first non-blank row
 * among the first INGEST_HEADER_SEARCH that has a phone column (a title, a
 * note or merged cells may sit above it). When none has, the first row's
 * error is the one reported.
 */
enum err ingest_rows(struct ingest *in, uint32_t idx, const char *fname,
		     const struct row *pending, int *found)
{
	unsigned long want = header_row_for(in, in->cur.name), searched = 0, above = 0;
	struct errinfo first = { ERR_OK, "" };
	struct colmap map;
	struct row row;
	struct par *par = NULL;
	int have_map = 0;
	enum err e;

	memset(&map, 0, sizeof(map));
	while (!(e = next_row(in, &pending, &row))) {
		if (!have_map && want && row.rowno < want) {
			in->s->above_header++;
			continue;
		}
		if (have_map && in->jobs > 1) {
			if (!par && (e = ingest_par_new(in, &par, &map, idx, fname)))
				break;
			e = ingest_par_add(par, &row, row_is_blank(&row));
			if (e)
				break;
			continue;
		}
		if (row_is_blank(&row)) {
			if (have_map)
				in->s->blank++;
			else if (want && row.rowno == want)
				break;	/* reported below */
			continue;
		}
		if (have_map) {
			e = process_row(in, &map, &row, idx, fname);
			if (e)
				break;
			continue;
		}
		if (want && row.rowno != want) {
			e = err_set(in->info, ERR_USAGE, "'%s' row %lu is empty: no header there",
				    fname, want);
			break;
		}
		e = build_map(in, &map, &row, fname);
		if (!want && (e == ERR_CONFIG || e == ERR_USAGE) &&
		    ++searched < INGEST_HEADER_SEARCH) {
			if (searched == 1)
				first = *in->info;
			above++;
			e = ERR_OK;
			continue;	/* a title above the header? */
		}
		if (e && searched > 1)
			*in->info = first;
		if (e)
			break;
		have_map = 1;
		in->s->above_header += above;
		e = use_header(in, &map, &row, idx, fname);
		if (e)
			break;
	}
	if (par)
		e = ingest_par_end(par, e);	/* before the map goes: the workers read it */
	if (e == ERR_NOT_FOUND && !have_map && searched) {
		e = first.code ? first.code : ERR_CONFIG;
		*in->info = first;
	} else if (e == ERR_NOT_FOUND || (!e && !have_map && want)) {
		e = ERR_OK;
		if (!have_map && want)
			e = err_set(in->info, ERR_USAGE, "'%s' row %lu is empty: no header there",
				    fname, want);
		else if (!have_map)
			hook_say(in->o->warn, in->o->warn_ctx, "'%s' is empty: no header row", fname);
	}
	if (have_map)
		colmap_free(&map);
	if (found)
		*found = have_map;
	return e;
}

enum err ingest_open(struct ingest *in, const struct reader *rd, const char *path,
		     const char *fname, const char *sheet)
{
	struct sheet_opts so = in->o->sheet;
	struct reader_opts ro = { in->o->delimiter, in->o->encoding, 0, 0, &so };
	enum err e;

	so.sheet = sheet;
	so.tmp_dir = store_dir(in->st);
	e = rd->open(&in->cur.priv, path, fname, &ro, in->info);
	if (e)
		return e;
	in->cur.reader = rd;
	if (rd->sheet)
		debug(in, fname, rd->sheet(in->cur.priv));
	return ERR_OK;
}

void ingest_close(struct ingest *in, const char *fname, enum err e)
{
	const struct reader *rd = in->cur.reader;
	char note[1024];

	if (!e && rd->note && rd->note(in->cur.priv, fname, note, sizeof(note)))
		hook_say(in->o->warn, in->o->warn_ctx, "%s", note);
	rd->close(in->cur.priv);
	in->cur.reader = NULL;
	in->cur.priv = NULL;
}

/* One file with its reader: the rows (or records, or sheets), then what
 * the reader has to say about the file. */
static enum err ingest_file(struct ingest *in, const struct reader *rd, const char *path,
			    uint32_t idx, const char *fname)
{
	enum err e;

	if (rd->sheet)
		return ingest_sheets(in, rd, path, idx, fname);
	e = ingest_open(in, rd, path, fname, NULL);
	if (e)
		return e;
	e = rd->records ? ingest_records(in, idx, fname) : ingest_rows(in, idx, fname, NULL, NULL);
	ingest_close(in, fname, e);
	return e;
}

/*
 * Standard input, pipes and other files that can be read only once are
 * copied to a temporary file in the store directory first (removed when
 * the file is done): their kind can then be detected like any file's, and
 * zip-based workbooks need to seek anyway.
 */
static enum err spool(struct ingest *in, FILE *src, const char *fname, char **path)
{
	char buf[65536];
	size_t n;
	int fd;
	FILE *out;

	if (asprintf(path, "%s/.stdin-XXXXXX", store_dir(in->st)) < 0)
		return err_set(in->info, ERR_NOMEM, "out of memory");
	fd = mkstemp(*path);
	if (fd < 0 || !(out = fdopen(fd, "wb"))) {
		if (fd >= 0)
			close(fd);
		return err_set(in->info, ERR_IO, "cannot create a temporary file in '%s': %s",
			       store_dir(in->st), strerror(errno));
	}
	while ((n = fread(buf, 1, sizeof(buf), src)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(src)) {
		fclose(out);
		return err_set(in->info, ERR_IO, "cannot read '%s': %s", fname, strerror(errno));
	}
	if (fclose(out) || n)
		return err_set(in->info, ERR_STORE_FULL, "cannot write a temporary file in '%s': %s",
			       store_dir(in->st), strerror(errno));
	return ERR_OK;
}

static int is_regular(const char *path)
{
	struct stat sb;

	/* A missing file counts as regular: opening it reports the error. */
	return stat(path, &sb) < 0 || S_ISREG(sb.st_mode);
}

static enum err ingest_one(struct ingest *in, const char *path)
{
	const char *fname = strcmp(path, "-") ? path : "stdin";
	uint32_t idx = (uint32_t)in->nnames;
	const struct reader *rd;
	char *spooled = NULL;
	enum err e;

	e = ingest_add_name(in, fname);
	if (e)
		return err_set(in->info, e, "out of memory");
	if (!strcmp(path, "-")) {
		e = spool(in, stdin, fname, &spooled);
		path = spooled;
	} else if (!is_regular(path)) {
		FILE *src = fopen(path, "rb");

		if (!src)
			return err_set(in->info, ERR_IO, "cannot open '%s': %s", fname,
				       strerror(errno));
		e = spool(in, src, fname, &spooled);
		fclose(src);
		path = spooled;
	}
	if (!e)
		e = reader_detect(path, fname, &rd, in->info);
	if (!e) {
		struct stat sb;

		in->cur.name = fname;
		/* what is read of a file that tells its offset says how far it got */
		in->cur.size = rd->offset && !stat(path, &sb) ? (uint64_t)sb.st_size : 0;
		debug(in, fname, rd->name);
		e = ingest_file(in, rd, path, idx, fname);
	}
	if (spooled) {
		unlink(spooled);
		free(spooled);
	}
	return e;
}

enum err ingest_files(struct store *st, const char *const *files,
		      size_t nfiles, const struct ingest_opts *opts,
		      struct ingest_stats *stats, struct errinfo *info)
{
	struct ingest in;
	struct store_gen *gen = NULL;
	size_t i;
	enum err e;

	memset(&in, 0, sizeof(in));
	memset(stats, 0, sizeof(*stats));
	in.cur.rej = -1;
	buf_init(&in.cur.header.bytes, 0);
	in.st = st;
	in.o = opts;
	in.s = stats;
	in.info = info;
	in.jobs = opts->jobs ? opts->jobs : pipeline_cpus();
	ingest_norm_init(&in.norm, opts);
	buf_init(&in.rec, 0);
	e = sorter_new(&in.sorter, opts->sort_mem ? opts->sort_mem : DEFAULT_SORT_MEM,
		       store_dir(st), info);
	if (!e)
		e = ingest_count_previous(&in);
	if (!e)
		e = ingest_open_side_files(&in);
	if (!e && opts->append)
		e = ingest_load_current(&in);
	in.cur.n = nfiles;
	for (i = 0; !e && i < nfiles; i++) {
		in.cur.no = i + 1;
		e = ingest_one(&in, files[i]);
		stats->files++;
	}
	if (!e)
		e = ingest_merge_into(&in, &gen);
	stats->sort_runs = sorter_runs(in.sorter);
	if (!e)
		e = ingest_publish(&in, &gen);
	if (gen)
		store_gen_abort(gen);
	ingest_cleanup(&in);
	return e;
}
