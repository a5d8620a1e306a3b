/*
 * A message file of raw bytes, read as the indexer reads one (GMime's
 * parser, then ours: headers and addresses, attribution, the MIME walk
 * and body decoding, signature, payment details, document and contract
 * dates, the trust facts) and as the pager reads it (its text, and its
 * pieces: text parts and attached messages, of at most its first part
 * lines; and its To from the header alone). Whatever the bytes:
 * addresses hold an '@' and no upper case, every fixed field is a string
 * inside its array, and the text is valid UTF-8 within its limit, with no
 * NUL and no CR; an attached message's headers are one line each, and
 * nesting stays within its bound.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "mail/mail.h"
#include "mail/private.h"

static void
check_string(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void
check_address(const struct mail_address *a)
{
	char *shown;

	if (a->address == NULL || a->name == NULL || strchr(a->address, '@') == NULL)
		abort();
	for (const char *p = a->address; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			abort();
	if ((shown = mail_address_display(a->address)) == NULL)
		abort();
	free(shown);
}

static void
check_list(const struct mail_address_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		check_address(&l->items[i]);
}

static void
check_text(const char *text, size_t max)
{
	size_t len = strlen(text);

	if (len > max || strchr(text, '\r') != NULL || !g_utf8_validate(text, (gssize)len, NULL))
		abort();
}

/* A header of an attached message: valid UTF-8 on one line. */
static void
check_header(const char *value)
{
	if (value == NULL || !g_utf8_validate(value, -1, NULL))
		abort();
	if (strpbrk(value, "\r\n") != NULL)
		abort();
}

static void
check_pieces(const struct mail_pieces *pieces, size_t max)
{
	size_t text = 0;

	for (size_t i = 0; i < pieces->count; i++) {
		const struct mail_piece *p = &pieces->items[i];

		if (p->depth < 0 || p->depth > 9 || (unsigned)p->kind > MAIL_PIECE_RAW)
			abort();
		if (p->kind == MAIL_PIECE_TEXT || p->kind == MAIL_PIECE_RAW) {
			check_text(p->text, max);
			text += strlen(p->text);
		} else if (p->kind == MAIL_PIECE_MESSAGE) {
			check_header(p->from);
			check_header(p->to);
			check_header(p->cc);
			check_header(p->subject);
		}
	}
	if (text > max)
		abort();
}

static void
check_facts(const struct mail_file_facts *f)
{
	const struct mail_trust_facts *t = &f->trust;

	if (!f->parsed)
		return;
	if (f->from.address != NULL)
		check_address(&f->from);
	check_list(&f->to);
	check_list(&f->cc);
	check_string(f->attribution.org, sizeof f->attribution.org);
	check_string(f->attribution.list_org, sizeof f->attribution.list_org);
	if ((unsigned)f->attribution.kind > MAIL_KIND_OWN)
		abort();
	check_string(t->from_host, sizeof t->from_host);
	check_string(t->name_address, sizeof t->name_address);
	check_string(t->reply_org, sizeof t->reply_org);
	if (t->n_auth > MAIL_AUTH_HEADERS || t->payment.n_details > MAIL_PAYMENT_DETAILS)
		abort();
	for (size_t i = 0; i < t->n_auth; i++) {
		check_string(t->auth[i].authserv_id, sizeof t->auth[i].authserv_id);
		check_string(t->auth[i].why, sizeof t->auth[i].why);
	}
	check_string(f->signature.name, sizeof f->signature.name);
	check_string(f->signature.title, sizeof f->signature.title);
	if (f->signature.n_phones > MAIL_SIGNATURE_PHONES)
		abort();
	if ((unsigned)f->document.kind > MAIL_DOC_KIND_LAST)
		abort();
	check_string(f->document.ref, sizeof f->document.ref);
	check_string(f->document.note, sizeof f->document.note);
	if (f->contract.count > MAIL_CONTRACT_DATES_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[512];
	/* the demo's user: mail from anyone else is vendor mail to them, so
	 * that signatures, payment details and documents are read too */
	static const char *const addresses[] = { "rich@northwind.example" };
	static const char *const own[] = { "northwind.example" };
	static const struct mail_identity me = {
		.addresses = addresses,
		.n_addresses = 1,
		.own_domains = own,
		.n_own_domains = 1,
	};
	const struct mail_index_options opts = { .identity = &me };
	struct mail_file_facts facts;
	struct mail_pieces pieces;
	struct mail_address_list list;
	struct vt_error err = { 0 };
	char *text = NULL, *value;
	FILE *f;

	if (path[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof path, "%s/fuzz-message.%d", tmp && *tmp ? tmp : "/tmp",
			 (int)getpid());
	}
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);

	mail_file_facts_read(path, &opts, &facts);
	check_facts(&facts);
	mail_file_facts_clear(&facts);
	/* the pager's text, whole and cut inside a character */
	for (size_t max = 7; max <= 4096; max += 4089) {
		if (mail_body_text(path, max, &text, &err) != VT_OK)
			abort();
		check_text(text, max);
		free(text);
		if (mail_body_pieces(path, max, &pieces, &err) != VT_OK)
			abort();
		check_pieces(&pieces, max);
		mail_pieces_clear(&pieces);
	}
	/* the pager's To, read from the header alone */
	if ((value = mail_file_header(path, "to")) == NULL)
		abort();
	free(value);
	unlink(path);

	/* the bytes as an address header (To: of a draft, [account] from),
	 * as every header attribution reads when GMime cannot read the file
	 * and notmuch's decoded values are all there is */
	if ((value = malloc(size + 1)) != NULL) {
		struct mail_headers h = { value, value, value, value, value };
		struct mail_attribution attr;

		memcpy(value, data, size);
		value[size] = '\0';
		mail_address_list_parse(value, &list);
		check_list(&list);
		mail_address_list_clear(&list);
		mail_attribute(&me, &h, &attr);
		check_string(attr.org, sizeof attr.org);
		check_string(attr.list_org, sizeof attr.list_org);
		/* and as a subject and a text a help desk's receipt may be */
		(void)mail_receipt_subject(value);
		(void)mail_receipt_opening(value);
		free(value);
	}
	return 0;
}
