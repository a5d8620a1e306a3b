/*
 * The threads' places with thread-order.c's bitmap of thread numbers cut
 * to 64: past that every id goes to the hash set, as ids past 2^26 (a
 * database whose counter is high, ids from elsewhere) do in use. The
 * places and the list's end must be what notmuch lists all the same.
 */
#define BITS_MAX 64ULL
#include "../../mail/thread-order.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "helpers.h"
#include "store-fixture.h"

struct ids {
	char **at;
	size_t n;
};

static vt_status
collect(void *ctx, const struct mail_thread *th, struct vt_error *err)
{
	struct ids *c = ctx;
	char **grown = realloc(c->at, (c->n + 1) * sizeof *grown);

	(void)err;
	assert_non_null(grown);
	c->at = grown;
	c->at[c->n] = strdup(th->thread_id);
	assert_non_null(c->at[c->n]);
	c->n++;
	return VT_OK;
}

static void
ids_clear(struct ids *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->at[i]);
	free(c->at);
	memset(c, 0, sizeof *c);
}

static void
places_past_the_bitmap_are_hashed(void **state)
{
	struct fixture *f = *state;
	struct ids all = { 0 };
	struct vt_error err = { 0 };
	struct mail_thread_order *o = NULL;
	char name[32], id[64], date[200];

	/* 300 threads over three years, one in four answered a year on */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "t%d:2,S", i);
		snprintf(id, sizeof id, "t%d@globex.example", i);
		snprintf(date, sizeof date, "Date: %02d Mar %d 10:%02d:00 +0000\n", 1 + i % 28,
			 2021 + i % 3, i % 60);
		test_write_message(f->mail, name, "Sales <sales@globex.example>",
				   "rich@northwind.example", "Offer", id, date, NULL);
		if (i % 4 != 0)
			continue;
		snprintf(name, sizeof name, "r%d:2,S", i);
		snprintf(date, sizeof date, "Date: %02d Apr %d 10:%02d:00 +0000\nIn-Reply-To: <%s>\n",
			 1 + i % 28, 2022 + i % 3, i % 60, id);
		snprintf(id, sizeof id, "r%d@globex.example", i);
		test_write_message(f->mail, name, "Sales <sales@globex.example>",
				   "rich@northwind.example", "Re: Offer", id, date, NULL);
	}
	index_ok(f);
	assert_int_equal(mail_search_threads(f->db, "*", 0, -1, collect, &all, &err), VT_OK);
	assert_true(all.n > 300);

	/* placed one and all: the ids went to the hash set */
	assert_int_equal(mail_thread_order_start(f->db, "*", &o, &err), VT_OK);
	while (!mail_thread_order_done(o))
		assert_int_equal(mail_thread_order_step(o, 50, &err), VT_OK);
	assert_true(o->hashed);
	assert_int_equal(mail_thread_order_count(o), (long)all.n);
	for (long i = 0; i < o->n; i++) {
		char hex[17];

		snprintf(hex, sizeof hex, "%016" PRIx64, o->ids[i]);
		if (strcmp(hex, all.at[i]) != 0)
			fail_msg("place %ld: %s, notmuch lists %s", i, hex, all.at[i]);
	}
	mail_thread_order_free(o);

	/* windows by their places, and the end from the oldest mail up */
	for (long from = 1; from < (long)all.n; from += 61) {
		struct ids part = { 0 };

		assert_int_equal(mail_search_threads(f->db, "*", from, 40, collect, &part, &err), VT_OK);
		for (size_t i = 0; i < part.n; i++)
			assert_string_equal(part.at[i], all.at[from + (long)i]);
		assert_int_equal(part.n, (size_t)from + 40 <= all.n ? 40 : all.n - (size_t)from);
		ids_clear(&part);
	}
	for (long want = 1; want <= (long)all.n; want *= 3) {
		struct ids tail = { 0 };
		long total;

		assert_int_equal(mail_thread_tail(f->db, "*", want, collect, &tail, &total, &err),
				 VT_OK);
		assert_int_equal(tail.n, (size_t)want);
		for (size_t i = 0; i < tail.n; i++)
			assert_string_equal(tail.at[i], all.at[all.n - (size_t)want + i]);
		ids_clear(&tail);
	}
	ids_clear(&all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(places_past_the_bitmap_are_hashed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
