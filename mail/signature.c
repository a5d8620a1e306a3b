/* Signature blocks (stub: being written). */
#include <string.h>

#include "private.h"

bool
mail_signature_parse(const char *body, const char *from_name, struct mail_signature *out)
{
	(void)body;
	(void)from_name;
	memset(out, 0, sizeof *out);
	return false;
}
