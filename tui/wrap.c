/*
 * Breaking text into lines of a width, for the pager and the help: after
 * the last space that fits, by display columns (wide characters count
 * two), never inside a character.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "model.h"

/* The display width of one character (1 for what wcwidth does not know,
 * as the sanitised text has no controls). */
static int
char_cols(uint32_t cp)
{
	int w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

/*
 * The end of the piece of s from start that fits in room columns, broken
 * after the last space that fits (or inside a word longer than the room,
 * such as a URL); *next is where the next piece starts, the space it broke
 * at left out.
 */
size_t
tui_wrap_piece(const char *text, size_t len, size_t start, int room, size_t *next)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = start, fit = start, last_space = 0;
	int cols = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = mail_utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			n = 1;
		if (cols + char_cols(cp) > room)
			break;
		cols += char_cols(cp);
		if (s[i] == ' ')
			last_space = i;
		i += n;
		fit = i;
	}
	if (fit < len && last_space > start)
		fit = last_space + 1;
	if (fit == start && start < len) /* one character wider than the room */
		fit = start + 1;
	*next = fit;
	while (*next < len && text[*next] == ' ' && fit < len)
		(*next)++;
	return fit;
}

/* Whether the terminal may be sent wc as it is: the last guard on every
 * path to the screen, whatever was or was not sanitised before it. C0 and
 * C1 controls and the bidirectional overrides and isolates (which reorder
 * what follows them, U+202A..E, U+2066..9, U+200E/F, U+061C) are not. */
bool
tui_char_safe(wchar_t wc)
{
	return !(wc < 0x20 || (wc >= 0x7f && wc < 0xa0) || mail_bidi_control((uint32_t)wc));
}

int
tui_char_cols(wchar_t *wc, bool field_start)
{
	int w;

	if (mail_invisible((uint32_t)*wc))
		return -1;
	w = wcwidth(*wc);
	if (w < 0 || !tui_char_safe(*wc)) {
		*wc = L'?';
		return 1;
	}
	return w == 0 && field_start ? -1 : w;
}

int
tui_text_cols(const char *utf8)
{
	mbstate_t ps = { 0 };
	size_t left = strlen(utf8);
	int cols = 0;

	while (left > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, utf8, left, &ps);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		}
		if ((w = tui_char_cols(&wc, cols == 0)) > 0)
			cols += w;
		utf8 += n;
		left -= n;
	}
	return cols;
}
