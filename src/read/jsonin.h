/*
 * jsonin: reader of JSON lines (one object per line), the format that
 * `contactsync export --format json` writes, so that such an export can be
 * imported again. A member of the reader family, used only through it
 * (reader.h: reader_jsonl, a reader of self-describing records).
 *
 * Lines are read with a hard cap (JSONIN_MAX_LINE); blank lines are
 * skipped, a UTF-8 BOM on the first line is dropped. Each line is handed
 * out as it is, as the one cell of a row whose rowno and line are the
 * line's number: what it holds is for ingest's JSON mapping to say (a line
 * that is not a JSON object rejects that one row, the import goes on).
 */
#ifndef CONTACTSYNC_JSONIN_H
#define CONTACTSYNC_JSONIN_H

#define JSONIN_MAX_LINE ((size_t)16 << 20)

#endif
