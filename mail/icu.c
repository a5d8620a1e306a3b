/*
 * Loading ICU on first use (see icu.h). The libraries are the ones the
 * headers came from (libicuuc.so.72 with ICU 72): their functions carry
 * the version in their names, which the headers' renaming gives us.
 *
 * The loaded table is the one piece of process-wide state in mail/, like
 * libpsl's psl_builtin(): immutable after pthread_once, never freed.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "icu.h"

#define STR2(x) #x
#define STR(x) STR2(x)

static struct mail_icu table;
static const struct mail_icu *loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
	static const char *const libraries[] = {
		"libicuuc.so." STR(U_ICU_VERSION_MAJOR_NUM),
		"libicui18n.so." STR(U_ICU_VERSION_MAJOR_NUM),
	};
	void *handles[2];

	for (size_t i = 0; i < 2; i++)
		if ((handles[i] = dlopen(libraries[i], RTLD_NOW | RTLD_LOCAL)) == NULL) {
			snprintf(load_error, sizeof load_error, "cannot load %s: %s", libraries[i],
				 dlerror());
			return;
		}
#define MAIL_ICU_LOOKUP(f)                                                                         \
	if ((*(void **)&table.f = dlsym(handles[0], STR(f))) == NULL &&                            \
	    (*(void **)&table.f = dlsym(handles[1], STR(f))) == NULL) {                            \
		snprintf(load_error, sizeof load_error, "ICU has no %s", STR(f));                  \
		return;                                                                            \
	}
	MAIL_ICU_FUNCTIONS(MAIL_ICU_LOOKUP)
#undef MAIL_ICU_LOOKUP
	loaded = &table;
}

const struct mail_icu *
mail_icu(void)
{
	pthread_once(&once, load);
	return loaded;
}

const char *
mail_icu_error(void)
{
	mail_icu();
	return loaded != NULL ? "" : load_error;
}
