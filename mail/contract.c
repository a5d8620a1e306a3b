/*
 * Contract dates in vendor mail: "expires on 31 January 2027", "renewal
 * date: 2027-01-31", "gültig bis 31.12.2026", "auto-renews on", a term
 * "01.02.2026 – 31.01.2027" (its end). They are suggestions: the user
 * accepts or rejects each (store/contracts.c).
 *
 * Hand-written, as the dates are (date.c): what is wanted is a date
 * after one of a few dozen phrases in six languages, on the same line,
 * in text that is not a quoted reply; no library knows the phrases. A
 * message says nothing of contracts unless its own text names one
 * (contract, subscription, licence, maintenance, ...): a quote's
 * "valid until" is the quote's, not a contract's. The text is untrusted
 * and not NUL-terminated; every line is read once, in bounded pieces.
 */
#include "config.h"

#include <string.h>

#include "ascii.h"
#include "mail.h"

struct phrase {
	const char *text; /* lower case */
	enum mail_contract_event event;
	bool bare; /* a range's word alone ("from", "period:"): a term's only when long */
};

/* A range after a bare word is a term only when it is this long: a
 * month's service period, an outage's days, are no contract's. */
#define TERM_DAYS_MIN 150

/* Longer phrases before their prefixes. */
static const struct phrase phrases[] = {
	/* English */
	{ "automatically renews on", MAIL_CONTRACT_RENEWS, false },
	{ "will automatically renew on", MAIL_CONTRACT_RENEWS, false },
	{ "auto-renews on", MAIL_CONTRACT_RENEWS, false },
	{ "auto renews on", MAIL_CONTRACT_RENEWS, false },
	{ "renews automatically on", MAIL_CONTRACT_RENEWS, false },
	{ "will renew on", MAIL_CONTRACT_RENEWS, false },
	{ "renews on", MAIL_CONTRACT_RENEWS, false },
	{ "renewal date", MAIL_CONTRACT_RENEWS, false },
	{ "next renewal", MAIL_CONTRACT_RENEWS, false },
	{ "renewal due", MAIL_CONTRACT_RENEWS, false },
	{ "expiration date", MAIL_CONTRACT_EXPIRES, false },
	{ "expiry date", MAIL_CONTRACT_EXPIRES, false },
	{ "will expire on", MAIL_CONTRACT_EXPIRES, false },
	{ "will expire", MAIL_CONTRACT_EXPIRES, false },
	{ "expires on", MAIL_CONTRACT_EXPIRES, false },
	{ "expires", MAIL_CONTRACT_EXPIRES, false },
	{ "expiring on", MAIL_CONTRACT_EXPIRES, false },
	{ "ends on", MAIL_CONTRACT_EXPIRES, false },
	{ "end date", MAIL_CONTRACT_EXPIRES, false },
	{ "valid through", MAIL_CONTRACT_EXPIRES, false },
	{ "valid until", MAIL_CONTRACT_EXPIRES, false },
	{ "valid till", MAIL_CONTRACT_EXPIRES, false },
	/* as renewal notices word it too: "is set to expire on", "is up
	 * for renewal on", "will auto-renew on", "expiry: ..." */
	{ "for renewal", MAIL_CONTRACT_RENEWS, false },
	{ "renew on", MAIL_CONTRACT_RENEWS, false },
	{ "renewal:", MAIL_CONTRACT_RENEWS, false },
	{ "expire on", MAIL_CONTRACT_EXPIRES, false },
	{ "expired on", MAIL_CONTRACT_EXPIRES, false },
	{ "expiry", MAIL_CONTRACT_EXPIRES, false },
	{ "expiration", MAIL_CONTRACT_EXPIRES, false },
	{ "contract end", MAIL_CONTRACT_EXPIRES, false },
	{ "end on", MAIL_CONTRACT_EXPIRES, false },
	{ "ends", MAIL_CONTRACT_EXPIRES, false },
	{ "terminates on", MAIL_CONTRACT_EXPIRES, false },
	{ "valid to", MAIL_CONTRACT_EXPIRES, false },
	{ "runs until", MAIL_CONTRACT_EXPIRES, false },
	{ "runs through", MAIL_CONTRACT_EXPIRES, false },
	{ "term:", MAIL_CONTRACT_TERM, false },
	{ "term ", MAIL_CONTRACT_TERM, false },
	{ "contract period", MAIL_CONTRACT_TERM, false },
	/* a bill's ("Billing period: 1 - 31 December") too: long ones only */
	{ "subscription period", MAIL_CONTRACT_TERM, true },
	{ "period:", MAIL_CONTRACT_TERM, true },
	/* German */
	{ "verl\xC3\xA4ngert sich automatisch am", MAIL_CONTRACT_RENEWS, false },
	{ "verl\xC3\xA4ngert sich am", MAIL_CONTRACT_RENEWS, false },
	{ "verl\xC3\xA4ngerung am", MAIL_CONTRACT_RENEWS, false },
	{ "verl\xC3\xA4ngerungsdatum", MAIL_CONTRACT_RENEWS, false },
	{ "g\xC3\xBCltig bis", MAIL_CONTRACT_EXPIRES, false },
	{ "l\xC3\xA4uft ab am", MAIL_CONTRACT_EXPIRES, false },
	{ "l\xC3\xA4uft am", MAIL_CONTRACT_EXPIRES, false },
	{ "endet am", MAIL_CONTRACT_EXPIRES, false },
	{ "ablaufdatum", MAIL_CONTRACT_EXPIRES, false },
	{ "vertragsende", MAIL_CONTRACT_EXPIRES, false },
	{ "laufzeitende", MAIL_CONTRACT_EXPIRES, false },
	{ "endet zum", MAIL_CONTRACT_EXPIRES, false },
	{ "laufzeit", MAIL_CONTRACT_TERM, false },
	{ "vertragslaufzeit", MAIL_CONTRACT_TERM, false },
	/* French */
	{ "se renouvelle le", MAIL_CONTRACT_RENEWS, false },
	{ "renouvellement le", MAIL_CONTRACT_RENEWS, false },
	{ "date de renouvellement", MAIL_CONTRACT_RENEWS, false },
	{ "date d'expiration", MAIL_CONTRACT_EXPIRES, false },
	{ "expire le", MAIL_CONTRACT_EXPIRES, false },
	{ "valable jusqu'au", MAIL_CONTRACT_EXPIRES, false },
	{ "prend fin le", MAIL_CONTRACT_EXPIRES, false },
	{ "p\xC3\xA9riode", MAIL_CONTRACT_TERM, false },
	{ "dur\xC3\xA9"
	  "e",
	  MAIL_CONTRACT_TERM, false },
	/* Spanish */
	{ "se renueva el", MAIL_CONTRACT_RENEWS, false },
	{ "fecha de renovaci\xC3\xB3n", MAIL_CONTRACT_RENEWS, false },
	{ "fecha de vencimiento", MAIL_CONTRACT_EXPIRES, false },
	{ "vence el", MAIL_CONTRACT_EXPIRES, false },
	{ "caduca el", MAIL_CONTRACT_EXPIRES, false },
	{ "v\xC3\xA1lido hasta", MAIL_CONTRACT_EXPIRES, false },
	{ "valido hasta", MAIL_CONTRACT_EXPIRES, false },
	{ "vigencia", MAIL_CONTRACT_TERM, false },
	/* Italian */
	{ "si rinnova il", MAIL_CONTRACT_RENEWS, false },
	{ "data di rinnovo", MAIL_CONTRACT_RENEWS, false },
	{ "data di scadenza", MAIL_CONTRACT_EXPIRES, false },
	{ "scade il", MAIL_CONTRACT_EXPIRES, false },
	{ "valido fino al", MAIL_CONTRACT_EXPIRES, false },
	{ "durata", MAIL_CONTRACT_TERM, false },
	/* Dutch */
	{ "wordt verlengd op", MAIL_CONTRACT_RENEWS, false },
	{ "verlengingsdatum", MAIL_CONTRACT_RENEWS, false },
	{ "vervaldatum", MAIL_CONTRACT_EXPIRES, false },
	{ "verloopt op", MAIL_CONTRACT_EXPIRES, false },
	{ "geldig tot", MAIL_CONTRACT_EXPIRES, false },
	{ "looptijd", MAIL_CONTRACT_TERM, false },
	/* a range alone, its end the term's: "du 1er janvier 2026 au 31
	 * décembre 2026", "from ... to ...", "vom ... bis ...", "del ... al
	 * ...", "dal ... al ...", "van ... tot ..." (a term needs both
	 * dates, TERM_DAYS_MIN apart: one date after these words is none) */
	{ "from ", MAIL_CONTRACT_TERM, true },
	{ "vom ", MAIL_CONTRACT_TERM, true },
	{ "du ", MAIL_CONTRACT_TERM, true },
	{ "del ", MAIL_CONTRACT_TERM, true },
	{ "dal ", MAIL_CONTRACT_TERM, true },
	{ "van ", MAIL_CONTRACT_TERM, true },
};

/* Words that make a message about a contract, and which kind. */
static const struct {
	const char *word;
	enum mail_contract_kind kind;
} topics[] = {
	{ "maintenance", MAIL_CONTRACT_MAINTENANCE },
	{ "wartung", MAIL_CONTRACT_MAINTENANCE },
	{ "mantenimiento", MAIL_CONTRACT_MAINTENANCE },
	{ "manutenzione", MAIL_CONTRACT_MAINTENANCE },
	{ "onderhoud", MAIL_CONTRACT_MAINTENANCE },
	{ "support plan", MAIL_CONTRACT_MAINTENANCE },
	{ "support contract", MAIL_CONTRACT_MAINTENANCE },
	{ "warranty", MAIL_CONTRACT_MAINTENANCE },
	{ "licence", MAIL_CONTRACT_LICENSE },
	{ "license", MAIL_CONTRACT_LICENSE },
	{ "lizenz", MAIL_CONTRACT_LICENSE },
	{ "licencia", MAIL_CONTRACT_LICENSE },
	{ "licenza", MAIL_CONTRACT_LICENSE },
	{ "licentie", MAIL_CONTRACT_LICENSE },
	{ "subscription", MAIL_CONTRACT_SUBSCRIPTION },
	{ "abonnement", MAIL_CONTRACT_SUBSCRIPTION },
	{ "abo ", MAIL_CONTRACT_SUBSCRIPTION },
	{ "suscripci", MAIL_CONTRACT_SUBSCRIPTION },
	{ "abbonamento", MAIL_CONTRACT_SUBSCRIPTION },
	{ "contract", MAIL_CONTRACT_CONTRACT },
	{ "agreement", MAIL_CONTRACT_CONTRACT },
	{ "vertrag", MAIL_CONTRACT_CONTRACT },
	{ "contrat", MAIL_CONTRACT_CONTRACT },
	{ "contrato", MAIL_CONTRACT_CONTRACT },
	{ "contratto", MAIL_CONTRACT_CONTRACT },
	{ "overeenkomst", MAIL_CONTRACT_CONTRACT },
	{ "renewal", MAIL_CONTRACT_CONTRACT },
	{ "verl\xC3\xA4ngerung", MAIL_CONTRACT_CONTRACT },
	{ "renouvellement", MAIL_CONTRACT_CONTRACT },
	{ "renovaci", MAIL_CONTRACT_CONTRACT },
	{ "rinnovo", MAIL_CONTRACT_CONTRACT },
	{ "verlenging", MAIL_CONTRACT_CONTRACT },
};

#define LINE_MAX_READ 400 /* of a line, what is read: phrases sit near its start */
#define PHRASE_REACH 60   /* bytes from the phrase's end to its date */

const char *
mail_contract_kind_name(enum mail_contract_kind kind)
{
	static const char *const names[] = { "contract", "maintenance", "license", "subscription" };

	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "contract";
}

bool
mail_contract_kind_parse(const char *name, enum mail_contract_kind *out)
{
	for (int k = MAIL_CONTRACT_CONTRACT; k <= MAIL_CONTRACT_SUBSCRIPTION; k++)
		if (strcmp(name, mail_contract_kind_name((enum mail_contract_kind)k)) == 0) {
			*out = (enum mail_contract_kind)k;
			return true;
		}
	return false;
}

const char *
mail_contract_event_name(enum mail_contract_event event)
{
	return event == MAIL_CONTRACT_RENEWS ? "renews"
	       : event == MAIL_CONTRACT_TERM ? "term-ends"
					     : "expires";
}

static void
lower(char *out, const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = ascii_lower(in[i]);
	out[n] = '\0';
}

/* Whether the phrase at low[at] starts a word. */
static bool
word_start(const char *low, size_t at)
{
	return at == 0 || !(ascii_alnum(low[at - 1]) || (unsigned char)low[at - 1] >= 0x80);
}

/* Days since an epoch (the proleptic Gregorian calendar's), to measure
 * a range. */
static long
days_of(const struct mail_date *d)
{
	long y = d->year - (d->month <= 2), era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400, mp = (d->month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d->day - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe;
}

/* The date a phrase of the line leads to (the later one of a term's
 * range), or false. A bare range word is tried at each place it stands
 * (a few). */
static bool
line_date(const char *line, size_t n, const char *low, enum mail_date_order order,
	  struct mail_contract_date *out)
{
	for (size_t p = 0, tries = 0; p < sizeof phrases / sizeof phrases[0]; p++, tries = 0)
		for (const char *hit = strstr(low, phrases[p].text); hit != NULL && tries < 8;
		     hit = phrases[p].bare ? strstr(hit + 1, phrases[p].text) : NULL, tries++) {
			size_t at, pos, reach;
			struct mail_date d, next;
			bool long_term = false;

			if (!word_start(low, (size_t)(hit - low)))
				continue;
			at = (size_t)(hit - low);
			pos = at + strlen(phrases[p].text);
			reach = pos + PHRASE_REACH < n ? pos + PHRASE_REACH : n;
			if (!mail_date_next(line, reach, &pos, order, &d))
				continue;
			out->event = phrases[p].event;
			/* a range: "01.02.2026 – 31.01.2027", "1 Feb 2026 to 31 Jan
		 * 2027": its end is the date that counts */
			{
				size_t after = pos, lim = pos + 12 < n ? pos + 12 : n;
				bool joined = false;

				while (after < lim && (line[after] == ' ' || line[after] == '\t'))
					after++;
				/* the line is not NUL-terminated: a dash's bytes must fit */
				if (after < lim &&
				    (line[after] == '-' ||
				     (after + 3 <= n &&
				      (memcmp(line + after, "\xE2\x80\x93", 3) == 0 ||
				       memcmp(line + after, "\xE2\x80\x94", 3) == 0))))
					joined = true;
				else
					for (const char *w =
						     "to\0bis\0au\0al\0tot\0until\0through\0";
					     *w; w += strlen(w) + 1)
						if (strncmp(low + after, w, strlen(w)) == 0 &&
						    !ascii_alpha(low[after + strlen(w)]))
							joined = true;
				if (joined) {
					size_t q = pos, lim2 = pos + 40 < n ? pos + 40 : n;

					if (mail_date_next(line, lim2, &q, order, &next) &&
					    (next.year * 10000 + next.month * 100 + next.day >
					     d.year * 10000 + d.month * 100 + d.day)) {
						long_term = days_of(&next) - days_of(&d) >=
							    TERM_DAYS_MIN;
						d = next;
						out->event = MAIL_CONTRACT_TERM;
					}
				} else if (out->event == MAIL_CONTRACT_TERM) {
					continue; /* "term" with one date is no term's end */
				}
				if (phrases[p].bare && !long_term)
					continue; /* "from 1 to 31 December": a bill's month */
			}
			mail_date_iso(&d, out->date);
			out->ambiguous = d.ambiguous;
			/* the line, as the user will judge it: printable ASCII and
		 * UTF-8, trimmed */
			{
				size_t s = 0, o = 0;

				while (s < n && (line[s] == ' ' || line[s] == '\t'))
					s++;
				for (; s < n && o + 1 < sizeof out->phrase; s++)
					out->phrase[o++] =
						(unsigned char)line[s] < 0x20 || line[s] == 0x7f
							? ' '
							: line[s];
				/* never half a UTF-8 sequence at the cut */
				while (o > 0 &&
				       ((unsigned char)out->phrase[o - 1] & 0xC0) == 0x80 && s < n)
					o--;
				if (o > 0 && (unsigned char)out->phrase[o - 1] >= 0xC0)
					o--;
				out->phrase[o] = '\0';
			}
			return true;
		}
	return false;
}

/* Maintenance that is work on a system, not a contract: blanked before
 * the topic is looked for ("the maintenance window ends on ..."). */
static void
blank_not_contracts(char *low)
{
	static const char *const work[] = {
		"maintenance window",       "scheduled maintenance",
		"planned maintenance",      "maintenance work",
		"emergency maintenance",    "wartungsfenster",
		"wartungsarbeiten",         "fen\xC3\xAAtre de maintenance",
		"ventana de mantenimiento", "finestra di manutenzione",
		"onderhoudsvenster",
	};

	for (size_t i = 0; i < sizeof work / sizeof work[0]; i++)
		for (char *hit = strstr(low, work[i]); hit != NULL; hit = strstr(hit, work[i]))
			memset(hit, ' ', strlen(work[i]));
}

/* A line about a quote or an offer: its date is the offer's (a quote's
 * validity is followed up as a quote, not a contract). */
static bool
about_an_offer(const char *low)
{
	static const char *const words[] = {
		"quote",  "quotation",  "offer",   "coupon",  "discount", "promo",
		"sale ",  "rebate",     "angebot", "devis",   "offre",    "presupuesto",
		"oferta", "preventivo", "offerta", "offerte",
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(low, words[i]) != NULL)
			return true;
	return false;
}

void
mail_contract_scan(const char *text, size_t len, enum mail_date_order order,
		   struct mail_contract_facts *out)
{
	char low[LINE_MAX_READ + 1];
	bool topic = false;

	memset(out, 0, sizeof *out);
	len = mail_text_unquoted_len(text, len);
	/* the message must name a contract of some kind */
	for (size_t i = 0; i < len && !topic;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i;

		if (n > LINE_MAX_READ)
			n = LINE_MAX_READ;
		lower(low, text + i, n);
		blank_not_contracts(low);
		for (size_t k = 0; k < sizeof topics / sizeof topics[0] && !topic; k++)
			if (strstr(low, topics[k].word) != NULL) {
				topic = true;
				out->kind = topics[k].kind;
			}
		i = end + 1;
	}
	if (!topic)
		return;
	for (size_t i = 0; i < len && out->count < MAIL_CONTRACT_DATES_MAX;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i;
		struct mail_contract_date d = { 0 };
		bool seen = false;

		if (n > LINE_MAX_READ)
			n = LINE_MAX_READ;
		lower(low, text + i, n);
		if (text[i] != '>' && !about_an_offer(low) &&
		    line_date(text + i, n, low, order, &d)) {
			for (size_t k = 0; k < out->count && !seen; k++)
				seen = strcmp(out->items[k].date, d.date) == 0;
			if (!seen)
				out->items[out->count++] = d;
		}
		i = end + 1;
	}
}
