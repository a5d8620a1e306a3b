/*
 * Internals shared by mail/lookalike.c (comparing two domains, display)
 * and mail/lookalike-index.c (finding candidates among many). Private to
 * those two files.
 */
#ifndef VT_MAIL_LOOKALIKE_H
#define VT_MAIL_LOOKALIKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "icu.h"
#include "mail.h"

#define NAME_CPS 64   /* a DNS label is at most 63 octets */
#define HOST_MAX 1024 /* a host name decoded from punycode, UTF-8 */
#define SKEL_MAX 512  /* skeletons grow: m is rn */
#define NO_POS SIZE_MAX

enum {
	MIN_TYPO = 4,  /* tld, hyphenation, repetition, transposition */
	MIN_EDIT = 6,  /* omission, insertion, replacement */
	MIN_EDIT2 = 9, /* two edits */
	MIN_WORD = 5,  /* addition, subdomain, a name in a display name */
};

/* A domain, normalised (see normalise()). */
struct dom {
	const char *host;      /* the whole host name */
	const char *org;       /* its organisation domain, inside host */
	size_t name_len;       /* org[0..name_len) is the name, then a dot */
	UChar32 cps[NAME_CPS]; /* the name's code points */
	size_t n;
	uint64_t loose; /* hash of the name's loose skeleton */
	bool invisible; /* host holds an invisible character */
};

struct dom_buf {
	char host[HOST_MAX];
	struct dom d;
};

/* The index's key spaces (lookalike_hash's kind). */
enum key_kind { KEY_SKEL = 1, KEY_NAME, KEY_BARE, KEY_DEL };

/* The code points of len bytes of UTF-8; false when invalid or more than
 * cap. */
bool lookalike_decode(const char *s, size_t len, UChar32 *out, size_t cap, size_t *n);
/* FNV-1a over code points, leaving out those at skip1 and skip2 (NO_POS:
 * none); kind keeps the index's key spaces apart. */
uint64_t lookalike_hash(unsigned kind, const UChar32 *c, size_t n, size_t skip1, size_t skip2);
/* The name without hyphens, into out (as long as c); its length. */
size_t lookalike_bare(const UChar32 *c, size_t n, UChar32 *out);
/* The lengths of the runs of up to two words a scam adds to a name
 * without a hyphen ("acmetelbilling", "secureacmetel",
 * "acmetelbillingteam") that c starts (at_end: ends) with, into lens (at
 * most cap of them); their number. */
size_t lookalike_added_words(const UChar32 *c, size_t n, bool at_end, size_t *lens, size_t cap);
/* A host or domain, normalised and split (sc may be NULL: no skeleton);
 * false for what is no host name. */
bool lookalike_parse(const USpoofChecker *sc, const char *in, struct dom_buf *b);
/* d without its invisible characters (and the empty labels they leave). */
bool lookalike_strip(const USpoofChecker *sc, const struct dom *d, struct dom_buf *b);
/* Whether host h imitates known k, and how (see mail_lookalike_compare). */
bool lookalike_classify(const USpoofChecker *sc, const struct dom *h, const struct dom *k,
			struct mail_lookalike *out);

#endif
