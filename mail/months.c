/*
 * Every message's month as a term of its own (MAIL_PROP_MONTH), and
 * whether the index has them all.
 *
 * Lists read a query's mail a span of dates at a time, newest first
 * (thread-order.c). A span written as a range of dates is a Xapian value
 * range: it reads the date of every message of the index (70 ms a span
 * at a million, whatever the query), or walks every match of a dense
 * query. The same span as the months it covers is an OR of a few terms
 * whose frequencies Xapian knows: 0.8-1.1 ms at 100,000 messages instead
 * of 2.4-2.9, 1.9-2.6 instead of 19-21 at a million (bench/RESULTS.md,
 * "Spans of dates as terms").
 *
 * A span of months is only right if every message carries its month.
 * vtriage writes the term as it attributes a message, and every writer
 * of vtriage's keeps that so; another program (notmuch new) adds mail
 * without it. So the index records the revision (notmuch's count of
 * changes) at which vtriage's last writer left it whole: a reader whose
 * index is at that revision uses months, any other reads dates as before
 * until vtriage next indexes (mail_index_run names every message without
 * this version's attribution, and writes their months).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "private.h"

long
mail_month_of(long long when)
{
	time_t t = (time_t)when;
	struct tm tm;

	/* a date gmtime cannot hold, or before the year 1: with the undated */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 1 - 1900)
		return 1970 * 12;
	return (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

long long
mail_month_start(long month)
{
	/* days from 1970-01-01 to the month's first (civil calendar) */
	long y = month / 12, m = month % 12 + 1;
	long long era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400LL;
}

void
mail_month_name(long month, char out[MAIL_MONTH_NAME_LEN])
{
	snprintf(out, MAIL_MONTH_NAME_LEN, "%04d-%02d", (int)(month / 12), (int)(month % 12) + 1);
}

notmuch_status_t
mail_message_add_month(notmuch_message_t *msg)
{
	char name[MAIL_MONTH_NAME_LEN];

	mail_month_name(mail_month_of((long long)notmuch_message_get_date(msg)), name);
	return notmuch_message_add_property(msg, MAIL_PROP_MONTH, name);
}

bool
mail_db_months_whole(struct mail_db *db)
{
	/* a writer holds the index alone: what it did is all there is */
	return db->mode == MAIL_DB_READ_WRITE ? db->months_whole : mail_db_months_sealed(db);
}

bool
mail_db_months_sealed(struct mail_db *db)
{
	char *value = NULL, *end = NULL;
	unsigned long revision = notmuch_database_get_revision(db->nm, NULL), at;
	bool whole = false;

	if (notmuch_database_get_config(db->nm, MAIL_CONFIG_MONTHS, &value) ==
		    NOTMUCH_STATUS_SUCCESS &&
	    value != NULL && *value != '\0') {
		at = strtoul(value, &end, 10);
		whole = *end == '\0' && at == revision && revision > 0;
	}
	free(value);
	return whole;
}

void
mail_db_months_seal(struct mail_db *db)
{
	unsigned long revision;
	char value[32];

	if (db->nm == NULL || db->mode != MAIL_DB_READ_WRITE || !db->months_whole)
		return;
	/* 0: an empty index, or one of a notmuch that kept no revisions
	 * (changes would not show): never sealed */
	if ((revision = notmuch_database_get_revision(db->nm, NULL)) == 0)
		return;
	snprintf(value, sizeof value, "%lu", revision);
	/* not written: the next reader reads dates, and the next index
	 * run writes it again */
	(void)notmuch_database_set_config(db->nm, MAIL_CONFIG_MONTHS, value);
}

int
mail_months_ahead_parse(const char *value, long *months, int max)
{
	int n = 0;

	while (value != NULL && *value != '\0') {
		int year, month, used;

		if (*value == ' ') {
			value++;
			continue;
		}
		if (sscanf(value, "%4d-%2d%n", &year, &month, &used) != 2 || month < 1 ||
		    month > 12 || year < 1 || n == max)
			return -1; /* "many", or not ours */
		months[n++] = (long)year * 12 + month - 1;
		value += used;
	}
	return n;
}

int
mail_db_months_ahead(struct mail_db *db, long *months, int max)
{
	char *value = NULL;
	int n = 0;

	if (notmuch_database_get_config(db->nm, MAIL_CONFIG_AHEAD, &value) ==
		    NOTMUCH_STATUS_SUCCESS &&
	    value != NULL)
		n = mail_months_ahead_parse(value, months, max);
	free(value);
	return n;
}
