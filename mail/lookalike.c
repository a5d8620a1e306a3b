/*
 * Look-alike domains: a sender domain made to pass for a known vendor's
 * (acrnetel.example for acmetel.example), the usual first step of invoice
 * fraud.
 *
 * Both domains are normalised first (ASCII lower case, xn-- labels
 * decoded, Unicode lower case and NFC), so every spelling of one domain
 * is the same string, and split by the public suffix list into the name
 * (acme-networks) and the suffix (example, co.uk). Then, most specific
 * first: invisible characters, confusable characters, another suffix, a
 * hyphen, one edit (dnstwist's repetition, transposition, omission,
 * insertion, replacement; bitsquatting and vowel swaps are replacements),
 * two edits, the name with words added, the name inside another domain.
 *
 * Thresholds, by the length of the known name in code points. One edit in
 * a short name is usually another company (ibm/ibn, sun.com/sun.net,
 * hp/hq), and alarms on real mail from such pairs teach the user to
 * ignore them:
 *   any length  invisible and confusable characters: no company chooses
 *               a name that only differs in them;
 *   4 or more   another suffix, a hyphen, a letter doubled, two letters
 *               swapped: keeping every letter and their order is intent;
 *   6 or more   a letter left out, put in or replaced;
 *   9 or more   two such edits (at 7 letters, northwind and southwind);
 *   5 or more   the name as a word of another name or as a label of a
 *               host (acme-cloud, acme.evil.net would flag every "acme").
 *
 * Finding candidates among many known domains is lookalike-index.c; this
 * file compares two, and shows domains as people must see them.
 */
#include "config.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "lookalike.h"

/* Visual pairs (fake, real; UTF-8) beside ICU's skeletons. ICU 72 maps m
 * to rn, 0 to O and 1 and I to l, but keeps vv, cl and 1/i apart, and
 * takes the Cyrillic palochka, a bare stroke, for i (the all-Cyrillic
 * apple.com, xn--80ak6aa92e.com, has it for l). I/l needs no entry: DNS
 * names have no case, and ours are lower case. */
static const struct visual {
	const char *fake, *real;
} visual_pairs[] = {
	{ "rn", "m" }, { "vv", "w" }, { "cl", "d" },       { "0", "o" },
	{ "1", "l" },  { "1", "i" },  { "\xd3\x8f", "l" }, /* U+04CF */
};

static const char *const kind_names[] = {
	[MAIL_LOOKALIKE_NONE] = "none",
	[MAIL_LOOKALIKE_HOMOGLYPH] = "homoglyph",
	[MAIL_LOOKALIKE_INVISIBLE] = "invisible",
	[MAIL_LOOKALIKE_TLD] = "tld",
	[MAIL_LOOKALIKE_HYPHENATION] = "hyphenation",
	[MAIL_LOOKALIKE_REPETITION] = "repetition",
	[MAIL_LOOKALIKE_TRANSPOSITION] = "transposition",
	[MAIL_LOOKALIKE_OMISSION] = "omission",
	[MAIL_LOOKALIKE_INSERTION] = "insertion",
	[MAIL_LOOKALIKE_REPLACEMENT] = "replacement",
	[MAIL_LOOKALIKE_ADDITION] = "addition",
	[MAIL_LOOKALIKE_SUBDOMAIN] = "subdomain",
};

const char *
mail_lookalike_kind_name(enum mail_lookalike_kind kind)
{
	if ((size_t)kind >= sizeof kind_names / sizeof kind_names[0])
		return "none";
	return kind_names[kind];
}

/* ---- text ------------------------------------------------------------ */

static bool
is_invisible(UChar32 c)
{
	/* Default_Ignorable: U+00AD, U+034F, U+180B-U+180F, U+200B-U+200F,
	 * U+2060-U+206F, U+FEFF, variation selectors, Hangul fillers, bidi
	 * controls, tags. U+2800 (braille blank) draws nothing but is not. */
	return c == 0x2800 || ICU(u_hasBinaryProperty)(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* The code points of len bytes of UTF-8; false when invalid or more than
 * cap. */
bool
lookalike_decode(const char *s, size_t len, UChar32 *out, size_t cap, size_t *n)
{
	const uint8_t *u = (const uint8_t *)s;
	int32_t i = 0, end = (int32_t)len;
	UChar32 c;

	*n = 0;
	while (i < end) {
		U8_NEXT(u, i, end, c);
		if (c < 0 || *n == cap)
			return false;
		out[(*n)++] = c;
	}
	return true;
}

static bool
ascii_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Unicode lower case and NFC, in place. */
static bool
unicode_fold(char *s, size_t cap)
{
	UChar a[HOST_MAX + 1], b[HOST_MAX + 1];
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfc = ICU(unorm2_getNFCInstance)(&st);
	int32_t n = 0;

	ICU(u_strFromUTF8)(a, HOST_MAX + 1, &n, s, -1, &st);
	n = ICU(u_strToLower)(b, HOST_MAX + 1, a, n, "", &st);
	n = ICU(unorm2_normalize)(nfc, b, n, a, HOST_MAX + 1, &st);
	ICU(u_strToUTF8)(s, (int32_t)cap, NULL, a, n, &st);
	return U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING;
}

/* One spelling per domain: lower case, no trailing dot, xn-- labels as
 * Unicode, NFC. False for what is no host name. */
static bool
normalise(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), o = 0, i = 0;
	char label[256];
	bool ascii = true;

	while (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len >= cap)
		return false;
	while (i < len) {
		size_t l = strcspn(in + i, "."), ul;
		char *u = NULL;
		const char *src = label;

		if (l > len - i)
			l = len - i;
		if (l == 0 || l >= sizeof label)
			return false;
		for (size_t j = 0; j < l; j++) {
			unsigned char c = (unsigned char)in[i + j];

			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if (c >= 0x80)
				ascii = false;
			else if (!ascii_ok(c))
				return false;
			label[j] = (char)c;
		}
		label[l] = '\0';
		if (strncmp(label, "xn--", 4) == 0 && idn2_to_unicode_8z8z(label, &u, 0) == IDN2_OK)
			src = u;
		ul = strlen(src);
		if (o + ul + 2 > cap) {
			idn2_free(u);
			return false;
		}
		for (size_t j = 0; j < ul; j++)
			if ((unsigned char)src[j] >= 0x80)
				ascii = false;
		memcpy(out + o, src, ul);
		o += ul;
		out[o++] = '.';
		idn2_free(u);
		i += l + 1;
	}
	out[o - 1] = '\0';
	return ascii || unicode_fold(out, cap);
}

/* ---- skeletons --------------------------------------------------------- */

/*
 * Letters of Chinese, Japanese and Korean that are a Latin letter's bare
 * shape, where ICU 72's skeleton ends on another CJK character: the
 * Hangul vowel \u3163 and the Suzhou numeral \u3021 are a stroke like l
 * (skeletons \u4e28, \u3021), the Hangul consonants \u3147 and \u3134
 * a ring and an L (\u110b, \u1102). No data set of Debian's maps them
 * (confusables.txt keeps CJK among itself), so this short list does; a
 * shape two letters share with no Latin one (\u53e3, a square) is left.
 */
static UChar32
cjk_latin_shape(UChar32 c)
{
	switch (c) {
	case 0x4e28: /* 丨, and the Hangul ㅣ it is the skeleton of */
	case 0x3021: /* 〡 */
	case 0x1102: /* ᄂ, ㄴ's */
		return 'l';
	case 0x110b: /* ᄋ, ㅇ's */
		return 'o';
	default:
		return c;
	}
}

/*
 * The ICU (UTS #39) skeleton of n code points, lower case: ICU maps 0 to
 * O, so only lower case both sides meet. The loose skeleton also merges
 * the visual pairs ICU keeps apart (w/vv, d/cl, and l/i for 1/i): it is
 * the index's key and a gate, never the verdict, since it also merges
 * l/i, which no one confuses in lower case.
 */
static size_t
skeleton(const USpoofChecker *sc, const UChar32 *cps, size_t n, bool loose, UChar32 *out,
	 size_t cap)
{
	UChar in[NAME_CPS * 2], sk[SKEL_MAX];
	UErrorCode st = U_ZERO_ERROR;
	int32_t il = 0, sl, i = 0;
	size_t o = 0;

	for (size_t j = 0; j < n && j < NAME_CPS; j++)
		U16_APPEND_UNSAFE(in, il, cps[j]);
	sl = ICU(uspoof_getSkeleton)(sc, 0, in, il, sk, SKEL_MAX, &st);
	if (U_FAILURE(st)) {
		memcpy(sk, in, (size_t)il * sizeof *in);
		sl = il;
	}
	while (i < sl && o + 1 < cap) {
		UChar32 c;

		U16_NEXT(sk, i, sl, c);
		c = ICU(u_tolower)(cjk_latin_shape(c));
		if (loose && (c == 'w' || c == 'd')) {
			out[o++] = c == 'w' ? 'v' : 'c';
			out[o++] = c == 'w' ? 'v' : 'i';
		} else
			out[o++] = loose && c == 'l' ? 'i' : c;
	}
	return o;
}

static uint64_t
hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h != 0 ? h : 1; /* 0 marks an empty slot */
}

/* FNV-1a over code points, leaving out those at skip1 and skip2; kind
 * keeps the index's key spaces apart. */
uint64_t
lookalike_hash(unsigned kind, const UChar32 *c, size_t n, size_t skip1, size_t skip2)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ kind, kept = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == skip1 || i == skip2)
			continue;
		h = (h ^ (uint32_t)c[i]) * 0x100000001b3ULL;
		kept++;
	}
	return hash_mix(h + (kept << 56));
}

static uint64_t
loose_hash(const USpoofChecker *sc, const UChar32 *cps, size_t n)
{
	UChar32 sk[SKEL_MAX];

	return lookalike_hash(KEY_SKEL, sk, skeleton(sc, cps, n, true, sk, SKEL_MAX), NO_POS,
			      NO_POS);
}

/* The name without hyphens. */
size_t
lookalike_bare(const UChar32 *c, size_t n, UChar32 *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++)
		if (c[i] != '-')
			out[o++] = c[i];
	return o;
}

/* ---- parsed domains --------------------------------------------------- */

static const char *
dom_suffix(const struct dom *d)
{
	return d->org + d->name_len + 1;
}

/* Fills in what follows from host, org and name_len. */
static bool
dom_finish(const USpoofChecker *sc, struct dom *d)
{
	const uint8_t *u = (const uint8_t *)d->host;
	int32_t i = 0, len = (int32_t)strlen(d->host);
	UChar32 c;

	if (!lookalike_decode(d->org, d->name_len, d->cps, NAME_CPS, &d->n))
		return false;
	d->invisible = false;
	while (i < len && !d->invisible) {
		U8_NEXT(u, i, len, c);
		d->invisible = is_invisible(c);
	}
	if (sc != NULL)
		d->loose = loose_hash(sc, d->cps, d->n);
	return true;
}

bool
lookalike_parse(const USpoofChecker *sc, const char *in, struct dom_buf *b)
{
	const psl_ctx_t *psl = psl_builtin();
	struct dom *d = &b->d;
	const char *reg, *suf;

	memset(d, 0, sizeof *d);
	if (in == NULL || !normalise(in, b->host, sizeof b->host))
		return false;
	/* Both return pointers into their argument; with the "*" rule an
	 * unknown top-level label (.example) is a suffix too. */
	reg = psl_registrable_domain(psl, b->host);
	if (reg == NULL || (suf = psl_unregistrable_domain(psl, reg)) == NULL || suf <= reg + 1 ||
	    suf[-1] != '.')
		return false;
	d->host = b->host;
	d->org = reg;
	d->name_len = (size_t)(suf - 1 - reg);
	return dom_finish(sc, d);
}

/* d without its invisible characters (and the empty labels they leave). */
bool
lookalike_strip(const USpoofChecker *sc, const struct dom *d, struct dom_buf *b)
{
	const uint8_t *u = (const uint8_t *)d->host;
	int32_t i = 0, len = (int32_t)strlen(d->host);
	char s[HOST_MAX];
	size_t o = 0;

	while (i < len) {
		int32_t start = i;
		UChar32 c;

		U8_NEXT(u, i, len, c);
		if (is_invisible(c) || (c == '.' && (o == 0 || s[o - 1] == '.')))
			continue;
		memcpy(s + o, d->host + start, (size_t)(i - start));
		o += (size_t)(i - start);
	}
	s[o] = '\0';
	return lookalike_parse(sc, s, b);
}

/* ---- the reason, for the user ------------------------------------------ */

struct why {
	char *s;
	size_t cap, len;
};

static void
why_put(struct why *w, const char *s)
{
	size_t n = strlen(s);

	if (n > w->cap - 1 - w->len)
		n = w->cap - 1 - w->len;
	memcpy(w->s + w->len, s, n);
	w->len += n;
	w->s[w->len] = '\0';
}

/* A code point in visible form: ASCII as is, anything else by number,
 * with its script when named and not Latin ("Cyrillic U+0430"). */
static void
why_cp(struct why *w, UChar32 c, bool named)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode script;
	char tmp[64];

	if (c > 0x20 && c < 0x7f) {
		tmp[0] = (char)c;
		tmp[1] = '\0';
	} else if (!named)
		snprintf(tmp, sizeof tmp, "<U+%04X>", (unsigned)c);
	else if ((script = ICU(uscript_getScript)(c, &st)) > USCRIPT_INHERITED &&
		 script != USCRIPT_LATIN && script != USCRIPT_UNKNOWN && U_SUCCESS(st))
		snprintf(tmp, sizeof tmp, "%s U+%04X", ICU(uscript_getName)(script), (unsigned)c);
	else
		snprintf(tmp, sizeof tmp, "U+%04X", (unsigned)c);
	why_put(w, tmp);
}

static void
why_cps(struct why *w, const UChar32 *c, size_t n, bool named)
{
	for (size_t i = 0; i < n; i++) {
		if (named && i > 0 && (c[i] >= 0x80 || c[i - 1] >= 0x80))
			why_put(w, " ");
		why_cp(w, c[i], named);
	}
}

static void
why_str(struct why *w, const char *s)
{
	UChar32 c[HOST_MAX];
	size_t n;

	if (lookalike_decode(s, strlen(s), c, HOST_MAX, &n))
		why_cps(w, c, n, false);
}

/* ", .co for .example" when the suffixes differ. */
static void
why_suffix(struct why *w, const struct dom *h, const struct dom *k)
{
	if (strcmp(dom_suffix(h), dom_suffix(k)) == 0)
		return;
	if (w->len > 0)
		why_put(w, ", ");
	why_put(w, ".");
	why_str(w, dom_suffix(h));
	why_put(w, " for .");
	why_str(w, dom_suffix(k));
}

/* ---- the comparison --------------------------------------------------- */

static bool
cps_are(const UChar32 *c, size_t n, const char *s)
{
	UChar32 t[4];
	size_t tn;

	return lookalike_decode(s, strlen(s), t, 4, &tn) && tn == n &&
	       memcmp(c, t, n * sizeof *c) == 0;
}

static bool
skeletons_equal(const USpoofChecker *sc, const UChar32 *a, size_t an, const UChar32 *b, size_t bn)
{
	UChar32 x[SKEL_MAX], y[SKEL_MAX];
	size_t xn = skeleton(sc, a, an, false, x, SKEL_MAX);

	return xn == skeleton(sc, b, bn, false, y, SKEL_MAX) && memcmp(x, y, xn * sizeof *x) == 0;
}

static bool
confusable(const USpoofChecker *sc, const UChar32 *a, size_t an, const UChar32 *b, size_t bn)
{
	for (size_t i = 0; i < sizeof visual_pairs / sizeof visual_pairs[0]; i++) {
		const struct visual *v = &visual_pairs[i];

		if ((cps_are(a, an, v->fake) && cps_are(b, bn, v->real)) ||
		    (cps_are(a, an, v->real) && cps_are(b, bn, v->fake)))
			return true;
	}
	return skeletons_equal(sc, a, an, b, bn);
}

static bool
mixed_scripts(const UChar32 *c, size_t n)
{
	UScriptCode first = USCRIPT_INVALID_CODE;

	for (size_t i = 0; i < n; i++) {
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode s = ICU(uscript_getScript)(c[i], &st);

		if (U_FAILURE(st) || s <= USCRIPT_INHERITED || s == USCRIPT_UNKNOWN)
			continue;
		if (first == USCRIPT_INVALID_CODE)
			first = s;
		else if (s != first)
			return true;
	}
	return false;
}

/*
 * Whether a (the imitation) and b differ only in confusable pieces:
 * walks both, and where they differ takes the shortest pair of pieces (up
 * to three code points each) that ICU or the table call confusable. The
 * reason names each distinct pair, "rn for m, 0 for o".
 */
static bool
homoglyph(const USpoofChecker *sc, const UChar32 *a, size_t an, const UChar32 *b, size_t bn,
	  struct why *w)
{
	struct piece {
		size_t i, ni, j, nj;
	} p[8];
	size_t np = 0, i = 0, j = 0;

	while (i < an || j < bn) {
		bool found = false;

		if (i < an && j < bn && a[i] == b[j]) {
			i++;
			j++;
			continue;
		}
		for (size_t s = 2; s <= 6 && !found; s++)
			for (size_t ni = 1; ni < s && ni <= 3 && !found; ni++) {
				size_t nj = s - ni;

				if (nj > 3 || i + ni > an || j + nj > bn ||
				    !confusable(sc, a + i, ni, b + j, nj))
					continue;
				if (np < sizeof p / sizeof p[0])
					p[np++] = (struct piece){ i, ni, j, nj };
				i += ni;
				j += nj;
				found = true;
			}
		if (!found) {
			/* a piece longer than the walk tries */
			if (!skeletons_equal(sc, a, an, b, bn))
				return false;
			np = 0;
			why_put(w, "confusable characters");
			break;
		}
	}
	for (size_t k = 0; k < np; k++) {
		bool seen = false;

		for (size_t m = 0; m < k && !seen; m++)
			seen = p[m].ni == p[k].ni && p[m].nj == p[k].nj &&
			       !memcmp(a + p[m].i, a + p[k].i, p[k].ni * sizeof *a) &&
			       !memcmp(b + p[m].j, b + p[k].j, p[k].nj * sizeof *b);
		if (seen)
			continue;
		if (w->len > 0)
			why_put(w, ", ");
		why_cps(w, a + p[k].i, p[k].ni, true);
		why_put(w, " for ");
		why_cps(w, b + p[k].j, p[k].nj, true);
	}
	if (mixed_scripts(a, an))
		why_put(w, ", mixed scripts");
	return true;
}

/* Optimal string alignment distance; 3 stands for "more than 2". */
static size_t
edit_distance(const UChar32 *a, size_t an, const UChar32 *b, size_t bn)
{
	unsigned char d[NAME_CPS + 1][NAME_CPS + 1];

	if (an > bn + 2 || bn > an + 2)
		return 3;
	for (size_t i = 0; i <= an; i++)
		d[i][0] = (unsigned char)i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = (unsigned char)j;
	for (size_t i = 1; i <= an; i++)
		for (size_t j = 1; j <= bn; j++) {
			unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1u < v)
				v = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < v)
				v = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1u < v)
				v = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)v;
		}
	return d[an][bn] > 3 ? 3 : d[an][bn];
}

/* What one edit turned b (the known name) into a; NONE when the name is
 * too short for that kind. */
static enum mail_lookalike_kind
one_edit(const UChar32 *a, size_t an, const UChar32 *b, size_t bn, struct why *w)
{
	size_t i = 0;
	bool twin;

	while (i < an && i < bn && a[i] == b[i])
		i++;
	if (an == bn && i + 1 < an && a[i] == b[i + 1] && a[i + 1] == b[i]) {
		if (bn < MIN_TYPO)
			return MAIL_LOOKALIKE_NONE;
		why_cps(w, a + i, 2, true);
		why_put(w, " for ");
		why_cps(w, b + i, 2, true);
		return MAIL_LOOKALIKE_TRANSPOSITION;
	}
	if (an == bn) {
		if (bn < MIN_EDIT)
			return MAIL_LOOKALIKE_NONE;
		why_cps(w, a + i, 1, true);
		why_put(w, " for ");
		why_cps(w, b + i, 1, true);
		return MAIL_LOOKALIKE_REPLACEMENT;
	}
	if (an > bn) { /* a[i] put in */
		size_t run = 1;

		for (size_t j = i; j > 0 && a[j - 1] == a[i]; j--)
			run++;
		for (size_t j = i + 1; j < an && a[j] == a[i]; j++)
			run++;
		twin = run > 1;
		if (bn < (twin ? MIN_TYPO : MIN_EDIT))
			return MAIL_LOOKALIKE_NONE;
		why_cps(w, a + i, 1, true);
		why_put(w, !twin ? " inserted" : run == 2 ? " doubled" : " repeated");
		return twin ? MAIL_LOOKALIKE_REPETITION : MAIL_LOOKALIKE_INSERTION;
	}
	/* b[i] left out */
	twin = (i > 0 && b[i - 1] == b[i]) || (i + 1 < bn && b[i + 1] == b[i]);
	if (bn < (twin ? MIN_TYPO : MIN_EDIT))
		return MAIL_LOOKALIKE_NONE;
	why_put(w, twin ? "double " : "");
	why_cps(w, b + i, 1, true);
	why_put(w, twin ? " made single" : " left out");
	return twin ? MAIL_LOOKALIKE_REPETITION : MAIL_LOOKALIKE_OMISSION;
}

/* A hyphen put in, taken out or moved. */
static bool
hyphenation(const struct dom *h, const struct dom *k, struct why *w)
{
	UChar32 x[NAME_CPS], y[NAME_CPS];
	size_t xn = lookalike_bare(h->cps, h->n, x), yn = lookalike_bare(k->cps, k->n, y);

	if (xn != yn || memcmp(x, y, xn * sizeof *x) != 0)
		return false;
	why_put(w, h->n > k->n   ? "hyphen inserted"
		   : h->n < k->n ? "hyphen removed"
				 : "hyphen moved");
	return true;
}

/*
 * The words impostors run into a vendor's name without a hyphen. A word
 * list, not any letters: "acmetelco" may be another company, and
 * "acmetelbilling" is nobody's but a forger's; nor is "acmetelinc" (a
 * legal form is no new name: the one who writes as "Ann Lee" from it
 * is imitating AcmeTel).
 */
static const char *const added_words[] = {
	"account", "accounts", "bank",    "billing", "corp",     "finance",    "global",
	"gmbh",    "group",    "help",    "inc",     "invoice",  "invoices",   "invoicing",
	"llc",     "login",    "ltd",     "mail",    "official", "online",     "pay",
	"payment", "payments", "plc",     "portal",  "remit",    "remittance", "secure",
	"service", "services", "support", "team",    "treasury", "update",     "verify",
};
/* Words run in on one side: "secureacmetelbilling" has one a side,
 * "acmetelbillingteam" two on one. */
#define ADDED_WORDS_MAX 2

/* Whether c starts (at_end: ends) with the word w. */
static bool
word_at(const UChar32 *c, size_t n, const char *w, bool at_end)
{
	size_t len = strlen(w);
	const UChar32 *from;

	if (len > n)
		return false;
	from = at_end ? c + n - len : c;
	for (size_t j = 0; j < len; j++)
		if (from[j] != (UChar32)w[j])
			return false;
	return true;
}

/* The lengths of the runs of up to `left` words of added_words that c
 * starts (at_end: ends) with, into lens (from *n_lens on, at most cap);
 * hyphens between the words are part of the run. */
static void
word_runs(const UChar32 *c, size_t n, bool at_end, int left, size_t done, size_t *lens,
	  size_t *n_lens, size_t cap)
{
	for (size_t i = 0; left > 0 && i < sizeof added_words / sizeof added_words[0]; i++) {
		size_t len = strlen(added_words[i]), run = done + len;

		if (!word_at(c, n, added_words[i], at_end))
			continue;
		if (*n_lens < cap)
			lens[(*n_lens)++] = run;
		if (len == n)
			continue;
		/* the next word, after a hyphen or not */
		if (len + 1 < n && (at_end ? c[n - len - 1] : c[len]) == '-')
			word_runs(at_end ? c : c + len + 1, n - len - 1, at_end, left - 1, run + 1,
				  lens, n_lens, cap);
		word_runs(at_end ? c : c + len, n - len, at_end, left - 1, run, lens, n_lens, cap);
	}
}

size_t
lookalike_added_words(const UChar32 *c, size_t n, bool at_end, size_t *lens, size_t cap)
{
	size_t n_lens = 0;

	word_runs(c, n, at_end, ADDED_WORDS_MAX, 0, lens, &n_lens, cap);
	return n_lens;
}

/* Whether c (what stands after the name; at_end: before it) starts with
 * a run of added_words that is all of it or meets a hyphen: "billing",
 * "billing-portal", "billingteam". */
static bool
added_words_first(const UChar32 *c, size_t n, bool at_end)
{
	size_t lens[32], count = lookalike_added_words(c, n, at_end, lens, 32);

	for (size_t i = 0; i < count; i++)
		if (lens[i] == n || (at_end ? c[n - lens[i] - 1] : c[lens[i]]) == '-')
			return true;
	return false;
}

/* The known name as whole hyphen-separated words of the host's name, or
 * with a word of added_words run into it. */
static bool
addition(const struct dom *h, const struct dom *k, struct why *w)
{
	size_t an = h->n, bn = k->n, end;

	for (size_t p = 0; an > bn && p + bn <= an; p++) {
		end = p + bn;
		if ((p > 0 && h->cps[p - 1] != '-' && !added_words_first(h->cps, p, true)) ||
		    (end < an && h->cps[end] != '-' &&
		     !added_words_first(h->cps + end, an - end, false)) ||
		    memcmp(h->cps + p, k->cps, bn * sizeof *k->cps) != 0)
			continue;
		why_cps(w, h->cps, p, false);
		why_put(w, p > 0 && end < an ? " and " : "");
		why_cps(w, h->cps + end, an - end, false);
		why_put(w, " added");
		return true;
	}
	return false;
}

/* The known name as a label of the host's subdomain part. */
static bool
subdomain(const struct dom *h, const struct dom *k, struct why *w)
{
	const char *p = h->host, *dot;

	for (; p < h->org && (dot = strchr(p, '.')) != NULL; p = dot + 1)
		if ((size_t)(dot - p) == k->name_len && memcmp(p, k->org, k->name_len) == 0) {
			why_put(w, "inside ");
			why_str(w, h->org);
			return true;
		}
	return false;
}

bool lookalike_classify(const USpoofChecker *sc, const struct dom *h, const struct dom *k,
			struct mail_lookalike *out);

/* h holds invisible characters: without them, is it k or a look-alike? */
static bool
invisible(const USpoofChecker *sc, const struct dom *h, const struct dom *k,
	  struct mail_lookalike *out)
{
	struct why w = { out->why, sizeof out->why, 0 };
	struct mail_lookalike inner = { 0 };
	const uint8_t *u = (const uint8_t *)h->host;
	int32_t i = 0, len = (int32_t)strlen(h->host);
	UChar32 seen[3], c;
	size_t ns = 0;
	struct dom_buf b;

	if (!lookalike_strip(sc, h, &b) ||
	    (strcmp(b.d.org, k->org) != 0 && !lookalike_classify(sc, &b.d, k, &inner)))
		return false;
	while (i < len && ns < 3) {
		U8_NEXT(u, i, len, c);
		if (is_invisible(c) && (ns == 0 || (c != seen[0] && (ns == 1 || c != seen[1])))) {
			if (ns > 0)
				why_put(&w, ", ");
			why_cp(&w, c, true);
			seen[ns++] = c;
		}
	}
	why_put(&w, " inside");
	if (inner.kind != MAIL_LOOKALIKE_NONE) {
		why_put(&w, ", ");
		why_put(&w, inner.why);
	}
	out->kind = MAIL_LOOKALIKE_INVISIBLE;
	return true;
}

/* mail_lookalike_compare on parsed domains; out is not NULL. */
/*
 * Two names that differ in their numbers only ("vendor12", "vendor130";
 * "shop24", "shop365") are numbered siblings, not typos: both carry
 * digits, and without them they are the same. ("acmetel2" for acmetel
 * still counts: a number added is an edit.)
 */
static bool
numbered_siblings(const struct dom *h, const struct dom *k)
{
	size_t i = 0, j = 0;
	bool h_digits = false, k_digits = false;

	for (;;) {
		while (i < h->n && h->cps[i] >= '0' && h->cps[i] <= '9') {
			h_digits = true;
			i++;
		}
		while (j < k->n && k->cps[j] >= '0' && k->cps[j] <= '9') {
			k_digits = true;
			j++;
		}
		if (i == h->n || j == k->n)
			return i == h->n && j == k->n && h_digits && k_digits;
		if (h->cps[i++] != k->cps[j++])
			return false;
	}
}

bool
lookalike_classify(const USpoofChecker *sc, const struct dom *h, const struct dom *k,
		   struct mail_lookalike *out)
{
	struct why w = { out->why, sizeof out->why, 0 };
	enum mail_lookalike_kind kind = MAIL_LOOKALIKE_NONE;
	size_t kn = k->n, d;

	out->kind = MAIL_LOOKALIKE_NONE;
	out->why[0] = '\0';
	if (strcmp(h->org, k->org) == 0)
		return false; /* known itself, or one of its hosts */
	if (h->invisible)
		return invisible(sc, h, k, out);
	if (h->n == kn && memcmp(h->cps, k->cps, kn * sizeof *k->cps) == 0) {
		UChar32 x[NAME_CPS], y[NAME_CPS];
		const char *hs = dom_suffix(h), *ks = dom_suffix(k);
		size_t xn, yn;

		if (lookalike_decode(hs, strlen(hs), x, NAME_CPS, &xn) &&
		    lookalike_decode(ks, strlen(ks), y, NAME_CPS, &yn) &&
		    loose_hash(sc, x, xn) == loose_hash(sc, y, yn) &&
		    homoglyph(sc, x, xn, y, yn, &w))
			kind = MAIL_LOOKALIKE_HOMOGLYPH;
		else if (kn >= MIN_TYPO) {
			why_suffix(&w, h, k);
			kind = MAIL_LOOKALIKE_TLD;
		}
		out->kind = kind;
		return kind != MAIL_LOOKALIKE_NONE;
	}
	if (h->loose == k->loose && homoglyph(sc, h->cps, h->n, k->cps, kn, &w))
		kind = MAIL_LOOKALIKE_HOMOGLYPH;
	else if (kn >= MIN_TYPO && hyphenation(h, k, &w))
		kind = MAIL_LOOKALIKE_HYPHENATION;
	else if (numbered_siblings(h, k))
		kind = MAIL_LOOKALIKE_NONE;
	else if ((d = edit_distance(h->cps, h->n, k->cps, kn)) == 1)
		kind = one_edit(h->cps, h->n, k->cps, kn, &w);
	else if (d == 2 && kn >= MIN_EDIT2) {
		kind = h->n == kn + 2   ? MAIL_LOOKALIKE_INSERTION
		       : h->n + 2 == kn ? MAIL_LOOKALIKE_OMISSION
					: MAIL_LOOKALIKE_REPLACEMENT;
		why_put(&w, "2 letters changed");
	}
	if (kind == MAIL_LOOKALIKE_NONE && kn >= MIN_WORD && addition(h, k, &w))
		kind = MAIL_LOOKALIKE_ADDITION;
	if (kind != MAIL_LOOKALIKE_NONE)
		why_suffix(&w, h, k);
	else if (kn >= MIN_WORD && subdomain(h, k, &w))
		kind = MAIL_LOOKALIKE_SUBDOMAIN;
	out->kind = kind;
	return kind != MAIL_LOOKALIKE_NONE;
}

bool
mail_lookalike_compare(const char *host, const char *known, struct mail_lookalike *out)
{
	struct mail_lookalike scratch;
	UErrorCode st = U_ZERO_ERROR;
	struct dom_buf h, k;
	USpoofChecker *sc;
	bool found = false;

	if (out == NULL)
		out = &scratch;
	out->kind = MAIL_LOOKALIKE_NONE;
	out->why[0] = '\0';
	if (host == NULL || known == NULL || mail_icu() == NULL ||
	    (sc = ICU(uspoof_open)(&st)) == NULL)
		return false;
	if (U_SUCCESS(st) && lookalike_parse(sc, host, &h) && lookalike_parse(sc, known, &k))
		found = lookalike_classify(sc, &h.d, &k.d, out);
	ICU(uspoof_close)(sc);
	return found;
}

/* ---- display ----------------------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Each code point that is not printable ASCII as <U+XXXX>, each byte
 * that is not UTF-8 as <XX>. */
static void
put_escaped(struct buf *b, const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	int32_t i = 0, end = (int32_t)len;
	char tmp[16];

	while (i < end) {
		int32_t start = i;
		UChar32 c;

		U8_NEXT(u, i, end, c);
		if (c > 0x1f && c < 0x7f) {
			buf_put(b, s + start, 1);
			continue;
		}
		if (c < 0) {
			/* U8_NEXT skips a bad sequence whole: show its bytes */
			for (int32_t j = start; j < i; j++) {
				snprintf(tmp, sizeof tmp, "<%02X>", u[j]);
				buf_put(b, tmp, strlen(tmp));
			}
			continue;
		}
		snprintf(tmp, sizeof tmp, "<U+%04X>", (unsigned)c);
		buf_put(b, tmp, strlen(tmp));
	}
}

static bool
ascii_case_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

/*
 * A label as punycode when IDNA takes it as it is. The way back must give
 * the label again: IDNA's mapping would otherwise show a fullwidth ａcme
 * as acme, and transitional processing drops a zero-width joiner.
 */
static bool
put_idna(struct buf *b, const char *s, size_t len)
{
	UChar32 c[NAME_CPS];
	char label[256];
	char *ace = NULL, *back = NULL;
	size_t n;
	bool ok = false;

	/* without ICU, every non-ASCII label is escaped: safe, if long */
	if (mail_icu() == NULL || len >= sizeof label || !lookalike_decode(s, len, c, NAME_CPS, &n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (is_invisible(c[i]))
			return false;
	memcpy(label, s, len);
	label[len] = '\0';
	if (idn2_to_ascii_8z(label, &ace, IDN2_NONTRANSITIONAL) != IDN2_OK) {
		idn2_free(ace);
		ace = NULL;
		if (idn2_to_ascii_8z(label, &ace, IDN2_TRANSITIONAL) != IDN2_OK) {
			idn2_free(ace);
			return false;
		}
	}
	if (idn2_to_unicode_8z8z(ace, &back, 0) == IDN2_OK && ascii_case_equal(back, label) &&
	    strchr(ace, '.') == NULL) {
		buf_put(b, ace, strlen(ace));
		ok = true;
	}
	idn2_free(back);
	idn2_free(ace);
	return ok;
}

char *
mail_domain_display(const char *domain)
{
	struct buf b = { 0 };

	if (domain == NULL)
		domain = "";
	buf_put(&b, "", 0);
	for (;;) {
		size_t len = strcspn(domain, "."), i = 0;

		while (i < len && (unsigned char)domain[i] < 0x80)
			i++;
		if (i < len && !put_idna(&b, domain, len))
			put_escaped(&b, domain, len);
		else if (i == len)
			put_escaped(&b, domain, len);
		if (domain[len] == '\0')
			break;
		buf_put(&b, ".", 1);
		domain += len + 1;
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* ---- display names ---------------------------------------------------- */

/* Case folded, without spaces, hyphens (any dash), dots, underscores and
 * invisible characters: "Acme Networks" and "acme-networks" meet. */
static size_t
squeeze(const char *s, size_t len, UChar32 *out, size_t cap)
{
	const uint8_t *u = (const uint8_t *)s;
	int32_t i = 0, end = (int32_t)len;
	size_t o = 0;
	UChar32 c;

	while (i < end && o < cap) {
		U8_NEXT(u, i, end, c);
		if (c < 0 || c == '.' || c == '_' || ICU(u_isUWhiteSpace)(c) ||
		    ICU(u_hasBinaryProperty)(c, UCHAR_DASH) || is_invisible(c))
			continue;
		out[o++] = ICU(u_foldCase)(c, U_FOLD_CASE_DEFAULT);
	}
	return o;
}

bool
mail_name_mentions_org(const char *display_name, const char *org)
{
	UChar32 name[NAME_CPS], *text;
	size_t nn, nt, len;
	struct dom_buf b;
	bool found = false;

	if (display_name == NULL || *display_name == '\0' || mail_icu() == NULL ||
	    !lookalike_parse(NULL, org, &b))
		return false;
	nn = squeeze(b.d.org, b.d.name_len, name, NAME_CPS);
	len = strlen(display_name);
	if (nn < MIN_WORD || (text = malloc(len * sizeof *text)) == NULL)
		return false;
	nt = squeeze(display_name, len, text, len);
	for (size_t i = 0; !found && i + nn <= nt; i++)
		found = memcmp(text + i, name, nn * sizeof *name) == 0;
	free(text);
	return found;
}

/* Whether a word (cps, n: invisible characters left out) reads as Latin
 * letters while some of its letters are another script's: its skeleton
 * (UTS #39, and the CJK shapes beside it) all ASCII. "D\u0430na",
 * "G\u3007\u3007gle", "PayPa\u3163" do;
 * "NTT\u30c9\u30b3\u30e2" and "Y\u0131lmaz" (a Latin letter) do not. why
 * gets "Latin and Cyrillic". */
static bool
word_passes_for_latin(const USpoofChecker *sc, const UChar32 *cps, size_t n, char *why,
		      size_t why_len)
{
	UChar32 sk[SKEL_MAX];
	UScriptCode other = USCRIPT_INVALID_CODE;
	bool ascii_letter = false;
	size_t sn;

	for (size_t i = 0; i < n; i++) {
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode s;

		if (cps[i] < 0x80) {
			ascii_letter = ascii_letter || (unsigned)((cps[i] | 0x20) - 'a') < 26u;
			continue;
		}
		s = ICU(uscript_getScript)(cps[i], &st);
		if (U_SUCCESS(st) && s != USCRIPT_COMMON && s != USCRIPT_INHERITED &&
		    s != USCRIPT_LATIN && other == USCRIPT_INVALID_CODE)
			other = s;
	}
	if (!ascii_letter || other == USCRIPT_INVALID_CODE)
		return false;
	sn = skeleton(sc, cps, n, false, sk, SKEL_MAX);
	for (size_t i = 0; i < sn; i++)
		if (sk[i] >= 0x80)
			return false;
	snprintf(why, why_len, "Latin and %s", ICU(uscript_getName)(other));
	return true;
}

bool
mail_name_mixes_scripts(const char *display_name, char *why, size_t why_len)
{
	const uint8_t *u = (const uint8_t *)display_name;
	int32_t i = 0, end;
	UChar32 word[NAME_CPS];
	USpoofChecker *sc = NULL;
	UErrorCode st = U_ZERO_ERROR;
	size_t n = 0;
	bool ascii = true, found = false;

	if (why_len)
		why[0] = '\0';
	if (display_name == NULL)
		return false;
	for (const uint8_t *p = u; *p && ascii; p++)
		ascii = *p < 0x80;
	if (ascii || mail_icu() == NULL || (sc = ICU(uspoof_open)(&st)) == NULL || U_FAILURE(st)) {
		if (sc != NULL)
			ICU(uspoof_close)(sc);
		return false;
	}
	end = (int32_t)strlen(display_name);
	while (!found && i <= end) {
		UChar32 c = -1;

		if (i < end)
			U8_NEXT(u, i, end, c);
		else
			i++;
		/* a word ends at a space or punctuation ("\u5f20\u4f1f/Zhang
		 * Wei"); invisible characters are inside it, left out
		 * ("PayP<U+200B>\u0430l") */
		if (c >= 0 && is_invisible(c))
			continue;
		if (c < 0 || ICU(u_isUWhiteSpace)(c) ||
		    ICU(u_hasBinaryProperty)(c, UCHAR_PATTERN_SYNTAX) ||
		    ICU(u_hasBinaryProperty)(c, UCHAR_DASH)) {
			found = n > 0 && word_passes_for_latin(sc, word, n, why, why_len);
			n = 0;
			continue;
		}
		if (n < NAME_CPS)
			word[n++] = c;
	}
	ICU(uspoof_close)(sc);
	return found;
}

const char *
mail_lookalike_unavailable(void)
{
	return mail_icu() != NULL ? NULL : mail_icu_error();
}
