#!/bin/sh
# Answering from the interface: r replies to the thread's newest message
# (the draft in $EDITOR, then "Send?" on the message row), R to all, a
# draft postponed stays, m writes a new message; what the sendmail
# stand-in got is parsed by Python's email package.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
fake_mailer "Thursday works."
write_config "$TMP/conf" "$TMP/mail" "$TMP/data" "[send]
command = $TMP/sendmail"
$VTRIAGE --config "$TMP/conf" index --quiet
header() { mail_header "$TMP/sent.eml" "$1"; }

tmux_session 120 35 "env EDITOR=$TMP/editor TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "the interface paints" wait_for "Inbox"
keys / 'subject:"lunch thursday"' Enter
keys Enter
ok "the lunch thread opens" wait_for "> thread"
keys r
ok "r: after the editor, the message row asks" wait_for "Send? y(es) e(dit) a(ttach) c(c) p(ostpone) q(uit, dropped):"
keys y Enter
ok "y sends it" wait_for "sent to"
is "to the sender" "$(header To)" "$(sed -n 's/^From: //p' "$(grep -l 'lunch thursday' "$TMP"/mail/*/cur/* | head -1)" | head -1)"
is "Re: once" "$(header Subject)" "Re: lunch thursday?"
ok "the answer is in the body" python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
sys.exit(0 if "Thursday works." in m.get_content() else 1)' "$TMP/sent.eml"
ok "the Sent copy is indexed in the thread" \
	test "$($VTRIAGE --config "$TMP/conf" count 'subject:"lunch thursday"')" -ge 2
keys q
keys / 'subject:Dispute' Enter
keys Enter
keys R
ok "R asks too" wait_for "Send?"
keys p Enter
ok "p postpones" wait_for "postponed:"
is "the draft is kept" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" 1
keys q
rm -f "$TMP/sent.eml"
keys : 'compose Sam <sam@parts.example>' Enter
ok ":compose asks after the editor" wait_for "Send?"
keys y Enter
ok "and sends" wait_for "sent to"
contains "to the address given" "$(header To)" "sam@parts.example"
rm -f "$TMP/sent.eml"
keys / 'subject:"lunch thursday"' Enter
keys f
ok "f asks where to forward" wait_for "Forward to:"
keys 'Pat <pat@northwind.example>' Enter
ok "then the editor, then Send?" wait_for "Send?"
keys y Enter
ok "and it goes" wait_for "sent to"
is "Fwd: before the newest message's subject (the reply sent above)" "$(header Subject)" "Fwd: Re: lunch thursday?"
# a(ttach) at the question: the path asked (Tab completes), then sent along
printf '%%PDF-1.4\n%%%%EOF\n' >"$TMP/quote.pdf"
rm -f "$TMP/sent.eml"
keys : 'compose sam@parts.example' Enter
ok "the question again" wait_for "Send?"
keys a Enter
ok "a asks for the file" wait_for "Attach file:"
keys "$TMP/quote.pdf" Enter
ok "and says it is attached" wait_for "attached $TMP/quote.pdf"
ok "then asks again" wait_for "Send?"
keys y Enter
ok "sent" wait_for "sent to"
is "with the PDF" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(" ".join(p.get_content_type() + ":" + p.get_filename() for p in m.iter_attachments()))' "$TMP/sent.eml")" \
	"application/pdf:quote.pdf"
# a look-alike recipient asks before sending
rm -f "$TMP/sent.eml"
keys : 'compose billing@acmetel-billing.example' Enter
ok "the question" wait_for "Send?"
keys y Enter
ok "a look-alike recipient asks again" wait_for "Send anyway? (type yes)"
contains "naming the likeness" "$(screen | tail -1)" "looks like acmetel.example"
keys no Enter
ok "no keeps the draft" wait_for "not sent: the draft is kept"
ok "and nothing went" test ! -e "$TMP/sent.eml"
# m asks To (Tab completes from the people the index knows), then
# Subject; c at the question adds a Cc, completed the same way
rm -f "$TMP/sent.eml"
keys m
# two drafts are kept (R postponed, the look-alike refused): offered first
ok "m offers the postponed drafts first" wait_for "Postponed: 1) (no subject) (to billing@acmetel-billing.example)"
contains "the newest first, with their subjects" "$(screen | tail -1)" "2) Re: Dispute: invoice AT-2026-10"
keys Enter
ok "Enter: a new message, m asks for the recipient" wait_for "To:"
keys Dana Tab
ok "Tab completes the address" wait_for 'To: "Dana Whitfield" <dana.whitfield@mail.acmetel.example>'
keys Enter
ok "then the subject" wait_for "Subject:"
keys Renewal Enter
ok "then the editor and the question" wait_for "Send?"
keys c Enter
ok "c asks for a Cc" wait_for "Cc:"
keys 'AcmeTel B' Tab Enter
ok "and says it is added" wait_for 'Cc "AcmeTel Billing" <billing@billing.acmetel.example>'
keys y Enter
ok "sent" wait_for "sent to"
is "to the completed address" "$(header To)" "Dana Whitfield <dana.whitfield@mail.acmetel.example>"
is "copied to the one added" "$(header Cc)" "AcmeTel Billing <billing@billing.acmetel.example>"
is "with the subject asked" "$(header Subject)" "Renewal"
# a postponed draft resumed: its number, the editor, the question
keys m
ok "the drafts again" wait_for "Postponed:"
keys 2 Enter
ok "2 resumes the reply postponed" wait_for "Send?"
keys y Enter
ok "and sends it" wait_for "sent to"
is "the postponed reply" "$(header Subject)" 'Re: Dispute: invoice AT-2026-10 ($7,800.00) - account 8812-004417'
is "one draft is left" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" 1
# a draft that cannot be sent: what is wrong leads the question again
# (the editor opened at once over it)
keys : 'compose bob' Enter
ok "(the question)" wait_for "Send?"
keys y Enter
ok "the draft's fault is said, and the question asked again" \
	wait_for "'bob' is no address (name@domain). Send?"
keys q Enter
ok "q drops it" wait_for "abandoned"
is "(the draft is gone)" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" 1
keys Q
ok "quits" wait_for "EXITED 0"
done_testing
