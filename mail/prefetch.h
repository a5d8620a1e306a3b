/* Reading new message files ahead of the index on a second thread
 * (mail/prefetch.c). Internal to mail/. */
#ifndef VT_MAIL_PREFETCH_H
#define VT_MAIL_PREFETCH_H

#include "private.h"

struct mail_prefetch;

/* Starts reading paths[0..n) in order; paths must outlive the prefetch.
 * Falls back to reading on the caller's thread if no thread starts. */
vt_status mail_prefetch_start(char *const *paths, size_t n, const struct mail_identity *identity,
			      struct mail_prefetch **out, struct vt_error *err);
/* The facts of paths[i], waiting for them if need be; i should grow from
 * call to call (facts passed over are dropped). Clear them after use. */
void mail_prefetch_take(struct mail_prefetch *pf, size_t i, struct mail_file_facts *facts);
/* Stops the worker, drops what was not taken, frees; clears *pf. */
void mail_prefetch_stop(struct mail_prefetch **pf);

#endif
