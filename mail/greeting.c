/*
 * "Hi Mitch," to a user called Rich: a mail that greets the user by a
 * wrong name is a sign of a careless or mass-produced message.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "private.h"

static const char *const salutations[] = { "hi", "hello", "dear", "hey", "good morning",
					   "good afternoon", "morning", NULL };

bool
mail_wrong_greeting(const char *body, const char *user_name, char *greeted, size_t len)
{
	const char *line = body, *p;
	char first[64];
	size_t n;

	if (body == NULL || user_name == NULL || *user_name == '\0')
		return false;
	/* the user's first name: the first word of the identity name */
	n = strcspn(user_name, " \t");
	if (n == 0 || n >= sizeof first)
		return false;
	memcpy(first, user_name, n);
	first[n] = '\0';
	/* the first non-empty line of the body */
	while (*line == '\n' || *line == '\r' || *line == ' ')
		line++;
	for (size_t i = 0; salutations[i] != NULL; i++) {
		size_t s = strlen(salutations[i]);

		if (strncasecmp(line, salutations[i], s) != 0 || !(line[s] == ' ' || line[s] == ','))
			continue;
		p = line + s;
		while (*p == ' ' || *p == ',')
			p++;
		n = 0;
		while (isalpha((unsigned char)p[n]) || p[n] == '-' || p[n] == '\'')
			n++;
		/* "Hi team," "Dear customer," greet nobody in particular */
		if (n == 0 || !isupper((unsigned char)p[0]) || (p[n] != ',' && p[n] != '!' &&
								 p[n] != ':' && p[n] != ' '))
			return false;
		if (n == strlen(first) && strncasecmp(p, first, n) == 0)
			return false;
		/* "Dear Mr. Miller" / "Hi Rich Miller": a surname is not wrong */
		if (n + 1 < 64) {
			const char *last = strrchr(user_name, ' ');

			if (last != NULL && strlen(last + 1) == n && strncasecmp(p, last + 1, n) == 0)
				return false;
		}
		if (strncmp(p, "Mr", 2) == 0 || strncmp(p, "Ms", 2) == 0 || strncmp(p, "Mrs", 3) == 0)
			return false;
		snprintf(greeted, len, "%.*s", (int)n, p);
		return true;
	}
	return false;
}
