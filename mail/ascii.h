/*
 * ASCII character classes, the same in every locale: the parsers of mail
 * text (amounts, dates, documents, payment details) read ASCII digits and
 * letters only, and <ctype.h> answers by the locale (and is undefined for
 * negative chars).
 */
#ifndef VT_MAIL_ASCII_H
#define VT_MAIL_ASCII_H

#include <stdbool.h>

static inline bool
ascii_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
ascii_alnum(int c)
{
	return ascii_digit(c) || ascii_alpha(c);
}

static inline char
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : (char)c;
}

static inline char
ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - ('a' - 'A')) : (char)c;
}

#endif
