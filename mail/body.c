/* Body text of a message file (stub: being written). */
#include "private.h"

vt_status
mail_body_text(const char *path, size_t max_bytes, char **out, struct vt_error *err)
{
	(void)path;
	(void)max_bytes;
	*out = NULL;
	return vt_fail(err, VT_ERR_INTERNAL, "not implemented");
}
