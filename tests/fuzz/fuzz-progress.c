/*
 * Fuzz target: mail_progress_parse() on any bytes (a line of a child
 * whose fields came from servers and mail). Aborts when a parsed event
 * breaks the protocol's promises: every field a string inside the event;
 * what is written back from it is one safe line that parses to the same
 * event, and writing that again gives the same line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_field(const struct mail_progress_event *ev, const char *field)
{
	/* "" or inside ev->line */
	if (field == NULL ||
	    (field[0] != '\0' && (field < ev->line || field >= ev->line + sizeof ev->line)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_progress_event ev, back;
	char *line = fuzz_text(data, size), *again;

	if (line == NULL)
		return 0;
	mail_progress_parse(line, &ev);
	check_field(&ev, ev.stage);
	check_field(&ev, ev.account);
	check_field(&ev, ev.folder);
	check_field(&ev, ev.text);
	if (memchr(ev.line, '\0', sizeof ev.line) == NULL)
		abort();
	/* written back, sanitised: one line that reads as the same event,
	 * and writing that again changes nothing */
	if ((again = mail_progress_line(&ev)) == NULL)
		abort();
	if (strpbrk(again, "\n\r\033"))
		abort();
	if (ev.kind != MAIL_PROGRESS_OTHER && strlen(again) < sizeof ev.line - 1) {
		char *twice;

		mail_progress_parse(again, &back);
		if (back.kind != ev.kind || back.fetched != ev.fetched ||
		    back.to_fetch != ev.to_fetch || back.status != ev.status)
			abort();
		if ((twice = mail_progress_line(&back)) == NULL || strcmp(twice, again) != 0)
			abort();
		free(twice);
	}
	free(again);
	free(line);
	return 0;
}
