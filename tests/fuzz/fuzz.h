/* The one entry point every fuzz target defines (libFuzzer's). */
#ifndef VT_FUZZ_H
#define VT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string (malloc'd; NULL when out of memory), for the
 * parsers that read text: a NUL inside ends it there. */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text != NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif
