/*
 * How many files the index held in each directory when vtriage's last
 * run completed, as that run counted them.
 *
 * A message another program took out of the index moves no revision, and
 * notmuch new leaves the directory's mtime unrecorded in the second it
 * runs in: the token (uuid, revision, directory mtimes) cannot see it.
 * The count can: the next run lists every directory changed on disk
 * beside the index's files of it anyway, and an index holding other than
 * the files the last run left there was written by someone else, whatever
 * else changed on disk since (new mail in the same directory, a file the
 * index ignores such as mbsync's state, which is no one's indexing).
 *
 * Kept by the caller between runs as text, a line a directory:
 * "<path hash, 16 hex digits> <files>\n", sorted by hash.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

uint64_t
mail_path_hash(const char *path)
{
	const unsigned char *p = (const unsigned char *)path;
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

static int
by_key(const void *a, const void *b)
{
	uint64_t x = ((const struct mail_dir_count *)a)->key,
		 y = ((const struct mail_dir_count *)b)->key;

	return x < y ? -1 : x > y;
}

static vt_status
push(struct mail_dir_files *m, uint64_t key, long files, struct vt_error *err)
{
	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct mail_dir_count *v = realloc(m->v, cap * sizeof *v);

		if (v == NULL)
			return vt_fail(err, VT_ERR_NOMEM, "out of memory");
		m->v = v;
		m->cap = cap;
	}
	m->v[m->count++] = (struct mail_dir_count){ .key = key, .files = files };
	return VT_OK;
}

void
mail_dir_files_sort(struct mail_dir_files *m)
{
	if (m->count > 1)
		qsort(m->v, m->count, sizeof *m->v, by_key);
}

bool
mail_dir_files_parse(const char *text, struct mail_dir_files *m)
{
	const char *p = text;

	memset(m, 0, sizeof *m);
	if (text == NULL)
		return false;
	/* strtoull, not sscanf: glibc's sscanf measures the whole rest of
	 * the string at every call (a second for 100,000 directories) */
	while (*p != '\0') {
		char *end;
		unsigned long long key;
		unsigned long files;

		/* (strtoull would take a sign or spaces first) */
		if (!isxdigit((unsigned char)p[0]))
			goto malformed;
		errno = 0;
		key = strtoull(p, &end, 16);
		if (end != p + 16 || *end != ' ' || errno != 0)
			goto malformed;
		p = end + 1;
		if (!isdigit((unsigned char)p[0]))
			goto malformed;
		files = strtoul(p, &end, 10);
		if (end == p || *end != '\n' || errno != 0 || files > LONG_MAX ||
		    push(m, key, (long)files, NULL) != VT_OK)
			goto malformed;
		p = end + 1;
	}
	mail_dir_files_sort(m);
	for (size_t i = 1; i < m->count; i++)
		if (m->v[i].key == m->v[i - 1].key)
			goto malformed; /* which one would be right? */
	m->known = true;
	return true;
malformed:
	mail_dir_files_clear(m);
	return false;
}

long
mail_dir_files_get(const struct mail_dir_files *m, const char *path)
{
	struct mail_dir_count probe = { .key = mail_path_hash(path) }, *found;

	if (m->count == 0)
		return -1;
	found = bsearch(&probe, m->v, m->count, sizeof *m->v, by_key);
	return found ? found->files : -1;
}

vt_status
mail_dir_files_set_key(struct mail_dir_files *m, uint64_t key, long files, struct vt_error *err)
{
	return push(m, key, files, err);
}

vt_status
mail_dir_files_set(struct mail_dir_files *m, const char *path, long files, struct vt_error *err)
{
	return mail_dir_files_set_key(m, mail_path_hash(path), files, err);
}

char *
mail_dir_files_text(const struct mail_dir_files *before, struct mail_dir_files *changes)
{
	size_t i = 0, j = 0;
	char *text, *p;

	/* the last change of a directory wins: qsort is not stable, so each
	 * change keeps its place in order */
	for (size_t k = 0; k < changes->count; k++)
		changes->v[k].order = k;
	mail_dir_files_sort(changes);
	text = malloc((before->count + changes->count) * 40 + 1);
	if (text == NULL)
		return NULL;
	p = text;
	while (i < before->count || j < changes->count) {
		const struct mail_dir_count *c;

		if (j < changes->count &&
		    (i == before->count || changes->v[j].key <= before->v[i].key)) {
			size_t last = j;

			for (; j < changes->count && changes->v[j].key == changes->v[last].key; j++)
				if (changes->v[j].order > changes->v[last].order)
					last = j;
			if (i < before->count && before->v[i].key == changes->v[last].key)
				i++;
			c = &changes->v[last];
		} else {
			c = &before->v[i++];
		}
		if (c->files >= 0)
			p += sprintf(p, "%016llx %ld\n", (unsigned long long)c->key, c->files);
	}
	*p = '\0';
	return text;
}

void
mail_dir_files_clear(struct mail_dir_files *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}
