/*
 * HTML as text (libxml2's parser, our walk of its tree): whatever the
 * bytes, the walk ends, stays within its depth, and every link it adds is
 * one of the schemes a reader can follow, closed by its '>'.
 */
#include "config.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mail/mail.h"
#include "mail/private.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_error err = { 0 };
	GString *text;

	for (int links = 0; links < 2; links++) {
		text = mail_html_text((const char *)data, size, links, &err);
		if (text == NULL)
			abort(); /* libxml2 is installed where the tests run */
		if (strlen(text->str) != text->len && memchr(data, 0, size) == NULL)
			abort(); /* no NUL appears from text that has none */
		for (const char *p = text->str; links && (p = strstr(p, " <")) != NULL; p += 2) {
			if (strncmp(p + 2, "http://", 7) != 0 &&
			    strncmp(p + 2, "https://", 8) != 0 &&
			    strncmp(p + 2, "ftp://", 6) != 0 && strncmp(p + 2, "mailto:", 7) != 0)
				continue; /* text of the mail's own */
			if (strchr(p + 2, '>') == NULL)
				abort();
		}
		g_string_free(text, TRUE);
	}
	return 0;
}
