/*
 * The invoice a PDF carries as XML: Factur-X and ZUGFeRD (UN/CEFACT
 * Cross Industry Invoice) and XRechnung (CII or UBL). Exact where the
 * text layer is a guess: the total, tax basis and tax, the currency, the
 * invoice number, the dates and the payee's IBAN.
 *
 * libxml2, with the network, DTD loading and entity substitution off;
 * it runs only inside vtriage-pdf (mail/pdf-helper.c), a child with
 * rlimits, on at most XML_MAX bytes. Elements are matched by local name,
 * so either syntax and any namespace prefixes read the same.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mail.h"

#define XML_MAX (4 * 1024 * 1024)

static bool
named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* The first element of that name under n (depth first, bounded). */
static const xmlNode *
find(const xmlNode *n, const char *name, int depth)
{
	if (n == NULL || depth > 24)
		return NULL;
	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		const xmlNode *hit;

		if (named(c, name))
			return c;
		if ((hit = find(c, name, depth + 1)) != NULL)
			return hit;
	}
	return NULL;
}

/* The element's text, trimmed, into buf; false when empty. */
static bool
text_of(const xmlNode *n, char *buf, size_t len)
{
	xmlChar *t;
	size_t start, end;

	if (n == NULL || (t = xmlNodeGetContent(n)) == NULL)
		return false;
	start = strspn((const char *)t, " \t\r\n");
	end = strlen((const char *)t);
	while (end > start && strchr(" \t\r\n", t[end - 1]) != NULL)
		end--;
	snprintf(buf, len, "%.*s", (int)(end - start), (const char *)t + start);
	xmlFree(t);
	return *buf != '\0';
}

/* "1234.50" in the currency's minor units (XML amounts are plain decimals
 * with a point, as many as the currency has). */
static bool
amount_of(const xmlNode *n, const char *currency, struct mail_money *out)
{
	char buf[64], written[80];
	struct mail_amount a;
	xmlChar *id;

	if (!text_of(n, buf, sizeof buf))
		return false;
	if ((id = xmlGetProp(n, (const xmlChar *)"currencyID")) != NULL &&
	    strlen((const char *)id) == 3)
		snprintf(written, sizeof written, "%s %s", (const char *)id, buf);
	else if (currency != NULL && strlen(currency) == 3)
		snprintf(written, sizeof written, "%s %s", currency, buf);
	else
		snprintf(written, sizeof written, "%s", buf);
	xmlFree(id);
	/* an amount in no currency we know is no exact figure */
	if (!mail_amount_parse(written, MAIL_DECIMAL_DOT, &a) ||
	    mail_currency_digits(a.money.currency) < 0)
		return false;
	*out = a.money;
	return true;
}

/* "20261102" (CII format 102) or "2026-11-02" (UBL) as ISO. */
static void
date_of(const xmlNode *n, char out[11])
{
	char buf[32];

	if (!text_of(n, buf, sizeof buf))
		return;
	if (strlen(buf) == 8 && strspn(buf, "0123456789") == 8) {
		int y = atoi((char[]){ buf[0], buf[1], buf[2], buf[3], 0 });
		int m = atoi((char[]){ buf[4], buf[5], 0 }), d = atoi(buf + 6);

		if (mail_date_valid(y, m, d))
			snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	} else if (strlen(buf) == 10 && strspn(buf, "0123456789-") == 10 && buf[4] == '-' &&
		   buf[7] == '-' && strspn(buf + 5, "0123456789") == 2 &&
		   mail_date_valid(atoi(buf), atoi(buf + 5), atoi(buf + 8)))
		memcpy(out, buf, 11);
}

static void
read_cii(const xmlNode *root, struct mail_document *doc)
{
	const xmlNode *summation = find(root, "SpecifiedTradeSettlementHeaderMonetarySummation", 0);
	char currency[8] = "";

	text_of(find(root, "InvoiceCurrencyCode", 0), currency, sizeof currency);
	doc->has_total = amount_of(child(summation, "DuePayableAmount"), currency, &doc->total) ||
			 amount_of(child(summation, "GrandTotalAmount"), currency, &doc->total);
	doc->has_subtotal =
		amount_of(child(summation, "TaxBasisTotalAmount"), currency, &doc->subtotal);
	doc->has_tax = amount_of(child(summation, "TaxTotalAmount"), currency, &doc->tax);
	text_of(child(find(root, "ExchangedDocument", 0), "ID"), doc->ref, sizeof doc->ref);
	date_of(find(find(root, "IssueDateTime", 0), "DateTimeString", 0), doc->issued);
	date_of(find(find(root, "DueDateDateTime", 0), "DateTimeString", 0), doc->due);
	text_of(find(root, "IBANID", 0), doc->iban, sizeof doc->iban);
}

static void
read_ubl(const xmlNode *root, struct mail_document *doc)
{
	const xmlNode *totals = child(root, "LegalMonetaryTotal");
	char currency[8] = "";

	text_of(child(root, "DocumentCurrencyCode"), currency, sizeof currency);
	doc->has_total = amount_of(child(totals, "PayableAmount"), currency, &doc->total) ||
			 amount_of(child(totals, "TaxInclusiveAmount"), currency, &doc->total);
	doc->has_subtotal =
		amount_of(child(totals, "TaxExclusiveAmount"), currency, &doc->subtotal);
	doc->has_tax = amount_of(child(child(root, "TaxTotal"), "TaxAmount"), currency, &doc->tax);
	text_of(child(root, "ID"), doc->ref, sizeof doc->ref);
	date_of(child(root, "IssueDate"), doc->issued);
	date_of(child(root, "DueDate"), doc->due);
	text_of(child(find(root, "PayeeFinancialAccount", 0), "ID"), doc->iban, sizeof doc->iban);
}

static void
quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

bool
mail_doc_read_invoice_xml(const char *xml, size_t len, struct mail_document *doc)
{
	xmlDoc *tree;
	const xmlNode *root;
	struct mail_document d = { 0 };

	if (len > XML_MAX)
		return false;
	/* the messages of a broken file are nobody's business */
	xmlSetGenericErrorFunc(NULL, quiet);
	tree = xmlReadMemory(xml, (int)len, "invoice.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				     XML_PARSE_NOBLANKS);
	if (tree == NULL)
		return false;
	/* Factur-X, ZUGFeRD and UBL never carry a DTD: one here only
	 * declares entities, and one entity of 100 KB named 30,000 times
	 * in an element made its text 3 GB (refused by the child's rlimit,
	 * the total still taken) */
	if (tree->intSubset != NULL || tree->extSubset != NULL) {
		xmlFreeDoc(tree);
		return false;
	}
	root = xmlDocGetRootElement(tree);
	d.kind = MAIL_DOC_BILL;
	if (root != NULL && named(root, "CrossIndustryInvoice")) {
		char type[8] = "";

		read_cii(root, &d);
		/* UNTDID 1001: 381 a credit note, 396 a factored one */
		text_of(child(find(root, "ExchangedDocument", 0), "TypeCode"), type, sizeof type);
		if (strcmp(type, "381") == 0 || strcmp(type, "396") == 0)
			d.kind = MAIL_DOC_CREDIT;
	} else if (root != NULL && (named(root, "Invoice") || named(root, "CreditNote"))) {
		read_ubl(root, &d);
		if (named(root, "CreditNote"))
			d.kind = MAIL_DOC_CREDIT;
	}
	xmlFreeDoc(tree);
	if (!d.has_total)
		return false;
	if (*d.iban && !mail_iban_valid(d.iban))
		d.iban[0] = '\0';
	d.source = MAIL_DOC_FROM_XML;
	d.total_labelled = true;
	d.totals_agree =
		d.has_subtotal && d.has_tax && d.subtotal.minor + d.tax.minor == d.total.minor;
	*doc = d;
	return true;
}
