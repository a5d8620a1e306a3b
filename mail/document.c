/*
 * Quotes, bills, orders and payments in vendor mail: what kind of
 * document a message is, and its figures.
 *
 * No templates: a vendor's first invoice must read as well as its
 * hundredth. The figures come from labels people write in six languages
 * ("Amount due", "Gesamtbetrag", "Montant TTC", "Total a pagar",
 * "Totale", "Te betalen") next to amounts (mail/amount.c) and dates
 * (mail/date.c). Hand-written for the same reason as those: no library
 * reads free-form business documents. The text is untrusted: lines are
 * read through a bounded window, keywords found with memmem over one
 * lower-cased copy, so the cost is linear in the text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>

#include <jansson.h>

#include "ascii.h"
#include "mail.h"

/* Classification reads this much of a text; figures are read from all
 * of what the caller passes. */
#define CLASSIFY_MAX 8192
#define LINE_MAX 512

enum lang { EN, DE, FR, ES, NL, IT };

struct keyword {
	const char *word;
	enum mail_doc_kind kind;
	enum lang lang;
	bool needs_ref; /* counts only with a reference after it */
};

/* Lower case; longer phrases before words they contain. Payment words
 * first: a reminder names the invoice it is about. */
static const struct keyword keywords[] = {
	{ "credit note", MAIL_DOC_CREDIT, EN, false },
	{ "credit memo", MAIL_DOC_CREDIT, EN, false },
	{ "gutschrift", MAIL_DOC_CREDIT, DE, false },
	{ "note de cr\xC3\xA9"
	  "dit",
	  MAIL_DOC_CREDIT, FR, false },
	{ "facture d'avoir", MAIL_DOC_CREDIT, FR, false },
	{ "avoir", MAIL_DOC_CREDIT, FR, true },
	{ "nota de cr\xC3\xA9"
	  "dito",
	  MAIL_DOC_CREDIT, ES, false },
	{ "nota di credito", MAIL_DOC_CREDIT, IT, false },
	{ "creditnota", MAIL_DOC_CREDIT, NL, false },
	{ "creditfactuur", MAIL_DOC_CREDIT, NL, false },

	{ "payment reminder", MAIL_DOC_PAYMENT, EN, false },
	{ "payment received", MAIL_DOC_PAYMENT, EN, false },
	{ "payment confirmation", MAIL_DOC_PAYMENT, EN, false },
	{ "remittance advice", MAIL_DOC_PAYMENT, EN, false },
	{ "receipt", MAIL_DOC_PAYMENT, EN, false },
	{ "zahlungserinnerung", MAIL_DOC_PAYMENT, DE, false },
	{ "zahlungseingang", MAIL_DOC_PAYMENT, DE, false },
	{ "zahlungsbest\xC3\xA4tigung", MAIL_DOC_PAYMENT, DE, false },
	{ "mahnung", MAIL_DOC_PAYMENT, DE, false },
	{ "quittung", MAIL_DOC_PAYMENT, DE, false },
	{ "rappel de paiement", MAIL_DOC_PAYMENT, FR, false },
	{ "confirmation de paiement", MAIL_DOC_PAYMENT, FR, false },
	{ "re\xC3\xA7u", MAIL_DOC_PAYMENT, FR, false },
	{ "recordatorio de pago", MAIL_DOC_PAYMENT, ES, false },
	{ "recibo", MAIL_DOC_PAYMENT, ES, false },
	{ "ricevuta", MAIL_DOC_PAYMENT, IT, false },
	{ "sollecito di pagamento", MAIL_DOC_PAYMENT, IT, false },
	{ "betalingsherinnering", MAIL_DOC_PAYMENT, NL, false },
	{ "betalingsbevestiging", MAIL_DOC_PAYMENT, NL, false },
	{ "ontvangstbewijs", MAIL_DOC_PAYMENT, NL, false },

	{ "invoice", MAIL_DOC_BILL, EN, false },
	{ "amount due", MAIL_DOC_BILL, EN, false },
	{ "statement", MAIL_DOC_BILL, EN, true },
	{ "bill", MAIL_DOC_BILL, EN, true },
	{ "rechnung", MAIL_DOC_BILL, DE, false },
	{ "facture", MAIL_DOC_BILL, FR, false },
	{ "factura", MAIL_DOC_BILL, ES, false },
	{ "factuur", MAIL_DOC_BILL, NL, false },
	{ "fattura", MAIL_DOC_BILL, IT, false },

	{ "quotation", MAIL_DOC_QUOTE, EN, false },
	{ "quote", MAIL_DOC_QUOTE, EN, false },
	{ "proposal", MAIL_DOC_QUOTE, EN, false },
	{ "pricing", MAIL_DOC_QUOTE, EN, false },
	{ "estimate", MAIL_DOC_QUOTE, EN, true },
	{ "offer", MAIL_DOC_QUOTE, EN, true },
	{ "kostenvoranschlag", MAIL_DOC_QUOTE, DE, false },
	{ "angebot", MAIL_DOC_QUOTE, DE, false },
	{ "devis", MAIL_DOC_QUOTE, FR, false },
	{ "offre de prix", MAIL_DOC_QUOTE, FR, false },
	{ "cotizaci\xC3\xB3n", MAIL_DOC_QUOTE, ES, false },
	{ "cotizacion", MAIL_DOC_QUOTE, ES, false },
	{ "presupuesto", MAIL_DOC_QUOTE, ES, false },
	{ "offerta", MAIL_DOC_QUOTE, IT, false },
	{ "preventivo", MAIL_DOC_QUOTE, IT, false },
	{ "offerte", MAIL_DOC_QUOTE, NL, false },
	{ "prijsopgave", MAIL_DOC_QUOTE, NL, false },

	{ "order confirmation", MAIL_DOC_ORDER, EN, false },
	{ "order confirmed", MAIL_DOC_ORDER, EN, false },
	{ "has shipped", MAIL_DOC_ORDER, EN, false },
	{ "has been shipped", MAIL_DOC_ORDER, EN, false },
	{ "shipping confirmation", MAIL_DOC_ORDER, EN, false },
	{ "order", MAIL_DOC_ORDER, EN, true },
	{ "auftragsbest\xC3\xA4tigung", MAIL_DOC_ORDER, DE, false },
	{ "bestellbest\xC3\xA4tigung", MAIL_DOC_ORDER, DE, false },
	{ "versandbest\xC3\xA4tigung", MAIL_DOC_ORDER, DE, false },
	{ "bestellung", MAIL_DOC_ORDER, DE, true },
	{ "confirmation de commande", MAIL_DOC_ORDER, FR, false },
	{ "commande", MAIL_DOC_ORDER, FR, true },
	{ "confirmaci\xC3\xB3n de pedido", MAIL_DOC_ORDER, ES, false },
	{ "pedido", MAIL_DOC_ORDER, ES, true },
	{ "conferma d'ordine", MAIL_DOC_ORDER, IT, false },
	{ "ordine", MAIL_DOC_ORDER, IT, true },
	{ "orderbevestiging", MAIL_DOC_ORDER, NL, false },
	{ "bestelling", MAIL_DOC_ORDER, NL, true },
};

/* Words between a document word and its reference: "Invoice number:
 * INV-1", "Rechnung Nr. 5", "Facture n° 7". */
static const char *const ref_fillers[] = {
	"number",
	"numero",
	"n\xC3\xBAmero",
	"num\xC3\xA9ro",
	"nummer",
	"no.",
	"no",
	"nr.",
	"nr",
	"n\xC2\xB0",
	"n\xC2\xBA",
	"n.",
	"#",
	"ref.",
	"ref",
	"reference",
	"id",
	"de",
	"di",
	"van",
	":",
	"-",
	"for",
	"f\xC3\xBCr",
};

struct label {
	const char *word;
	int rank; /* for totals: a higher rank wins */
};

static const struct label total_labels[] = {
	{ "grand total", 3 },
	{ "total amount due", 3 },
	{ "total due", 3 },
	{ "amount due", 3 },
	{ "balance due", 3 },
	{ "amount payable", 3 },
	{ "total to pay", 3 },
	{ "gesamtbetrag", 3 },
	{ "rechnungsbetrag", 3 },
	{ "endbetrag", 3 },
	{ "zu zahlen", 3 },
	{ "zahlbetrag", 3 },
	{ "montant ttc", 3 },
	{ "total ttc", 3 },
	{ "net \xC3\xA0 payer", 3 },
	{ "montant total", 3 },
	{ "total a pagar", 3 },
	{ "importe total", 3 },
	{ "total factura", 3 },
	{ "totale da pagare", 3 },
	{ "importo totale", 3 },
	{ "totale fattura", 3 },
	{ "te betalen", 3 },
	{ "totaalbedrag", 3 },
	/* a credit note's, written negative as often as not */
	{ "credit amount", 3 },
	{ "total credit", 3 },
	{ "credit total", 3 },
	{ "amount credited", 3 },
	{ "gutschriftsbetrag", 3 },
	{ "gutschriftssumme", 3 },
	{ "montant de l'avoir", 3 },
	{ "importe abonado", 3 },
	{ "importo accreditato", 3 },
	{ "creditbedrag", 3 },
	{ "total", 2 },
	{ "totale", 2 },
	{ "totaal", 2 },
	{ "summe", 2 },
	{ "gesamt", 2 },
};

static const char *const subtotal_labels[] = {
	"subtotal",   "sub-total", "sub total",  "zwischensumme", "nettobetrag",    "netto",
	"net amount", "total ht",  "montant ht", "sous-total",    "base imponible", "imponibile",
	"subtotaal",  "excl. vat", "excl. btw",  "total net",
};

static const char *const tax_labels[] = {
	"sales tax",      "tax", "vat", "mwst", "ust", "umsatzsteuer",
	"mehrwertsteuer", "tva", "iva", "btw",  "gst", "hst",
};

static const char *const issued_labels[] = {
	"invoice date",   "date of issue", "issue date",      "issued",
	"rechnungsdatum", "angebotsdatum", "date de facture", "fecha de factura",
	"fecha",          "data fattura",  "factuurdatum",    "datum",
	"date",
};

static const char *const due_labels[] = {
	"due date",
	"due by",
	"due on",
	"payment due",
	"pay by",
	"please pay by",
	"due",
	"f\xC3\xA4llig",
	"zahlbar bis",
	"\xC3\xA9"
	"ch\xC3\xA9"
	"ance",
	"date limite",
	"vencimiento",
	"scadenza",
	"vervaldatum",
	"te betalen voor",
};

static const char *const valid_labels[] = {
	"valid until",   "valid through",   "valid till",          "valid to",
	"expires",       "offer expires",   "g\xC3\xBCltig bis",   "g\xC3\xBCltig",
	"valable jusqu", "validit\xC3\xA9", "v\xC3\xA1lido hasta", "valido hasta",
	"valida fino",   "valido fino",     "geldig tot",          "geldig t/m",
};

const char *
mail_doc_kind_name(enum mail_doc_kind kind)
{
	static const char *const names[] = { "", "quote", "bill", "order", "payment", "credit" };

	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "";
}

enum mail_doc_kind
mail_doc_kind_from_name(const char *name)
{
	for (int k = MAIL_DOC_QUOTE; k <= MAIL_DOC_KIND_LAST; k++)
		if (strcmp(name, mail_doc_kind_name((enum mail_doc_kind)k)) == 0)
			return (enum mail_doc_kind)k;
	return MAIL_DOC_NONE;
}

const char *
mail_doc_source_name(enum mail_doc_source source)
{
	static const char *const names[] = { "", "xml", "data", "pdf", "body" };

	return (unsigned)source < sizeof names / sizeof names[0] ? names[source] : "";
}

/* ---- text helpers ---- */

/* A letter or digit of any script (UTF-8 bytes count as letters). */
static bool
is_wordch(char c)
{
	return ascii_alnum(c) || (unsigned char)c >= 0x80;
}

/* ASCII lower case of len bytes into out (NULs become spaces). */
static void
lower_copy(char *out, const char *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i],
			      next = i + 1 < len ? (unsigned char)in[i + 1] : 0;

		/* Latin-1 capitals in UTF-8 too: "Échéance" is a label */
		if (c == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97) {
			out[i] = (char)c;
			out[++i] = (char)(next + 0x20);
			continue;
		}
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c == '\0' ? ' ' : (char)c;
	}
}

/* First occurrence of word in low[from, len) starting a word; its end in
 * *end. Plural "s" and German compound tails are allowed after it unless
 * exact. */
static const char *
find_word(const char *low, size_t len, size_t from, const char *word, bool exact, size_t *end)
{
	size_t n = strlen(word);
	const char *p = low + from, *stop = low + len;

	while (p < stop && (p = memmem(p, (size_t)(stop - p), word, n)) != NULL) {
		size_t at = (size_t)(p - low), e = at + n;
		bool starts = at == 0 || !is_wordch(low[at - 1]) || !ascii_alnum(word[0]);
		bool ends = e >= len || !is_wordch(low[e]) || !ascii_alnum(word[n - 1]) ||
			    (!exact && low[e] == 's' && (e + 1 >= len || !is_wordch(low[e + 1])));

		if (starts && (ends || (!exact && n >= 7))) {
			*end = e;
			return p;
		}
		p++;
	}
	return NULL;
}

/* A reference at t[i]: a token of letters, digits and "-_/." with at
 * least one digit, 3 to 40 long, that is neither a date nor an amount
 * alone ("2026-12-15", "$5"). Its length, or 0. */
static size_t
ref_at(const char *t, size_t len, size_t i)
{
	size_t n = 0, digits = 0;
	struct mail_date d;
	size_t pos = i;

	while (i + n < len && n <= 40 &&
	       (ascii_alnum(t[i + n]) || t[i + n] == '-' || t[i + n] == '_' || t[i + n] == '/' ||
		t[i + n] == '.')) {
		digits += t[i + n] >= '0' && t[i + n] <= '9';
		n++;
	}
	while (n > 0 && (t[i + n - 1] == '.' || t[i + n - 1] == '-' || t[i + n - 1] == '/'))
		n--;
	if (n < 3 || n > 40 || digits == 0 || (i + n < len && (unsigned char)t[i + n] >= 0x80))
		return 0;
	if (mail_date_next(t, i + n, &pos, MAIL_DATE_ORDER_UNKNOWN, &d) && d.start == i &&
	    d.end == i + n)
		return 0;
	/* a bare number of 1-2 digits says little */
	if (digits == n && n <= 2)
		return 0;
	/* a phone number: ten digits or more in dashed groups, at most two
	 * letters before ("1-402-597-4111", "to1-415-873-2700") */
	if (digits >= 10) {
		size_t letters = 0, dashes = 0;

		for (size_t k = 0; k < n; k++) {
			letters += (t[i + k] >= 'a' && t[i + k] <= 'z') ||
				   (t[i + k] >= 'A' && t[i + k] <= 'Z');
			dashes += t[i + k] == '-';
		}
		if (letters <= 2 && dashes >= 2)
			return 0;
	}
	return n;
}

static size_t
skip_blank(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i;
}

/* After a document word ending at low[i]: fillers, then a reference.
 * Its start and length in t (same offsets as low), or 0. */
static size_t
ref_after(const char *t, const char *low, size_t len, size_t i, size_t *start)
{
	for (int rounds = 0; rounds < 4; rounds++) {
		bool skipped = false;

		i = skip_blank(low, len, i);
		for (size_t k = 0; k < sizeof ref_fillers / sizeof ref_fillers[0]; k++) {
			size_t n = strlen(ref_fillers[k]);

			if (len - i >= n && memcmp(low + i, ref_fillers[k], n) == 0 &&
			    (i + n >= len || !ascii_alnum(ref_fillers[k][n - 1]) ||
			     !is_wordch(low[i + n]))) {
				/* a filler that is the start of the reference
				 * ("#48213" is fine; "no" before "nov" is not) */
				i += n;
				skipped = true;
				break;
			}
		}
		if (!skipped)
			break;
	}
	i = skip_blank(low, len, i);
	size_t n = ref_at(t, len, i);
	if (n > 0)
		*start = i;
	return n;
}

/* Length of the text without quoted history. */
size_t
mail_text_unquoted_len(const char *text, size_t len)
{
	static const char *const attributions[] = {
		"-----original message-----",
		"-----urspr\xC3\xBCngliche nachricht-----",
		"-------- forwarded message",
		"-----message d'origine-----",
	};
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i;
		char line[160];

		if (n > 0 && text[i] == '>') {
			/* the quote's attribution line is the one before */
			return i;
		}
		if (n < sizeof line) {
			lower_copy(line, text + i, n);
			line[n] = '\0';
			for (size_t k = 0; k < sizeof attributions / sizeof attributions[0]; k++)
				if (strstr(line, attributions[k]) != NULL)
					return i;
			/* "On Tue, Oct 6, 2026 at 10:14 AM, Rich <r@x> wrote:",
			 * "Am 06.10.2026 schrieb ...:", "Le ... a écrit :" */
			if (n > 8 && (line[n - 1] == ':' || (n > 9 && line[n - 2] == ':')) &&
			    ((strncmp(line, "on ", 3) == 0 && strstr(line, " wrote") != NULL) ||
			     (strncmp(line, "am ", 3) == 0 && strstr(line, "schrieb") != NULL) ||
			     (strncmp(line, "le ", 3) == 0 && strstr(line, "crit") != NULL) ||
			     (strncmp(line, "el ", 3) == 0 && strstr(line, "escribi") != NULL) ||
			     (strncmp(line, "il ", 3) == 0 && strstr(line, "scritto") != NULL) ||
			     (strncmp(line, "op ", 3) == 0 && strstr(line, "schreef") != NULL)))
				return i;
		}
		i = end + 1;
	}
	return len;
}

bool
mail_subject_is_reply(const char *subject)
{
	static const char *const prefixes[] = { "re:", "aw:",  "sv:",  "antw:", "r:",
						"rv:", "ref:", "re :", "tr:" };
	char low[8];
	size_t n;

	if (subject == NULL)
		return false;
	subject += strspn(subject, " \t");
	n = strnlen(subject, sizeof low - 1);
	lower_copy(low, subject, n);
	low[n] = '\0';
	for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
		if (strncmp(low, prefixes[k], strlen(prefixes[k])) == 0)
			return true;
	return false;
}

struct hit {
	enum mail_doc_kind kind;
	size_t at;
	enum lang lang;
	bool found;
};

/* Kinds about another document: they win over the words they name. A
 * credit note's word does not: "Credit note CN-1 for invoice AT-3" is
 * one by its first word, and an invoice may name the credit it applies
 * ("credit note CN-3 applied"; a forger's inflated bill would pass the
 * bill check so). */
static bool
about_another(enum mail_doc_kind kind)
{
	return kind == MAIL_DOC_PAYMENT;
}

/* The earliest document word of low[0, len) (payment words first: a
 * reminder names the invoice it reminds of). With need_refs (running
 * text), a word counts only with a reference after it, and the vague
 * words ("order", "bill", "offer") not at all: a newsletter's "Order
 * Number: 317X" is no order confirmation. */
static struct hit
first_hit(const char *t, const char *low, size_t len, bool need_refs)
{
	struct hit best = { 0 };

	for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
		const struct keyword *kw = &keywords[k];
		size_t from = 0, end, rs;
		const char *p;

		if (best.found && about_another(best.kind) && !about_another(kw->kind))
			break;
		if (need_refs && kw->needs_ref)
			continue;
		while ((p = find_word(low, len, from, kw->word, kw->needs_ref, &end)) != NULL) {
			size_t at = (size_t)(p - low);

			from = at + 1;
			if ((kw->needs_ref || need_refs) && ref_after(t, low, len, end, &rs) == 0)
				continue;
			/* (a credit note's word first: "Credit note CN-3 -
			 * payment received" is the credit note) */
			if (!best.found || at < best.at ||
			    (about_another(kw->kind) && !about_another(best.kind) &&
			     best.kind != MAIL_DOC_CREDIT)) {
				best = (struct hit){ kw->kind, at, kw->lang, true };
			}
			break;
		}
	}
	return best;
}

/* Whether only blanks stand before low[at] on its line. */
static bool
starts_line(const char *low, size_t at)
{
	while (at > 0 && (low[at - 1] == ' ' || low[at - 1] == '\t'))
		at--;
	return at == 0 || low[at - 1] == '\n';
}

enum mail_doc_kind
mail_doc_classify(const char *subject, const char *text, size_t len,
		  const char *const *attachment_names, size_t n_names)
{
	char low[CLASSIFY_MAX];
	struct hit h;

	if (subject != NULL && !mail_subject_is_reply(subject)) {
		size_t n = strnlen(subject, sizeof low);

		lower_copy(low, subject, n);
		if ((h = first_hit(subject, low, n, false)).found)
			return h.kind;
	}
	for (size_t i = 0; i < n_names; i++) {
		size_t n = attachment_names[i] ? strnlen(attachment_names[i], 256) : 0;

		lower_copy(low, attachment_names[i] ? attachment_names[i] : "", n);
		/* "quote-Q-2026-1187.txt", "Rechnung_2026_077.pdf" */
		for (size_t j = 0; j < n; j++)
			if (low[j] == '_' || low[j] == '-')
				low[j] = ' ';
		if ((h = first_hit(attachment_names[i], low, n, false)).found)
			return h.kind;
	}
	if (text != NULL) {
		size_t n = mail_text_unquoted_len(text, len < sizeof low ? len : sizeof low);

		lower_copy(low, text, n);
		/* in running text, only a document word with its number
		 * ("Invoice number: AT-2026-08", "Angebot Nr. 2026-077"); in
		 * a reply, only one that starts a line: "we reviewed invoice
		 * INV-2026-10 and will issue a credit of $5,300.00" answers a
		 * dispute and is no bill of $5,300 */
		if ((h = first_hit(text, low, n, true)).found &&
		    !(subject != NULL && mail_subject_is_reply(subject) && !starts_line(low, h.at)))
			return h.kind;
	}
	return MAIL_DOC_NONE;
}

/* ---- figures ---- */

/* The language of the first document word in low, or -1. */
static int
language_of(const char *t, const char *low, size_t len)
{
	struct hit h = first_hit(t, low, len, false);

	return h.found ? (int)h.lang : -1;
}

/* Whether the line starts with, or holds, a label from the list; the end
 * of the label in *end. Labels must start a word. */
static bool
has_label(const char *low, size_t n, const char *const *labels, size_t count, size_t *end)
{
	for (size_t k = 0; k < count; k++)
		if (find_word(low, n, 0, labels[k], true, end) != NULL)
			return true;
	return false;
}

/* The amount a labelled line gives after from: its first amount with a
 * currency, else its last bare one. */
static bool
line_amount(const char *line, size_t n, size_t from, enum mail_decimal hint,
	    struct mail_amount *out)
{
	struct mail_amount a;
	size_t pos = from;
	bool bare = false;

	while (mail_amount_next(line, n, &pos, false, hint, &a)) {
		if (a.money.currency[0] != '\0') {
			*out = a;
			return true;
		}
		*out = a;
		bare = true;
	}
	return bare;
}

static void
set_money(struct mail_money *dst, bool *has, const struct mail_amount *a)
{
	*dst = a->money;
	*has = true;
}

struct reading {
	const char *text;
	size_t len;
	enum mail_decimal hint;
	enum mail_date_order order;
	int total_rank;
	struct mail_amount total;
	bool has_total;
	char currency[4];
};

/* The date after a label on a line, ISO into out. */
static bool
line_date(const char *line, size_t n, size_t from, enum mail_date_order order, char out[11])
{
	struct mail_date d;
	size_t pos = from;

	if (!mail_date_next(line, n, &pos, order, &d))
		return false;
	mail_date_iso(&d, out);
	return true;
}

/* Days (1 to 180) written at low[i]: the number and, when a day word
 * must follow, one of those ("30 days", "14 Tagen", "30 jours"); *end
 * after what was read. 0 for none. */
static int
days_at(const char *low, size_t n, size_t i, bool day_word, size_t *end)
{
	static const char *const after[] = { " days",
					     " day",
					     " tage",
					     " jours",
					     " d\xC3\xAD"
					     "as",
					     " dias",
					     " giorni",
					     " dagen" };
	int days = 0, digits = 0;

	while (i < n && low[i] >= '0' && low[i] <= '9' && digits < 3) {
		days = days * 10 + (low[i] - '0');
		digits++;
		i++;
	}
	if (digits == 0 || days == 0 || days > 180 || (i < n && ascii_alnum(low[i])))
		return 0;
	*end = i;
	if (!day_word)
		return days;
	for (size_t a = 0; a < sizeof after / sizeof after[0]; a++)
		if (n - i >= strlen(after[a]) && memcmp(low + i, after[a], strlen(after[a])) == 0) {
			*end = i + strlen(after[a]);
			return days;
		}
	return 0;
}

/* "Net 30", "30 days net", "within 30 days", "innerhalb von 14 Tagen",
 * "à 30 jours", "a 30 días", "entro 30 giorni", "binnen 30 dagen", and
 * days after a label of the terms ("Zahlungsziel: 30 Tage", "Conditions
 * de paiement : 30 jours net", "Payment due 60 days from ..."). */
static int
net_days(const char *low, size_t n)
{
	static const char *const before[] = { "net ",       "within ",   "innerhalb von ",
					      "innerhalb ", "\xC3\xA0 ", "a ",
					      "entro ",     "binnen " };
	static const char *const labels[] = {
		"payment terms",
		"terms of payment",
		"payment due",
		"zahlungsziel",
		"zahlungsbedingungen",
		"conditions de paiement",
		"d\xC3\xA9lai de paiement",
		"termini di pagamento",
		"condiciones de pago",
		"plazo de pago",
		"betalingstermijn",
		"betalingsvoorwaarden",
	};
	size_t end;
	int days;

	for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
		size_t from = 0;
		const char *p;

		while ((p = find_word(low, n, from, before[k], true, &end)) != NULL) {
			from = (size_t)(p - low) + 1;
			/* "net 30" alone; the others name days after */
			if ((days = days_at(low, n, (size_t)(p - low) + strlen(before[k]), k != 0,
					    &end)) > 0)
				return days;
		}
	}
	/* after a label, the first days on its line */
	for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
		const char *p = find_word(low, n, 0, labels[k], true, &end);

		for (size_t i = p ? end : n; i < n; i++)
			if ((i == 0 || !ascii_alnum(low[i - 1])) &&
			    (days = days_at(low, n, i, true, &end)) > 0)
				return days;
	}
	/* "30 days net", "21 Tage netto" */
	for (size_t i = 0; i < n; i++) {
		size_t w;

		if ((i > 0 && ascii_alnum(low[i - 1])) ||
		    (days = days_at(low, n, i, true, &end)) == 0)
			continue;
		w = n - end >= 6 && memcmp(low + end, " netto", 6) == 0 ? 6
		    : n - end >= 4 && memcmp(low + end, " net", 4) == 0 ? 4
									: 0;
		if (w > 0 && (end + w == n || !ascii_alnum(low[end + w])))
			return days;
	}
	return 0;
}

/* Only spaces, tabs or a CR in text[from, to). */
static bool
blank(const char *text, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			return false;
	return true;
}

/* A total line of what is owed if paid late ("Amount due after
 * 12/15/2026: $2,635.50", "Late payment total: ..."): not the bill's.
 * Only the label, before the amount (n: where it starts), says so: "Total
 * due: $2,500.00 (late fee of $125.00 if paid after ...)" is the bill's. */
static bool
late_charge(const char *low, size_t n, size_t label_end)
{
	static const char *const late[] = {
		"late fee",       "late charge", "late payment",      "if paid after",
		"s\xC3\xA4umnis", "verzugszins", "mahngeb\xC3\xBChr", "p\xC3\xA9nalit\xC3\xA9",
	};
	size_t end, i = label_end;

	for (size_t k = 0; k < sizeof late / sizeof late[0]; k++)
		if (find_word(low, n, 0, late[k], true, &end) != NULL)
			return true;
	/* "after" a date; "Total after discount" is the total */
	while (i < n && low[i] == ' ')
		i++;
	if (find_word(low, n, i, "after", true, &end) != low + i)
		return false;
	while (end < n && low[end] == ' ')
		end++;
	return end < n && (ascii_digit(low[end]) || strncmp(low + end, "the due", 7) == 0 ||
			   strncmp(low + end, "due", 3) == 0);
}

/* Whether a is a generic "total" (rank 2) smaller than the one read
 * before of that rank and currency, on a line that names no discount:
 * the grand total is the largest of them. */
static bool
smaller_total(const struct reading *r, int rank, const struct mail_amount *a, const char *low,
	      size_t n)
{
	static const char *const discount[] = {
		"discount", "rabatt", "remise", "descuento", "sconto", "korting", "skonto",
	};
	size_t end;

	if (!r->has_total || rank != 2 || r->total_rank != 2 ||
	    strcmp(r->total.money.currency, a->money.currency) != 0 ||
	    llabs(a->money.minor) >= llabs(r->total.money.minor))
		return false;
	for (size_t k = 0; k < sizeof discount / sizeof discount[0]; k++)
		if (find_word(low, n, 0, discount[k], false, &end) != NULL)
			return false;
	return true;
}

static void
read_line(struct reading *r, const char *line, size_t n, const char *next, size_t next_n,
	  struct mail_document *doc)
{
	char low[LINE_MAX];
	struct mail_amount a;
	size_t end;
	int days;

	lower_copy(low, line, n);
	if (has_label(low, n, subtotal_labels, sizeof subtotal_labels / sizeof subtotal_labels[0],
		      &end)) {
		if (!doc->has_subtotal && line_amount(line, n, end, r->hint, &a))
			set_money(&doc->subtotal, &doc->has_subtotal, &a);
	} else {
		int rank = 0;
		size_t tend = 0;

		for (size_t k = 0; k < sizeof total_labels / sizeof total_labels[0] && rank == 0;
		     k++)
			if (find_word(low, n, 0, total_labels[k].word, true, &tend) != NULL)
				rank = total_labels[k].rank;
		if (rank > 0 && rank >= r->total_rank) {
			bool here = line_amount(line, n, tend, r->hint, &a);

			if ((here || (next != NULL && line_amount(next, next_n, 0, r->hint, &a) &&
				      blank(next, 0, a.start) && blank(next, a.end, next_n))) &&
			    !late_charge(low, here ? a.start : n, tend)) {
				/* the highest rank; the last of equal rank (the
				 * grand total comes after the section totals),
				 * but never a zero after a real one, nor a
				 * smaller "total" after a bigger (its VAT, its
				 * net: "This total includes VAT: £240") but for
				 * a discount */
				if ((a.money.minor != 0 || !r->has_total) &&
				    !smaller_total(r, rank, &a, low, n)) {
					r->total = a;
					r->has_total = true;
					r->total_rank = rank;
				} else if (!doc->has_tax &&
					   has_label(low, n, tax_labels,
						     sizeof tax_labels / sizeof tax_labels[0],
						     &end) &&
					   line_amount(line, n, end, r->hint, &a)) {
					set_money(&doc->tax, &doc->has_tax, &a);
				}
			}
		} else if (rank == 0 &&
			   has_label(low, n, tax_labels, sizeof tax_labels / sizeof tax_labels[0],
				     &end) &&
			   !doc->has_tax && line_amount(line, n, end, r->hint, &a))
			set_money(&doc->tax, &doc->has_tax, &a);
	}
	if (!doc->due[0] &&
	    has_label(low, n, due_labels, sizeof due_labels / sizeof due_labels[0], &end))
		line_date(line, n, end, r->order, doc->due);
	if (!doc->valid_until[0] &&
	    has_label(low, n, valid_labels, sizeof valid_labels / sizeof valid_labels[0], &end))
		line_date(line, n, end, r->order, doc->valid_until);
	if (!doc->issued[0] &&
	    has_label(low, n, issued_labels, sizeof issued_labels / sizeof issued_labels[0],
		      &end) &&
	    !has_label(low, n, due_labels, sizeof due_labels / sizeof due_labels[0], &end) &&
	    !has_label(low, n, valid_labels, sizeof valid_labels / sizeof valid_labels[0], &end))
		line_date(line, n, 0, r->order, doc->issued);
	if (doc->net_days == 0 && (days = net_days(low, n)) > 0)
		doc->net_days = days;
}

/* The reference: after a document word in the subject, else in the text,
 * else after "No."/"Nr."/"#" in the text, else the subject's first
 * LETTERS-DIGITS token ("MA-5521"). The words of the document's own kind
 * first: "Credit note CN-1 for invoice AT-3" is CN-1, "Invoice NC-3
 * (credit note CN-1 applied)" NC-3, and "Order number: 100234 / Invoice
 * number: INV-55" of a bill INV-55. */
static void
find_ref(const char *subject, const char *text, size_t len, char *out, size_t out_len)
{
	char low[CLASSIFY_MAX];
	const char *sources[2] = { subject, text };
	size_t lens[2] = { subject ? strnlen(subject, sizeof low) : 0,
			   text ? (len < sizeof low ? len : sizeof low) : 0 };
	enum mail_doc_kind kind = mail_doc_classify(subject, text, len, NULL, 0);

	/* the own kind's words in the subject, then in the text, before any
	 * other's: "Invoice for your order 1029384" with "Invoice number:
	 * SL-INV-0077" in the text is SL-INV-0077 (each month's bill of one
	 * order was taken for a reminder of the first) */
	for (int own = 1; own >= 0; own--)
		for (int s = 0; s < 2; s++) {
			const char *t = sources[s];
			size_t n = lens[s];

			if (t == NULL)
				continue;
			lower_copy(low, t, n);
			for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
				size_t from = 0, end, start, rn;
				const char *p;

				if (own && keywords[k].kind != kind)
					continue;
				while ((p = find_word(low, n, from, keywords[k].word, true,
						      &end)) != NULL) {
					from = (size_t)(p - low) + 1;
					if ((rn = ref_after(t, low, n, end, &start)) > 0) {
						snprintf(out, out_len, "%.*s", (int)rn, t + start);
						return;
					}
				}
			}
		}
	if (subject != NULL) {
		size_t n = lens[0];

		for (size_t i = 0; i < n; i++) {
			size_t rn;

			if ((i > 0 && is_wordch(subject[i - 1])) ||
			    !(subject[i] >= 'A' && subject[i] <= 'Z'))
				continue;
			if ((rn = ref_at(subject, n, i)) > 0 &&
			    memchr(subject + i, '-', rn) != NULL) {
				snprintf(out, out_len, "%.*s", (int)rn, subject + i);
				return;
			}
		}
	}
}

/* Where the signature starts (its "-- " line), or len. */
static size_t
signature_at(const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = (nl ? (size_t)(nl - text) : len) - i;

		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		if ((n == 3 && memcmp(text + i, "-- ", 3) == 0) ||
		    (n == 2 && memcmp(text + i, "--", 2) == 0))
			return i;
		if (nl == NULL)
			break;
		i = (size_t)(nl - text) + 1;
	}
	return len;
}

/* Whether the line holding text[at] states a company's capital (its
 * LINE_MAX bytes around at: a text of one long line costs no more). */
static bool
on_legal_footer_line(const char *text, size_t len, size_t at)
{
	static const char *const words[] = { "capital", "kapital" };
	size_t from = at, to = at;
	char low[LINE_MAX];

	while (from > 0 && at - from < LINE_MAX / 2 && text[from - 1] != '\n')
		from--;
	while (to < len && to - from < sizeof low && text[to] != '\n')
		to++;
	lower_copy(low, text + from, to - from);
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
		if (memmem(low, to - from, words[w], strlen(words[w])) != NULL)
			return true;
	return false;
}

bool
mail_doc_read_text(const char *subject, const char *text, size_t len, enum mail_decimal hint,
		   struct mail_document *doc)
{
	return mail_doc_read_text_dated(subject, text, len, hint, MAIL_DATE_ORDER_UNKNOWN, doc);
}

/* The dollar a document says its amounts are in ("All amounts in
 * Canadian dollars (CAD)", "Currency: AUD"), when it writes no USD or
 * US$ anywhere; else NULL. */
static const char *
declared_dollar(const char *text, size_t len)
{
	static const char *const says[] = {
		"amounts in", "amounts are in", "prices in", "prices are in",
		"currency:",  "currency is",    "billed in", "invoiced in",
	};
	static const struct {
		const char *word, *code;
	} dollars[] = {
		{ "cad", "CAD" }, { "canadian dollar", "CAD" },
		{ "aud", "AUD" }, { "australian dollar", "AUD" },
		{ "nzd", "NZD" }, { "new zealand dollar", "NZD" },
		{ "sgd", "SGD" }, { "singapore dollar", "SGD" },
		{ "hkd", "HKD" }, { "hong kong dollar", "HKD" },
	};
	char low[CLASSIFY_MAX];
	size_t n = len < sizeof low ? len : sizeof low, end;

	lower_copy(low, text, n);
	if (find_word(low, n, 0, "usd", true, &end) != NULL ||
	    find_word(low, n, 0, "us$", true, &end) != NULL)
		return NULL;
	for (size_t k = 0; k < sizeof says / sizeof says[0]; k++) {
		const char *p = find_word(low, n, 0, says[k], true, &end);
		size_t stop = end + 40 < n ? end + 40 : n, e;

		for (size_t d = 0; p != NULL && d < sizeof dollars / sizeof dollars[0]; d++) {
			const char *w = find_word(low, stop, end, dollars[d].word, false, &e);

			if (w != NULL)
				return dollars[d].code;
		}
	}
	return NULL;
}

bool
mail_doc_read_text_dated(const char *subject, const char *text, size_t len, enum mail_decimal hint,
			 enum mail_date_order order, struct mail_document *doc)
{
	struct reading r = { .text = text, .len = len };
	struct mail_amount a, largest = { 0 }, most_back = { 0 };
	size_t pos = 0, dot = 0, comma = 0, i, n_amounts = 0, signature;
	char codes[4][4] = { { 0 } };
	size_t code_count[4] = { 0 };
	int lang;
	char low[CLASSIFY_MAX];

	if (text == NULL)
		text = "", len = 0;
	len = mail_text_unquoted_len(text, len);
	/* the document's own habit, from its unambiguous amounts */
	while (mail_amount_next(text, len, &pos, true, MAIL_DECIMAL_UNKNOWN, &a)) {
		dot += a.decimal == MAIL_DECIMAL_DOT;
		comma += a.decimal == MAIL_DECIMAL_COMMA;
		for (size_t k = 0; k < 4; k++)
			if (codes[k][0] == '\0' || strcmp(codes[k], a.money.currency) == 0) {
				memcpy(codes[k], a.money.currency, 4);
				code_count[k]++;
				break;
			}
	}
	doc->decimal = dot > comma   ? MAIL_DECIMAL_DOT
		       : comma > dot ? MAIL_DECIMAL_COMMA
				     : MAIL_DECIMAL_UNKNOWN;
	r.hint = hint != MAIL_DECIMAL_UNKNOWN ? hint : doc->decimal;
	{
		size_t n = len < sizeof low ? len : sizeof low;

		lower_copy(low, text, n);
		lang = language_of(text, low, n);
		if (lang < 0 && subject != NULL) {
			n = strnlen(subject, sizeof low);
			lower_copy(low, subject, n);
			lang = language_of(subject, low, n);
		}
	}
	if (r.hint == MAIL_DECIMAL_UNKNOWN && lang >= 0)
		r.hint = lang == EN ? MAIL_DECIMAL_DOT : MAIL_DECIMAL_COMMA;
	/* the sender's country, where it says (a UK vendor writes dots in
	 * amounts and days first), else the habit of the amounts */
	r.order = order != MAIL_DATE_ORDER_UNKNOWN              ? order
		  : r.hint == MAIL_DECIMAL_COMMA || (lang > EN) ? MAIL_DATE_DMY
		  : r.hint == MAIL_DECIMAL_DOT                  ? MAIL_DATE_MDY
								: MAIL_DATE_ORDER_UNKNOWN;
	for (size_t k = 1; k < 4; k++)
		if (code_count[k] > code_count[0]) {
			memcpy(codes[0], codes[k], 4);
			code_count[0] = code_count[k];
		}
	memcpy(r.currency, codes[0], 4);

	/* line by line, each line cut to LINE_MAX */
	for (i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i), *next = NULL;
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i, next_n = 0;

		if (n > 0 && text[end - 1] == '\r')
			n--;
		if (end < len) {
			const char *nl2 = memchr(text + end + 1, '\n', len - end - 1);

			next = text + end + 1;
			next_n = (nl2 ? (size_t)(nl2 - next) : len - end - 1);
			if (next_n > LINE_MAX)
				next_n = LINE_MAX;
		}
		read_line(&r, text + i, n < LINE_MAX ? n : LINE_MAX, next, next_n, doc);
		i = end + 1;
	}
	/* without a label, the largest amount with a currency: not one
	 * below the signature, nor a company's legal footer ("share
	 * capital $100,000.00", "Stammkapital 25.000,00 EUR"), which made a
	 * $480 invoice one of $100,000 */
	pos = 0;
	signature = signature_at(text, len);
	while (mail_amount_next(text, len, &pos, true, r.hint, &a)) {
		if (a.start >= signature || on_legal_footer_line(text, len, a.start))
			continue;
		n_amounts++;
		if (a.money.minor > largest.money.minor)
			largest = a;
		if (a.money.minor < most_back.money.minor)
			most_back = a;
	}
	if (!doc->has_total) {
		if (r.has_total) {
			doc->total_labelled = true;
			set_money(&doc->total, &doc->has_total, &r.total);
		} else if (n_amounts > 0 && largest.money.minor > 0) {
			set_money(&doc->total, &doc->has_total, &largest);
			r.total = largest;
		} else if (most_back.money.minor < 0 &&
			   mail_doc_classify(subject, text, len, NULL, 0) == MAIL_DOC_CREDIT) {
			/* a credit note that writes its amounts negative only */
			set_money(&doc->total, &doc->has_total, &most_back);
			r.total = most_back;
		}
		if (doc->has_total && r.total.ambiguous) {
			/* both readings, for the vendor's habit to decide */
			bool read_as_comma = r.hint == MAIL_DECIMAL_COMMA;
			doc->ambiguous = true;
			doc->total_if_comma =
				read_as_comma ? r.total.money.minor : r.total.alt_minor;
			doc->total_if_dot = read_as_comma ? r.total.alt_minor : r.total.money.minor;
		}
	}
	/* a bare labelled amount takes the document's currency */
	if (doc->has_total && !doc->total.currency[0])
		memcpy(doc->total.currency, r.currency, 4);
	if (doc->has_subtotal && !doc->subtotal.currency[0])
		memcpy(doc->subtotal.currency, doc->total.currency, 4);
	if (doc->has_tax && !doc->tax.currency[0])
		memcpy(doc->tax.currency, doc->total.currency, 4);
	/* "$" is read as USD: a document that declares another dollar, and
	 * writes no USD, bills in that one */
	{
		const char *dollar = doc->has_total && strcmp(doc->total.currency, "USD") == 0
					     ? declared_dollar(text, len)
					     : NULL;

		if (dollar != NULL) {
			memcpy(doc->total.currency, dollar, 4);
			if (doc->has_subtotal && strcmp(doc->subtotal.currency, "USD") == 0)
				memcpy(doc->subtotal.currency, dollar, 4);
			if (doc->has_tax && strcmp(doc->tax.currency, "USD") == 0)
				memcpy(doc->tax.currency, dollar, 4);
		}
	}
	if (doc->has_total && doc->has_subtotal && doc->has_tax)
		doc->totals_agree = doc->subtotal.minor + doc->tax.minor == doc->total.minor &&
				    strcmp(doc->subtotal.currency, doc->total.currency) == 0;
	if (!doc->ref[0])
		find_ref(subject, text, len, doc->ref, sizeof doc->ref);
	if (doc->source == MAIL_DOC_FROM_NONE && doc->has_total)
		doc->source = MAIL_DOC_FROM_BODY;
	return doc->has_total;
}

/* ---- schema.org data in HTML ---- */

/* A JSON number or numeric string as minor units. */
static bool
json_money(json_t *v, const char *currency, int64_t *out)
{
	struct mail_amount a;
	char buf[64];

	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sizeof buf, "%.*f",
			 mail_currency_digits(currency) >= 0 ? mail_currency_digits(currency) : 2,
			 json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, sizeof buf, "%s", json_string_value(v));
	else
		return false;
	if (!mail_amount_parse(buf, MAIL_DECIMAL_DOT, &a))
		return false;
	/* the data's number has no currency: scale by the one it names */
	int digits = mail_currency_digits(currency);
	if (digits >= 0 && digits != 2) {
		int64_t v2 = a.money.minor;

		for (int d = digits; d < 2; d++)
			v2 /= 10;
		for (int d = 2; d < digits; d++)
			v2 *= 10;
		a.money.minor = v2;
	}
	*out = a.money.minor;
	return true;
}

static const char *
json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
copy_date(char out[11], const char *s)
{
	struct mail_date d;
	size_t pos = 0;

	if (s != NULL && mail_date_next(s, strlen(s), &pos, MAIL_DATE_ORDER_UNKNOWN, &d))
		mail_date_iso(&d, out);
}

static bool
from_schema(json_t *o, struct mail_document *doc, int depth)
{
	const char *type;

	if (depth > 4)
		return false;
	if (json_is_array(o)) {
		size_t i;
		json_t *v;

		json_array_foreach(o, i, v) if (from_schema(v, doc, depth + 1)) return true;
		return false;
	}
	if (!json_is_object(o))
		return false;
	if (json_object_get(o, "@graph") != NULL)
		return from_schema(json_object_get(o, "@graph"), doc, depth + 1);
	type = json_str(o, "@type");
	if (type == NULL || (strcmp(type, "Invoice") != 0 && strcmp(type, "Order") != 0))
		return false;
	struct mail_document d = { 0 };
	json_t *price = NULL;
	const char *currency = NULL;

	d.kind = strcmp(type, "Invoice") == 0 ? MAIL_DOC_BILL : MAIL_DOC_ORDER;
	if (d.kind == MAIL_DOC_BILL) {
		json_t *due = json_object_get(o, "totalPaymentDue");

		if (json_is_object(due)) {
			price = json_object_get(due, "price");
			if (price == NULL)
				price = json_object_get(due, "value");
			currency = json_str(due, "priceCurrency");
			if (currency == NULL)
				currency = json_str(due, "currency");
		}
		const char *ref = json_str(o, "confirmationNumber");
		if (ref == NULL)
			ref = json_str(o, "identifier");
		if (ref != NULL)
			snprintf(d.ref, sizeof d.ref, "%s", ref);
		copy_date(d.due, json_str(o, "paymentDueDate"));
		if (!d.due[0])
			copy_date(d.due, json_str(o, "paymentDue"));
	} else {
		price = json_object_get(o, "price");
		currency = json_str(o, "priceCurrency");
		const char *ref = json_str(o, "orderNumber");
		if (ref != NULL)
			snprintf(d.ref, sizeof d.ref, "%s", ref);
		copy_date(d.issued, json_str(o, "orderDate"));
	}
	if (price == NULL || currency == NULL || strlen(currency) != 3 ||
	    !json_money(price, currency, &d.total.minor))
		return false;
	memcpy(d.total.currency, currency, 3);
	d.total.currency[3] = '\0';
	d.has_total = d.total_labelled = true;
	d.source = MAIL_DOC_FROM_DATA;
	*doc = d;
	return true;
}

bool
mail_doc_read_html_data(const char *html, size_t len, struct mail_document *doc)
{
	static const char open_tag[] = "application/ld+json";
	const char *p = html, *stop = html + len;

	while (p < stop && (p = memmem(p, (size_t)(stop - p), open_tag, sizeof open_tag - 1))) {
		const char *gt = memchr(p, '>', (size_t)(stop - p)), *close;
		json_t *root;

		p += sizeof open_tag - 1;
		if (gt == NULL)
			break;
		close = memmem(gt, (size_t)(stop - gt), "</script", 8);
		if (close == NULL)
			break;
		root = json_loadb(gt + 1, (size_t)(close - gt - 1), JSON_DISABLE_EOF_CHECK, NULL);
		if (root != NULL) {
			bool found = from_schema(root, doc, 0);

			json_decref(root);
			if (found)
				return true;
		}
		p = close;
	}
	return false;
}
