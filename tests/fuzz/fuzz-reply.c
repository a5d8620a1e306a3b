/*
 * A reply to raw bytes taken as a message: the draft's header lines hold
 * no control character (CR, LF, ESC: no header injected), and when the
 * draft has a recipient the built message is one whose headers hold none
 * either.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "mail/mail.h"

static void
check_head(const char *text)
{
	const char *end = strstr(text, "\n\n");
	size_t len = end ? (size_t)(end - text) : strlen(text);

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	const char *const mine[] = { "rich@northwind.example" };
	struct mail_sender me = { "Rich Miller", "rich@northwind.example" };
	struct vt_error err = { 0 };
	struct mail_outgoing o;
	char *draft = NULL;
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz-reply.%d", (int)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	for (int all = 0; all < 2; all++) {
		if (mail_draft_reply(path, &me, mine, 1, all, &draft, &err) != VT_OK)
			continue;
		check_head(draft);
		if (mail_draft_build(draft, &me, &o, &err) == VT_OK) {
			check_head(o.text);
			mail_outgoing_clear(&o);
		}
		free(draft);
	}
	unlink(path);
	return 0;
}
