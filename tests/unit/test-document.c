/*
 * Quotes and bills: classification in six languages (and what is not a
 * document: a reply about an invoice, a newsletter with prices), the
 * figures of bills and quotes written as vendors write them (labelled
 * totals, subtotal + tax, references, dates, payment terms), schema.org
 * data, dates, and the demo mailbox's documents.
 */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

static enum mail_doc_kind
classify(const char *subject, const char *text, const char *attachment)
{
	const char *names[1] = { attachment };

	return mail_doc_classify(subject, text, text ? strlen(text) : 0, names, attachment != NULL);
}

static void
kinds_in_six_languages(void **state)
{
	(void)state;
	assert_int_equal(classify("Invoice INV-1007 for October", NULL, NULL), MAIL_DOC_BILL);
	assert_int_equal(classify("Ihre Rechnung Nr. 2026-077", NULL, NULL), MAIL_DOC_BILL);
	assert_int_equal(classify("Votre facture F-2291", NULL, NULL), MAIL_DOC_BILL);
	assert_int_equal(classify("Su factura 4471", NULL, NULL), MAIL_DOC_BILL);
	assert_int_equal(classify("Uw factuur 2026-11", NULL, NULL), MAIL_DOC_BILL);
	assert_int_equal(classify("La sua fattura n. 88", NULL, NULL), MAIL_DOC_BILL);
	assert_int_equal(classify("Quotation for 40 laptops", NULL, NULL), MAIL_DOC_QUOTE);
	assert_int_equal(classify("Angebot f\xC3\xBCr B\xC3\xBCromaterial", NULL, NULL),
			 MAIL_DOC_QUOTE);
	assert_int_equal(classify("Devis n\xC2\xB0 D-19", NULL, NULL), MAIL_DOC_QUOTE);
	assert_int_equal(classify("Cotizaci\xC3\xB3n 2026-5", NULL, NULL), MAIL_DOC_QUOTE);
	assert_int_equal(classify("Offerte voor kantoorstoelen", NULL, NULL), MAIL_DOC_QUOTE);
	assert_int_equal(classify("Preventivo per la manutenzione", NULL, NULL), MAIL_DOC_QUOTE);
	assert_int_equal(classify("Order 55123 has shipped", NULL, NULL), MAIL_DOC_ORDER);
	assert_int_equal(classify("Auftragsbest\xC3\xA4tigung 4711", NULL, NULL), MAIL_DOC_ORDER);
	assert_int_equal(classify("Payment received - thank you", NULL, NULL), MAIL_DOC_PAYMENT);
	/* credit notes name the bill they credit */
	assert_int_equal(classify("Credit note CN-1 for invoice AT-3", NULL, NULL),
			 MAIL_DOC_CREDIT);
	assert_int_equal(classify("Gutschrift zu Rechnung 2026-077", NULL, NULL), MAIL_DOC_CREDIT);
	assert_int_equal(classify("Votre avoir n\xc2\xb0 AV-12", NULL, NULL), MAIL_DOC_CREDIT);
	assert_int_equal(classify("Facture F-7", "Vous pouvez avoir une remise.\n", NULL),
			 MAIL_DOC_BILL);
	assert_int_equal(classify("Credit note CN-3 - payment received", NULL, NULL),
			 MAIL_DOC_CREDIT);
	/* a reminder names the invoice it reminds of */
	assert_int_equal(classify("Payment reminder: invoice INV-1007 is overdue", NULL, NULL),
			 MAIL_DOC_PAYMENT);
	assert_int_equal(classify("Zahlungserinnerung zur Rechnung 2026-077", NULL, NULL),
			 MAIL_DOC_PAYMENT);
}

static void
what_is_not_a_document(void **state)
{
	(void)state;
	/* a reply's subject says what it answers */
	assert_int_equal(classify("RE: Dispute: invoice AT-2026-10 ($7,800.00)",
				  "I've opened a case to reverse the $5,200.00 charge; you will\n"
				  "receive a credit memo and a corrected invoice.\n",
				  NULL),
			 MAIL_DOC_NONE);
	assert_int_equal(classify("Globex Monthly: Q4 deals", "Docks from $25.00 this month.\n",
				  NULL),
			 MAIL_DOC_NONE);
	/* words that need a number after them */
	assert_int_equal(classify("In order to serve you better", NULL, NULL), MAIL_DOC_NONE);
	assert_int_equal(classify("Bill of materials, first draft", NULL, NULL), MAIL_DOC_NONE);
	assert_int_equal(classify("Our billing address changed", NULL, NULL), MAIL_DOC_NONE);
	/* a phone number is no order number (real spam: "Call to order 1-402-...") */
	assert_int_equal(classify("Call to order 1-402-597-4111 now", NULL, NULL), MAIL_DOC_NONE);
	/* but a reply carrying the document counts by its attachment or text */
	assert_int_equal(classify("RE: Quote request", "Thanks, see attached.\n",
				  "quote-Q-2026-1187.txt"),
			 MAIL_DOC_QUOTE);
	assert_int_equal(classify("RE: your request", "Invoice number: INV-88\nTotal: $5.00\n",
				  NULL),
			 MAIL_DOC_BILL);
	assert_int_equal(classify("RE: your order",
				  "Hi Rich,\n\n  Invoice INV-89\n  Total: $5.00\n", NULL),
			 MAIL_DOC_BILL);
	/* an invoice named in a reply's sentence is no invoice sent */
	assert_int_equal(
		classify("Re: Wrong bill",
			 "Hi Rich,\n\nwe reviewed invoice INV-2026-10 and will issue a credit"
			 " of $5,300.00.\n",
			 NULL),
		MAIL_DOC_NONE);
	/* quoted history does not make a reply a bill */
	assert_int_equal(classify("RE: thanks", "Got it.\n\n> Invoice number: INV-88\n", NULL),
			 MAIL_DOC_NONE);
}

static struct mail_document
read_doc(const char *subject, const char *text)
{
	struct mail_document d = { 0 };

	mail_doc_read_text(subject, text, strlen(text), MAIL_DECIMAL_UNKNOWN, &d);
	return d;
}

static void
a_us_invoice(void **state)
{
	struct mail_document d =
		read_doc("Invoice INV-1007", "Invoice number: INV-1007\n"
					     "Invoice date: Aug 3, 2026\n"
					     "Terms: Net 30\n\n"
					     "  Fiber 1G (2 sites)                  $1,980.00\n"
					     "  SIP trunks                            $420.00\n"
					     "  Subtotal                            $2,400.00\n"
					     "  Sales tax                             $100.00\n"
					     "  Total                               $2,500.00\n"
					     "Questions? Call +1 (555) 010-2000.\n");

	(void)state;
	assert_true(d.has_total);
	assert_true(d.total_labelled);
	assert_int_equal(d.total.minor, 250000);
	assert_string_equal(d.total.currency, "USD");
	assert_int_equal(d.subtotal.minor, 240000);
	assert_int_equal(d.tax.minor, 10000);
	assert_true(d.totals_agree);
	assert_string_equal(d.ref, "INV-1007");
	assert_string_equal(d.issued, "2026-08-03");
	assert_int_equal(d.net_days, 30);
	assert_int_equal(d.decimal, MAIL_DECIMAL_DOT);
}

/* A later line that says "total" of a part of it, or what is owed if
 * paid late, is not the bill's total (each read as it before). */
static void
totals_beside_the_total(void **state)
{
	struct mail_document d;

	(void)state;
	d = read_doc("Your invoice INV-77812", "Invoice INV-77812\n"
					       "Total: \xC2\xA3"
					       "1,440.00\n"
					       "This total includes VAT at 20%: \xC2\xA3"
					       "240.00\n");
	assert_int_equal(d.total.minor, 144000);
	assert_int_equal(d.tax.minor, 24000);
	d = read_doc("Invoice TC-9", "Total \xC2\xA3"
				     "4,800.00\n"
				     "Total net \xC2\xA3"
				     "4,000.00\n"
				     "Total VAT @ 20% \xC2\xA3"
				     "800.00\n");
	assert_int_equal(d.total.minor, 480000);
	assert_int_equal(d.subtotal.minor, 400000);
	assert_true(d.has_tax);
	assert_int_equal(d.tax.minor, 80000);
	d = read_doc("Invoice CP-3",
		     "Amount due: $2,510.00\n"
		     "Due date: 12/15/2026\n"
		     "Amount due after 12/15/2026: $2,635.50 (includes 5% late fee)\n");
	assert_int_equal(d.total.minor, 251000);
	/* a late fee named after the total's amount is no late total */
	d = read_doc("Invoice INV-1", "Your invoice INV-1 for the annual plan (list price"
				      " $30,000.00).\n"
				      "Total due: $2,500.00 (late fee of $125.00 if paid after"
				      " 12/15/2026)\n");
	assert_int_equal(d.total.minor, 250000);
	assert_true(d.total_labelled);
	d = read_doc("Invoice INV-2", "List price $30,000.00.\n"
				      "Total due: $2,500.00 - late payment charges apply\n");
	assert_int_equal(d.total.minor, 250000);
	/* "$" in a document that declares another dollar */
	d = read_doc("Invoice MS-12", "All amounts in Canadian dollars (CAD).\n"
				      "Subtotal $4,200.00\nTax $546.00\nTotal $4,746.00\n");
	assert_int_equal(d.total.minor, 474600);
	assert_string_equal(d.total.currency, "CAD");
	assert_string_equal(d.tax.currency, "CAD");
	d = read_doc("Invoice X-1", "Currency: AUD\nTotal $1,100.00\n");
	assert_string_equal(d.total.currency, "AUD");
	/* not where it writes USD too, nor for a dollar named elsewhere */
	d = read_doc("Invoice X-2", "Prices in CAD on request.\nTotal USD 1,100.00\n");
	assert_string_equal(d.total.currency, "USD");
	d = read_doc("Invoice X-3", "Our office moved to Vancouver, CAD region.\nTotal $90.00\n");
	assert_string_equal(d.total.currency, "USD");
	/* but a discount makes the last total the smaller, rightly */
	d = read_doc("Invoice D-1", "Total: $500.00\nTotal after discount: $450.00\n");
	assert_int_equal(d.total.minor, 45000);
}

/* Payment terms as written in six languages, and never "within 30 days"
 * of a return policy read as the terms of a line after. */
static void
payment_terms_name_their_days(void **state)
{
	static const struct {
		const char *line;
		int days;
	} cases[] = {
		{ "Payment terms: Net 45", 45 },
		{ "Zahlungsziel: 30 Tage", 30 },
		{ "Zahlungsziel 21 Tage netto", 21 },
		{ "Zahlbar innerhalb von 14 Tagen netto.", 14 },
		{ "Conditions de paiement : 30 jours net", 30 },
		{ "Payment due 60 days from the invoice date.", 60 },
		{ "Termini di pagamento: 60 giorni", 60 },
		{ "Betalingstermijn: 14 dagen", 14 },
		{ "Condiciones de pago: 30 d\xc3\xad"
		  "as",
		  30 },
		{ "30 days net", 30 },
		{ "Payment terms: see our website", 0 },
		{ "Payment terms: 2% discount", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		struct mail_document d;

		snprintf(text, sizeof text, "Invoice INV-1\nTotal: EUR 100.00\n%s\n",
			 cases[i].line);
		d = read_doc("Invoice INV-1", text);
		if (d.net_days != cases[i].days)
			fail_msg("%s: %d days, not %d", cases[i].line, d.net_days, cases[i].days);
	}
}

/* A credit note's total under its own labels, negative or not (kept
 * positive by the store). */
static void
credit_notes_name_their_totals(void **state)
{
	struct mail_document d = read_doc("Gutschrift GS-8", "Gutschriftsbetrag: -20,00 EUR\n");

	(void)state;
	assert_true(d.has_total);
	assert_int_equal(d.total.minor < 0 ? -d.total.minor : d.total.minor, 2000);
	assert_string_equal(d.total.currency, "EUR");
	d = read_doc("Credit note CN-9", "Credit amount: ($45.00)\n");
	assert_true(d.has_total);
	assert_int_equal(d.total.minor < 0 ? -d.total.minor : d.total.minor, 4500);
	/* negative only, and no label */
	d = read_doc("Gutschrift GS-9", "Wir schreiben Ihnen -35,00 EUR gut.\n");
	assert_true(d.has_total);
	assert_int_equal(d.total.minor, -3500);
	/* a bill's discount line is no total */
	d = read_doc("Invoice INV-9", "Discount: -35.00 EUR\n");
	assert_false(d.has_total);
}

/* The reference after a word of the document's own kind first. */
static void
references_follow_the_documents_kind(void **state)
{
	(void)state;
	assert_string_equal(read_doc("Your invoice",
				     "Order number: 100234\nInvoice number: INV-2026-55\n"
				     "Total: $50.00\n")
				    .ref,
			    "INV-2026-55");
	assert_string_equal(read_doc("Credit note CN-1 for invoice AT-3", "Total: $30.00\n").ref,
			    "CN-1");
	assert_string_equal(
		read_doc("Invoice NC-3 (credit note CN-1 applied)", "Total: $70.00\n").ref, "NC-3");
	/* the own kind's number in the text before another kind's in the
	 * subject: each month's bill of one order is a bill of its own */
	assert_string_equal(read_doc("Invoice for your order 1029384",
				     "Invoice number: SL-INV-0077\nTotal due: $980.00\n")
				    .ref,
			    "SL-INV-0077");
}

static void
a_german_invoice(void **state)
{
	struct mail_document d =
		read_doc("Rechnung Nr. 2026-077", "Rechnungsdatum: 02.11.2026\n"
						  "Nettobetrag            1.037,39 \xE2\x82\xAC\n"
						  "zzgl. 19 % MwSt          197,11 \xE2\x82\xAC\n"
						  "Gesamtbetrag           1.234,50 \xE2\x82\xAC\n"
						  "Zahlbar bis 16.11.2026 ohne Abzug.\n");

	(void)state;
	assert_int_equal(d.total.minor, 123450);
	assert_string_equal(d.total.currency, "EUR");
	assert_int_equal(d.subtotal.minor, 103739);
	assert_int_equal(d.tax.minor, 19711);
	assert_true(d.totals_agree);
	assert_string_equal(d.ref, "2026-077");
	assert_string_equal(d.issued, "2026-11-02");
	assert_string_equal(d.due, "2026-11-16");
	assert_int_equal(d.decimal, MAIL_DECIMAL_COMMA);
}

static void
french_spanish_dutch_italian_totals(void **state)
{
	(void)state;
	assert_int_equal(read_doc("Facture F-12", "Total HT : 1 000,00 \xE2\x82\xAC\n"
						  "TVA 20 % : 200,00 \xE2\x82\xAC\n"
						  "Montant TTC : 1 200,00 \xE2\x82\xAC\n")
				 .total.minor,
			 120000);
	assert_int_equal(read_doc("Factura 7", "Base imponible: 100,00 EUR\nIVA: 21,00 EUR\n"
					       "Total a pagar: 121,00 EUR\n")
				 .total.minor,
			 12100);
	assert_int_equal(read_doc("Factuur 9",
				  "Subtotaal \xE2\x82\xAC 50,00\nBTW \xE2\x82\xAC 10,50\n"
				  "Te betalen \xE2\x82\xAC 60,50\n")
				 .total.minor,
			 6050);
	assert_int_equal(read_doc("Fattura 3",
				  "Imponibile 80,00 \xE2\x82\xAC\nIVA 17,60 \xE2\x82\xAC\n"
				  "Totale da pagare 97,60 \xE2\x82\xAC\n")
				 .total.minor,
			 9760);
	/* the label on one line, the amount on the next (two columns) */
	assert_int_equal(read_doc("Invoice 5", "Amount due\n   $1,716.96\n").total.minor, 171696);
	/* a quote without labels: its largest amount */
	struct mail_document q =
		read_doc("Quote Q-2026-1187",
			 "3,000 x Monitor 24in @ $149.00 = $447,000.00, valid until 2026-12-15.\n");
	assert_int_equal(q.total.minor, 44700000);
	assert_false(q.total_labelled);
	assert_string_equal(q.valid_until, "2026-12-15");
	assert_string_equal(q.ref, "Q-2026-1187");
	/* a German quote's validity, a credit note's negative total */
	assert_string_equal(read_doc("Angebot 5",
				     "Das Angebot ist g\xC3\xBCltig bis zum 30.11.2026.\n"
				     "Gesamtbetrag 1.234,50 EUR\n")
				    .valid_until,
			    "2026-11-30");
	assert_int_equal(read_doc("Credit note CN-5", "Total: ($1,234.56)\n").total.minor, -123456);
}

static void
the_vendors_habit_decides_an_ambiguous_total(void **state)
{
	struct mail_document d = { 0 };
	const char *text = "Total: 12,500 EUR\n";

	(void)state;
	mail_doc_read_text("Invoice 4", text, strlen(text), MAIL_DECIMAL_UNKNOWN, &d);
	assert_true(d.ambiguous);
	assert_int_equal(d.total_if_dot, 1250000);
	assert_int_equal(d.total_if_comma, 1250);
	memset(&d, 0, sizeof d);
	mail_doc_read_text("Invoice 4", text, strlen(text), MAIL_DECIMAL_COMMA, &d);
	assert_int_equal(d.total.minor, 1250);
	/* German words read it the German way */
	memset(&d, 0, sizeof d);
	text = "Gesamtbetrag: 12,500 EUR\n";
	mail_doc_read_text("Rechnung 4", text, strlen(text), MAIL_DECIMAL_UNKNOWN, &d);
	assert_int_equal(d.total.minor, 1250);
}

static void
schema_org_data(void **state)
{
	const char *html =
		"<html><head><script type=\"application/ld+json\">{\"@context\":"
		"\"http://schema.org\",\"@type\":\"Invoice\",\"confirmationNumber\":\"INV-55\","
		"\"paymentDueDate\":\"2026-12-01\",\"totalPaymentDue\":{\"@type\":"
		"\"PriceSpecification\",\"price\":\"1899.50\",\"priceCurrency\":\"EUR\"}}"
		"</script></head><body>Your invoice</body></html>";
	struct mail_document d = { 0 };

	(void)state;
	assert_true(mail_doc_read_html_data(html, strlen(html), &d));
	assert_int_equal(d.kind, MAIL_DOC_BILL);
	assert_int_equal(d.source, MAIL_DOC_FROM_DATA);
	assert_int_equal(d.total.minor, 189950);
	assert_string_equal(d.total.currency, "EUR");
	assert_string_equal(d.ref, "INV-55");
	assert_string_equal(d.due, "2026-12-01");
	memset(&d, 0, sizeof d);
	assert_false(mail_doc_read_html_data("<script type=\"application/ld+json\">{", 36, &d));
}

static void
dates(void **state)
{
	static const struct {
		const char *text;
		enum mail_date_order order;
		const char *iso;
		bool ambiguous;
	} cases[] = {
		{ "2026-12-15", MAIL_DATE_ORDER_UNKNOWN, "2026-12-15", false },
		{ "15.12.2026", MAIL_DATE_ORDER_UNKNOWN, "2026-12-15", false },
		{ "03/04/2027", MAIL_DATE_DMY, "2027-04-03", false },
		{ "03/04/2027", MAIL_DATE_MDY, "2027-03-04", false },
		{ "03/04/2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-04", true },
		{ "12/15/2026", MAIL_DATE_ORDER_UNKNOWN, "2026-12-15", false },
		{ "Aug 3, 2026", MAIL_DATE_ORDER_UNKNOWN, "2026-08-03", false },
		{ "31 January 2027", MAIL_DATE_ORDER_UNKNOWN, "2027-01-31", false },
		{ "3. M\xC3\xA4rz 2027", MAIL_DATE_ORDER_UNKNOWN, "2027-03-03", false },
		{ "le 30 novembre 2026", MAIL_DATE_ORDER_UNKNOWN, "2026-11-30", false },
		{ "15 de diciembre de 2026", MAIL_DATE_ORDER_UNKNOWN, "2026-12-15", false },
		{ "1 maggio 2027", MAIL_DATE_ORDER_UNKNOWN, "2027-05-01", false },
		{ "29 februari 2028", MAIL_DATE_ORDER_UNKNOWN, "2028-02-29", false },
		{ "7-Jan-2027", MAIL_DATE_ORDER_UNKNOWN, "2027-01-07", false },
		{ "12/1/26", MAIL_DATE_MDY, "2026-12-01", false },
		{ "12/1/26", MAIL_DATE_ORDER_UNKNOWN, "2026-12-01", true },
		{ "31/12/26", MAIL_DATE_ORDER_UNKNOWN, "2026-12-31", false },
		{ "31-DEC-2026", MAIL_DATE_MDY, "2026-12-31", false },
	};
	struct mail_date d;
	char iso[11];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t pos = 0;

		if (!mail_date_next(cases[i].text, strlen(cases[i].text), &pos, cases[i].order, &d))
			fail_msg("no date in \"%s\"", cases[i].text);
		mail_date_iso(&d, iso);
		if (strcmp(iso, cases[i].iso) != 0 || d.ambiguous != cases[i].ambiguous)
			fail_msg("\"%s\": %s%s", cases[i].text, iso,
				 d.ambiguous ? " (ambiguous)" : "");
	}
	/* not dates */
	static const char *const none[] = { "29 February 2027", "31.04.2026",    "2026-13-01",
					    "INV-2026-77",      "version 1.2.3", "30 Mayday 2026",
					    "31-Feb-2027",      "7-Jan-20277" };
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		size_t pos = 0;

		if (mail_date_next(none[i], strlen(none[i]), &pos, MAIL_DATE_ORDER_UNKNOWN, &d))
			fail_msg("\"%s\" read as %d-%d-%d", none[i], d.year, d.month, d.day);
	}
}

/* The demo mailbox's documents, read as indexing reads them. */
static void
the_demo_mailbox(void **state)
{
	char *path = NULL, *text = NULL;
	struct vt_error err = { 0 };
	struct mail_document d = { 0 };

	(void)state;
	assert_true(asprintf(&path, "%s/demo/Maildir/INBOX/cur/1785751960.M1P4242.vtriage-demo:2,S",
			     test_fixtures()) > 0);
	assert_int_equal(mail_body_text(path, 65536, &text, &err), VT_OK);
	assert_int_equal(classify("Invoice AT-2026-08 from AcmeTel Business Services", text, NULL),
			 MAIL_DOC_BILL);
	mail_doc_read_text("Invoice AT-2026-08 from AcmeTel Business Services", text, strlen(text),
			   MAIL_DECIMAL_UNKNOWN, &d);
	assert_int_equal(d.total.minor, 250000);
	assert_string_equal(d.ref, "AT-2026-08");
	assert_string_equal(d.issued, "2026-08-03");
	assert_string_equal(d.due, "2026-08-31");
	free(text);
	free(path);
	/* real mail from the public corpus: O'Reilly's book announcement gives
	 * an "Order Number: 317X" and prices, and is no order */
	assert_true(
		asprintf(&path,
			 "%s/demo/Maildir/Archive/cur/00220.11f0abf371588687744d151b46903087:2,S",
			 test_fixtures()) > 0);
	assert_int_equal(mail_body_text(path, 65536, &text, &err), VT_OK);
	assert_int_equal(classify("JavaServer Pages updated", text, NULL), MAIL_DOC_NONE);
	free(text);
	free(path);
}

/* Invoice XML read as Factur-X writes it; one that carries a DTD (only
 * ever there to declare entities: one of 100 KB named 30,000 times made
 * an element's text 3 GB) is not read. */
static void
invoice_xml_without_and_with_a_dtd(void **state)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n";
	static const char dtd[] = "<!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY e \"x\">]>\n";
	static const char body[] =
		"<rsm:CrossIndustryInvoice"
		" xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\""
		" xmlns:ram=\"urn:un:unece:uncefact:data:standard:"
		"ReusableAggregateBusinessInformationEntity:100\">"
		"<rsm:ExchangedDocument><ram:ID>RE-1&amp;2</ram:ID></rsm:ExchangedDocument>"
		"<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>"
		"<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
		"<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
		"<ram:GrandTotalAmount>4998.00</ram:GrandTotalAmount>"
		"<ram:DuePayableAmount>4998.00</ram:DuePayableAmount>"
		"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
		"</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
		"</rsm:CrossIndustryInvoice>\n";
	char xml[4096];
	struct mail_document d;

	(void)state;
	snprintf(xml, sizeof xml, "%s%s", head, body);
	assert_true(mail_doc_read_invoice_xml(xml, strlen(xml), &d));
	assert_int_equal(d.total.minor, 499800);
	snprintf(xml, sizeof xml, "%s%s%s", head, dtd, body);
	assert_false(mail_doc_read_invoice_xml(xml, strlen(xml), &d));
}

/* Without a labelled total the largest amount is the total, but not one
 * below the signature nor a company's capital in its legal footer. */
static void
a_footers_capital_is_no_total(void **state)
{
	struct mail_document d = { 0 };

	(void)state;
	{
		static const char signed_text[] =
			"Please pay $480.00 for October.\n\n-- \nAlpha Inc\n"
			"Account Manager, $2,000,000.00 in sales\n";

		mail_doc_read_text("Invoice AL-1", signed_text, sizeof signed_text - 1,
				   MAIL_DECIMAL_UNKNOWN, &d);
	}
	assert_true(d.has_total);
	assert_int_equal(d.total.minor, 48000);
	memset(&d, 0, sizeof d);
	mail_doc_read_text("Invoice AL-2",
			   "Please pay $480.00 for October.\n"
			   "Alpha Ltd, registered in England, share capital $100,000.00\n",
			   strlen("Please pay $480.00 for October.\n"
				  "Alpha Ltd, registered in England, share capital $100,000.00\n"),
			   MAIL_DECIMAL_UNKNOWN, &d);
	assert_int_equal(d.total.minor, 48000);
	memset(&d, 0, sizeof d);
	mail_doc_read_text("Rechnung 7",
			   "Bitte zahlen Sie 480,00 EUR.\nStammkapital 25.000,00 EUR\n",
			   strlen("Bitte zahlen Sie 480,00 EUR.\nStammkapital 25.000,00 EUR\n"),
			   MAIL_DECIMAL_UNKNOWN, &d);
	assert_int_equal(d.total.minor, 48000);
}

/* Which of a PDF's files is its invoice: pdfdetach's listing as it
 * prints it, the Factur-X name before any other .xml, and listings a
 * PDF's author can make odd (names with newlines, numbers past int). */
static void
the_invoice_among_a_pdfs_files(void **state)
{
	static const struct {
		const char *listing;
		int want;
	} cases[] = {
		{ "1 embedded files\n1: factur-x.xml\n", 1 },
		{ "3 embedded files\n1: terms.pdf\n2: notes.xml\n3: FACTUR-X.XML\n", 3 },
		{ "2 embedded files\n1: data.XML\n2: photo.jpg\n", 1 },
		{ "2 embedded files\n1: photo.jpg\n2: xrechnung.xml", 2 },
		{ "1 embedded files\n1: zugferd-invoice.xml\r\n", 1 },
		{ "2 embedded files\n1: a.pdf\n2: b.txt\n", 0 },
		{ "0 embedded files\n", 0 },
		{ "", 0 },
		/* a name with a newline: its second line is no file */
		{ "1 embedded files\n1: a\nfactur-x.xml\n", 0 },
		/* numbers no PDF's listing has, int overflow included */
		{ "1 embedded files\n99999999999999999999: factur-x.xml\n", 0 },
		{ "1 embedded files\n0: factur-x.xml\n-1: factur-x.xml\n", 0 },
		{ "1 embedded files\n 1: factur-x.xml\n", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *l = cases[i].listing;

		if (mail_pdf_invoice_attachment(l, strlen(l)) != cases[i].want)
			fail_msg("listing %zu: want %d", i, cases[i].want);
	}
	/* bytes after a NUL are still the listing's */
	static const char nul[] = "x\0\n4: factur-x.xml";
	assert_int_equal(mail_pdf_invoice_attachment(nul, sizeof nul - 1), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_in_six_languages),
		cmocka_unit_test(what_is_not_a_document),
		cmocka_unit_test(a_us_invoice),
		cmocka_unit_test(totals_beside_the_total),
		cmocka_unit_test(payment_terms_name_their_days),
		cmocka_unit_test(references_follow_the_documents_kind),
		cmocka_unit_test(credit_notes_name_their_totals),
		cmocka_unit_test(a_german_invoice),
		cmocka_unit_test(french_spanish_dutch_italian_totals),
		cmocka_unit_test(the_vendors_habit_decides_an_ambiguous_total),
		cmocka_unit_test(schema_org_data),
		cmocka_unit_test(dates),
		cmocka_unit_test(the_demo_mailbox),
		cmocka_unit_test(invoice_xml_without_and_with_a_dtd),
		cmocka_unit_test(the_invoice_among_a_pdfs_files),
		cmocka_unit_test(a_footers_capital_is_no_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
