/* A helpdesk's receipt: the mail a ticket system sends by itself to say
 * the user's request arrived. It answers nothing, as an out-of-office
 * reply answers nothing, but it says so only in its words: Zendesk marks
 * every mail it sends Auto-Submitted: auto-generated, its agents'
 * answers too, so the header alone cannot tell. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "private.h"

/* A receipt's words sit at its start (Zendesk puts a "reply above this
 * line" marker first); an answer quoting a receipt is no receipt. */
#define OPENING_MAX 600

/* What Zendesk's, Freshdesk's, Zammad's and hand-written ticket
 * triggers put first in their subject ([Acme] before it is skipped). */
static const char *const subject_prefixes[] = {
	"[request received]",
	"request received:",
	"request received -",
	"your email was received:",
	"ticket received:",
	"ticket received -",
	"[ticket received]",
	"we have received your request",
	"we've received your request",
	"your request has been received",
	"thanks for your inquiry (",
	/* the languages of the out-of-office subjects (mail/message.c);
	 * their accented letters compare as themselves */
	"eingangsbestätigung",
	"accusé de réception",
	"acuse de recibo",
	"ontvangstbevestiging",
	"conferma di ricezione",
};

/* Lower case, one space for any run of white space; ’ written '. */
static const char *const opening_phrases[] = {
	"we have received your request",
	"we've received your request",
	"we received your request",
	"we have received your email",
	"we've received your email",
	"we have received your message",
	"we've received your message",
	"we have received your enquiry",
	"we have received your inquiry",
	"has been received and is being reviewed",
	"has been received and will be reviewed",
	"a ticket has been created",
	"a support ticket has been created",
	"your ticket number is",
	"this is an automated response",
	"this is an automatic response",
	"this is an automated reply",
	"this is an automatic reply",
	"this is an automated acknowledg",
	"this is an automatic acknowledg",
	"wir haben ihre anfrage erhalten",
	"ihre anfrage ist bei uns eingegangen",
	"nous avons bien reçu votre demande",
	"nous avons bien reçu votre message",
	"votre demande a bien été reçue",
	"votre demande a bien été enregistrée",
	"hemos recibido su solicitud",
	"hemos recibido tu solicitud",
	"hemos recibido su mensaje",
	"wij hebben uw verzoek ontvangen",
	"we hebben je verzoek ontvangen",
	"abbiamo ricevuto la sua richiesta",
	"abbiamo ricevuto la tua richiesta",
};

bool
mail_receipt_subject(const char *subject)
{
	for (int tries = 0; subject != NULL && tries < 2; tries++) {
		const char *close;

		subject += strspn(subject, " \t");
		for (size_t i = 0; i < G_N_ELEMENTS(subject_prefixes); i++)
			if (g_ascii_strncasecmp(subject, subject_prefixes[i],
						strlen(subject_prefixes[i])) == 0)
				return true;
		/* a help desk's "[Acme Support] " before the words */
		if (subject[0] != '[' || (close = strchr(subject, ']')) == NULL)
			return false;
		subject = close + 1;
	}
	return false;
}

/* The opening of body before any quoted reply, lower case, white space
 * runs made one space and the typographic apostrophe the typewriter
 * one, in out (size n). */
static void
fold_opening(const char *body, char *out, size_t n)
{
	size_t o = 0, len = strnlen(body, n * 4);
	const char *end = body + mail_text_unquoted_len(body, len);

	for (const char *p = body; p < end && o + 1 < n; p++) {
		if (g_ascii_isspace(*p)) {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
		} else if (end - p >= 3 && strncmp(p, "\xe2\x80\x99", 3) == 0) {
			out[o++] = '\'';
			p += 2;
		} else {
			out[o++] = g_ascii_tolower(*p);
		}
	}
	out[o] = '\0';
}

bool
mail_receipt_opening(const char *body)
{
	char low[OPENING_MAX + 1];
	const char *at;

	if (body == NULL)
		return false;
	fold_opening(body, low, sizeof low);
	for (size_t i = 0; i < G_N_ELEMENTS(opening_phrases); i++)
		if (strstr(low, opening_phrases[i]) != NULL)
			return true;
	/* "Your request (12345) has been received", "your request #12345
	 * has been received.": in one sentence, a number or so between */
	for (at = strstr(low, "your request"); at != NULL; at = strstr(at + 1, "your request")) {
		const char *received = strstr(at, "has been received");
		size_t gap = received != NULL ? (size_t)(received - at) : 0;

		if (received != NULL && gap <= 40 && strcspn(at, ".:;!?") >= gap)
			return true;
	}
	return false;
}

/* The mailboxes help desks answer from; not sales@ or info@, whose
 * people answer a request with "we have received your request, our
 * quote is attached". */
static const char *const desk_mailboxes[] = {
	"support",
	"help",
	"helpdesk",
	"servicedesk",
	"service",
	"customerservice",
	"customer.service",
	"customer-service",
	"care",
	"tickets",
	"ticket",
	"noreply",
	"no-reply",
	"donotreply",
	"do-not-reply",
};

bool
mail_receipt_desk(const char *address)
{
	size_t n = address != NULL ? strcspn(address, "@+") : 0;

	if (address == NULL || address[n] == '\0')
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(desk_mailboxes); i++)
		if (strlen(desk_mailboxes[i]) == n &&
		    g_ascii_strncasecmp(address, desk_mailboxes[i], n) == 0)
			return true;
	return false;
}
