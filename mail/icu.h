/*
 * ICU, loaded when first needed (mail/icu.c), for look-alike domains.
 *
 * Linking ICU made every vtriage command pay for loading and relocating
 * it (about 2 million instructions: 10% of `vtriage --version`), while
 * only comparing non-ASCII domains and finding look-alikes need it. So
 * mail/ includes ICU's headers for their types and macros, and calls its
 * functions through this table, which dlopen() fills on first use.
 * Private to mail/.
 */
#ifndef VT_MAIL_ICU_H
#define VT_MAIL_ICU_H

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* Every ICU function mail/ calls. (ICU's headers rename each to its
 * versioned symbol, u_strFromUTF8_72: the fields and the names looked up
 * follow.) */
#define MAIL_ICU_FUNCTIONS(X)                                                                      \
	X(u_foldCase)                                                                              \
	X(u_hasBinaryProperty)                                                                     \
	X(u_isUWhiteSpace)                                                                         \
	X(u_strFromUTF8)                                                                           \
	X(u_strToLower)                                                                            \
	X(u_strToUTF8)                                                                             \
	X(u_tolower)                                                                               \
	X(unorm2_getNFCInstance)                                                                   \
	X(unorm2_normalize)                                                                        \
	X(uscript_getName)                                                                         \
	X(uscript_getScript)                                                                       \
	X(uspoof_close)                                                                            \
	X(uspoof_getSkeleton)                                                                      \
	X(uspoof_open)

struct mail_icu {
#define MAIL_ICU_FIELD(f) __typeof__(&f) f;
	MAIL_ICU_FUNCTIONS(MAIL_ICU_FIELD)
#undef MAIL_ICU_FIELD
};

/*
 * The functions, loaded on the first call (thread-safe); NULL when ICU
 * cannot be loaded, and mail_icu_error() says why. The table is
 * immutable once loaded and lives as long as the process.
 */
const struct mail_icu *mail_icu(void);
const char *mail_icu_error(void);

/* Calls ICU function f; only where mail_icu() was found not NULL. */
#define ICU(f) (mail_icu()->f)

#endif
