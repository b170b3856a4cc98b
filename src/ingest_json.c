/*
 * ingest_json: the mapping of a JSON line (the object export writes) onto
 * a record's fields. Run by the import workers: thread-safe like
 * ingest_norm.c (see ingest_norm.h).
 */
#include "ingest_norm.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* A JSON scalar as text: strings as they are, numbers and booleans
 * printed, null empty. Arrays and objects are not scalars (-1). */
static int json_text(json_t *v, char *tmp, size_t cap, const char **s, size_t *len)
{
	*s = "";
	*len = 0;
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*len = json_string_length(v);
	} else if (json_is_integer(v)) {
		*len = (size_t)snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*s = tmp;
	} else if (json_is_real(v)) {
		*len = (size_t)snprintf(tmp, cap, "%.17g", json_real_value(v));
		*s = tmp;
	} else if (json_is_boolean(v)) {
		*s = json_is_true(v) ? "true" : "false";
		*len = strlen(*s);
	} else if (!json_is_null(v)) {
		return -1;
	}
	return 0;
}

static enum err json_tags(struct ingest_norm *n, json_t *v)
{
	struct buf joined;
	size_t i;
	json_t *t;
	enum err e = ERR_OK;

	if (!json_is_array(v)) {
		const char *s;
		size_t len;
		char tmp[64];

		if (json_text(v, tmp, sizeof(tmp), &s, &len))
			return ERR_FORMAT;
		return ingest_norm_put(n, s, len, FIELD_TAGS);
	}
	buf_init(&joined, 0);
	json_array_foreach(v, i, t) {
		if (!json_is_string(t)) {
			e = ERR_FORMAT;
			break;
		}
		if ((i && buf_addc(&joined, ';')) ||
		    buf_add(&joined, json_string_value(t), json_string_length(t))) {
			e = ERR_NOMEM;
			break;
		}
	}
	if (!e)
		e = ingest_norm_put(n, buf_str(&joined), joined.len, FIELD_TAGS);
	buf_free(&joined);
	return e;
}

static enum err json_custom(struct ingest_norm *n, json_t *obj)
{
	const char *k, *s;
	json_t *v;
	size_t len;
	char tmp[64];
	enum err e;

	if (!json_is_object(obj))
		return json_is_null(obj) ? ERR_OK : ERR_FORMAT;
	json_object_foreach(obj, k, v) {
		if (json_text(v, tmp, sizeof(tmp), &s, &len))
			return ERR_FORMAT;
		e = ingest_norm_put_custom(n, k, strlen(k), s, len);
		if (e)
			return e;
	}
	return ERR_OK;
}

/* A JSON object → fields. ERR_FORMAT when a value has the wrong type.
 * Keys that are not contact fields become custom. */
static enum err fields_from_json(struct ingest_norm *n, json_t *obj)
{
	const char *k, *s;
	json_t *v;
	size_t len;
	char tmp[64];
	enum err e = ERR_OK;

	ingest_norm_reset(n);
	json_object_foreach(obj, k, v) {
		enum field fld = colmap_field_lookup(k);

		if (!strcmp(k, "custom"))
			e = json_custom(n, v);
		else if (fld == FIELD_TAGS)
			e = json_tags(n, v);
		else if (json_text(v, tmp, sizeof(tmp), &s, &len))
			e = ERR_FORMAT;
		else if (fld == FIELD_CUSTOM)
			e = ingest_norm_put_custom(n, k, strlen(k), s, len);
		else
			e = ingest_norm_put(n, s, len, fld);
		if (e)
			break;
	}
	return e;
}

enum err ingest_json_fields(struct ingest_norm *n, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	enum err e;

	if (!obj || !json_is_object(obj)) {
		json_decref(obj);
		return ERR_FORMAT;
	}
	e = fields_from_json(n, obj);
	json_decref(obj);
	return e;
}
