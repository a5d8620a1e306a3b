/* Reading files ahead of the index: every file's facts reach the reader
 * in order, whatever it takes, skips or leaves behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mail/prefetch.h"
#include "helpers.h"

#define N_FILES 100

struct fixture {
	char *dir;
	char *paths[N_FILES];
	struct mail_identity identity;
};

static const char *const me[] = { "rich@northwind.example" };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = test_mkdtemp();
	test_make_maildir(f->dir);
	for (int i = 0; i < N_FILES; i++) {
		char name[32], to[64], id[64];

		snprintf(name, sizeof name, "%03d:2,", i);
		snprintf(to, sizeof to, "buyer%d@northwind.example", i);
		snprintf(id, sizeof id, "m%d@acmetel.example", i);
		/* every third from a vendor, to the user: its body is read */
		test_write_message(f->dir, name,
				   i % 3 == 0 ? "Dana <dana@acmetel.example>" : "Pat <pat@gmail.com>",
				   i % 3 == 0 ? "rich@northwind.example" : to, "Hello", id, NULL,
				   "Thanks,\nDana Ruiz\nAccount Executive\n");
		if (asprintf(&f->paths[i], "%s/cur/%s", f->dir, name) < 0)
			return -1;
	}
	f->identity.addresses = me;
	f->identity.n_addresses = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < N_FILES; i++)
		free(f->paths[i]);
	test_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
check_facts(struct fixture *f, int i, const struct mail_file_facts *facts)
{
	char to[64];

	assert_true(facts->parsed);
	snprintf(to, sizeof to, "buyer%d@northwind.example", i);
	assert_string_equal(facts->to, i % 3 == 0 ? "rich@northwind.example" : to);
	/* the body only of the vendor's mail to the user */
	assert_int_equal(facts->has_body, i % 3 == 0);
	if (i % 3 == 0)
		assert_non_null(strstr(facts->body, "Account Executive"));
	(void)f;
}

static void
every_file_arrives_in_order(void **state)
{
	struct fixture *f = *state;
	struct mail_prefetch *pf = NULL;
	struct vt_error err = { 0 };

	assert_int_equal(mail_prefetch_start(f->paths, N_FILES, &f->identity, &pf, &err), VT_OK);
	for (int i = 0; i < N_FILES; i++) {
		struct mail_file_facts facts;

		mail_prefetch_take(pf, (size_t)i, &facts);
		check_facts(f, i, &facts);
		mail_file_facts_clear(&facts);
	}
	mail_prefetch_stop(&pf);
	assert_null(pf);
}

static void
skipping_and_stopping_early_lose_nothing_taken(void **state)
{
	struct fixture *f = *state;
	struct mail_prefetch *pf = NULL;
	struct vt_error err = { 0 };
	struct mail_file_facts facts;

	assert_int_equal(mail_prefetch_start(f->paths, N_FILES, &f->identity, &pf, &err), VT_OK);
	/* skip far past the worker's window, then take one already taken */
	for (int i = 0; i < N_FILES / 2; i += 7) {
		mail_prefetch_take(pf, (size_t)i, &facts);
		check_facts(f, i, &facts);
		mail_file_facts_clear(&facts);
	}
	mail_prefetch_take(pf, 7, &facts);
	check_facts(f, 7, &facts);
	mail_file_facts_clear(&facts);
	/* stop with read-ahead facts still waiting: freed (the leak checker
	 * of the sanitizer run would say otherwise) */
	mail_prefetch_stop(&pf);
}

static void
one_file_and_missing_files(void **state)
{
	struct fixture *f = *state;
	struct mail_prefetch *pf = NULL;
	struct vt_error err = { 0 };
	struct mail_file_facts facts;
	char *gone[2] = { f->paths[3], "/nonexistent/vtriage/file" };

	assert_int_equal(mail_prefetch_start(f->paths, 1, &f->identity, &pf, &err), VT_OK);
	mail_prefetch_take(pf, 0, &facts);
	check_facts(f, 0, &facts);
	mail_file_facts_clear(&facts);
	mail_prefetch_stop(&pf);

	assert_int_equal(mail_prefetch_start(gone, 2, &f->identity, &pf, &err), VT_OK);
	mail_prefetch_take(pf, 0, &facts);
	check_facts(f, 3, &facts);
	mail_file_facts_clear(&facts);
	mail_prefetch_take(pf, 1, &facts);
	assert_false(facts.parsed);
	assert_null(facts.to);
	mail_file_facts_clear(&facts);
	mail_prefetch_stop(&pf);
}

static void
stopping_without_taking_anything(void **state)
{
	struct fixture *f = *state;
	struct mail_prefetch *pf = NULL;
	struct vt_error err = { 0 };

	assert_int_equal(mail_prefetch_start(f->paths, N_FILES, &f->identity, &pf, &err), VT_OK);
	mail_prefetch_stop(&pf);
	mail_prefetch_stop(&pf); /* twice is harmless */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_file_arrives_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(skipping_and_stopping_early_lose_nothing_taken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(one_file_and_missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(stopping_without_taking_anything, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
