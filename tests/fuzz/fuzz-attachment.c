/*
 * Attachments of raw bytes taken as a message (GMime parses; ours is the
 * numbering and the names for the disk): the parts are numbered 1..n in
 * order (an HTML body is 0), every one has a type, and every name made for the disk, of the
 * mail's names and of the raw bytes as a name, has no slash, no control
 * character, no leading dot, at most 200 bytes and is never empty.
 */
#include "config.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"
#include "mail/private.h"

static void
check_name(const char *filename, int part)
{
	char *safe = mail_attachment_safe_name(filename, part);
	size_t n;

	if (safe == NULL)
		abort();
	n = strlen(safe);
	if (n == 0 || n > 200 || safe[0] == '.' || strchr(safe, '/') != NULL ||
	    strchr(safe, '\\') != NULL)
		abort();
	for (const unsigned char *p = (const unsigned char *)safe; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	/* what the terminal would act on: C1 controls, bidi controls, bytes
	 * that are no UTF-8 */
	if (!mail_utf8_valid(safe) || strstr(safe, "\xe2\x80\xae") != NULL)
		abort();
	for (const unsigned char *p = (const unsigned char *)safe; *p; p++)
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort();
	free(safe);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_text(data, size);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;

	if (name == NULL)
		return 0;
	check_name(name, 1);
	free(name);

	g_mime_init();
	stream = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	parser = g_mime_parser_new_with_stream(stream);
	message = g_mime_parser_construct_message(parser, NULL);
	if (message != NULL) {
		struct mail_attachment_list list;
		struct vt_error err = { 0 };

		if (mail_attachment_list_of(message, &list, &err) == VT_OK) {
			/* at most one HTML body, part 0; the others 1..n in order */
			int next = 1, bodies = 0;

			for (size_t i = 0; i < list.count; i++) {
				if (list.items[i].type == NULL ||
				    list.items[i].part != (list.items[i].body ? 0 : next++) ||
				    (bodies += list.items[i].body) > 1)
					abort();
				check_name(list.items[i].filename, list.items[i].part);
			}
			mail_attachment_list_clear(&list);
		}
		g_object_unref(message);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	return 0;
}
