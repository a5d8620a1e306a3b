/*
 * A map of strings to numbers found by hash, for the walks at the end of
 * each index run that ask of every row whether its key came before (a
 * vendor's bank details, its bills' references). A list searched from
 * the start made them quadratic in a vendor's mail: a domain sending a
 * new IBAN or reference in each of 20,000 mails cost seconds a run.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static size_t
str_hash(const char *key)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return (size_t)h;
}

/* The slot of key: its own, or the empty one it would take. */
static size_t
slot_of(const struct vt_strmap *m, const char *key)
{
	size_t mask = m->cap - 1, i = str_hash(key) & mask;

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

static bool
grow(struct vt_strmap *m)
{
	struct vt_strmap bigger = { .cap = m->cap ? m->cap * 2 : 16 };

	bigger.keys = calloc(bigger.cap, sizeof *bigger.keys);
	bigger.values = malloc(bigger.cap * sizeof *bigger.values);
	if (bigger.keys == NULL || bigger.values == NULL) {
		free(bigger.keys);
		free(bigger.values);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL) {
			size_t at = slot_of(&bigger, m->keys[i]);

			bigger.keys[at] = m->keys[i];
			bigger.values[at] = m->values[i];
		}
	bigger.n = m->n;
	free(m->keys);
	free(m->values);
	*m = bigger;
	return true;
}

size_t *
vt_strmap_get(const struct vt_strmap *m, const char *key)
{
	size_t at;

	if (m->n == 0)
		return NULL;
	at = slot_of(m, key);
	return m->keys[at] != NULL ? &m->values[at] : NULL;
}

size_t *
vt_strmap_add(struct vt_strmap *m, const char *key, size_t value, bool *added)
{
	size_t at;

	*added = false;
	if ((m->n + 1) * 2 > m->cap && !grow(m))
		return NULL;
	at = slot_of(m, key);
	if (m->keys[at] == NULL) {
		m->keys[at] = key;
		m->values[at] = value;
		m->n++;
		*added = true;
	}
	return &m->values[at];
}

void
vt_strmap_clear(struct vt_strmap *m)
{
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof *m);
}
