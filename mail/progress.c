/*
 * The progress protocol (see mail.h): one writer, one parser, so that the
 * programs that write the lines (cli/cmd-sync.c, cli/cmd-index.c) and the
 * one that reads them (tui/sync.c) cannot drift apart.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

#define AT(member) offsetof(struct mail_progress_event, member)

/* Each kind's word and its fields after the word, in order: N a number
 * (fetched, then to_fetch), S the status token, T text, sanitised, in the
 * members listed in text_at (only the last may be empty). */
static const struct {
	enum mail_progress_kind kind;
	const char *word;
	const char *fields;
	size_t text_at[3];
} kinds[] = {
	{ MAIL_PROGRESS_FETCH, "progress", "NNTT", { AT(account), AT(folder) } },
	{ MAIL_PROGRESS_FOLDER_FAILED,
	  "folder-failed",
	  "STTT",
	  { AT(account), AT(folder), AT(text) } },
	{ MAIL_PROGRESS_ERROR, "error", "STTT", { AT(stage), AT(account), AT(text) } },
	{ MAIL_PROGRESS_INDEXING, "indexing", "", { 0 } },
	{ MAIL_PROGRESS_SUMMARY, "summary", "T", { AT(text) } },
	{ MAIL_PROGRESS_IDLE, "idle", "T", { AT(account) } },
};

#define N_KINDS (sizeof kinds / sizeof kinds[0])

char *
mail_progress_line(const struct mail_progress_event *ev)
{
	unsigned numbers[2] = { ev->fetched, ev->to_fetch };
	size_t k, t = 0, nn = 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	for (k = 0; k < N_KINDS && kinds[k].kind != ev->kind; k++)
		;
	if (k == N_KINDS) /* OTHER: a plain line, made safe */
		return mail_sanitize_str(ev->text ? ev->text : "");
	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	fputs(kinds[k].word, f);
	for (const char *c = kinds[k].fields; *c; c++) {
		const char *text;
		char *clean;

		fputc('\t', f);
		switch (*c) {
		case 'N':
			fprintf(f, "%u", numbers[nn++]);
			break;
		case 'S':
			fputs(vt_status_token(ev->status), f);
			break;
		default:
			/* tabs and newlines cannot survive sanitising: a
			 * field never splits */
			text = *(const char *const *)((const char *)ev + kinds[k].text_at[t++]);
			clean = mail_sanitize_str(text ? text : "");
			if (clean == NULL) {
				fclose(f);
				free(out);
				return NULL;
			}
			fputs(clean, f);
			free(clean);
			break;
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static bool
parse_number(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Splits the rest of ev->line after the word of kinds[k] into its
 * fields; false when the line has too few of them or one does not
 * parse. */
static bool
parse_fields(struct mail_progress_event *ev, char *p, size_t k)
{
	unsigned *numbers[2] = { &ev->fetched, &ev->to_fetch };
	size_t nt = 0, nn = 0;

	if (kinds[k].fields[0] == '\0')
		return p == NULL; /* a word alone */
	for (const char *c = kinds[k].fields; *c; c++) {
		char *field = p, *tab;

		if (field == NULL)
			return false;
		/* the last field runs to the end of the line */
		tab = c[1] ? strchr(field, '\t') : NULL;
		if (c[1] && tab == NULL)
			return false;
		if (tab)
			*tab = '\0';
		p = tab ? tab + 1 : NULL;
		if (*c == 'N' && !parse_number(field, numbers[nn++]))
			return false;
		if (*c == 'S' && !vt_status_from_token(field, &ev->status))
			return false;
		if (*c == 'T')
			*(const char **)((char *)ev + kinds[k].text_at[nt++]) = field;
	}
	return true;
}

void
mail_progress_parse(const char *line, struct mail_progress_event *ev)
{
	size_t k;

	memset(ev, 0, sizeof *ev);
	ev->stage = ev->account = ev->folder = ev->text = "";
	snprintf(ev->line, sizeof ev->line, "%s", line ? line : "");
	for (k = 0; k < N_KINDS; k++) {
		size_t n = strlen(kinds[k].word);

		if (strncmp(ev->line, kinds[k].word, n) == 0 &&
		    (ev->line[n] == '\t' || ev->line[n] == '\0'))
			break;
	}
	if (k < N_KINDS) {
		size_t n = strlen(kinds[k].word);
		char *rest = ev->line[n] == '\t' ? ev->line + n + 1 : NULL;

		ev->kind = kinds[k].kind;
		if (parse_fields(ev, rest, k))
			return;
		/* not the protocol after all: the whole line, as it came */
		memset(ev, 0, sizeof *ev);
		snprintf(ev->line, sizeof ev->line, "%s", line);
		ev->stage = ev->account = ev->folder = "";
	}
	ev->kind = MAIL_PROGRESS_OTHER;
	ev->text = ev->line;
}
