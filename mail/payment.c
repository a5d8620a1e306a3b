/*
 * Payment details in a message body, and what invoice fraud says with
 * them: "our bank details have changed", "please pay".
 *
 * Hand-written: no C library in Debian validates IBANs or finds bank
 * details in prose. The text is untrusted (up to 256 KB, not
 * NUL-terminated, with NULs, invalid UTF-8 and any line ends), so every
 * pass is linear in its length: candidates are read through windows of
 * bounded size and never again from each of their offsets, and at most
 * MAIL_PAYMENT_DETAILS distinct details are kept.
 *
 * Line by line:
 *   IBAN       a registry country code and two digits at a word start,
 *              then exactly the country's length of letters and digits,
 *              unbroken or in groups parted by one space (any Unicode
 *              one), '-' or '.': in fours, or of any size after a group
 *              with a digit (the French RIB's); kept when its check
 *              digits are right. Characters that show as nothing (a
 *              zero-width space, a soft hyphen) are read as absent, in
 *              phrases too.
 *   BIC        8 or 11 upper-case characters, ISO country in the middle,
 *              after "BIC" or "SWIFT" on the line.
 *   routing    9 digits, a Federal Reserve prefix and the 3-7-1 checksum,
 *              on a line with "routing", "ABA" or "RTN".
 *   sort code  dd-dd-dd, dd dd dd or dddddd on a line with "sort code".
 *   account    6-17 digits (groups parted by one space or '-'), the first
 *              after an account word, when the word names a bank account
 *              by itself ("acct", "Kontonummer"), or the line has a bank
 *              word ("bank", "IBAN"), or it is in a block headed "Bank
 *              details:", "Wire instructions", "Remit to:"... that runs to
 *              a blank line, or in a paragraph that gives a sort code or
 *              routing number (before it too). A bill's "Account number:
 *              8812-004417" is the customer's. Amounts, numbers glued to
 *              words ("AT-2026-10") and lines with phone words give no
 *              account.
 * Sentence by sentence (ASCII and Latin-1 letters lower-cased, all else
 * but letters and digits one space; a sentence ends at ". ", "! ", "? "
 * or a blank line; a longer one is judged in overlapping windows):
 *   bank_change   a change phrase in a sentence without a negation or
 *                 reassurance ("never", "unchanged", "will not", "if you
 *                 receive", "nie", "jamais", "nunca", "nooit", "mai"...):
 *                 "we will never ask you to change payment details".
 *   asks_payment  a request phrase, and an amount (a currency symbol or
 *                 code next to digits) or a detail, anywhere.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "mail.h"

#define IBAN_MAX 34
#define SENTENCE_MAX 1024
/* kept from a judged window into the next: longer than any phrase */
#define SENTENCE_CARRY 160

/* The SWIFT IBAN registry (2025, 89 countries): country, IBAN length. */
static const char iban_countries[] =
	"AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 "
	"DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 "
	"HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 "
	"MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 "
	"RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 "
	"VA22 VG24 XK20 YE30";

/* ISO 3166-1 alpha-2, and XK, which BICs use: a BIC's country part. */
static const char iso_countries[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM "
	"BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX "
	"CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG "
	"GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
	"IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV "
	"LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE "
	"NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO "
	"RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
	"TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF "
	"WS XK YE YT ZA ZM ZW";

static const char currency_codes[] =
	"USD EUR GBP CHF JPY CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN CNY HKD SGD INR "
	"ZAR MXN BRL TRY AED SAR ILS";

/*
 * Line keywords, matched case-insensitively at a word start; a trailing
 * '*' lets the word go on ("bank*": "banking", "Bankverbindung").
 */
enum {
	KW_BIC,     /* a BIC may follow */
	KW_ROUTING, /* a routing number may be on the line */
	KW_SORT,    /* a sort code may be on the line */
	KW_ALONE,   /* names a bank account by itself */
	KW_ACCOUNT, /* a bank account beside a bank word or in a block */
	KW_BANK,
	KW_PHONE,   /* numbers here are phone numbers */
	KW_HEADING, /* heads a block when followed by ':' or nothing */
	KW_KINDS,
};
#define K(kind) (1u << KW_##kind)

static const struct keyword {
	const char *word;
	unsigned kinds;
} keywords[] = {
	{ "bic", K(BIC) | K(BANK) },
	{ "swift", K(BIC) | K(BANK) },
	{ "routing", K(ROUTING) | K(BANK) },
	{ "aba", K(ROUTING) | K(BANK) },
	{ "rtn", K(ROUTING) },
	{ "sort code", K(SORT) | K(BANK) },
	{ "sort-code", K(SORT) | K(BANK) },
	{ "sortcode", K(SORT) | K(BANK) },
	/* Australia's bank and branch, beside the account number */
	{ "bsb", K(BANK) },
	{ "acct", K(ALONE) },
	{ "a/c", K(ALONE) },
	{ "kontonummer", K(ALONE) },
	{ "konto-nr*", K(ALONE) },
	{ "kontonr*", K(ALONE) },
	{ "bankkonto", K(ALONE) | K(BANK) },
	{ "numéro de compte", K(ALONE) },
	{ "n° de compte", K(ALONE) },
	{ "cuenta*", K(ALONE) },
	{ "rekeningnummer", K(ALONE) },
	{ "rekeningnr*", K(ALONE) },
	{ "bankrekening", K(ALONE) | K(BANK) },
	{ "conto", K(ALONE) },
	{ "account*", K(ACCOUNT) },
	{ "konto", K(ACCOUNT) },
	{ "compte*", K(ACCOUNT) },
	{ "rekening", K(ACCOUNT) },
	{ "bank*", K(BANK) },
	{ "banc*", K(BANK) },
	{ "beneficiar*", K(BANK) },
	{ "iban", K(BANK) },
	{ "blz", K(BANK) },
	{ "phone*", K(PHONE) },
	{ "tel", K(PHONE) },
	{ "telephone", K(PHONE) },
	{ "fax", K(PHONE) },
	{ "call*", K(PHONE) },
	{ "mobile", K(PHONE) },
	{ "bank details", K(HEADING) },
	{ "banking details", K(HEADING) },
	{ "bank account details", K(HEADING) },
	{ "bank information", K(HEADING) },
	{ "banking information", K(HEADING) },
	{ "wire instructions", K(HEADING) },
	{ "wiring instructions", K(HEADING) },
	{ "wire transfer instructions", K(HEADING) },
	{ "wire transfer details", K(HEADING) },
	{ "wire details", K(HEADING) },
	{ "remit to", K(HEADING) },
	{ "remittance details", K(HEADING) },
	{ "remittance information", K(HEADING) },
	{ "payment details", K(HEADING) },
	{ "payment information", K(HEADING) },
	{ "payment instructions", K(HEADING) },
	{ "beneficiary details", K(HEADING) },
	{ "bankverbindung", K(HEADING) },
	{ "kontoverbindung", K(HEADING) },
	{ "bankdaten", K(HEADING) },
	{ "coordonnées bancaires", K(HEADING) },
	{ "datos bancarios", K(HEADING) },
	{ "bankgegevens", K(HEADING) },
	{ "coordinate bancarie", K(HEADING) },
	{ "dati bancari", K(HEADING) },
};
#define N_KEYWORDS (sizeof keywords / sizeof keywords[0])
_Static_assert(N_KEYWORDS < 256, "by_letter keeps keyword numbers in bytes");

/* The keywords by their first letter, in the table's order (which the
 * first of two at one place, "bankkonto" before "bank*", depends on):
 * a word start tries the few of its letter, not all seventy. */
static struct {
	unsigned char order[N_KEYWORDS];
	unsigned char from[27]; /* letter l's are order[from[l] .. from[l + 1]) */
} by_letter;
static pthread_once_t by_letter_once = PTHREAD_ONCE_INIT;

static void
index_by_letter(void)
{
	size_t n = 0;

	for (int l = 0; l < 26; l++) {
		by_letter.from[l] = (unsigned char)n;
		for (size_t k = 0; k < N_KEYWORDS; k++)
			if (keywords[k].word[0] == 'a' + l)
				by_letter.order[n++] = (unsigned char)k;
	}
	by_letter.from[26] = (unsigned char)n;
}

/*
 * Sentence phrases: words parted by one space, a word's alternatives by
 * '|', an empty alternative makes the word optional, a trailing '*' lets
 * the word go on. Lower case; the text is lower-cased to match.
 */
static const char *const change_phrases[] = {
	"bank|banking|remittance|wire|receiving details|information|instructions|account|accounts|"
	"partner|provider have|has|had|were|was|are|is| been| changed|updated|modified",
	"payment|payments|transfer instructions have|has|had|were|was|are|is| been| "
	"changed|updated|modified|revised|amended",
	"updated|revised|amended|changed bank|banking|payment|remittance|wire|transfer instructions",
	"updated|revised|amended|changed bank|banking|remittance|wire details|information|account|"
	"accounts",
	"our payment details|information have|has| been| changed|updated",
	"changed|updated|update|change|changing|updating our|its|the receiving| "
	"bank|banking|payment|remittance|wire details|information|instructions|account|accounts",
	"new bank|banking|remittance|wire|receiving account|accounts|details|information|info|"
	"instructions",
	"our new account|accounts details|information|number",
	/* what business e-mail compromise writes besides */
	"pay|remit|send|transfer|wire|payments|payment|remittances to|into our|the new account|iban",
	"changed|switched|moved|changing|switching|moving banks|bankers",
	"changed|switched|moved|changing|switching|moving our|its bank|banking|bankers",
	"have|has|got a|an new bank|banking|bankers|iban",
	"pay|remit|send|transfer|wire|payments|payment|remittances to|into|via our|an|the "
	"alternative|alternate|other|different|secondary|backup bank| account|accounts|iban",
	"all|any future payments|payment|remittances|transfers to|into",
	"all|any future payments|payment|remittances|transfers should|must|shall|will|are| be| "
	"made|sent|paid|directed|remitted|transferred|wired to|into",
	"our usual|regular|current|main|primary|normal|old| bank| account|accounts is|are|has|have| "
	"been| currently| under|undergoing audit|auditing|review|investigation|maintenance",
	"our usual|regular|current|main|primary|normal|old| bank| account|accounts cannot "
	"receive|accept payments|payment|funds|transfers|wires",
	"our usual|regular|current|main|primary|normal|old| bank| account|accounts "
	"can|could|is|are|does|do not|t|unable to| receive|accept payments|payment|funds|transfers|"
	"wires",
	"previous|old|former bank| account|accounts can|will|is|are no longer",
	"previous|old|former bank| account|accounts is|has|was|have|are been| "
	"closed|suspended|frozen|blocked|discontinued",
	"do|don not|t pay|send|remit|transfer|wire|use to|into| the|our|any old|previous|former "
	"bank| account|accounts|iban|details",
	"made|sent|paid|directed|remitted|transferred to|into the|our|this new account|bank|iban",
	"made|sent|paid|directed|remitted|transferred|wired to|into our|an|the "
	"alternative|alternate|other|different|secondary|backup bank| account|accounts|iban",
	"now bank|banks with",
	"not|than the|our one|account|iban|bank on|in|from the|your|our| invoice|invoices|records|file",
	"chang* de banque|rib",
	"bankverbindung|kontoverbindung|bankdaten|kontodaten hat|haben sich geändert|geaendert|verändert",
	"neue|neuen|neuer bankverbindung|kontoverbindung|bankdaten|kontodaten|kontonummer|iban|bankkonto",
	"geänderte|geänderten|geaenderte bankverbindung|kontoverbindung|bankdaten",
	"änderung|aenderung der|unserer bankverbindung|kontoverbindung|bankdaten",
	"nouvelles|nouvelle coordonn* bancaire|bancaires",
	"nouveau|nouvel rib|iban",
	"nouveau compte bancaire",
	"changement|modification de|des coordonn* bancaire|bancaires",
	"coordonn* bancaires ont été| chang*|modifi*",
	"nuevos datos bancarios",
	"nueva cuenta bancaria",
	"nuevo iban",
	"datos bancarios|cuenta bancaria han|ha sido| cambiado|modificado|modificada",
	"cambio de cuenta|datos bancaria|bancarios",
	"nieuwe bankgegevens|bankrekening|rekeningnummer|iban",
	"gewijzigde bankgegevens|bankrekening|rekeningnummer",
	"bankgegevens|rekeningnummer zijn|is gewijzigd|veranderd",
	"nuove coordinate bancarie",
	"nuovo iban",
	"nuovo conto corrente|bancario",
	"coordinate bancarie sono cambiate|variate|state",
	"cambio|variazione delle|di coordinate bancarie|iban",
};
static const char *const negations[] = {
	"never",
	"unchanged",
	"not been| changed|updated",
	"will not",
	"won t",
	"won’t",
	"if you receive|get|ever",
	"beware",
	"phishing",
	"scam|scams",
	"nie",
	"niemals",
	"unverändert",
	"unveraendert",
	"nicht geändert|verändert",
	"jamais",
	"inchang*",
	"pas chang*|modifi*",
	"nunca",
	"sin cambios",
	"no han|ha cambiado",
	"nooit",
	"ongewijzigd",
	"niet gewijzigd|veranderd",
	/* not "mai" alone: the month of May in German and French; the
	 * Italian never is "non ... mai" */
	"non * mai",
	"non * * mai",
	"mai cambiat*|variat*|modificat*",
	"invariat*",
	"non sono cambiate|variate",
};
static const char *const request_phrases[] = {
	"please|kindly pay|remit|settle|transfer|wire",
	"process|make|arrange|effect the|a| payment|transfer",
	"payment of",
	"remit",
	"wire|bank transfer",
	"amount|balance|total due|owing|payable",
	"outstanding invoice|invoices|balance|amount",
	"overdue",
	"past due",
	"bitte überweisen|zahlen|begleichen",
	"zahlung",
	"überweisen sie",
	"veuillez régler|payer|virer",
	"paiement",
	"virement",
	"por favor pague|pagar|transfiera",
	"pago",
	"transferencia",
	"betaling",
	"te betalen",
	"over te maken",
	"pagamento",
	"bonifico",
	"si prega di pagare|saldare",
};

#define N_PHRASES(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(N_PHRASES(change_phrases) <= 64 && N_PHRASES(negations) <= 64 &&
		       N_PHRASES(request_phrases) <= 64,
	       "a phrase list indexes its phrases with a 64-bit mask");

/* A phrase list with, for each hash of two bytes, the phrases that can
 * start with them: each word of the text tries a few phrases, not all. */
struct phrases {
	const char *const *list;
	uint64_t by_start[256];
};

struct scan {
	struct mail_payment_facts *out;
	bool in_block; /* inside a "Bank details:" block */
	/* an account number its line alone did not make a bank account's
	 * ("Account number: 55779911"), kept to the paragraph's end: a sort
	 * code or routing number after it does */
	char maybe_account[18];
	/* inside a paragraph about a direct debit: the account named is the
	 * customer's, debited, not the vendor's to pay into */
	bool in_debit;
	bool request; /* a request phrase was seen */
	struct phrases change, negation, request_words;
};

struct line {
	const char *s;
	size_t n;
	size_t bic_from;     /* BICs from here on; SIZE_MAX: none */
	size_t account_from; /* an account number from here on; SIZE_MAX: none */
	size_t maybe_from;   /* one that may be, as maybe_account; SIZE_MAX: none */
	bool routing, sort_code;
};

/* The length of the IBAN separator at i: a space, '-', '.', '/', or a
 * no-break, thin, narrow or other Unicode space (French typesetting
 * writes U+202F). */
static size_t
separator(const char *s, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;

	if (i < n && (s[i] == ' ' || s[i] == '-' || s[i] == '.' || s[i] == '/'))
		return 1;
	if (i + 1 < n && u[i] == 0xC2 && u[i + 1] == 0xA0)
		return 2;
	if (i + 2 < n && ((u[i] == 0xE2 && u[i + 1] == 0x80 &&
			   ((u[i + 2] >= 0x80 && u[i + 2] <= 0x8A) || u[i + 2] == 0xAF)) ||
			  (u[i] == 0xE2 && u[i + 1] == 0x81 && u[i + 2] == 0x9F) ||
			  (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80)))
		return 3;
	return 0;
}

/* Offset just past keyword kw (see above) at word start i; 0 when it
 * is not there. */
static size_t
keyword_at(const char *s, size_t n, size_t i, const char *kw)
{
	size_t k = strlen(kw), j = 0;
	bool open = kw[k - 1] == '*';

	k -= open;
	while (j < k && i + j < n && ascii_lower((unsigned char)s[i + j]) == kw[j])
		j++;
	if (j == k && (open || i + k == n || !ascii_alnum((unsigned char)s[i + k])))
		return i + k;
	return 0;
}

static void
add_detail(struct mail_payment_facts *f, enum mail_payment_kind kind, const char *v, size_t len)
{
	struct mail_payment_detail *d;

	for (size_t i = 0; i < f->n_details; i++)
		if (f->details[i].kind == kind && strlen(f->details[i].value) == len &&
		    memcmp(f->details[i].value, v, len) == 0)
			return;
	if (f->n_details == MAIL_PAYMENT_DETAILS || len >= sizeof d->value)
		return;
	d = &f->details[f->n_details++];
	d->kind = kind;
	memcpy(d->value, v, len);
	d->value[len] = '\0';
}

/* ---- IBAN ---- */

static size_t
iban_length(const char *cc)
{
	const char *t = iban_countries;

	for (size_t i = 0; i + 4 < sizeof iban_countries; i += 5)
		if (t[i] == cc[0] && t[i + 1] == cc[1])
			return (size_t)(t[i + 2] - '0') * 10 + (size_t)(t[i + 3] - '0');
	return 0;
}

/*
 * b: len upper-case letters and digits. ISO 13616: country length, check
 * digits 02-98, and the number made of the BBAN, the country's letters
 * (A=10 ... Z=35) and the check digits is 1 modulo 97; computed a digit
 * (or a letter's two) at a time, so the remainder never exceeds 9699.
 */
static bool
iban_check(const char *b, size_t len)
{
	unsigned r = 0;

	if (len < 5 || len != iban_length(b) || !ascii_digit(b[2]) || !ascii_digit(b[3]) ||
	    (b[2] == '0' && b[3] < '2') || (b[2] == '9' && b[3] == '9'))
		return false;
	for (size_t k = 0; k < len; k++) {
		char c = b[(k + 4) % len];

		if (ascii_digit(c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else if (c >= 'A' && c <= 'Z')
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return false;
	}
	return r == 1;
}

static char *visible(const char *text, size_t len, size_t *out_len);

bool
mail_iban_valid(const char *iban)
{
	char b[IBAN_MAX], *own;
	size_t len = 0, n;
	bool valid = false;

	if (iban == NULL)
		return false;
	n = strlen(iban);
	if ((own = visible(iban, n, &n)) != NULL)
		iban = own;
	for (size_t i = 0; i < n;) {
		size_t sep = separator(iban, n, i);

		if (sep > 0) {
			i += sep;
			continue;
		}
		if (!ascii_alnum((unsigned char)iban[i]) || len == IBAN_MAX)
			goto out;
		b[len++] = ascii_upper((unsigned char)iban[i++]);
	}
	valid = iban_check(b, len);
out:
	free(own);
	return valid;
}

/* The length of the run of separators at i (spaces doubled, " - "). */
static size_t
separators(const char *s, size_t n, size_t i)
{
	size_t j = i, k;

	while ((k = separator(s, n, j)) > 0)
		j += k;
	return j - i;
}

/*
 * The letters and digits of an IBAN written from word start i, upper
 * case, into b (*len of them), as its groups part it: in fours, or after
 * a group with a digit anywhere (the French RIB's "FR76 30003 03620
 * 00020216907 56"), or after the country ("DE 89 3704 ..."), or spaced
 * out a character at a time ("G B 8 2 W E S T ..."), by any run of
 * separators (HTML shows "GB82   WEST" as "GB82 WEST"). Prose words
 * after a country code and two digits ("AT20 pieces of ...") are no
 * IBAN's groups. Returns where it ends, or i when no country code and
 * check digits start there (*len 0); *loose when the country stood
 * apart ("No 12345678" reads so, and may be an account number).
 */
static size_t
read_iban(const char *s, size_t n, size_t i, char b[IBAN_MAX], size_t *len, bool *loose)
{
	size_t want = IBAN_MAX, j = i, group = 0, sep;
	bool group_digit = false, spaced;

	*len = 0;
	*loose = false;
	if (i >= n || !ascii_alpha(s[i]))
		return i;
	spaced = separators(s, n, i + 1) > 0;
	while (j < n && *len < want) {
		if (ascii_alnum((unsigned char)s[j])) {
			if (spaced && group > 0)
				break;
			group_digit = group_digit || ascii_digit(s[j]);
			group++;
			b[(*len)++] = ascii_upper((unsigned char)s[j++]);
			/* the country and its check digits: the length it wants */
			if (*len == 4 &&
			    (!ascii_alpha(b[0]) || !ascii_alpha(b[1]) || !ascii_digit(b[2]) ||
			     !ascii_digit(b[3]) || (want = iban_length(b)) == 0)) {
				*len = 0;
				return i;
			}
			continue;
		}
		sep = separators(s, n, j);
		if (sep == 0 || j + sep >= n || !ascii_alnum((unsigned char)s[j + sep]) ||
		    !(spaced || *len % 4 == 0 || group_digit || *len == 2))
			break;
		*loose = *loose || spaced || *len == 2;
		group = 0;
		group_digit = false;
		j += sep;
	}
	if (*len < 4) {
		*len = 0;
		return i;
	}
	return j;
}

/* An IBAN candidate at word start i: returns where it ends (its BBAN is
 * not read again for account numbers, unless its country stood apart),
 * or i when there is none. */
static size_t
take_iban(struct scan *sc, const struct line *l, size_t i)
{
	char b[IBAN_MAX];
	size_t len;
	bool loose;
	size_t j = read_iban(l->s, l->n, i, b, &len, &loose);

	if (len > 0 && (j == l->n || !ascii_alnum((unsigned char)l->s[j])) && iban_check(b, len))
		add_detail(sc->out, MAIL_PAY_IBAN, b, len);
	else if (loose)
		return i;
	return j;
}

/* ---- BIC ---- */

static bool
iso_country(const char *cc)
{
	for (size_t i = 0; i + 1 < sizeof iso_countries; i += 3)
		if (iso_countries[i] == cc[0] && iso_countries[i + 1] == cc[1])
			return true;
	return false;
}

/* A BIC: bank (4 letters), country (2), location (2), branch (3 or
 * none), upper case as banks write them: prose words after "SWIFT" are
 * lower case. */
static void
take_bic(struct scan *sc, const struct line *l, size_t i, size_t end)
{
	const char *s = l->s + i;
	size_t len = end - i;

	if (len != 8 && len != 11)
		return;
	for (size_t k = 0; k < len; k++)
		if (!(s[k] >= 'A' && s[k] <= 'Z') && (k < 6 || !ascii_digit(s[k])))
			return;
	if (iso_country(s + 4))
		add_detail(sc->out, MAIL_PAY_BIC, s, len);
}

/* ---- numbers ---- */

static bool
aba_valid(const char *d)
{
	static const unsigned weight[9] = { 3, 7, 1, 3, 7, 1, 3, 7, 1 };
	unsigned sum = 0, prefix = (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');

	for (size_t k = 0; k < 9; k++)
		sum += weight[k] * (unsigned)(d[k] - '0');
	/* Federal Reserve districts 00-12, thrifts 21-32, electronic 61-72,
	 * travellers' cheques 80 */
	return sum % 10 == 0 && sum > 0 &&
	       (prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) ||
		prefix == 80);
}

/* The length of a currency symbol ($, £, ¥, €) or code at i; 0: none. */
static size_t
currency_at(const char *s, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;
	char code[4] = "";

	if (u[i] == '$')
		return 1;
	if (i + 1 < n && u[i] == 0xC2 && (u[i + 1] == 0xA3 || u[i + 1] == 0xA5))
		return 2;
	if (i + 2 < n && u[i] == 0xE2 && u[i + 1] == 0x82 && u[i + 2] == 0xAC)
		return 3;
	if (i + 3 > n || (i > 0 && ascii_alnum(u[i - 1])) || (i + 3 < n && ascii_alnum(u[i + 3])))
		return 0;
	for (size_t k = 0; k < 3 && u[i + k] >= 'A' && u[i + k] <= 'Z'; k++)
		code[k] = s[i + k];
	return strlen(code) == 3 && strstr(currency_codes, code) != NULL ? 3 : 0;
}

/* Whether the number at [i, j) belongs to something else: a word
 * ("AT-2026-10"), an amount ("$1,980.00"), a phone number ("+1"). */
static bool
number_glued(const char *s, size_t n, size_t i, size_t j)
{
	char p = i > 0 ? s[i - 1] : ' ', pp = i > 1 ? s[i - 2] : ' ';

	if (p == '+' || ((p == '-' || p == '/') && ascii_alnum(pp)) ||
	    ((p == '.' || p == ',') && ascii_digit(pp)) ||
	    (i > 0 && currency_at(s, n, i - 1) == 1) || (i > 1 && currency_at(s, n, i - 2) == 2) ||
	    (i > 2 && currency_at(s, n, i - 3) == 3))
		return true;
	return j < n && (ascii_alnum(s[j]) ||
			 ((s[j] == '.' || s[j] == ',') && j + 1 < n && ascii_digit(s[j + 1])));
}

/* A sort code or routing number: it says the paragraph is about a bank
 * account, the account number before it ("Account number: 55779911",
 * "Sort code: 20-00-00") and after it. */
static void
bank_number(struct scan *sc, enum mail_payment_kind kind, const char *d, size_t nd)
{
	add_detail(sc->out, kind, d, nd);
	sc->in_block = true;
	if (sc->maybe_account[0])
		add_detail(sc->out, MAIL_PAY_ACCOUNT, sc->maybe_account, strlen(sc->maybe_account));
	sc->maybe_account[0] = '\0';
}

/* A number at word start i: digits in groups parted by one space or '-',
 * a sort code, routing or account number as its line allows. Returns
 * where it ends. */
static size_t
take_number(struct scan *sc, struct line *l, size_t i)
{
	const char *s = l->s;
	char d[24];
	size_t nd = 0, groups = 0, j = i;
	bool pairs = true;

	for (;;) {
		size_t g = 0;

		for (; j < l->n && ascii_digit(s[j]); j++, g++, nd++)
			if (nd < sizeof d)
				d[nd] = s[j];
		groups++;
		pairs = pairs && g == 2;
		if (j + 1 < l->n && (s[j] == ' ' || s[j] == '-') && ascii_digit(s[j + 1]))
			j++;
		else
			break;
	}
	if (number_glued(s, l->n, i, j))
		return j;
	if (l->sort_code && nd == 6 && (groups == 1 || (groups == 3 && pairs)))
		bank_number(sc, MAIL_PAY_SORT_CODE, d, nd);
	else if (l->routing && nd == 9 && groups == 1 && aba_valid(d))
		bank_number(sc, MAIL_PAY_ROUTING, d, nd);
	else if (i >= l->account_from && nd >= 6 && nd <= 17) {
		add_detail(sc->out, MAIL_PAY_ACCOUNT, d, nd);
		l->account_from = SIZE_MAX; /* one a line: the rest are references */
	} else if (i >= l->maybe_from && nd >= 6 && nd <= 17 && !sc->maybe_account[0]) {
		memcpy(sc->maybe_account, d, nd);
		sc->maybe_account[nd] = '\0';
		l->maybe_from = SIZE_MAX;
	}
	return j;
}

/* Where the first keyword of each kind ends on the line (0: none), and
 * whether the line heads a block: one pass over its word starts. */
static bool
line_keywords(const char *s, size_t n, size_t at[KW_KINDS])
{
	bool heading = false;

	memset(at, 0, KW_KINDS * sizeof at[0]);
	pthread_once(&by_letter_once, index_by_letter);
	for (size_t i = 0; i < n; i++) {
		char c = ascii_lower(s[i]);

		if (!ascii_alpha(c) || (i > 0 && ascii_alnum(s[i - 1])))
			continue;
		for (size_t o = by_letter.from[c - 'a']; o < by_letter.from[c - 'a' + 1]; o++) {
			const struct keyword *kw = &keywords[by_letter.order[o]];
			size_t end;

			if ((end = keyword_at(s, n, i, kw->word)) == 0)
				continue;
			for (unsigned b = 0; b < KW_KINDS; b++)
				if ((kw->kinds & 1u << b) && at[b] == 0)
					at[b] = end;
			while (end < n && (s[end] == ' ' || s[end] == '\t'))
				end++;
			if ((kw->kinds & K(HEADING)) && (end == n || s[end] == ':'))
				heading = true;
		}
	}
	return heading;
}

static bool
says_one_of(const char *low, size_t len, const char *const *words, size_t n)
{
	for (size_t w = 0; w < n; w++)
		if (memmem(low, len, words[w], strlen(words[w])) != NULL)
			return true;
	return false;
}

/* Whether a line speaks of debiting the customer's own account ("will be
 * collected by SEPA direct debit from your account IBAN ..."): that IBAN
 * is no vendor's bank details. Both a debit and the reader's account:
 * "we no longer take direct debits, pay to IBAN ..." is the vendor's. */
static bool
debit_line(const char *s, size_t n)
{
	static const char *const debit[] = {
		"direct debit",  "lastschrift",   "prélèvement", "prelevement",
		"domiciliación", "domiciliacion", "incasso",     "addebito",
	};
	static const char *const yours[] = {
		"your account", "your bank account", "ihrem konto", "ihr konto",    "votre compte",
		"su cuenta",    "uw rekening",       "suo conto",   "vostro conto",
	};
	char low[512];
	size_t len = n < sizeof low ? n : sizeof low;

	for (size_t i = 0; i < len; i++)
		low[i] = (char)ascii_lower((unsigned char)s[i]);
	return says_one_of(low, len, debit, sizeof debit / sizeof *debit) &&
	       says_one_of(low, len, yours, sizeof yours / sizeof *yours);
}

static void
scan_line(struct scan *sc, const char *s, size_t n)
{
	struct line l = { .s = s,
			  .n = n,
			  .bic_from = SIZE_MAX,
			  .account_from = SIZE_MAX,
			  .maybe_from = SIZE_MAX };
	size_t at[KW_KINDS], alone, weak, i;

	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == n) {
		sc->in_block = false;
		sc->in_debit = false;
		sc->maybe_account[0] = '\0';
		return;
	}
	if (debit_line(s, n))
		sc->in_debit = true;
	if (sc->in_debit)
		return;
	if (line_keywords(s, n, at))
		sc->in_block = true;
	if (at[KW_BIC] > 0)
		l.bic_from = at[KW_BIC];
	l.routing = at[KW_ROUTING] > 0;
	l.sort_code = at[KW_SORT] > 0;
	alone = at[KW_ALONE];
	weak = sc->in_block || at[KW_BANK] > 0 ? at[KW_ACCOUNT] : 0;
	/* an account number follows the first word that may name one */
	if (at[KW_PHONE] == 0 && (alone > 0 || weak > 0))
		l.account_from = alone > 0 && (weak == 0 || alone < weak) ? alone : weak;
	else if (at[KW_PHONE] == 0 && at[KW_ACCOUNT] > 0)
		l.maybe_from = at[KW_ACCOUNT];

	for (i = 0; i < n;) {
		size_t end;

		if (!ascii_alnum(s[i]) || (i > 0 && ascii_alnum(s[i - 1]))) {
			i++;
			continue;
		}
		if (ascii_digit(s[i])) {
			i = take_number(sc, &l, i);
			continue;
		}
		if ((end = take_iban(sc, &l, i)) > i) {
			i = end;
			continue;
		}
		for (end = i; end < n && ascii_alnum(s[end]); end++)
			;
		if (i >= l.bic_from)
			take_bic(sc, &l, i, end);
		i = end;
	}
}

/* ---- phrases ---- */

static const char *
next_word(const char *pat)
{
	pat += strcspn(pat, " ");
	return *pat == ' ' ? pat + 1 : pat;
}

/* Whether the words of pattern pat (see above) start t, n bytes of a
 * normalised sentence (no '|', '*' or NUL) at a word start. Recursion is
 * as deep as the pattern has words. */
static bool
match(const char *pat, const char *t, size_t n)
{
	for (const char *alt = pat;; alt++) {
		size_t k = 0;
		bool end;

		while (k < n && alt[k] == t[k] && t[k] != ' ')
			k++;
		end = alt[k] == '|' || alt[k] == ' ' || alt[k] == '\0';
		if (end && k == 0) {
			/* an empty alternative: the word is optional */
			if (*next_word(alt) == '\0' || match(next_word(alt), t, n))
				return true;
		} else if (alt[k] == '*' || (end && (k == n || t[k] == ' '))) {
			const char *next = next_word(alt + k);
			size_t w = k;

			while (w < n && t[w] != ' ')
				w++;
			if (*next == '\0' || (w < n && match(next, t + w + 1, n - w - 1)))
				return true;
		}
		alt += k + strcspn(alt + k, "| ");
		if (*alt != '|')
			return false;
	}
}

static unsigned
start_hash(unsigned char c0, unsigned char c1)
{
	return (c0 * 31u + c1) & 255;
}

static void
phrases_index(struct phrases *x, const char *const *list, size_t n)
{
	memset(x, 0, sizeof *x);
	x->list = list;
	for (size_t p = 0; p < n; p++)
		for (const char *alt = list[p];; alt++) {
			size_t len = strcspn(alt, "| ");

			if (len < 2 || alt[1] == '*') {
				/* an optional first word or a short one: try it anywhere */
				for (size_t h = 0; h < 256; h++)
					x->by_start[h] |= UINT64_C(1) << p;
			} else {
				x->by_start[start_hash(alt[0], alt[1])] |= UINT64_C(1) << p;
			}
			alt += len;
			if (*alt != '|')
				break;
		}
}

/* Where the first phrase of x starts in s (n bytes), or n. */
static size_t
says_at(const char *s, size_t n, const struct phrases *x)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t m;

		if (i > 0 && s[i - 1] != ' ')
			continue;
		m = x->by_start[start_hash(s[i], i + 1 < n ? s[i + 1] : ' ')];
		for (; m != 0; m &= m - 1)
			if (match(x->list[__builtin_ctzll(m)], s + i, n - i))
				return i;
	}
	return n;
}

static bool
says_any(const char *s, size_t n, const struct phrases *x)
{
	return says_at(s, n, x) < n;
}

struct sentence {
	char s[SENTENCE_MAX];
	size_t len;
	bool gap; /* a space is due before the next byte */
};

static void
judge(struct scan *sc, const struct sentence *st)
{
	if (sc->out->bank_change && sc->request)
		return;
	/* a negation before the change says it is none ("if you receive a
	 * mail saying our bank details changed, ..."); one after it does
	 * not ("our bank details have changed, so if you receive a
	 * reminder with the old account, ignore it") */
	if (!sc->out->bank_change) {
		size_t change = says_at(st->s, st->len, &sc->change);

		if (change < st->len && !says_any(st->s, change, &sc->negation))
			sc->out->bank_change = true;
	}
	if (!sc->request && says_any(st->s, st->len, &sc->request_words))
		sc->request = true;
}

static void
end_sentence(struct scan *sc, struct sentence *st)
{
	judge(sc, st);
	st->len = 0;
	st->gap = false;
}

static void
put(struct scan *sc, struct sentence *st, char c)
{
	if (st->len + 2 > SENTENCE_MAX) {
		/* too long to be a sentence: judge it, go on with its tail
		 * from a word start so that no phrase is cut */
		size_t from = st->len - SENTENCE_CARRY;

		judge(sc, st);
		while (from < st->len && st->s[from - 1] != ' ')
			from++;
		memmove(st->s, st->s + from, st->len - from);
		st->len -= from;
	}
	if (st->gap && st->len > 0)
		st->s[st->len++] = ' ';
	st->gap = false;
	st->s[st->len++] = c;
}

static void
scan_sentences(struct scan *sc, const char *text, size_t len)
{
	struct sentence st = { .len = 0 };
	const unsigned char *u = (const unsigned char *)text;
	unsigned breaks = 0; /* line breaks since the last visible byte */

	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];

		if (c == '\n' || (c == '\r' && (i + 1 == len || u[i + 1] != '\n'))) {
			if (++breaks == 2)
				end_sentence(sc, &st);
			st.gap = true;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			st.gap = true;
			continue;
		}
		breaks = 0;
		if (c == 0xC2 && i + 1 < len && u[i + 1] == 0xA0) {
			st.gap = true;
			i++;
		} else if ((c == '.' || c == '!' || c == '?') &&
			   (i + 1 == len || u[i + 1] == ' ' || u[i + 1] == '\n' ||
			    u[i + 1] == '\r' || u[i + 1] == '\t')) {
			end_sentence(sc, &st);
		} else if (c == 0xC3 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9E &&
			   u[i + 1] != 0x97) {
			/* Latin-1 capitals: "Ä" -> "ä", "É" -> "é" */
			put(sc, &st, (char)c);
			put(sc, &st, (char)(u[++i] + 0x20));
		} else if (ascii_alnum(c) || c >= 0x80) {
			put(sc, &st, ascii_lower(c));
		} else {
			st.gap = true;
		}
	}
	end_sentence(sc, &st);
}

/* An amount: a currency next to digits (one space between allowed). */
static bool
has_amount(const char *s, size_t n)
{
	for (size_t i = 0, k; i<n; i += k> 0 ? k : 1) {
		size_t after;

		if ((k = currency_at(s, n, i)) == 0)
			continue;
		after = i + k + (i + k < n && s[i + k] == ' ');
		if ((after < n && ascii_digit(s[after])) || (i > 0 && ascii_digit(s[i - 1])) ||
		    (i > 1 && s[i - 1] == ' ' && ascii_digit(s[i - 2])))
			return true;
	}
	return false;
}

const char *
mail_payment_kind_name(enum mail_payment_kind kind)
{
	static const char *const names[] = {
		[MAIL_PAY_IBAN] = "iban",           [MAIL_PAY_BIC] = "bic",
		[MAIL_PAY_ACCOUNT] = "account",     [MAIL_PAY_ROUTING] = "routing",
		[MAIL_PAY_SORT_CODE] = "sort-code",
	};

	if ((unsigned)kind >= sizeof names / sizeof names[0])
		return "unknown";
	return names[kind];
}

void
mail_payment_merge(struct mail_payment_facts *into, const struct mail_payment_facts *from)
{
	for (size_t i = 0; i < from->n_details; i++)
		add_detail(into, from->details[i].kind, from->details[i].value,
			   strlen(from->details[i].value));
	into->bank_change = into->bank_change || from->bank_change;
}

/* Whether the line at s (n bytes) quotes earlier mail ("> ..."). */
static bool
quoted_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '>';
}

/* text without its quoted lines (malloc'd), or NULL when it has none
 * (or no memory: then all of it is read) */
static char *
unquoted(const char *text, size_t len, size_t *out_len)
{
	char *copy = NULL;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t e = i;

		while (e < len && text[e] != '\n')
			e++;
		if (quoted_line(text + i, e - i) && copy == NULL) {
			if ((copy = malloc(len + 1)) == NULL)
				return NULL;
			memcpy(copy, text, i);
			o = i;
		} else if (!quoted_line(text + i, e - i) && copy != NULL) {
			memcpy(copy + o, text + i, e - i + (e < len));
			o += e - i + (e < len);
		}
		i = e + 1;
	}
	if (copy != NULL) {
		copy[o] = '\0';
		*out_len = o;
	}
	return copy;
}

/* The ASCII letter, digit or sign cp shows as: a fullwidth form (as
 * Japanese and Chinese input methods write "ＧＢ８２"), a mathematical
 * letter or digit ("𝟏𝟐"); 0 for none. */
static char
shown_as_ascii(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return (char)(cp - 0xFF01 + '!');
	if (cp >= 0x1D7CE && cp <= 0x1D7FF)
		return (char)('0' + (cp - 0x1D7CE) % 10);
	/* thirteen alphabets of 52 (their few holes are unassigned) */
	if (cp >= 0x1D400 && cp <= 0x1D6A3)
		return (cp - 0x1D400) % 52 < 26 ? (char)('A' + (cp - 0x1D400) % 52)
						: (char)('a' + (cp - 0x1D400) % 52 - 26);
	return 0;
}

/* The length of the character at i when it is not what it shows as:
 * nothing (as the sanitiser knows them, and a soft hyphen, which shows
 * only at a line's end; *as '\0') or an ASCII character (*as it);
 * else 0. */
static size_t
not_as_shown(const unsigned char *u, size_t n, size_t i, char *as)
{
	uint32_t cp;
	size_t k;

	/* (ASCII, most of any text, always is) */
	if (u[i] < 0x80 || (k = mail_utf8_decode(u + i, n - i, &cp)) == 0)
		return 0;
	*as = shown_as_ascii(cp);
	return *as != '\0' || mail_invisible(cp) || cp == 0xAD ? k : 0;
}

/* text as it shows (malloc'd), or NULL when it is so already (or no
 * memory: then all of it is read as it is): without the characters that
 * show as nothing, and the ones that show as ASCII letters and digits
 * written so. An IBAN or "bank de<U+200B>tails" with one inside reads,
 * and is copied, as one word, and was no IBAN or phrase of ours; one in
 * fullwidth digits was no IBAN at all. */
static char *
visible(const char *text, size_t len, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)text;
	char *copy = NULL;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		char as = '\0';
		size_t k = not_as_shown(u, len, i, &as);

		if (k > 0 && copy == NULL) {
			if ((copy = malloc(len + 1)) == NULL)
				return NULL;
			memcpy(copy, text, i);
			o = i;
		}
		if (k == 0 && copy != NULL)
			copy[o++] = text[i];
		else if (as != '\0')
			copy[o++] = as;
		i += k > 0 ? k : 1;
	}
	if (copy != NULL) {
		copy[o] = '\0';
		*out_len = o;
	}
	return copy;
}

/* Whether a line has what a detail needs (take_iban, take_number and
 * take_bic ask the same): an IBAN's country and check digits at a word
 * start, or a keyword that lets a number or a BIC count. */
static bool
line_may_give_details(const char *s, size_t n)
{
	size_t at[KW_KINDS], len;
	char b[IBAN_MAX];
	bool loose;

	if (line_keywords(s, n, at) || at[KW_BIC] || at[KW_ROUTING] || at[KW_SORT] ||
	    at[KW_ALONE] || (at[KW_ACCOUNT] && at[KW_BANK]))
		return true;
	for (size_t i = 0; i + 4 <= n; i++)
		if (ascii_alpha(s[i]) && (i == 0 || !ascii_alnum(s[i - 1])) &&
		    read_iban(s, n, i, b, &len, &loose) > i)
			return true;
	return false;
}

bool
mail_payment_may_give_details(const char *text, size_t len)
{
	char *own = text != NULL ? visible(text, len, &len) : NULL;
	bool may = false;

	if (own != NULL)
		text = own;
	for (size_t i = 0; text != NULL && i < len && !may;) {
		size_t e = i;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		may = line_may_give_details(text + i, e - i);
		i = e + 1;
	}
	free(own);
	return may;
}

void
mail_payment_scan(const char *text, size_t len, struct mail_payment_facts *out)
{
	struct scan sc = { .out = out };
	char *shown, *own;

	if (out == NULL)
		return;
	memset(out, 0, sizeof *out);
	if (text == NULL)
		return;
	if ((shown = visible(text, len, &len)) != NULL)
		text = shown;
	/* what the mail quotes is the earlier mail's: the vendor's old
	 * IBAN quoted below a new one made the new one look known */
	if ((own = unquoted(text, len, &len)) != NULL)
		text = own;
	for (size_t i = 0; i < len;) {
		size_t e = i;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		scan_line(&sc, text + i, e - i);
		i = e + (e + 1 < len && text[e] == '\r' && text[e + 1] == '\n' ? 2 : 1);
	}
	phrases_index(&sc.change, change_phrases, N_PHRASES(change_phrases));
	phrases_index(&sc.negation, negations, N_PHRASES(negations));
	phrases_index(&sc.request_words, request_phrases, N_PHRASES(request_phrases));
	scan_sentences(&sc, text, len);
	out->asks_payment = sc.request && (out->n_details > 0 || has_amount(text, len));
	free(own);
	free(shown);
}
