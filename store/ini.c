/*
 * The INI dialect of vtriage's config file:
 *
 *   # comment            ; comment
 *   [section]            [section NAME]      [section "NAME"]
 *   key = value          (value runs to the end of the line, trimmed)
 *
 * Written by hand rather than with inih: every error must name the line
 * of the key at fault (also for errors found after parsing, which inih's
 * callback cannot tell), lines have no length limit, and a ';' inside a
 * value (password_command = pass show x; true) must stay in the value.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool
valid_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* Keys are names, but may hold inner spaces: a saved search is labelled
 * "Open quotes = ...". */
static bool
valid_key(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.' ||
		      *s == ' '))
			return false;
	return true;
}

/* "[section]" or "[section NAME]" / "[section \"NAME\"]" into its parts. */
static vt_status
parse_header(char *line, const char *file, int lineno, char **section, char **name,
	     struct vt_error *err)
{
	char *close = strrchr(line, ']');
	char *inner, *space;

	if (close == NULL || *trim(close + 1) != '\0')
		return vt_fail(err, VT_ERR_CONFIG, "%s:%d: malformed section header '%s'", file,
			       lineno, line);
	*close = '\0';
	inner = trim(line + 1);
	space = inner + strcspn(inner, " \t");
	*name = NULL;
	if (*space) {
		*space = '\0';
		*name = trim(space + 1);
		size_t len = strlen(*name);

		if (len >= 2 && (*name)[0] == '"' && (*name)[len - 1] == '"') {
			(*name)[len - 1] = '\0';
			(*name)++;
		}
		if (**name == '\0')
			*name = NULL;
	}
	if (!valid_name(inner))
		return vt_fail(err, VT_ERR_CONFIG, "%s:%d: malformed section name '%s'", file,
			       lineno, inner);
	*section = inner;
	return VT_OK;
}

/* A section given twice would let its second half silently win (or mix
 * two accounts' keys): an error, as a key set twice is. */
struct header_seen {
	const char *section, *name;
	int line;
};

static vt_status
note_header(struct header_seen **seen, size_t *n, const char *section, const char *name,
	    const char *file, int lineno, struct vt_error *err)
{
	struct header_seen *grown;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*seen)[i].section, section) == 0 &&
		    ((*seen)[i].name == NULL ? name == NULL
					     : name != NULL && strcmp((*seen)[i].name, name) == 0))
			return vt_fail(err, VT_ERR_CONFIG,
				       "%s:%d: [%s%s%s] again (first at line %d): write each "
				       "section once",
				       file, lineno, section, name ? " " : "", name ? name : "",
				       (*seen)[i].line);
	if ((grown = realloc(*seen, (*n + 1) * sizeof *grown)) == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	*seen = grown;
	grown[(*n)++] = (struct header_seen){ section, name, lineno };
	return VT_OK;
}

vt_status
vt_ini_parse(const char *text, const char *file, vt_ini_handler handler, void *ctx,
	     struct vt_error *err)
{
	char *copy = strdup(text), *line, *next, *section = NULL, *name = NULL;
	struct header_seen *seen = NULL;
	size_t n_seen = 0;
	int lineno = 0;
	vt_status rc = VT_OK;

	if (copy == NULL)
		return vt_fail(err, VT_ERR_NOMEM, "out of memory");
	for (line = copy; rc == VT_OK && line != NULL; line = next) {
		char *eq, *key, *value, *s;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		s = trim(line);
		/* A UTF-8 byte order mark on the first line is not content. */
		if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s = trim(s + 3);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			rc = parse_header(s, file, lineno, &section, &name, err);
			if (rc == VT_OK)
				rc = note_header(&seen, &n_seen, section, name, file, lineno, err);
			/* the header alone, so that an empty section is judged too */
			if (rc == VT_OK)
				rc = handler(ctx, section, name, NULL, NULL, lineno, err);
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: expected 'key = value', got '%s'",
				     file, lineno, s);
			continue;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if (!valid_key(key)) {
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: malformed key '%s'", file, lineno,
				     key);
			continue;
		}
		if (section == NULL) {
			rc = vt_fail(err, VT_ERR_CONFIG, "%s:%d: key '%s' outside any [section]",
				     file, lineno, key);
			continue;
		}
		rc = handler(ctx, section, name, key, value, lineno, err);
	}
	free(seen);
	free(copy);
	return rc;
}
