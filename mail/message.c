/* One notmuch message: its headers as attribution needs them, what the
 * file says about its own trustworthiness, and the properties that record
 * the attribution in the index. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

static const char *
header(notmuch_message_t *msg, const char *name)
{
	const char *value = notmuch_message_get_header(msg, name);

	return (value != NULL && *value != '\0') ? value : NULL;
}

/*
 * A header's value as it is in the file, unfolded, RFC 2047 words still
 * encoded (malloc'd, NULL when absent). Addresses must be parsed from
 * this: GMime's decoded value is text, and parsing it again turns an
 * encoded display name such as "Acme <billing@acme.example>," into a
 * sender of its own.
 */
static char *
raw_header(GMimeMessage *m, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(m));
	GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	char *out, *o;

	if (raw == NULL || (out = malloc(strlen(raw) + 1)) == NULL)
		return NULL;
	for (o = out; *raw; raw++)
		if (*raw != '\r' && *raw != '\n')
			*o++ = *raw;
	*o = '\0';
	if (out[strspn(out, " \t")] == '\0') {
		free(out);
		return NULL;
	}
	return out;
}

/* Bodies beyond this are not read for signatures and payment details:
 * sign-offs and bank details come early, quoted history and attachments
 * later. */
#define BODY_READ_MAX (64 * 1024)

/* Copies src into dst, cut to fit (authserv-ids may be longer than we
 * keep; such a cut one matches no configured id). */
static void
copy_str(char *dst, size_t len, const char *src)
{
	size_t n = src ? strnlen(src, len - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* An address written into a display name ("billing@acme.example" <x@y>):
 * the first word with an @ and a dot after it. */
static bool
address_in_name(const char *name, char *out, size_t len)
{
	const char *at = name ? strchr(name, '@') : NULL;

	while (at != NULL) {
		const char *start = at, *end = at + 1;

		while (start > name && !isspace((unsigned char)start[-1]) &&
		       strchr("<>\"'(),;:[]", start[-1]) == NULL)
			start--;
		while (*end && !isspace((unsigned char)*end) &&
		       strchr("<>\"'(),;:[]", *end) == NULL)
			end++;
		if (start < at && memchr(at, '.', (size_t)(end - at)) != NULL && end[-1] != '.') {
			snprintf(out, len, "%.*s", (int)(end - start), start);
			mail_ascii_lower(out);
			return true;
		}
		at = strchr(at + 1, '@');
	}
	return false;
}

/* The date of the topmost Received header (after its last ';'), 0 when
 * there is none or it is no date. */
static time_t
arrival(GMimeHeaderList *list)
{
	int n = list ? g_mime_header_list_get_count(list) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h), *raw, *semi;
		GDateTime *when;
		time_t t;

		if (name == NULL || g_ascii_strcasecmp(name, "Received") != 0)
			continue;
		raw = g_mime_header_get_raw_value(h);
		if (raw == NULL || (semi = strrchr(raw, ';')) == NULL ||
		    (when = g_mime_utils_header_decode_date(semi + 1)) == NULL)
			return 0;
		t = (time_t)g_date_time_to_unix(when);
		g_date_time_unref(when);
		return t > 0 ? t : 0;
	}
	return 0;
}

/* Mail sent to a list of subscribers: an unsubscribe link, or a
 * precedence of bulk mail. */
static bool
is_bulk(GMimeMessage *file)
{
	const char *precedence = g_mime_object_get_header(GMIME_OBJECT(file), "Precedence");

	if (g_mime_object_get_header(GMIME_OBJECT(file), "List-Unsubscribe") != NULL)
		return true;
	if (precedence == NULL)
		return false;
	precedence += strspn(precedence, " \t");
	return g_ascii_strncasecmp(precedence, "bulk", 4) == 0 ||
	       g_ascii_strncasecmp(precedence, "list", 4) == 0;
}

/* Whether ar gives a result of a method group gave already. */
static bool
says_again(const struct mail_authres *group, const struct mail_authres *ar)
{
	for (size_t i = 0; i < ar->count; i++)
		for (size_t k = 0; k < group->count; k++)
			if (strcmp(ar->items[i].method, group->items[k].method) == 0)
				return true;
	return false;
}

/* What the From, Reply-To, Received and Authentication-Results headers
 * say about whether this mail is who it claims to be. */
static void
trust_from_headers(GMimeMessage *file, const char *raw_from, const struct mail_file_facts *facts,
		   struct mail_trust_facts *out)
{
	struct mail_address_list from, reply;
	char org[MAIL_DOMAIN_MAX], other[MAIL_DOMAIN_MAX], shown[MAIL_DOMAIN_MAX];
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(file));
	struct mail_authres together;
	bool joined = false; /* the last header may take the next one's results */
	char *raw_reply;
	int n;

	out->arrived = arrival(list);
	out->bulk = is_bulk(file);
	if (facts->from.address != NULL) {
		const char *at = strrchr(facts->from.address, '@');

		copy_str(out->from_host, sizeof out->from_host, at ? at + 1 : "");
	}
	if (!mail_org_domain(facts->from.address, org, sizeof org))
		org[0] = '\0';
	/* a display name that shows another organisation's address */
	if (address_in_name(facts->from.name, shown, sizeof shown) &&
	    (!mail_org_domain(shown, other, sizeof other) || strcmp(other, org) != 0))
		copy_str(out->name_address, sizeof out->name_address, shown);
	mail_address_list_parse(raw_from, &from);
	for (size_t i = 1; i < from.count; i++)
		if (!mail_org_domain(from.items[i].address, other, sizeof other) ||
		    strcmp(other, org) != 0)
			out->several_from = true;
	mail_address_list_clear(&from);
	/* RFC 2047 is for display names; an encoded word in the address
	 * itself hides what the mail claims to be from */
	if (raw_from != NULL && facts->from.address == NULL && strstr(raw_from, "=?") != NULL)
		out->from_encoded = true;
	if (facts->from.address != NULL && strstr(facts->from.address, "=?") != NULL)
		out->from_encoded = true;

	raw_reply = raw_header(file, "Reply-To");
	mail_address_list_parse(raw_reply, &reply);
	/* each address: a reply goes to all of them ("billing@vendor,
	 * attacker@freemail" passed as the vendor's) */
	for (size_t i = 0; i < reply.count && out->reply_org[0] == '\0'; i++)
		if (mail_org_domain(reply.items[i].address, other, sizeof other) &&
		    strcmp(other, org) != 0)
			copy_str(out->reply_org, sizeof out->reply_org, other);
	mail_address_list_clear(&reply);
	free(raw_reply);

	/* Topmost first: the receiving server prepends its own. One that
	 * appends its own (Exim's add_header) writes it last, below any
	 * number the sender wrote: past MAIL_AUTH_HEADERS, the last slot
	 * keeps the last header (six forged passes hid the server's
	 * failure, the seventh). */
	n = list ? g_mime_header_list_get_count(list) : 0;
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *raw = g_mime_header_get_raw_value(h);
		const char *name = g_mime_header_get_name(h);
		struct mail_auth_header *a =
			&out->auth[out->n_auth < MAIL_AUTH_HEADERS ? out->n_auth
								   : MAIL_AUTH_HEADERS - 1];
		struct mail_authres ar;

		/* a server's own headers end at the Received it wrote */
		if (name != NULL && g_ascii_strcasecmp(name, "Received") == 0)
			joined = false;
		if (raw == NULL || name == NULL ||
		    g_ascii_strcasecmp(name, "Authentication-Results") != 0 ||
		    !mail_authres_parse(raw, strlen(raw), &ar))
			continue;
		/* One server may write a header per method (a DKIM milter's,
		 * then a DMARC one's): judged together, as one header. Alone,
		 * the topmost said "spf=pass" and the DMARC failure below it
		 * went unseen. A header that says again what one of them said
		 * is someone else's word under the server's name (a forger's
		 * "dkim=pass", right above the "dkim=none" a server appends):
		 * judged apart, it made the server's "none" a pass. */
		if (joined && strcmp(ar.authserv_id, together.authserv_id) == 0 &&
		    !says_again(&together, &ar)) {
			for (size_t k = 0; k < ar.count && together.count < MAIL_AUTHRES_ITEMS; k++)
				together.items[together.count++] = ar.items[k];
			a = &out->auth[out->n_auth - 1];
			a->verdict = mail_authres_verdict(&together, org, a->why, sizeof a->why);
			mail_authres_passed_for(&together, org, a->passed_for,
						sizeof a->passed_for);
			continue;
		}
		together = ar;
		joined = true;
		copy_str(a->authserv_id, sizeof a->authserv_id, ar.authserv_id);
		a->verdict = mail_authres_verdict(&ar, org, a->why, sizeof a->why);
		mail_authres_passed_for(&ar, org, a->passed_for, sizeof a->passed_for);
		if (out->n_auth < MAIL_AUTH_HEADERS)
			out->n_auth++;
	}
}

/* Attachments named past this many do not change what a message is. */
#define ATTACHMENT_NAMES_MAX 8
/* PDFs read per message: an invoice and its terms, not an archive. */
#define PDFS_MAX 3
/* HTML parts read for structured data: the mail's and an attached one's. */
#define HTML_PARTS_MAX 3
/* Larger PDFs are not read (mail/pdf.c refuses them too). */
#define PDF_BYTES_MAX (32u << 20)

/* Fields one source lacks, from another (the reference, the dates). */
static void
fill_from(struct mail_document *doc, const struct mail_document *other)
{
	if (!doc->ref[0])
		memcpy(doc->ref, other->ref, sizeof doc->ref);
	if (!doc->issued[0])
		memcpy(doc->issued, other->issued, sizeof doc->issued);
	if (!doc->due[0])
		memcpy(doc->due, other->due, sizeof doc->due);
	if (!doc->valid_until[0])
		memcpy(doc->valid_until, other->valid_until, sizeof doc->valid_until);
	if (!doc->net_days)
		doc->net_days = other->net_days;
	if (!doc->iban[0])
		memcpy(doc->iban, other->iban, sizeof doc->iban);
}

/* How much of a PDF's text the amounts are read from: a hundred pages. */
#define PDF_TEXT_READ_MAX (256u << 10)

/* The bank details a PDF gives, its text layer's and its invoice XML's
 * IBAN, with the body's: an invoice "attached" names where to pay there
 * alone, and the check of the vendor's bank details must see it. */
static void
payment_of_pdf(const struct mail_pdf_result *res, struct mail_payment_facts *payment)
{
	struct mail_payment_facts found;

	if (payment == NULL)
		return;
	if (res->text != NULL) {
		mail_payment_scan(res->text, res->text_len, &found);
		mail_payment_merge(payment, &found);
	}
	if (res->has_xml && res->xml.iban[0] != '\0') {
		mail_payment_scan(res->xml.iban, strlen(res->xml.iban), &found);
		mail_payment_merge(payment, &found);
	}
}

/* The PDFs' documents: an embedded invoice XML (exact) wins, else the
 * first text layer with a total. *note says why a PDF was not read;
 * their bank details go with the body's into payment. */
static bool
read_pdfs(GMimeMessage *file, const char *subject, const struct mail_pdf_options *pdf,
	  enum mail_date_order order, struct mail_document *out, struct mail_payment_facts *payment,
	  char *note, size_t note_len)
{
	GByteArray *pdfs[PDFS_MAX];
	/* a byte more than is read: a bigger PDF comes cut one byte past
	 * the limit, and mail_pdf_read says "too large" (cut at the limit,
	 * poppler got a broken file and said so) */
	size_t n = mail_attachment_pdfs(file, pdfs, PDFS_MAX, PDF_BYTES_MAX + 1);
	bool found = false, timed_out = false;

	for (size_t i = 0; i < n; i++) {
		struct mail_pdf_result res;
		struct mail_document d = { 0 };

		/* one PDF that ran out of time is enough for one message: three
		 * slow ones cost three timeouts of the index run */
		if (!found && !timed_out) {
			mail_pdf_read(pdf, pdfs[i]->data, pdfs[i]->len, &res);
			timed_out = strcmp(res.status, "timed out") == 0;
			/* the text a bill's figures are in: a PDF's text layer
			 * may be 4 MB of digits, read here in the indexer, not
			 * in the helper's limits (4.5 s a PDF) */
			if (res.text_len > PDF_TEXT_READ_MAX)
				res.text_len = PDF_TEXT_READ_MAX;
			payment_of_pdf(&res, payment);
			if (res.has_xml) {
				d = res.xml;
				if (res.text != NULL)
					mail_doc_read_text_dated(subject, res.text, res.text_len,
								 MAIL_DECIMAL_UNKNOWN, order, &d);
				d.source = MAIL_DOC_FROM_XML;
				found = true;
			} else if (res.text != NULL &&
				   mail_doc_read_text_dated(subject, res.text, res.text_len,
							    MAIL_DECIMAL_UNKNOWN, order, &d)) {
				d.source = MAIL_DOC_FROM_PDF;
				found = true;
			} else if (strcmp(res.status, "ok") != 0 &&
				   (!note[0] || strcmp(res.status, MAIL_PDF_DEFERRED) == 0))
				/* a deferred PDF's note wins: the next run reads by it */
				snprintf(note, note_len, "PDF not read: %.48s", res.status);
			if (found)
				*out = d;
			mail_pdf_result_clear(&res);
		}
		g_byte_array_free(pdfs[i], TRUE);
	}
	return found;
}

/* What document the vendor's message is, and its figures. Most exact
 * first: invoice XML in a PDF, schema.org data in the HTML, a labelled
 * total in the text, then in a PDF's text layer, then the largest amount
 * of the text, then of a PDF. */
static void
read_document(GMimeMessage *file, const char *body, const struct mail_pdf_options *pdf,
	      enum mail_date_order order, struct mail_document *doc,
	      struct mail_payment_facts *payment)
{
	const char *names[ATTACHMENT_NAMES_MAX];
	size_t n_names = mail_attachment_names(file, names, ATTACHMENT_NAMES_MAX);
	const char *subject = g_mime_message_get_subject(file);
	struct mail_document text = { 0 }, data = { 0 }, from_pdf = { 0 };
	bool has_data = false, has_pdf = false;
	char note[64] = "";
	char *html;
	enum mail_doc_kind kind;

	memset(doc, 0, sizeof *doc);
	kind = mail_doc_classify(subject, body, strlen(body), names, n_names);
	if (kind == MAIL_DOC_NONE) {
		/* no bill, but a PDF may say where to pay: "please see the
		 * attached letter", its new IBAN there alone, was never
		 * compared */
		if (pdf != NULL && pdf->helper != NULL)
			read_pdfs(file, subject, pdf, order, &from_pdf, payment, note, sizeof note);
		/* (why its PDF went unread, that the next run reads it) */
		memcpy(doc->note, note, sizeof doc->note);
		return;
	}
	/* the structured data of a forwarded invoice is in the attached
	 * message's HTML, after the forwarding note's own */
	for (size_t i = 0; !has_data && i < HTML_PARTS_MAX &&
			   (html = mail_body_html_at(file, i, BODY_READ_MAX)) != NULL;
	     i++) {
		has_data = mail_doc_read_html_data(html, strlen(html), &data);
		free(html);
	}
	mail_doc_read_text_dated(subject, body, strlen(body), MAIL_DECIMAL_UNKNOWN, order, &text);
	/* the figures in the HTML form alone (what most mail clients show),
	 * under a plain text naming none ("Your invoice AT-4 is ready"):
	 * its jump went unchecked */
	if (!text.has_total &&
	    (html = mail_body_html_alternative_of(file, BODY_READ_MAX)) != NULL) {
		struct mail_document shown = { 0 };

		mail_doc_read_text_dated(subject, html, strlen(html), MAIL_DECIMAL_UNKNOWN, order,
					 &shown);
		if (shown.has_total) {
			fill_from(&shown, &text);
			text = shown;
		}
		free(html);
	}
	/* a newsletter's word is no document ("Invoice automation for
	 * everyone", "Unser Angebot des Monats"): bulk mail is one only
	 * with a document attached or a reference of its kind */
	if (n_names == 0 && text.ref[0] == '\0' && is_bulk(file))
		return;
	if (pdf != NULL && pdf->helper != NULL)
		has_pdf =
			read_pdfs(file, subject, pdf, order, &from_pdf, payment, note, sizeof note);
	if (has_pdf && from_pdf.source == MAIL_DOC_FROM_XML)
		*doc = from_pdf;
	else if (has_data)
		*doc = data;
	else if (text.has_total && text.total_labelled)
		*doc = text;
	else if (has_pdf && from_pdf.total_labelled)
		*doc = from_pdf;
	else if (text.has_total)
		*doc = text;
	else if (has_pdf)
		*doc = from_pdf;
	else
		*doc = text;
	fill_from(doc, &text);
	if (has_pdf)
		fill_from(doc, &from_pdf);
	/* an e-invoice that says it is a credit note is one, whatever the
	 * mail's words */
	doc->kind =
		has_pdf && from_pdf.source == MAIL_DOC_FROM_XML && from_pdf.kind == MAIL_DOC_CREDIT
			? MAIL_DOC_CREDIT
			: kind;
	memcpy(doc->note, note, sizeof doc->note);
}

/* How the sender writes a slashed date, as far as its country says: a
 * vendor in the United States month first, one in most of the rest of the
 * world day first; a .com says nothing. */
static enum mail_date_order
date_order_of(const char *address)
{
	static const char *const day_first[] = {
		"de", "at", "ch", "fr", "be", "nl", "lu", "es", "pt", "it", "uk", "ie", "dk",
		"se", "no", "fi", "pl", "cz", "au", "nz", "in", "br", "mx", "ar", "za",
	};
	const char *dot = address ? strrchr(address, '.') : NULL;

	if (dot == NULL)
		return MAIL_DATE_ORDER_UNKNOWN;
	if (strcasecmp(dot + 1, "us") == 0)
		return MAIL_DATE_MDY;
	for (size_t i = 0; i < sizeof day_first / sizeof day_first[0]; i++)
		if (strcasecmp(dot + 1, day_first[i]) == 0)
			return MAIL_DATE_DMY;
	return MAIL_DATE_ORDER_UNKNOWN;
}

/* Whether a server's Authentication-Results say the mail is not From's
 * (some fail, or one does not pass: "dmarc=none" for a domain without a
 * record, under a forged pass). Mail no server judged says nothing. */
static bool
not_authenticated(const struct mail_trust_facts *t)
{
	for (size_t i = 0; i < t->n_auth; i++)
		if (t->auth[i].verdict != MAIL_AUTH_VERDICT_PASS)
			return true;
	return false;
}

/* The bank details and wording of the HTML form too, where the text read
 * is the plain one: most mail clients show the HTML, and a new IBAN
 * there alone, under a plain text that names none, was never compared. */
static void
scan_html_alternative(GMimeMessage *file, struct mail_payment_facts *payment)
{
	char *html = mail_body_html_alternative_of(file, BODY_READ_MAX);
	struct mail_payment_facts found;

	if (html == NULL)
		return;
	mail_payment_scan(html, strlen(html), &found);
	mail_payment_merge(payment, &found);
	payment->asks_payment = payment->asks_payment || found.asks_payment;
	free(html);
}

/* HTML pages attached read for the bank details they show too: "see
 * the remittance advice attached", its new IBAN in a page the user
 * opens in a browser, was read nowhere. */
#define HTML_ATTACHMENTS_MAX 3
static void
scan_html_attachments(GMimeMessage *file, struct mail_payment_facts *payment)
{
	char *text;

	for (size_t i = 0; i < HTML_ATTACHMENTS_MAX &&
			   (text = mail_body_html_attachment_text(file, i, BODY_READ_MAX)) != NULL;
	     i++) {
		struct mail_payment_facts found;

		mail_payment_scan(text, strlen(text), &found);
		mail_payment_merge(payment, &found);
		payment->asks_payment = payment->asks_payment || found.asks_payment;
		free(text);
	}
}

/* The text read for bank details: the subject above the body (malloc'd),
 * or NULL for the body alone. "Our bank details have changed" or a new
 * IBAN in the subject, over a body naming neither, passed; a reply's
 * subject is the question it answers ("Re: have your bank details
 * changed?"), not the sender's word, where the mail answers one ("RE:
 * Updated bank details" answering nothing is a forger's way to look
 * like an ongoing conversation). */
static char *
payment_text(GMimeMessage *file, const char *body)
{
	const char *subject = g_mime_message_get_subject(file);
	GMimeObject *o = GMIME_OBJECT(file);
	bool answers = g_mime_object_get_header(o, "In-Reply-To") != NULL ||
		       g_mime_object_get_header(o, "References") != NULL;
	char *text;

	if (subject == NULL || *subject == '\0' || (answers && mail_subject_is_reply(subject)) ||
	    asprintf(&text, "%s\n\n%s", subject, body) < 0)
		return NULL;
	return text;
}

/* A quote's "Valid until" is how long the offer holds, no contract's
 * end (a quote of laptops with a warranty line was suggested as a
 * maintenance contract ending then); a renewal quote's dates of the
 * contract it renews stay. */
static void
drop_offer_validity(const struct mail_document *doc, struct mail_contract_facts *contract)
{
	size_t kept = 0;

	if (doc->kind != MAIL_DOC_QUOTE || doc->valid_until[0] == '\0')
		return;
	for (size_t i = 0; i < contract->count; i++)
		if (strcmp(contract->items[i].date, doc->valid_until) != 0)
			contract->items[kept++] = contract->items[i];
	contract->count = kept;
}

/* Attribution, addresses and signature from these headers (and the
 * parsed file, for the body; may be NULL). */
static void
facts_from_headers(const struct mail_headers *h, GMimeMessage *file,
		   const struct mail_index_options *opts, struct mail_file_facts *out)
{
	struct mail_address_list from;
	char *body = NULL, *pay;
	bool list, freemail;

	mail_attribute(opts->identity, h, &out->attribution);
	mail_address_list_parse(h->from, &from);
	if (from.count > 0) {
		/* Steal the first sender; the rest of a multi-author From
		 * is rare and not a contact source. */
		out->from = from.items[0];
		from.items[0] = from.items[--from.count];
	}
	mail_address_list_clear(&from);
	mail_address_list_parse(h->to, &out->to);
	mail_address_list_parse(h->cc, &out->cc);
	if (file == NULL)
		return;
	trust_from_headers(file, h->from, out, &out->trust);
	/* Who signed, and where to pay: only the vendor's own mail to the
	 * user names the vendor's people and bank details. A List-Id is the
	 * sender's to write, and so are Authentication-Results no server of
	 * the user's wrote (which only the store tells apart): list mail is
	 * asked where to pay too (a forgery of a vendor's billing, made list
	 * mail, passed every check). Where a server judged it and nothing
	 * passed, the scan also says whether it is about money, for the
	 * verdict; the rest (half of some mailboxes) is scanned only when
	 * it may give bank details at all. */
	list = out->attribution.kind == MAIL_KIND_LIST;
	freemail = out->attribution.kind == MAIL_KIND_PERSONAL;
	if ((out->attribution.kind != MAIL_KIND_VENDOR && !list && !freemail) ||
	    out->attribution.direction != MAIL_DIR_IN || out->from.address == NULL ||
	    (body = mail_body_text_of(file, BODY_READ_MAX)) == NULL)
		return;
	/* a freemail box under a vendor contact's name asking to be paid
	 * is the scam (store/trust.c judges the name): its mail that may
	 * give bank details is read for them */
	pay = payment_text(file, body);
	if (freemail) {
		if (mail_payment_may_give_details(pay ? pay : body, strlen(pay ? pay : body)))
			mail_payment_scan(pay ? pay : body, strlen(pay ? pay : body),
					  &out->trust.payment);
		/* (the details in a page attached alone: "see attached") */
		scan_html_attachments(file, &out->trust.payment);
		free(pay);
		free(body);
		return;
	}
	if (list) {
		if (not_authenticated(&out->trust) ||
		    mail_payment_may_give_details(pay ? pay : body, strlen(pay ? pay : body)))
			mail_payment_scan(pay ? pay : body, strlen(pay ? pay : body),
					  &out->trust.payment);
		if (not_authenticated(&out->trust)) {
			scan_html_alternative(file, &out->trust.payment);
			scan_html_attachments(file, &out->trust.payment);
		}
		free(pay);
		free(body);
		return;
	}
	out->has_signature = mail_signature_parse(body, out->from.name, &out->signature);
	mail_payment_scan(pay ? pay : body, strlen(pay ? pay : body), &out->trust.payment);
	free(pay);
	scan_html_alternative(file, &out->trust.payment);
	scan_html_attachments(file, &out->trust.payment);
	read_document(file, body, opts->pdf, date_order_of(out->from.address), &out->document,
		      &out->trust.payment);
	mail_contract_scan(body, strlen(body), date_order_of(out->from.address), &out->contract);
	drop_offer_validity(&out->document, &out->contract);
	free(body);
}

bool
mail_is_auto_reply(const char *auto_submitted, const char *x_autoreply, const char *x_autorespond,
		   const char *precedence, const char *subject)
{
	/* what the assistants of Outlook, Exchange, Gmail and their
	 * translations put first (Outlook writes no Auto-Submitted) */
	static const char *const prefixes[] = {
		"automatic reply:",     "auto reply:",           "autoreply:",
		"auto-reply:",          "out of office:",        "out of office reply:",
		"out of the office:",   "abwesenheitsnotiz:",    "automatische antwort:",
		"réponse automatique:", "réponse automatique :", "respuesta automática:",
		"risposta automatica:", "automatisch antwoord:", "autosvar:",
		"automatisk svar:",     "resposta automática:",
	};
	size_t skip;

	if (auto_submitted != NULL) {
		skip = strspn(auto_submitted, " \t");
		if (g_ascii_strncasecmp(auto_submitted + skip, "auto-replied", 12) == 0)
			return true;
	}
	if (x_autoreply != NULL || x_autorespond != NULL)
		return true;
	if (precedence != NULL) {
		skip = strspn(precedence, " \t");
		if (g_ascii_strncasecmp(precedence + skip, "auto_reply", 10) == 0)
			return true;
	}
	if (subject == NULL)
		return false;
	subject += strspn(subject, " \t");
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		/* the prefixes' own letters are ASCII but for é and á, whose
		 * UTF-8 bytes compare as themselves */
		size_t n = strlen(prefixes[i]);

		if (g_ascii_strncasecmp(subject, prefixes[i], n) == 0)
			return true;
	}
	return mail_receipt_subject(subject);
}

/* Bytes of a machine-made mail read for a receipt's words: they come
 * first. */
#define RECEIPT_READ_MAX (4 * 1024)

/* mail_is_auto_reply of the file's headers (the subject asked later),
 * or a receipt a machine wrote: Auto-Submitted other than "no" (RFC
 * 3834), Exchange's X-Auto-Response-Suppress, or a help desk's mailbox
 * (some desks mark nothing), and the receipt's words at the start of
 * its text. Only mail to the user is read so. */
static bool
auto_reply_of(GMimeMessage *file, enum mail_direction direction, const char *from)
{
	static const char *const names[] = { "Auto-Submitted", "X-Autoreply", "X-Autorespond",
					     "Precedence", "X-Auto-Response-Suppress" };
	char *v[5], *body;
	bool yes, machine;

	for (size_t i = 0; i < 5; i++)
		v[i] = raw_header(file, names[i]);
	yes = mail_is_auto_reply(v[0], v[1], v[2], v[3], NULL);
	machine = (v[0] != NULL && g_ascii_strncasecmp(v[0] + strspn(v[0], " \t"), "no", 2) != 0) ||
		  v[4] != NULL || mail_receipt_desk(from);
	for (size_t i = 0; i < 5; i++)
		free(v[i]);
	if (yes || !machine || direction != MAIL_DIR_IN ||
	    (body = mail_body_text_of(file, RECEIPT_READ_MAX)) == NULL)
		return yes;
	yes = mail_receipt_opening(body);
	free(body);
	return yes;
}

void
mail_file_facts_read(const char *path, const struct mail_index_options *opts,
		     struct mail_file_facts *out)
{
	static const char *const names[] = { "From", "To", "Cc", "List-Id", "List-Post" };
	char *raw[5] = { 0 };
	struct mail_headers h;
	GMimeMessage *file;

	memset(out, 0, sizeof *out);
	file = path != NULL ? mail_parse_file_bounded(path, NULL) : NULL;
	if (file == NULL)
		return;
	out->parsed = true;
	for (size_t i = 0; i < 5; i++)
		raw[i] = raw_header(file, names[i]);
	h = (struct mail_headers){
		.from = raw[0],
		.to = raw[1],
		.cc = raw[2],
		.list_id = raw[3],
		.list_post = raw[4],
	};
	facts_from_headers(&h, file, opts, out);
	out->auto_reply = auto_reply_of(file, out->attribution.direction, out->from.address);
	for (size_t i = 0; i < 5; i++)
		free(raw[i]);
	g_object_unref(file);
}

void
mail_file_facts_clear(struct mail_file_facts *facts)
{
	free(facts->from.name);
	free(facts->from.address);
	mail_address_list_clear(&facts->to);
	mail_address_list_clear(&facts->cc);
	memset(facts, 0, sizeof *facts);
}

void
mail_message_describe_with(notmuch_message_t *msg, const struct mail_identity *identity,
			   struct mail_file_facts *facts, struct mail_message_info *info)
{
	memset(info, 0, sizeof *info);
	info->message_id = notmuch_message_get_message_id(msg);
	info->date = notmuch_message_get_date(msg);
	info->subject = header(msg, "subject");
	info->path = notmuch_message_get_filename(msg);
	info->thread_id = notmuch_message_get_thread_id(msg);
	if (!facts->parsed) {
		/* A file GMime cannot read: what notmuch kept of it (decoded
		 * values, the best there is; no trust facts). */
		struct mail_headers h = {
			.from = header(msg, "from"),
			.to = header(msg, "to"),
			.cc = header(msg, "cc"),
			.list_id = header(msg, "list-id"),
			.list_post = header(msg, "list-post"),
		};

		struct mail_index_options opts = { .identity = identity };

		mail_file_facts_clear(facts);
		facts_from_headers(&h, NULL, &opts, facts);
	}
	/* the info takes over the facts' allocations */
	info->from = facts->from;
	info->to = facts->to;
	info->cc = facts->cc;
	info->attribution = facts->attribution;
	info->has_signature = facts->has_signature;
	info->signature = facts->signature;
	info->trust = facts->trust;
	info->document = facts->document;
	info->contract = facts->contract;
	info->auto_reply =
		facts->auto_reply || mail_is_auto_reply(NULL, NULL, NULL, NULL, info->subject);
	memset(facts, 0, sizeof *facts);
}

void
mail_message_describe(notmuch_message_t *msg, const struct mail_index_options *opts,
		      struct mail_message_info *info)
{
	struct mail_file_facts facts;

	mail_file_facts_read(notmuch_message_get_filename(msg), opts, &facts);
	mail_message_describe_with(msg, opts->identity, &facts, info);
}

void
mail_message_info_clear(struct mail_message_info *info)
{
	free(info->from.name);
	free(info->from.address);
	info->from.name = info->from.address = NULL;
	mail_address_list_clear(&info->to);
	mail_address_list_clear(&info->cc);
}

notmuch_status_t
mail_message_store_attribution(notmuch_message_t *msg, const struct mail_attribution *attr,
			       enum mail_doc_kind doc, const char *suspect, bool fresh)
{
	notmuch_status_t st = NOTMUCH_STATUS_SUCCESS;

	/* mail just indexed has no properties to replace */
	if (!fresh)
		st = notmuch_message_remove_all_properties_with_prefix(msg, "vtriage.");
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_KIND, mail_kind_name(attr->kind));
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_DIR,
						  attr->direction == MAIL_DIR_OUT ? "out" : "in");
	if (st == NOTMUCH_STATUS_SUCCESS && attr->org[0] != '\0')
		st = notmuch_message_add_property(msg, MAIL_PROP_ORG, attr->org);
	if (st == NOTMUCH_STATUS_SUCCESS && doc != MAIL_DOC_NONE)
		st = notmuch_message_add_property(msg, MAIL_PROP_DOC, mail_doc_kind_name(doc));
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = mail_message_add_month(msg);
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = notmuch_message_add_property(msg, MAIL_PROP_REV, MAIL_ATTRIBUTION_REV);
	/* Here the document is written anyway; the same verdict written
	 * after a first index cost a millisecond a message (Xapian reads
	 * every term and position of a document it changes) */
	if (st == NOTMUCH_STATUS_SUCCESS)
		st = mail_message_add_property_values(msg, MAIL_PROP_SUSPECT, suspect);
	return st;
}

notmuch_status_t
mail_message_add_property_values(notmuch_message_t *msg, const char *key, const char *values)
{
	notmuch_status_t st = NOTMUCH_STATUS_SUCCESS;
	char *copy, *value, *save = NULL;

	if (values == NULL || *values == '\0')
		return st;
	if ((copy = strdup(values)) == NULL)
		return NOTMUCH_STATUS_OUT_OF_MEMORY;
	for (value = strtok_r(copy, " ", &save); st == NOTMUCH_STATUS_SUCCESS && value != NULL;
	     value = strtok_r(NULL, " ", &save))
		st = notmuch_message_add_property(msg, key, value);
	free(copy);
	return st;
}
