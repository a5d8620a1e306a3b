/* Trust against a real notmuch index and store: look-alike domains,
 * forged senders, failed authentication and changed bank details never
 * borrow a vendor's standing. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/private.h"
#include "store/private.h"
#include "store-fixture.h"

#define OWN_SERVER "[trust]\nauthserv_id = mx.northwind.example\n"

static void
add(struct fixture *f, const char *name, const char *from, const char *subject, const char *id,
    const char *headers, const char *body)
{
	test_write_message(f->mail, name, from, "Rich Miller <rich@northwind.example>", subject, id,
			   headers, body);
}

/* The reasons given for message id, joined by " | ", or "" when it is
 * not suspicious (malloc'd). */
static char *
reasons_of(struct fixture *f, const char *id)
{
	struct vt_suspect_list list;
	struct vt_error err = { 0 };
	char *out = strdup("");

	if (vt_check_list(f->store, NULL, &list, &err) != VT_OK)
		fail_msg("check: %s", err.msg);
	for (size_t i = 0; i < list.count; i++) {
		if (strcmp(list.items[i].message_id, id) != 0)
			continue;
		for (size_t j = 0; j < list.items[i].n_reasons; j++) {
			char *grown = NULL;

			assert_true(asprintf(&grown, "%s%s%s: %s", out, *out ? " | " : "",
					     list.items[i].reasons[j].reason,
					     list.items[i].reasons[j].text) > 0);
			free(out);
			out = grown;
		}
	}
	vt_suspect_list_clear(&list);
	return out;
}

struct thread_list {
	struct mail_thread at[64];
	int n;
};

static vt_status
keep_thread(void *ctx, const struct mail_thread *t, struct vt_error *err)
{
	struct thread_list *list = ctx;

	assert_true(list->n < 64);
	return mail_thread_copy(t, &list->at[list->n++], err);
}

/* How many threads a list marks suspicious, each asked twice (the second
 * answer is the one kept), each as suspicious:yes finds it, and the
 * same by what its messages carry as by the store. */
static int
suspicious_threads_marked(struct fixture *f)
{
	struct thread_list list = { .n = 0 };
	struct vt_thread_marks marks, by_store;
	struct vt_error err = { 0 };
	int marked = 0;

	/* threads of one message written from it, the others notmuch's */
	assert_int_equal(vt_search_threads(f->store, f->db, "*", "*", 0, -1, keep_thread, &list,
					   &err),
			 VT_OK);
	assert_int_equal(vt_thread_marks_load(f->store, VT_MARKS_ALL, &marks, &err), VT_OK);
	assert_int_equal(vt_thread_marks_load(f->store, VT_MARKS_ALL, &by_store, &err), VT_OK);
	for (int i = 0; i < list.n; i++) {
		struct mail_thread *t = &list.at[i];
		char query[128];
		bool first, again, stored;

		assert_true(t->suspect_read);
		assert_int_equal(vt_thread_marks_suspicious(f->store, &marks, t, &first, &err),
				 VT_OK);
		assert_int_equal(vt_thread_marks_suspicious(f->store, &marks, t, &again, &err),
				 VT_OK);
		assert_int_equal(first, again);
		t->suspect_read = false;
		assert_int_equal(vt_thread_marks_suspicious(f->store, &by_store, t, &stored, &err),
				 VT_OK);
		snprintf(query, sizeof query, "thread:%s and suspicious:yes", t->thread_id);
		if (first != (count(f, query) > 0) || first != stored)
			fail_msg("thread %s: marked %d (%d by the store), suspicious:yes says %d",
				 t->thread_id, first, stored, count(f, query) > 0);
		marked += first;
		mail_thread_clear(t);
	}
	assert_int_equal(marks.by_messages, vt_trust_marks_current(f->store) ? 1 : -1);
	vt_thread_marks_clear(&marks);
	vt_thread_marks_clear(&by_store);
	return marked;
}

/* Each suspicious: query, and each that leaves impostors out (vendor:,
 * bucket:trusted), finds the same mail by the reasons on the messages
 * as by the messages named one by one. */
static void
assert_marks_agree(struct fixture *f)
{
	static const char *const queries[] = { "suspicious:yes",     "suspicious:no",
					       "suspicious:auth",    "suspicious:name",
					       "suspicious:replyto", "suspicious:bank",
					       "vendor:acmetel",     "bucket:trusted" };
	struct vt_error err = { 0 };

	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		unsigned long by_marks, by_ids;
		char *q = NULL;

		assert_true(vt_trust_marks_current(f->store));
		assert_int_equal(vt_query_translate(f->store, queries[i], &q, &err), VT_OK);
		if (strncmp(queries[i], "suspicious:", 11) == 0)
			assert_non_null(strstr(q, "property:\"" MAIL_PROP_SUSPECT "="));
		assert_null(strstr(q, "id:"));
		free(q);
		by_marks = count(f, queries[i]);
		assert_int_equal(vt_meta_set(f->store, "suspect_marks", "judged", &err), VT_OK);
		by_ids = count(f, queries[i]);
		assert_int_equal(vt_meta_set(f->store, "suspect_marks", "current", &err), VT_OK);
		if (by_marks != by_ids)
			fail_msg("%s: %lu by the marks, %lu by the messages", queries[i], by_marks,
				 by_ids);
	}
}

/* A verdict the store changes (sql) reaches the messages' documents. */
static bool
mirror(struct fixture *f, const char *sql)
{
	struct vt_error err = { 0 };
	unsigned written = 0;

	if (sql != NULL)
		assert_int_equal(vt_sql_exec(f->store, sql, &err), VT_OK);
	assert_int_equal(vt_meta_set(f->store, "suspect_marks", "judged", &err), VT_OK);
	assert_int_equal(vt_trust_mirror(f->store, f->db, NULL, &written, &err), VT_OK);
	return written > 0;
}

static void
assert_reason(struct fixture *f, const char *id, const char *needle)
{
	char *r = reasons_of(f, id);

	if (strstr(r, needle) == NULL)
		fail_msg("%s: '%s' not among the reasons '%s'", id, needle, r);
	free(r);
}

static void
assert_clean(struct fixture *f, const char *id)
{
	char *r = reasons_of(f, id);

	if (*r != '\0')
		fail_msg("%s judged suspicious: %s", id, r);
	free(r);
}

static struct vt_action
act_ok(vt_status rc, const struct vt_action *a, const struct vt_error *err)
{
	if (rc != VT_OK)
		fail_msg("action failed: %s", err->msg);
	return *a;
}

static bool
history_has(struct fixture *f, const char *slug, const char *kind, const char *needle)
{
	struct vt_event_list list;
	struct vt_error err = { 0 };
	bool found = false;

	if (vt_history(f->store, slug, -1, &list, &err) != VT_OK)
		fail_msg("history: %s", err.msg);
	for (size_t i = 0; i < list.count; i++)
		if (strcmp(list.items[i].kind, kind) == 0 && strstr(list.items[i].summary, needle))
			found = true;
	vt_event_list_clear(&list);
	return found;
}

static const struct vt_contact *
find_contact(const struct vt_contact_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* Dana at the real vendor, before any look-alike writes. */
static void
add_real_dana(struct fixture *f)
{
	add(f, "real-dana:2,S", "Dana Whitfield <dana.whitfield@acmetel.example>", "Case AT-44871",
	    "case@acmetel.example", "Date: Sun, 01 Nov 2026 09:00:00 +0000\n",
	    "Hi Rich,\n\nI opened the case.\n\n-- \nDana Whitfield\nAccount Executive\n"
	    "My manager is Tom Becker.\n");
}

static void
a_lookalike_domain_never_takes_a_known_vendors_place(void **state)
{
	struct fixture *f = *state;
	struct vt_contact_list contacts;
	struct vt_contact c;
	struct vt_error err = { 0 };
	struct vt_action a;
	const struct vt_contact *dana;

	add_real_dana(f);
	add(f, "fake:2,", "Dana Whitfield <dana.whitfield@acrnetel.example>", "Updated invoice",
	    "fake@acrnetel.example", "Date: Thu, 05 Nov 2026 09:00:00 +0000\n",
	    "Hi Rich,\n\nplease see the invoice.\n\n-- \nDana Whitfield\nAccount Executive\n"
	    "My manager is Tom Becker.\n");
	index_ok(f);
	assert_reason(f, "fake@acrnetel.example",
		      "lookalike: sender domain acrnetel.example looks like acmetel.example");
	assert_clean(f, "case@acmetel.example");
	assert_int_equal(count(f, "suspicious:lookalike"), 1);
	assert_int_equal(count(f, "suspicious:yes"), 1);
	assert_int_equal(count(f, "suspicious:auth"), 0);
	assert_int_equal(count(f, "suspicious:no and from:acrnetel.example"), 0);
	/* the real vendor's history says someone imitates it */
	assert_true(history_has(f, "acmetel", "suspicious", "looks like acmetel.example"));
	assert_int_equal(suspicious_threads_marked(f), 1);

	/* Dana and her manager stay at AcmeTel: not "moved" */
	assert_int_equal(vt_contact_list(f->store, "acmetel", &contacts, &err), VT_OK);
	dana = find_contact(&contacts, "Dana Whitfield");
	assert_non_null(dana);
	assert_int_equal(dana->n_vendors, 1);
	assert_string_equal(dana->vendor, "acmetel");
	assert_non_null(find_contact(&contacts, "Tom Becker"));
	assert_int_equal(find_contact(&contacts, "Tom Becker")->n_vendors, 1);
	vt_contact_list_clear(&contacts);
	assert_int_equal(vt_contact_get(f->store, "dana.whitfield@acrnetel.example", &c, &err),
			 VT_OK);
	assert_int_equal(c.n_vendors, 1);
	assert_string_equal(c.vendor, "acrnetel");
	assert_null(c.manager);
	vt_contact_clear(&c);

	/* no silent merge, domain or promotion */
	assert_int_equal(vt_vendor_merge(f->store, "acrnetel", "acmetel", 0, &a, &err),
			 VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "looks like acmetel.example"));
	assert_non_null(strstr(err.msg, "--force"));
	assert_int_equal(vt_vendor_add_domain(f->store, "acmetel", "acrnetel.example", 0, &a, &err),
			 VT_ERR_CONFLICT);
	assert_int_equal(vt_vendor_set_bucket(f->store, "acrnetel", VT_BUCKET_TRUSTED, 0, &a, &err),
			 VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "--force"));
	assert_int_equal(count(f, "vendor:acmetel"), 3);

	/* the user's word, with --force, is taken and kept in the journal */
	act_ok(vt_vendor_merge(f->store, "acrnetel", "acmetel", VT_TRIAGE_FORCE, &a, &err), &a,
	       &err);
	assert_non_null(strstr(a.summary, "forced"));
	assert_int_equal(count(f, "suspicious:lookalike"), 0);
	assert_int_equal(count(f, "vendor:acmetel"), 4);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(count(f, "suspicious:lookalike"), 1);
	act_ok(vt_vendor_set_bucket(f->store, "acrnetel", VT_BUCKET_TRUSTED, VT_TRIAGE_FORCE, &a,
				    &err),
	       &a, &err);
	assert_int_equal(count(f, "suspicious:lookalike"), 0);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(count(f, "suspicious:lookalike"), 1);
}

static void
a_rep_who_really_moves_is_still_linked(void **state)
{
	struct fixture *f = *state;
	struct vt_contact c;
	struct vt_error err = { 0 };

	add(f, "sam-globex:2,", "Sam Lee <sam.lee@initech.example>", "Hello from Initech",
	    "sam-initech@initech.example", "Date: Sat, 01 Aug 2026 09:00:00 +0000\n", NULL);
	index_ok(f);
	/* the fixture's Sam Lee writes from globex.example: not a look-alike
	 * of initech.example, so one person linked to both */
	assert_int_equal(vt_contact_get(f->store, "sam.lee@globex.example", &c, &err), VT_OK);
	assert_int_equal(c.n_vendors, 2);
	vt_contact_clear(&c);

	/* Dana, who named her manager at AcmeTel, moves to Globex: her
	 * manager stays at AcmeTel (he was listed as Globex's, by no mail) */
	add_real_dana(f);
	add(f, "dana-globex:2,S", "Dana Whitfield <dana.whitfield@globex.example>", "Hello again",
	    "dana-globex@globex.example", "Date: Sat, 02 Jan 2027 09:00:00 +0000\n",
	    "Hi Rich,\n\nnew job.\n\n-- \nDana Whitfield\nAccount Executive\n");
	index_ok(f);
	assert_int_equal(vt_contact_get(f->store, "dana.whitfield@globex.example", &c, &err),
			 VT_OK);
	assert_string_equal(c.vendor, "globex");
	vt_contact_clear(&c);
	assert_int_equal(vt_contact_get(f->store, "Tom Becker", &c, &err), VT_OK);
	assert_string_equal(c.vendor, "acmetel");
	assert_int_equal(c.n_vendors, 1);
	vt_contact_clear(&c);
}

static const char forged_auth[] =
	"Authentication-Results: mx.northwind.example; dkim=fail reason=\"bad signature\""
	" header.d=acmetel.example;\n spf=fail smtp.mailfrom=billing@acmetel.example;"
	" dmarc=fail header.from=acmetel.example\n"
	"Authentication-Results: relay.evil.example; dkim=pass header.d=acmetel.example;"
	" dmarc=pass header.from=acmetel.example\n";

static void
failed_authentication_at_the_users_server_is_not_the_vendors_mail(void **state)
{
	struct fixture *f = *state;
	struct vt_contact_list contacts;
	struct vt_mirror_list mirror;
	struct vt_error err = { 0 };
	struct vt_action a;
	unsigned long trusted, vendor, mirrored = 0;
	char *query = NULL;

	load_config(f, OWN_SERVER);
	index_ok(f);
	act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, 0, &a, &err), &a, &err);
	trusted = count(f, "bucket:trusted");
	vendor = count(f, "vendor:acmetel");
	add(f, "forged:2,", "AcmeTel Billing <billing@acmetel.example>", "Invoice AT-2026-11",
	    "forged@acmetel.example", forged_auth, "Amount due: $7,800.00\n");
	/* the same claims from a server that is not the user's say nothing */
	add(f, "unsure:2,", "AcmeTel Support <support@acmetel.example>", "Ticket",
	    "unsure@acmetel.example",
	    "Authentication-Results: relay.evil.example; dkim=fail header.d=acmetel.example;"
	    " dmarc=fail header.from=acmetel.example\n",
	    NULL);
	add(f, "genuine:2,", "AcmeTel Billing <billing@billing.acmetel.example>", "Statement",
	    "genuine@acmetel.example",
	    "Authentication-Results: mx.northwind.example; dkim=pass header.d=billing.acmetel.example;"
	    " spf=pass smtp.mailfrom=billing.acmetel.example; dmarc=pass header.from=acmetel.example\n",
	    NULL);
	index_ok(f);
	assert_reason(f, "forged@acmetel.example",
		      "auth: DKIM, SPF and DMARC failed at "
		      "mx.northwind.example");
	assert_clean(f, "unsure@acmetel.example");
	assert_clean(f, "genuine@acmetel.example");
	/* kept out of the trusted folder and the vendor's mail, but found */
	assert_int_equal(count(f, "bucket:trusted"), trusted + 2);
	assert_int_equal(count(f, "vendor:acmetel"), vendor + 2);
	assert_int_equal(count(f, "suspicious:auth"), 1);
	assert_int_equal(count(f, "suspicious:auth and from:billing@acmetel.example"), 1);
	/* a list marks just those threads */
	assert_true(suspicious_threads_marked(f) >= 1);
	assert_int_equal(count(f, "bucket:trusted and id:forged@acmetel.example"), 0);
	/* by the reason on the forgery, as by its id before it was written */
	assert_int_equal(vt_query_translate(f->store, "vendor:acmetel", &query, &err), VT_OK);
	assert_non_null(strstr(query, "AND NOT (property:\"" MAIL_PROP_SUSPECT "=auth\""));
	free(query);
	assert_marks_agree(f);
	/* nor moved into the vendor's server folder */
	assert_int_equal(vt_mirror_vendors(f->store, &mirror, &err), VT_OK);
	assert_int_equal(mirror.count, 1);
	assert_int_equal(mail_count(f->db, mirror.items[0].query, false, &mirrored, &err), VT_OK);
	assert_int_equal(mirrored, vendor - 1 + 2); /* the user's reply stays in Sent */
	vt_mirror_list_clear(&mirror);
	/* no Billing contact from a forgery, and a warning in its history */
	assert_int_equal(vt_contact_list(f->store, "acmetel", &contacts, &err), VT_OK);
	for (size_t i = 0; i < contacts.count; i++)
		for (size_t j = 0; j < contacts.items[i].n_addresses; j++)
			assert_string_not_equal(contacts.items[i].addresses[j],
						"billing@acmetel.example");
	vt_contact_list_clear(&contacts);
	assert_true(
		history_has(f, "acmetel", "suspicious", "DMARC failed at mx.northwind.example"));
}

static void
the_users_server_is_learned_from_the_topmost_header(void **state)
{
	struct fixture *f = *state;
	char name[32], id[64], *believed;

	/* three messages received by mx.buyer.example, under a header a
	 * sender wrote itself */
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "ok%d:2,S", i);
		snprintf(id, sizeof id, "ok%d@acmetel.example", i);
		add(f, name, "Dana <dana@mail.acmetel.example>", "Update", id,
		    "Authentication-Results: mx.buyer.example; dkim=pass header.d=acmetel.example\n"
		    "Authentication-Results: spoof.example; dkim=fail header.d=acmetel.example\n",
		    NULL);
	}
	add(f, "bad:2,", "AcmeTel <billing@acmetel.example>", "Pay now", "bad@acmetel.example",
	    "Authentication-Results: mx.buyer.example; dmarc=fail header.from=acmetel.example\n",
	    NULL);
	index_ok(f);
	believed = vt_trust_authserv(f->store, f->cfg);
	assert_string_equal(believed, "mx.buyer.example");
	free(believed);
	assert_reason(f, "bad@acmetel.example", "auth: DMARC failed at mx.buyer.example");
	assert_clean(f, "ok0@acmetel.example");
	/* a configured server wins over the learned one */
	load_config(f, "[trust]\nauthserv_id = mx.other.example\n");
	index_ok(f);
	believed = vt_trust_authserv(f->store, f->cfg);
	assert_string_equal(believed, "mx.other.example");
	free(believed);
	assert_clean(f, "bad@acmetel.example");
}

static void
an_encoded_display_name_is_not_a_sender(void **state)
{
	struct fixture *f = *state;
	unsigned long acmetel;

	index_ok(f);
	acmetel = count(f, "vendor:acmetel");
	/* "AcmeTel Billing <billing@acmetel.example>, " <attacker@evil.example> */
	add(f, "enc1:2,",
	    "=?utf-8?q?AcmeTel_Billing_=3Cbilling=40acmetel=2Eexample=3E=2C?= <attacker@evil.example>",
	    "Invoice", "enc1@evil.example", NULL, NULL);
	/* an encoded word inside the domain */
	add(f, "enc2:2,", "AcmeTel <billing@=?utf-8?q?acmetel?=.example>", "Invoice",
	    "enc2@evil.example", NULL, NULL);
	index_ok(f);
	assert_int_equal(count(f, "vendor:acmetel"), acmetel);
	assert_int_equal(count(f, "property:vtriage.org=evil.example"), 1);
	assert_reason(f, "enc1@evil.example",
		      "name: the display name shows billing@acmetel.example; the mail is from "
		      "evil.example");
	assert_reason(f, "enc2@evil.example", "name: From's address is hidden in an encoded word");
	assert_int_equal(count(f, "suspicious:name"), 2);
	/* a list marks just those threads */
	assert_true(suspicious_threads_marked(f) >= 1);
}

static void
strangers_using_known_names(void **state)
{
	struct fixture *f = *state;

	add_real_dana(f);
	add(f, "gmail-dana:2,", "Dana Whitfield <dana.whitfield.1978@gmail.com>", "New number",
	    "gmail-dana@gmail.com", "Date: Fri, 06 Nov 2026 09:00:00 +0000\n", NULL);
	add(f, "named:2,", "AcmeTel Accounts <accounts@payments-portal.example>", "Your account",
	    "named@payments-portal.example", "Date: Fri, 06 Nov 2026 10:00:00 +0000\n", NULL);
	index_ok(f);
	assert_reason(f, "gmail-dana@gmail.com",
		      "name: gmail.com (freemail) uses the name of Dana Whitfield, a contact at "
		      "acmetel.example");
	assert_reason(f, "named@payments-portal.example",
		      "name: payments-portal.example uses the name of acmetel.example");
	/* the vendor's own mail may use its name */
	assert_clean(f, "case@acmetel.example");
	assert_clean(f, "lunch@gmail.com");
}

static void
replies_to_another_organisation_matter_with_money(void **state)
{
	struct fixture *f = *state;

	add(f, "rt1:2,", "AcmeTel Billing <billing@acmetel.example>", "Invoice",
	    "rt1@acmetel.example", "Reply-To: accounts@acmetel-payments.example\n",
	    "Please pay the amount due: $2,500.00 by Friday.\n");
	add(f, "rt2:2,", "AcmeTel News <news@acmetel.example>", "News", "rt2@acmetel.example",
	    "Reply-To: helpdesk@acmetel-support.example\n", "Our new fibre plans are here.\n");
	add(f, "rt3:2,", "AcmeTel Support <support@acmetel.example>", "Ticket",
	    "rt3@acmetel.example", "Reply-To: acmetel.support@gmail.com\n",
	    "Your ticket is open.\n");
	index_ok(f);
	assert_reason(f, "rt1@acmetel.example",
		      "replyto: replies go to acmetel-payments.example, not acmetel.example");
	assert_clean(f, "rt2@acmetel.example");
	assert_reason(f, "rt3@acmetel.example", "replyto: replies go to gmail.com");
}

/* The verdicts a message gives by itself (From, Reply-To) are on its
 * document as it is indexed: the judging of all the mail after it
 * writes only the others, since Xapian reads all a document holds to
 * change it (a millisecond a message). The documents say the verdicts
 * either way. */
static void
verdicts_a_message_gives_itself_are_written_as_it_is_indexed(void **state)
{
	struct fixture *f = *state;
	struct vt_index_report r;

	add(f, "rt1:2,", "AcmeTel Billing <billing@acmetel.example>", "Invoice",
	    "rt1@acmetel.example", "Reply-To: accounts@acmetel-payments.example\n",
	    "Please pay the amount due: $2,500.00 by Friday.\n");
	add(f, "rt3:2,", "AcmeTel Support <support@acmetel.example>", "Ticket",
	    "rt3@acmetel.example", "Reply-To: acmetel.support@gmail.com\n",
	    "Your ticket is open.\n");
	add(f, "enc1:2,",
	    "=?utf-8?q?AcmeTel_Billing_=3Cbilling=40acmetel=2Eexample=3E=2C?= <attacker@evil.example>",
	    "Invoice", "enc1@evil.example", NULL, NULL);
	/* judged from the rest of the mail only: a stranger with a
	 * contact's name (and a look-alike, judged by its domain) */
	add_real_dana(f);
	add(f, "gmail-dana:2,", "Dana Whitfield <dana.whitfield.1978@gmail.com>", "New number",
	    "gmail-dana@gmail.com", "Date: Fri, 06 Nov 2026 09:00:00 +0000\n", NULL);
	add(f, "fake:2,", "Dana Whitfield <dana.whitfield@acrnetel.example>", "Updated invoice",
	    "fake@acrnetel.example", "Date: Thu, 05 Nov 2026 09:00:00 +0000\n", "Hi Rich.\n");
	r = index_ok(f);
	assert_reason(f, "rt1@acmetel.example", "replyto: replies go to acmetel-payments.example");
	assert_reason(f, "rt3@acmetel.example", "replyto: replies go to gmail.com");
	assert_reason(f, "enc1@evil.example", "name: the display name shows billing@acmetel");
	assert_reason(f, "gmail-dana@gmail.com",
		      "name: gmail.com (freemail) uses the name of Dana");
	assert_reason(f, "fake@acrnetel.example", "lookalike: sender domain acrnetel.example");
	assert_int_equal(sql_long(f, "SELECT count(DISTINCT message_id) FROM suspicions"), 4);
	assert_int_equal(r.verdicts_written, 1);
	assert_int_equal(count(f, "suspicious:replyto"), 2);
	assert_int_equal(count(f, "suspicious:name"), 2);
	assert_int_equal(count(f, "suspicious:lookalike"), 1);
	assert_marks_agree(f);
	assert_false(mirror(f, NULL));

	/* From's display name is a local verdict, and so is a Reply-To at a
	 * misspelling of the sender's own domain: nothing to write after */
	add(f, "rt4:2,", "\"billing@globex.example\" <news@acmetel.example>", "News",
	    "rt4@acmetel.example", "Reply-To: Dana <dana.whitfield@acrnetel.example>\n",
	    "Our new plans.\n");
	r = index_ok(f);
	assert_reason(f, "rt4@acmetel.example", "name: the display name shows billing@globex");
	assert_reason(f, "rt4@acmetel.example",
		      "replyto: replies go to acrnetel.example, which looks like acmetel.example");
	assert_int_equal(r.verdicts_written, 0);
	assert_int_equal(count(f, "suspicious:replyto"), 3);
	assert_marks_agree(f);
}

static const char bill_body[] =
	"Dear Customer,\n\nInvoice AT-%s. Amount due: $2,500.00\n\nBank details:\n"
	"IBAN: %s\nBIC: DEUTDEFF\n";

/* Three bills of AcmeTel (the last to a new account), its note that the
 * bank details changed, and a stranger's first mail asking for money. */
static void
add_payment_mail(struct fixture *f)
{
	char body[512];

	snprintf(body, sizeof body, bill_body, "08", "DE89 3704 0044 0532 0130 00");
	add(f, "b1:2,S", "AcmeTel Billing <billing@acmetel.example>", "Invoice 08",
	    "b1@acmetel.example", "Date: Mon, 03 Aug 2026 09:00:00 +0000\n", body);
	snprintf(body, sizeof body, bill_body, "09", "DE89370400440532013000");
	add(f, "b2:2,S", "AcmeTel Billing <billing@acmetel.example>", "Invoice 09",
	    "b2@acmetel.example", "Date: Wed, 02 Sep 2026 09:00:00 +0000\n", body);
	snprintf(body, sizeof body, bill_body, "10", "GB82 WEST 1234 5698 7654 32");
	add(f, "b3:2,", "AcmeTel Billing <billing@acmetel.example>", "Invoice 10",
	    "b3@acmetel.example", "Date: Fri, 02 Oct 2026 09:00:00 +0000\n", body);
	add(f, "b4:2,", "AcmeTel Billing <billing@acmetel.example>", "Bank change",
	    "b4@acmetel.example", "Date: Sat, 03 Oct 2026 09:00:00 +0000\n",
	    "Dear Customer,\n\nplease note that our bank details have changed. Please pay all\n"
	    "open invoices to the new account from now on.\n");
	add(f, "b5:2,", "Billing <billing@new-supplier.example>", "Invoice 1",
	    "b5@new-supplier.example", "Date: Sat, 03 Oct 2026 10:00:00 +0000\n",
	    "Please pay the amount due: $4,100.00 within 7 days.\n");
}

static void
bank_details_unlike_the_vendors_earlier_ones_are_flagged(void **state)
{
	struct fixture *f = *state;

	add_payment_mail(f);
	index_ok(f);
	assert_clean(f, "b1@acmetel.example");
	assert_clean(f, "b2@acmetel.example");
	assert_reason(f, "b3@acmetel.example",
		      "bank: bank details differ from 2 earlier acmetel.example mails");
	assert_reason(f, "b4@acmetel.example", "bank: says the bank details have changed");
	assert_reason(f, "b5@new-supplier.example",
		      "bank: the first mail from new-supplier.example asks to be paid");
	/* the vendor's own earlier payment mail asks nothing new */
	assert_int_equal(count(f, "suspicious:bank"), 3);
	/* a list marks just those threads */
	assert_true(suspicious_threads_marked(f) >= 1);
	/* a vendor's bill is no stranger's first mail */
	assert_clean(f, "inv-10@acmetel.example");
	assert_marks_agree(f);
}

/* Each statement's walks through a whole table, while the trace is on */
struct scans {
	int worst;
	char worst_sql[800];
};

static int
count_scans(unsigned type, void *ctx, void *stmt, void *nanoseconds)
{
	struct scans *sc = ctx;
	int n;

	(void)nanoseconds;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	n = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	if (n > sc->worst) {
		sc->worst = n;
		snprintf(sc->worst_sql, sizeof sc->worst_sql, "%s", sqlite3_sql(stmt));
	}
	return 0;
}

/* Judging a run's mail reads what that mail needs of the store: with
 * 20,000 earlier messages and their signals, no statement of a run that
 * brings payment mail walks a table whole (the store keeps no statistics
 * for the planner, and such plans cost 30 ms a run at 100,000). */
static void
judging_a_run_reads_no_table_whole(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct scans sc = { 0 };

	index_ok(f);
	assert_int_equal(
		vt_sql_exec(f->store,
			    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
			    " WHERE i < 20000)"
			    " INSERT INTO messages (message_id, org, kind, direction, date)"
			    " SELECT 'old' || i || '@bulk.example', 'bulk.example', 1, 0, i FROM n;"
			    "INSERT INTO trust_signals (message_id, display_name)"
			    " SELECT message_id, 'Bulk Sender' FROM messages"
			    " WHERE org = 'bulk.example'",
			    &err),
		VT_OK);
	add_payment_mail(f);
	sqlite3_trace_v2(f->store->db, SQLITE_TRACE_PROFILE, count_scans, &sc);
	index_ok(f);
	sqlite3_trace_v2(f->store->db, 0, NULL, NULL);
	if (sc.worst >= 20000)
		fail_msg("%d rows walked by: %s", sc.worst, sc.worst_sql);
	/* and the verdicts are the same */
	assert_int_equal(count(f, "suspicious:bank"), 3);
}

static void
verdicts_are_kept_on_the_messages(void **state)
{
	struct fixture *f = *state;

	add_payment_mail(f);
	index_ok(f);
	assert_int_equal(count(f, "suspicious:bank"), 3);
	assert_marks_agree(f);
	/* written once: a judging that changed nothing writes nothing */
	assert_false(mirror(f, NULL));
	/* a verdict gone leaves its message, one come reaches it */
	assert_true(mirror(f, "DELETE FROM suspicions WHERE message_id = 'b4@acmetel.example'"));
	assert_int_equal(count(f, "suspicious:bank"), 2);
	assert_true(mirror(f, "INSERT INTO suspicions (message_id, reason, detail, org)"
			      " VALUES ('b1@acmetel.example', 'auth', 'test', 'acmetel.example'),"
			      " ('b1@acmetel.example', 'replyto', 'test', 'acmetel.example'),"
			      " ('b2@acmetel.example', 'auth', 'test', 'acmetel.example')"));
	assert_int_equal(count(f, "suspicious:auth"), 2);
	assert_int_equal(count(f, "suspicious:replyto"), 1);
	assert_int_equal(count(f, "suspicious:yes"), 4);
	assert_true(mirror(f, "DELETE FROM suspicions WHERE message_id = 'b1@acmetel.example'"
			      " AND reason = 'auth'"));
	assert_int_equal(count(f, "suspicious:auth"), 1);
	assert_int_equal(count(f, "suspicious:replyto"), 1);
	assert_marks_agree(f);
	/* an index run judges again (the bank verdicts on every run): the
	 * messages say what it found */
	index_ok(f);
	assert_int_equal(count(f, "suspicious:yes"),
			 sql_long(f, "SELECT count(DISTINCT message_id) FROM suspicions"));
	assert_int_equal(count(f, "suspicious:bank"), 3);
	assert_marks_agree(f);
}

/* Mail attributed again (a newer version's rules, a changed identity)
 * has its document's properties written anew: the verdicts the judging
 * of all the mail gave it come back with it, not only those it gives by
 * itself. */
static void
verdicts_survive_the_mail_being_attributed_again(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };

	add_payment_mail(f);
	add(f, "rt1:2,", "AcmeTel Billing <billing@acmetel.example>", "Invoice",
	    "rt1@acmetel.example", "Reply-To: accounts@acmetel-payments.example\n",
	    "Please pay the amount due: $2,500.00 by Friday.\n");
	index_ok(f);
	assert_int_equal(count(f, "suspicious:bank"), 3);
	assert_int_equal(count(f, "suspicious:replyto"), 1);
	assert_int_equal(vt_meta_set(f->store, "rederive", "1", &err), VT_OK);
	index_ok(f);
	assert_int_equal(count(f, "suspicious:bank"), 3);
	assert_int_equal(count(f, "suspicious:replyto"), 1);
	assert_marks_agree(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_lookalike_domain_never_takes_a_known_vendors_place, setup, teardown),
		cmocka_unit_test_setup_teardown(a_rep_who_really_moves_is_still_linked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			failed_authentication_at_the_users_server_is_not_the_vendors_mail, setup,
			teardown),
		cmocka_unit_test_setup_teardown(the_users_server_is_learned_from_the_topmost_header,
						setup, teardown),
		cmocka_unit_test_setup_teardown(an_encoded_display_name_is_not_a_sender, setup,
						teardown),
		cmocka_unit_test_setup_teardown(strangers_using_known_names, setup, teardown),
		cmocka_unit_test_setup_teardown(replies_to_another_organisation_matter_with_money,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			bank_details_unlike_the_vendors_earlier_ones_are_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(verdicts_are_kept_on_the_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(
			verdicts_a_message_gives_itself_are_written_as_it_is_indexed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(judging_a_run_reads_no_table_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(verdicts_survive_the_mail_being_attributed_again,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
