/* Triage against a real notmuch index: buckets, undo, merges, domains,
 * issues, contacts, history, waiting. */
#include "config.h"

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/private.h"
#include "store/private.h"
#include "store-fixture.h"

static struct vt_action
act_ok(vt_status rc, const struct vt_action *a, const struct vt_error *err)
{
	if (rc != VT_OK)
		fail_msg("action failed: %s", err->msg);
	return *a;
}

static unsigned long
threads(struct fixture *f, const char *query)
{
	struct vt_error err = { 0 };
	unsigned long n = 0;
	char *q = NULL;

	if (vt_query_translate(f->store, query, &q, &err) != VT_OK ||
	    mail_count(f->db, q, true, &n, &err) != VT_OK)
		fail_msg("%s: %s", query, err.msg);
	free(q);
	return n;
}

static void
promotion_moves_all_past_mail_and_rewrites_none(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_action a;
	unsigned long revision;

	/* a second globex mail: the buckets' sizes differ after the
	 * promotion, so that swapping them cannot pass unseen */
	test_write_message(f->mail, "q2:2,", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Quote Q-2026-1188", "q-1188@globex.example",
			   NULL, NULL);
	index_ok(f);
	assert_int_equal(count(f, "bucket:trusted"), 0);
	assert_int_equal(count(f, "bucket:generic"), 5);
	revision = notmuch_database_get_revision(f->db->nm, NULL);
	a = act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err),
		   &a, &err);
	assert_true(a.changed);
	assert_non_null(strstr(a.summary, "generic -> trusted"));
	/* the invoice and the user's reply to it; globex (2) and
	 * northwind-labs (1) stay generic */
	assert_int_equal(count(f, "bucket:trusted"), 2);
	assert_int_equal(count(f, "bucket:generic"), 3);
	assert_int_equal(count(f, "bucket:generic and from:globex.example"), 2);
	assert_int_equal(count(f, "bucket:trusted and from:acmetel.example"), 1);
	/* not one message of the index was written */
	assert_int_equal(notmuch_database_get_revision(f->db->nm, NULL), revision);
	/* promoting again changes nothing and journals nothing */
	a = act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err),
		   &a, &err);
	assert_false(a.changed);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM journal"), 1);
	/* future mail of the vendor lands in the bucket too */
	test_write_message(f->mail, "7:2,", "Dana <dana@billing.acmetel.example>",
			   "rich@northwind.example", "Invoice AT-2026-11", "inv-11@acmetel.example",
			   NULL, NULL);
	index_ok(f);
	assert_int_equal(count(f, "bucket:trusted"), 3);
	assert_int_equal(count(f, "bucket:generic"), 3);
	a = act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_GENERIC, false, &a, &err),
		   &a, &err);
	assert_int_equal(count(f, "bucket:trusted"), 0);
	assert_int_equal(count(f, "bucket:generic"), 6);
	assert_int_equal(vt_vendor_set_bucket(f->store, "nobody", VT_BUCKET_TRUSTED, false, &a,
					      &err),
			 VT_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "nobody"));
}

static void
promotion_queues_the_mirror_only_when_asked(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_action a;

	index_ok(f);
	act_ok(vt_vendor_set_bucket(f->store, "globex", VT_BUCKET_TRUSTED, false, &a, &err), &a,
	       &err);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM jobs"), 0);
	act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, true, &a, &err), &a,
	       &err);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM jobs WHERE kind = 'mirror-folder'"
				     " AND done IS NULL"),
			 1);
}

static void
mirror_passes_are_listed_recorded_and_never_undone(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_mirror_list list;
	struct vt_event_list events;
	struct vt_action a;
	unsigned long n = 0;

	index_ok(f);
	assert_int_equal(vt_mirror_vendors(f->store, &list, &err), VT_OK);
	assert_int_equal(list.count, 0);
	vt_mirror_list_clear(&list);
	act_ok(vt_vendor_set_bucket(f->store, "globex", VT_BUCKET_TRUSTED, false, &a, &err), &a,
	       &err);
	act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, true, &a, &err), &a,
	       &err);
	/* every trusted vendor; the queued one marked */
	assert_int_equal(vt_mirror_vendors(f->store, &list, &err), VT_OK);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].slug, "acmetel");
	assert_true(list.items[0].queued);
	assert_false(list.items[1].queued);
	/* its query finds the mail the vendor sent, not the user's reply */
	assert_int_equal(mail_count(f->db, list.items[0].query, false, &n, &err), VT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(count(f, "vendor:acmetel"), 2);

	/* an incomplete pass keeps the job; a complete one ends it */
	assert_int_equal(vt_mirror_record(f->store, list.items[0].id, "Vendors/AcmeTel", 1,
					  "mirrored AcmeTel: 1 message moved", false, &err),
			 VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM jobs WHERE done IS NULL"), 1);
	assert_int_equal(vt_mirror_record(f->store, list.items[0].id, NULL, 0, NULL, true, &err),
			 VT_OK);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM jobs WHERE done IS NULL"), 0);
	assert_int_equal(vt_history(f->store, "acmetel", -1, &events, &err), VT_OK);
	assert_true(events.count > 0);
	assert_string_equal(events.items[0].kind, "mirrored");
	assert_string_equal(events.items[0].ref, "Vendors/AcmeTel");
	vt_event_list_clear(&events);
	vt_mirror_list_clear(&list);

	/* undo skips the pass (the server keeps what moved): the promotion goes */
	assert_int_equal(vt_undo(f->store, &a, &err), VT_OK);
	assert_non_null(strstr(a.summary, "promoted"));
	vt_action_clear(&a);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM journal WHERE action = 'mirrored'"
				     " AND undone = 0"),
			 1);
	assert_int_equal(vt_mirror_vendors(f->store, &list, &err), VT_OK);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].slug, "globex");
	vt_mirror_list_clear(&list);
}

static void
undo_reverts_actions_newest_first(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_vendor v;
	struct vt_action a;

	index_ok(f);
	act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err), &a,
	       &err);
	act_ok(vt_vendor_rename(f->store, "acmetel", "AcmeTel", &a, &err), &a, &err);
	act_ok(vt_vendor_merge(f->store, "globex", "acmetel", 0, &a, &err), &a, &err);
	assert_int_equal(count(f, "vendor:acmetel"), 3);
	assert_int_equal(count(f, "vendor:globex"), 3); /* the old slug leads on */
	assert_int_equal(count(f, "bucket:trusted"), 3);
	assert_int_equal(vt_vendor_get(f->store, "acmetel", &v, &err), VT_OK);
	assert_string_equal(v.name, "AcmeTel");
	assert_int_equal(v.n_domains, 2);
	vt_vendor_clear(&v);

	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_non_null(strstr(a.summary, "merged"));
	assert_int_equal(count(f, "vendor:acmetel"), 2);
	assert_int_equal(count(f, "vendor:globex"), 1);
	assert_int_equal(count(f, "bucket:trusted"), 2);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(vt_vendor_get(f->store, "acmetel", &v, &err), VT_OK);
	assert_string_equal(v.name, "acmetel.example");
	vt_vendor_clear(&v);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(count(f, "bucket:trusted"), 0);
	assert_int_equal(vt_undo(f->store, &a, &err), VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "nothing to undo"));
}

static void
impossible_requests_are_refused(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_action a;

	index_ok(f);
	assert_int_equal(vt_vendor_merge(f->store, "acmetel", "acmetel", 0, &a, &err),
			 VT_ERR_CONFLICT);
	assert_int_equal(vt_vendor_merge(f->store, "acmetel", "nope", 0, &a, &err),
			 VT_ERR_NOT_FOUND);
	act_ok(vt_vendor_merge(f->store, "acmetel", "globex", 0, &a, &err), &a, &err);
	/* a duplicate merge: they are one vendor already */
	assert_int_equal(vt_vendor_merge(f->store, "acmetel", "globex", 0, &a, &err),
			 VT_ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "same vendor"));
	assert_int_equal(vt_vendor_add_domain(f->store, "globex", "mail.globex.example", 0, &a,
					      &err),
			 VT_ERR_USAGE);
	assert_non_null(strstr(err.msg, "globex.example"));
	assert_int_equal(vt_vendor_remove_domain(f->store, "northwind-labs",
						 "northwind-labs.example", &a, &err),
			 VT_ERR_CONFLICT);
	assert_int_equal(vt_vendor_remove_domain(f->store, "globex", "nope.example", &a, &err),
			 VT_ERR_NOT_FOUND);
	assert_int_equal(vt_vendor_rename(f->store, "globex", "", &a, &err), VT_ERR_USAGE);
	/* nothing of the failures was journalled */
	assert_int_equal(sql_long(f, "SELECT count(*) FROM journal"), 1);
}

static void
domains_move_between_vendors_and_back(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_action a;

	index_ok(f);
	act_ok(vt_vendor_add_domain(f->store, "acmetel", "globex.example", 0, &a, &err), &a, &err);
	assert_int_equal(count(f, "vendor:acmetel"), 3);
	assert_int_equal(count(f, "vendor:globex"), 3); /* the domain leads to its vendor */
	act_ok(vt_vendor_remove_domain(f->store, "acmetel", "globex.example", &a, &err), &a, &err);
	assert_int_equal(count(f, "vendor:acmetel"), 2);
	assert_int_equal(count(f, "vendor:globex.example"), 1);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(count(f, "vendor:acmetel"), 3);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(count(f, "vendor:acmetel"), 2);
	assert_int_equal(count(f, "vendor:globex"), 1);
}

static void
manual_overrides_survive_rebuilding_the_index(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_issue_list issues;
	struct vt_action a;
	int64_t id;

	index_ok(f);
	act_ok(vt_vendor_merge(f->store, "globex", "acmetel", 0, &a, &err), &a, &err);
	act_ok(vt_vendor_rename(f->store, "acmetel", "AcmeTel Group", &a, &err), &a, &err);
	act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err), &a,
	       &err);
	act_ok(vt_issue_open(f->store, f->db, "acmetel", "Wrong bill",
			     (const char *[]){ "id:inv-10@acmetel.example" }, 1, &id, &a, &err),
	       &a, &err);
	/* throw the notmuch index away and index from scratch */
	close_all(f);
	assert_int_equal(test_sh("rm -rf '%s/notmuch'", f->data), 0);
	open_all(f);
	index_ok(f);
	assert_int_equal(count(f, "bucket:trusted"), 3);
	assert_int_equal(count(f, "vendor:globex"), 3);
	assert_int_equal(threads(f, "issue:open"), 1);
	assert_int_equal(count(f, "issue:open"), 2);
	assert_int_equal(vt_issue_list(f->store, "acmetel", false, &issues, &err), VT_OK);
	assert_int_equal(issues.count, 1);
	assert_string_equal(issues.items[0].vendor_name, "AcmeTel Group");
	vt_issue_list_clear(&issues);
}

static void
issues_open_close_link_and_undo(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_issue_list list;
	struct vt_issue issue;
	struct vt_action a;
	int64_t id, other;

	index_ok(f);
	act_ok(vt_issue_open(f->store, f->db, "acmetel", "October bill is wrong",
			     (const char *[]){ "id:re-inv-10@northwind.example" }, 1, &id, &a,
			     &err),
	       &a, &err);
	assert_true(id > 0);
	/* the whole thread is linked, by Message-ID */
	assert_int_equal(vt_issue_get(f->store, id, &issue, &err), VT_OK);
	assert_int_equal(issue.n_links, 2);
	assert_string_equal(issue.message_ids[0], "inv-10@acmetel.example");
	assert_int_equal(issue.closed, 0);
	vt_issue_clear(&issue);
	assert_int_equal(count(f, "issue:open"), 2);
	assert_int_equal(count(f, "issue:closed"), 0);
	assert_int_equal(count(f, "issue:open and from:rich@northwind.example"), 1);

	act_ok(vt_issue_open(f->store, f->db, "globex", "Quote too high", NULL, 0, &other, &a,
			     &err),
	       &a, &err);
	assert_int_equal(count(f, "issue:open"), 2);
	act_ok(vt_issue_link(f->store, f->db, other, "id:q-1187@globex.example", &a, &err), &a,
	       &err);
	assert_int_equal(count(f, "issue:open"), 3);
	assert_int_equal(count(f, "issue:2"), 1);
	/* linked again: nothing new, nothing journalled, so an undo does
	 * not take the first link with it */
	assert_int_equal(vt_issue_link(f->store, f->db, other, "id:q-1187@globex.example", &a,
				       &err),
			 VT_OK);
	assert_false(a.changed);
	assert_int_equal(count(f, "issue:2"), 1);

	act_ok(vt_issue_close(f->store, id, "credited", &a, &err), &a, &err);
	assert_int_equal(count(f, "issue:open"), 1);
	assert_int_equal(count(f, "issue:closed"), 2);
	/* closed already: nothing to change, not an error (man page, exit
	 * status 0), and its note kept */
	assert_int_equal(vt_issue_close(f->store, id, NULL, &a, &err), VT_OK);
	assert_false(a.changed);
	assert_non_null(strstr(a.summary, "closed already"));
	assert_int_equal(vt_issue_close(f->store, 99, NULL, &a, &err), VT_ERR_NOT_FOUND);
	assert_int_equal(vt_issue_list(f->store, NULL, false, &list, &err), VT_OK);
	assert_int_equal(list.count, 1);
	vt_issue_list_clear(&list);
	assert_int_equal(vt_issue_list(f->store, NULL, true, &list, &err), VT_OK);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].note, "credited");
	vt_issue_list_clear(&list);

	act_ok(vt_undo(f->store, &a, &err), &a, &err); /* the close */
	assert_int_equal(count(f, "issue:open"), 3);
	act_ok(vt_undo(f->store, &a, &err), &a, &err); /* the link */
	assert_int_equal(count(f, "issue:open"), 2);
	act_ok(vt_undo(f->store, &a, &err), &a, &err); /* the second issue */
	act_ok(vt_undo(f->store, &a, &err), &a, &err); /* the first */
	assert_int_equal(count(f, "issue:open"), 0);
	assert_int_equal(vt_issue_list(f->store, NULL, true, &list, &err), VT_OK);
	assert_int_equal(list.count, 0);
	vt_issue_list_clear(&list);

	assert_int_equal(vt_issue_open(f->store, f->db, "acmetel", "x",
				       (const char *[]){ "thread:ffffffffffffffff" }, 1, &id, &a,
				       &err),
			 VT_ERR_NOT_FOUND);
	assert_int_equal(vt_issue_list(f->store, NULL, true, &list, &err), VT_OK);
	assert_int_equal(list.count, 0); /* the failed open left nothing */
	vt_issue_list_clear(&list);
}

static const struct vt_contact *
find_contact(const struct vt_contact_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* A name seen at more organisations than a person moves between is
 * namesakes, not one trail: followed, it pulled every namesake's address
 * into a vendor's contacts (74,000 for one vendor of a million messages). */
static void
contacts_do_not_follow_a_common_name(void **state)
{
	static const char *const orgs[] = { "initech", "hooli", "umbrella", "cyberdyne" };
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_contact_list list;
	const struct vt_contact *c;
	char file[32], from[64], id[64];

	for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
		snprintf(file, sizeof file, "sam%zu:2,", i);
		snprintf(from, sizeof from, "Sam Lee <sam.lee@%s.example>", orgs[i]);
		snprintf(id, sizeof id, "hello@%s.example", orgs[i]);
		test_write_message(f->mail, file, from, "rich@northwind.example", "Hello", id,
				   "Date: Mon, 03 Aug 2026 09:00:00 +0000\n", NULL);
		index_ok(f);
		assert_int_equal(vt_contact_list(f->store, "globex", &list, &err), VT_OK);
		assert_non_null(c = find_contact(&list, "Sam Lee"));
		/* globex and up to three more: one person who moved */
		assert_int_equal(c->n_addresses, i < 3 ? i + 2 : 1);
		assert_string_equal(c->vendor, "globex");
		vt_contact_list_clear(&list);
	}
}

static void
contacts_follow_people_across_vendors(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_contact_list list;
	const struct vt_contact *c;
	struct vt_contact one;
	struct vt_action a;

	/* Sam Lee wrote from initech before moving to globex */
	test_write_message(f->mail, "0:2,", "Sam Lee <sam.lee@initech.example>",
			   "rich@northwind.example", "Renewal", "renewal@initech.example",
			   "Date: Mon, 03 Aug 2026 09:00:00 +0000\n", NULL);
	index_ok(f);
	assert_int_equal(vt_contact_list(f->store, "acmetel", &list, &err), VT_OK);
	assert_int_equal(list.count, 2);
	assert_non_null(c = find_contact(&list, "Dana"));
	assert_int_equal(c->messages, 2); /* her invoice, and the reply she got */
	assert_non_null(c = find_contact(&list, "Tom Becker"));
	assert_string_equal(c->vendor, "acmetel");
	assert_null(find_contact(&list, "Rich Miller")); /* never the user */
	vt_contact_list_clear(&list);

	assert_int_equal(vt_contact_list(f->store, "globex", &list, &err), VT_OK);
	assert_int_equal(list.count, 1);
	c = &list.items[0];
	assert_string_equal(c->name, "Sam Lee");
	assert_int_equal(c->n_addresses, 2);
	assert_int_equal(c->n_vendors, 2);
	assert_string_equal(c->vendors[0], "initech");
	assert_string_equal(c->vendors[1], "globex");
	assert_string_equal(c->vendor, "globex");
	vt_contact_list_clear(&list);
	assert_int_equal(vt_contact_list(f->store, "initech", &list, &err), VT_OK);
	assert_int_equal(list.count, 1);
	vt_contact_list_clear(&list);

	/* roles: set, shown, undone; bad role and unknown address refused */
	act_ok(vt_contact_set_role(f->store, "tom.becker@mail.acmetel.example", "manager", &a,
				   &err),
	       &a, &err);
	assert_int_equal(vt_contact_get(f->store, "tom.becker@mail.acmetel.example", &one, &err),
			 VT_OK);
	assert_string_equal(one.role, "manager");
	assert_true(one.role_set_by_user);
	vt_contact_clear(&one);
	assert_int_equal(vt_contact_set_role(f->store, "tom.becker@mail.acmetel.example", "boss",
					     &a, &err),
			 VT_ERR_USAGE);
	assert_int_equal(vt_contact_set_role(f->store, "who@nowhere.example", "manager", &a, &err),
			 VT_ERR_NOT_FOUND);
	act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_int_equal(vt_contact_get(f->store, "tom.becker@mail.acmetel.example", &one, &err),
			 VT_OK);
	assert_false(one.role_set_by_user);
	vt_contact_clear(&one);
}

static void
assert_strings_equal(char **a, size_t na, char **b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void
assert_same_contact(const struct vt_contact *a, const struct vt_contact *b)
{
	assert_string_equal(a->name, b->name);
	assert_strings_equal(a->addresses, a->n_addresses, b->addresses, b->n_addresses);
	assert_strings_equal(a->phones, a->n_phones, b->phones, b->n_phones);
	assert_strings_equal(a->vendors, a->n_vendors, b->vendors, b->n_vendors);
	assert_true((a->title == NULL) == (b->title == NULL));
	if (a->title)
		assert_string_equal(a->title, b->title);
	assert_true((a->manager == NULL) == (b->manager == NULL));
	if (a->manager)
		assert_string_equal(a->manager, b->manager);
	assert_true((a->vendor == NULL) == (b->vendor == NULL));
	if (a->vendor)
		assert_string_equal(a->vendor, b->vendor);
	assert_true((a->role == NULL) == (b->role == NULL));
	if (a->role)
		assert_string_equal(a->role, b->role);
	assert_int_equal(a->role_set_by_user, b->role_set_by_user);
	assert_int_equal(a->messages, b->messages);
	assert_int_equal(a->first_seen, b->first_seen);
	assert_int_equal(a->last_seen, b->last_seen);
}

/* `contact show` builds one person, not everybody (2.9 s at a million
 * messages): whoever is asked for, by address or by name, is the person
 * the whole list has, with every address, vendor, manager and role. */
/* A name a vendor's address went by only in mail since gone leads to
 * nobody: the person who moved is followed by the names of the mail
 * there is (here "Jane Doe" at acmetel, the same person as its "jane
 * doe", then only "jane doe"). */
static void
contacts_follow_only_names_of_mail_kept(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_contact_list list;
	char path[4200];
	bool newco;

	test_write_message(f->mail, "j1:2,", "jane doe <jane@acmetel.example>",
			   "rich@northwind.example", "One", "j1@acmetel.example",
			   "Date: Sun, 01 Nov 2026 10:00:00 +0000\n", NULL);
	test_write_message(f->mail, "j2:2,", "Jane Doe <jane@acmetel.example>",
			   "rich@northwind.example", "Two", "j2@acmetel.example",
			   "Date: Mon, 02 Nov 2026 10:00:00 +0000\n", NULL);
	test_write_message(f->mail, "j3:2,", "jane doe <jane@acmetel.example>",
			   "rich@northwind.example", "Three", "j3@acmetel.example",
			   "Date: Thu, 05 Nov 2026 10:00:00 +0000\n", NULL);
	test_write_message(f->mail, "j4:2,", "Jane Doe <jane@hooli.example>",
			   "rich@northwind.example", "Hello from Hooli", "j4@hooli.example",
			   "Date: Tue, 03 Nov 2026 10:00:00 +0000\n", NULL);
	for (int pass = 0; pass < 2; pass++) {
		index_ok(f);
		assert_int_equal(vt_contact_list(f->store, "acmetel", &list, &err), VT_OK);
		newco = false;
		for (size_t i = 0; i < list.count; i++)
			for (size_t k = 0; k < list.items[i].n_addresses; k++)
				newco |= strcmp(list.items[i].addresses[k], "jane@hooli.example") ==
					 0;
		vt_contact_list_clear(&list);
		/* Jane Doe at acmetel, then no more */
		assert_true(newco == (pass == 0));
		snprintf(path, sizeof path, "%s/cur/j2:2,", f->mail);
		if (pass == 0)
			assert_int_equal(unlink(path), 0);
	}
}

static void
one_contact_is_the_person_of_the_whole_list(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_contact_list list;
	struct vt_contact one;
	struct vt_action a;
	size_t checked = 0, by_name = 0;

	/* Sam Lee moves from initech to globex (the fixture's), a namesake
	 * spelled otherwise writes from hooli; Lee Park signs with a manager
	 * who never writes, and that manager gets a role by name */
	test_write_message(f->mail, "c0:2,", "Sam Lee <sam.lee@initech.example>",
			   "rich@northwind.example", "Renewal", "renewal@initech.example",
			   "Date: Mon, 03 Aug 2026 09:00:00 +0000\n", NULL);
	test_write_message(f->mail, "c1:2,", "\"sam  LEE\" <slee@hooli.example>",
			   "rich@northwind.example", "Hello again", "again@hooli.example",
			   "Date: Tue, 04 Aug 2026 09:00:00 +0000\n", NULL);
	test_write_message(f->mail, "c2:2,", "Lee Park <lee.park@hooli.example>",
			   "rich@northwind.example", "Your order", "order@hooli.example",
			   "Date: Wed, 05 Aug 2026 09:00:00 +0000\n",
			   "Hi Rich,\n\nyour order shipped.\n\n-- \nLee Park\nAccount Executive\n"
			   "+1 555 0100\nMy manager is Pat Quinn.\n");
	age_mail_dirs(f, 9);
	index_ok(f);
	act_ok(vt_contact_set_role(f->store, "Pat Quinn", "billing", &a, &err), &a, &err);
	assert_int_equal(vt_contact_get(f->store, "Pat Quinn", &one, &err), VT_OK);
	assert_string_equal(one.role, "billing");
	assert_true(one.role_set_by_user);
	assert_string_equal(one.vendor, "hooli");
	vt_contact_clear(&one);
	/* Lee Park writes later from umbrella, now under Chris Ode:
	 * a person's manager is their newest signature's, so Pat Quinn is
	 * nobody's any more, though an older signature still names her */
	test_write_message(f->mail, "c3:2,", "Lee Park <lee.park@umbrella.example>",
			   "rich@northwind.example", "Your order, again", "order2@umbrella.example",
			   "Date: Thu, 06 Aug 2026 09:00:00 +0000\n",
			   "Hi Rich,\n\nshipped again.\n\n-- \nLee Park\nAccount Executive\n"
			   "My manager is Chris Ode.\n");
	age_mail_dirs(f, 8);
	index_ok(f);
	assert_int_equal(vt_contact_list(f->store, NULL, &list, &err), VT_OK);
	for (size_t i = 0; i < list.count; i++) {
		const struct vt_contact *c = &list.items[i];

		for (size_t j = 0; j < c->n_addresses; j++, checked++) {
			assert_int_equal(vt_contact_get(f->store, c->addresses[j], &one, &err),
					 VT_OK);
			assert_same_contact(&one, c);
			vt_contact_clear(&one);
		}
		if (c->n_addresses == 0) {
			assert_int_equal(vt_contact_get(f->store, c->name, &one, &err), VT_OK);
			assert_same_contact(&one, c);
			vt_contact_clear(&one);
			by_name++;
		}
	}
	/* Dana, Pat Gomez, Tom Becker, Sam Lee's three, Lee Park's two */
	assert_int_equal(checked, 8);
	assert_int_equal(by_name, 1); /* Chris Ode */
	assert_int_equal(vt_contact_get(f->store, "SAM lee", &one, &err), VT_OK);
	assert_int_equal(one.n_addresses, 3);
	vt_contact_clear(&one);
	assert_int_equal(vt_contact_get(f->store, "Pat Quinn", &one, &err), VT_ERR_NOT_FOUND);
	assert_int_equal(vt_contact_get(f->store, "nobody@nowhere.example", &one, &err),
			 VT_ERR_NOT_FOUND);
	assert_int_equal(vt_contact_get(f->store, "No Body", &one, &err), VT_ERR_NOT_FOUND);
	vt_contact_list_clear(&list);
}

static void
history_is_one_timeline_newest_first(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_event_list h;
	struct vt_action a;
	int64_t id;

	index_ok(f);
	act_ok(vt_vendor_set_bucket(f->store, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err), &a,
	       &err);
	act_ok(vt_issue_open(f->store, f->db, "acmetel", "Bill", NULL, 0, &id, &a, &err), &a, &err);
	act_ok(vt_issue_close(f->store, id, NULL, &a, &err), &a, &err);
	assert_int_equal(vt_history(f->store, "acmetel", -1, &h, &err), VT_OK);
	assert_int_equal(h.count, 5);
	assert_string_equal(h.items[0].kind, "issue-closed");
	assert_string_equal(h.items[1].kind, "issue-opened");
	assert_string_equal(h.items[2].kind, "promoted");
	assert_string_equal(h.items[3].kind, "message");
	assert_int_equal(h.items[3].direction, MAIL_DIR_OUT);
	assert_string_equal(h.items[4].kind, "message");
	assert_int_equal(h.items[4].direction, MAIL_DIR_IN);
	for (size_t i = 1; i < h.count; i++)
		assert_true(h.items[i - 1].date >= h.items[i].date);
	vt_event_list_clear(&h);
	assert_int_equal(vt_history(f->store, "acmetel", 2, &h, &err), VT_OK);
	assert_int_equal(h.count, 2);
	vt_event_list_clear(&h);
	assert_int_equal(vt_history(f->store, "nope", -1, &h, &err), VT_ERR_NOT_FOUND);
}

/* The newest n of a vendor of two domains, their mail interleaved and
 * some of it in the same second: the first n of its whole timeline,
 * whatever n (each domain's mail is cut at its n-th newest date). */
static void
history_of_several_domains_cuts_each_right(void **state)
{
	/* acmetel's newest first, two pairs in the same second; globex's
	 * older, but one in the same second as one of acmetel's */
	static const char *const mail[][2] = {
		{ "acmetel", "13 Nov 2026 10:00" }, { "acmetel", "13 Nov 2026 10:00" },
		{ "acmetel", "13 Nov 2026 09:00" }, { "acmetel", "13 Nov 2026 08:00" },
		{ "acmetel", "13 Nov 2026 07:00" }, { "acmetel", "13 Nov 2026 07:00" },
		{ "acmetel", "13 Nov 2026 06:00" }, { "globex", "12 Nov 2026 10:00" },
		{ "globex", "12 Nov 2026 09:00" },  { "globex", "13 Nov 2026 08:00" },
	};
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_event_list whole, part;
	struct vt_action a;

	for (size_t i = 0; i < sizeof mail / sizeof mail[0]; i++) {
		char name[32], id[64], date[80];

		snprintf(name, sizeof name, "h%zu:2,", i);
		snprintf(id, sizeof id, "h%zu@%s.example", i, mail[i][0]);
		snprintf(date, sizeof date, "Date: Fri, %s:00 +0000\n", mail[i][1]);
		test_write_message(f->mail, name,
				   strcmp(mail[i][0], "globex") == 0
					   ? "Sam Lee <sam.lee@globex.example>"
					   : "Dana <dana@mail.acmetel.example>",
				   "rich@northwind.example", "Hello", id, date, NULL);
	}
	index_ok(f);
	act_ok(vt_vendor_merge(f->store, "globex", "acmetel", 0, &a, &err), &a, &err);
	/* the merge's entry last: the mail alone makes the newest n */
	assert_int_equal(vt_sql_exec(f->store, "UPDATE journal SET date = 1", &err), VT_OK);
	assert_int_equal(vt_history(f->store, "acmetel", -1, &whole, &err), VT_OK);
	assert_string_equal(whole.items[whole.count - 1].kind, "merged");
	assert_true(whole.count >= 13);
	for (long n = 0; n <= (long)whole.count + 1; n++) {
		assert_int_equal(vt_history(f->store, "acmetel", n, &part, &err), VT_OK);
		assert_int_equal(part.count, n < (long)whole.count ? (size_t)n : whole.count);
		for (size_t i = 0; i < part.count; i++) {
			assert_string_equal(part.items[i].kind, whole.items[i].kind);
			assert_string_equal(part.items[i].ref, whole.items[i].ref);
			assert_int_equal(part.items[i].date, whole.items[i].date);
		}
		vt_event_list_clear(&part);
	}
	vt_event_list_clear(&whole);
}

static void
waiting_tells_who_wrote_last(void **state)
{
	struct fixture *f = *state;

	index_ok(f);
	/* the user answered the invoice last: waiting on the vendor */
	assert_int_equal(threads(f, "waiting:vendor"), 1);
	assert_int_equal(count(f, "waiting:vendor"), 2);
	assert_int_equal(threads(f, "waiting:me"), 0);
	/* a quote nobody answered waits on nobody */
	assert_int_equal(count(f, "waiting:vendor and vendor:globex"), 0);
	/* the vendor answers: now it waits on the user */
	test_write_message(f->mail, "8:2,", "Dana <dana@mail.acmetel.example>",
			   "rich@northwind.example", "Re: Invoice AT-2026-10",
			   "re-re@acmetel.example",
			   "Date: Fri, 01 Jan 2027 09:00:00 +0000\n"
			   "In-Reply-To: <re-inv-10@northwind.example>\n"
			   "References: <inv-10@acmetel.example> <re-inv-10@northwind.example>\n",
			   NULL);
	index_ok(f);
	assert_int_equal(threads(f, "waiting:vendor"), 0);
	assert_int_equal(threads(f, "waiting:me"), 1);
	/* the user's first mail to a vendor, never answered: waiting on
	 * the vendor (it waited on nobody) */
	test_write_message(f->mail, "8b:2,S", "Rich Miller <rich@northwind.example>",
			   "Sales <sales@initech.example>", "Quote for 40 seats?",
			   "ask@northwind.example", "Date: Sat, 02 Jan 2027 09:00:00 +0000\n",
			   NULL);
	index_ok(f);
	assert_int_equal(threads(f, "waiting:vendor and vendor:initech"), 1);
	assert_int_equal(threads(f, "waiting:vendor"), 1);
}

static void
threads_merged_by_late_mail_are_followed(void **state)
{
	struct fixture *f = *state;

	/* the reply arrives before the message it answers: two threads,
	 * which notmuch joins when the parent arrives */
	test_write_message(f->mail, "9:2,", "Rich Miller <rich@northwind.example>",
			   "Sam Lee <sam.lee@globex.example>", "Re: Quote",
			   "re-q@northwind.example",
			   "Date: Fri, 01 Jan 2027 09:00:00 +0000\n"
			   "In-Reply-To: <late@globex.example>\n",
			   NULL);
	index_ok(f);
	test_write_message(f->mail, "10:2,", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Quote", "late@globex.example",
			   "Date: Thu, 31 Dec 2026 09:00:00 +0000\n", NULL);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT count(DISTINCT thread) FROM messages WHERE message_id"
				     " IN ('re-q@northwind.example', 'late@globex.example')"),
			 1);
	assert_int_equal(threads(f, "waiting:vendor and vendor:globex"), 1);
}

static void
threads_joined_by_a_later_message_are_followed(void **state)
{
	struct fixture *f = *state;

	/* two conversations, indexed apart; then a reply that cites both:
	 * notmuch moves one whole thread into the other, and the store must
	 * follow the messages that did not change themselves */
	test_write_message(f->mail, "11:2,S", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Quote A", "qa@globex.example",
			   "Date: Thu, 31 Dec 2026 09:00:00 +0000\n", NULL);
	test_write_message(f->mail, "12:2,S", "Sam Lee <sam.lee@globex.example>",
			   "rich@northwind.example", "Quote B", "qb@globex.example",
			   "Date: Thu, 31 Dec 2026 10:00:00 +0000\n", NULL);
	index_ok(f);
	assert_int_equal(sql_long(f, "SELECT count(DISTINCT thread) FROM messages WHERE message_id"
				     " IN ('qa@globex.example', 'qb@globex.example')"),
			 2);
	test_write_message(f->mail, "13:2,S", "Rich Miller <rich@northwind.example>",
			   "Sam Lee <sam.lee@globex.example>", "Re: Quotes A and B",
			   "re-ab@northwind.example",
			   "Date: Fri, 01 Jan 2027 09:00:00 +0000\n"
			   "References: <qa@globex.example> <qb@globex.example>\n",
			   NULL);
	index_ok(f);
	assert_int_equal(threads(f, "id:qa@globex.example or id:qb@globex.example"), 1);
	assert_int_equal(sql_long(f, "SELECT count(DISTINCT thread) FROM messages WHERE message_id"
				     " IN ('qa@globex.example', 'qb@globex.example',"
				     " 're-ab@northwind.example')"),
			 1);
	/* the user answered last: the joined conversation waits on the vendor */
	assert_int_equal(threads(f, "waiting:vendor and vendor:globex and subject:Quote"), 1);
}

static void
a_second_process_gets_a_clear_busy_error(void **state)
{
	struct fixture *f = *state;
	struct vt_store *other = NULL;
	struct vt_error err = { 0 };
	struct vt_action a;
	char path[4200];

	index_ok(f);
	snprintf(path, sizeof path, "%s/vtriage.db", f->data);
	assert_int_equal(vt_store_open(path, &other, &err), VT_OK);
	vt_store_set_busy_timeout(other, 50);
	assert_int_equal(vt_store_begin(f->store, &err), VT_OK);
	assert_int_equal(vt_vendor_set_bucket(other, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err),
			 VT_ERR_BUSY);
	assert_int_equal(vt_undo(other, &a, &err), VT_ERR_BUSY);
	assert_int_equal(vt_store_commit(f->store, &err), VT_OK);
	act_ok(vt_vendor_set_bucket(other, "acmetel", VT_BUCKET_TRUSTED, false, &a, &err), &a,
	       &err);
	/* the first process sees the second's change at once */
	assert_int_equal(count(f, "bucket:trusted"), 2);
	vt_store_close(&other);
}

static void
a_tag_change_is_journalled_and_undone(void **state)
{
	struct fixture *f = *state;
	struct vt_error err = { 0 };
	struct vt_action a;

	index_ok(f);
	assert_int_equal(count(f, "tag:inbox and from:acmetel.example"), 1);
	a = act_ok(vt_tag(f->store, f->db, "from:acmetel.example", NULL, "inbox",
			  "archived acmetel", &a, &err),
		   &a, &err);
	assert_true(a.changed);
	assert_string_equal(a.summary, "archived acmetel");
	assert_int_equal(count(f, "tag:inbox and from:acmetel.example"), 0);
	/* again: nothing to change, nothing journalled */
	a = act_ok(vt_tag(f->store, f->db, "from:acmetel.example", NULL, "inbox",
			  "archived acmetel", &a, &err),
		   &a, &err);
	assert_false(a.changed);
	assert_string_equal(a.summary, "nothing to change");
	assert_int_equal(sql_long(f, "SELECT count(*) FROM journal WHERE action = 'tagged'"), 1);
	/* undo says what to tag back; the caller applies it to the index.
	 * Not applied (the process killed before, the index busy): the
	 * entry is still the one to undo */
	a = act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_non_null(a.retag_ids);
	vt_action_clear(&a);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM journal WHERE undone = 0"), 1);
	a = act_ok(vt_undo(f->store, &a, &err), &a, &err);
	assert_non_null(a.retag_ids);
	assert_int_equal(vt_apply_retag(f->store, f->db, &a, &err), VT_OK);
	vt_action_clear(&a);
	assert_int_equal(count(f, "tag:inbox and from:acmetel.example"), 1);
	assert_int_equal(sql_long(f, "SELECT count(*) FROM journal WHERE undone = 0"), 0);
	assert_int_equal(vt_undo(f->store, &a, &err), VT_ERR_CONFLICT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_tag_change_is_journalled_and_undone, setup,
						teardown),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(promotion_moves_all_past_mail_and_rewrites_none),
		T(threads_joined_by_a_later_message_are_followed),
		T(promotion_queues_the_mirror_only_when_asked),
		T(mirror_passes_are_listed_recorded_and_never_undone),
		T(undo_reverts_actions_newest_first),
		T(impossible_requests_are_refused),
		T(domains_move_between_vendors_and_back),
		T(manual_overrides_survive_rebuilding_the_index),
		T(issues_open_close_link_and_undo),
		T(contacts_follow_people_across_vendors),
		T(contacts_do_not_follow_a_common_name),
		T(contacts_follow_only_names_of_mail_kept),
		T(one_contact_is_the_person_of_the_whole_list),
		T(history_is_one_timeline_newest_first),
		T(history_of_several_domains_cuts_each_right),
		T(waiting_tells_who_wrote_last),
		T(threads_merged_by_late_mail_are_followed),
		T(a_second_process_gets_a_clear_busy_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
