#!/bin/sh
# Invoice fraud as it is sent, each attack on a mailbox of its own: a
# vendor the user trusts (AcmeTel: a quote, the user's reply, two
# invoices paying one IBAN, its server's authentication passing), then
# the attack. Found by an audit of the fraud checks (a helper session).
. "$(dirname "$0")/../lib.sh"

OWN='Authentication-Results: mx.northwind.example; dkim=pass header.d=acmetel.example; spf=pass smtp.mailfrom=acmetel.example; dmarc=pass header.from=acmetel.example\n'
IBAN1='DE89 3704 0044 0532 0130 00'
IBAN2='GB82 WEST 1234 5698 7654 32'
LATER='Mon, 05 Oct 2026 09:00:00 +0000'
# what the user's server said of AcmeTel's own mail
HIST=$OWN

# scenario NAME: a new mailbox with AcmeTel's history, indexed and the
# vendor promoted; D is its directory
scenario() {
	D=$TMP/$1
	n=0
	mkdir -p "$D/mail/cur" "$D/mail/new" "$D/mail/tmp"
	cat >"$D/conf" <<CONF
[store]
maildir = $D/mail
data = $D/data
[identity]
name = Rich Miller
addresses = rich@northwind.example
domains = northwind.example
[trust]
authserv_id = mx.northwind.example
CONF
	mail "Ann Lee <ann.lee@acmetel.example>" "Quote Q-1" "Mon, 03 Aug 2026 09:00:00 +0000" "$HIST" \
		"Hi Rich,\n\nthe quote is attached.\n\n-- \nAnn Lee\nAccount Manager\nAcmeTel\n"
	n=$((n + 1))
	printf 'From: Rich Miller <rich@northwind.example>\nTo: Ann Lee <ann.lee@acmetel.example>\nSubject: Re: Quote Q-1\nDate: Tue, 04 Aug 2026 09:00:00 +0000\nMessage-ID: <m%d@test>\n\nThanks.\n' \
		"$n" >"$D/mail/cur/$n:2,S"
	for i in 1 2; do
		mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-$i" \
			"Wed, 0$((4 + i)) Aug 2026 09:00:00 +0000" "$HIST" \
			"Dear customer,\n\nplease find invoice AT-$i for \$2,500.00.\nPlease pay by bank transfer to IBAN $IBAN1 (BIC COBADEFFXXX).\n\nAcmeTel Billing\n"
	done
	vt index --quiet
	vt vendor promote acmetel >/dev/null
	sleep 1 # the attack comes later, in a run of its own
}
# mail FROM SUBJECT DATE HEADERS BODY
mail() {
	n=$((n + 1))
	printf 'From: %s\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\nMessage-ID: <m%d@test>\n%b\n%b\n' \
		"$1" "$2" "$3" "$n" "$4" "$5" >"$D/mail/cur/$n:2,S"
}
vt() { "$VTRIAGE" --config "$D/conf" "$@"; }

# ---- a look-alike that dates a mail years back ----------------------------------
# A Date is the sender's to write: the impostor's domain seemed the older,
# the vendor's own the copy, and nothing was flagged
scenario backdated
mail "Ann Lee <ann.lee@acrnetel.example>" "Hello" "Mon, 06 Jan 2020 09:00:00 +0000" "" "Hello.\n"
mail "Ann Lee <ann.lee@acrnetel.example>" "Re: Quote Q-1" "$LATER" "" \
	"Hi Rich, please pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n\n-- \nAnn Lee\nAccount Manager\n"
vt index --quiet
contains "a backdated look-alike is still the look-alike" "$(vt check)" \
	"acrnetel.example looks like acmetel.example (rn for m)"
is "both its mails are flagged" "$(vt count suspicious:lookalike)" 2
lacks "the contact is not moved to it" "$(vt contact show ann.lee@acmetel.example)" "acrnetel"

# ---- a scam's word run into the name -----------------------------------------------
scenario run-together
mail "AcmeTel Billing <billing@acmetelbilling.example>" "Invoice AT-3" "$LATER" "" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n"
vt index --quiet
contains "a name with a word run into it is a look-alike" "$(vt check)" \
	"acmetelbilling.example looks like acmetel.example (billing added)"

# ---- a new IBAN beside the old one ---------------------------------------------
# the old IBAN quoted below the new one, or named as no longer used,
# made the new one look known
scenario beside
mail "AcmeTel Billing <billing@acmetel.example>" "Re: Invoice AT-2" "$LATER" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-2 for \$2,500.00 to IBAN $IBAN2 from now on.\n\nOn Fri, 04 Sep 2026 AcmeTel Billing wrote:\n> Please pay by bank transfer to IBAN $IBAN1 (BIC COBADEFFXXX).\n"
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "Tue, 06 Oct 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN GB33 BUKB 2020 1555 5555 55.\nPayments to IBAN $IBAN1 can no longer be accepted by our bank.\n"
vt index --quiet
check=$(vt check)
contains "a new IBAN above the old one quoted is flagged" "$check" "Re: Invoice AT-2"
contains "and one beside the old one named" "$check" "Invoice AT-3"
is "both, for their bank details" "$(vt count suspicious:bank)" 2
contains "the reason names the new IBAN" "$check" "mails: GB82WEST12345698765432 is new"
# an older invoice found later (another folder synced): the verdict is
# judged again, and replaced, not kept beside its old wording
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-0" "Mon, 03 Aug 2026 10:00:00 +0000" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-0 for \$2,500.00 to IBAN $IBAN1.\n"
vt index --quiet
check=$(vt check)
contains "a verdict's wording follows the mail before it" "$check" "bank details differ from 3 earlier"
lacks "and its old wording is gone" "$check" "bank details differ from 2 earlier"
is "still one verdict each" "$(sqlite3 "$D/data/vtriage.db" "SELECT count(*) FROM suspicions WHERE reason = 'bank'")" 2

# ---- an account number where the vendor was paid by IBAN ---------------------
# the vendor's own mailbox (compromised) moving the payment to a UK or US
# account: only IBANs had come before, and a detail of a kind the vendor
# never gave was compared with nothing
scenario other-kind
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to:\nAccount name: AcmeTel Ltd\nAccount number: 55779911\nSort code: 20-00-00\n"
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-4" "Tue, 06 Oct 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\nplease wire \$2,500.00 for invoice AT-4:\nRouting number: 021000021\nAccount number: 123456789012\n"
# the vendor's own account number beside its IBAN is the same account
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-5" "Wed, 07 Oct 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-5 for \$2,500.00 to IBAN $IBAN1\n(Kontonummer 0532013000, BLZ 37040044).\n"
vt index --quiet
check=$(vt check)
contains "a sort code and account after IBANs are flagged" "$check" \
	"bank details differ from 2 earlier acmetel.example mails: 55779911 is new (the known one: DE89370400440532013000)"
contains "and a routing and account number" "$check" "123456789012 is new"
is "but not the known IBAN's own account number" "$(vt count suspicious:bank)" 2

# ---- a new IBAN in the HTML form only ------------------------------------------
# the plain text (what was read) names no IBAN, the HTML beside it (what
# most mail clients show) does: it was never compared
scenario html
n=$((n + 1))
{
	printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Invoice AT-3\nDate: %s\nMessage-ID: <m%d@test>\n%b' "$LATER" "$n" "$OWN"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\n\n'
	printf -- '--m\nContent-Type: multipart/alternative; boundary="a"\n\n--a\nContent-Type: text/plain\n\n'
	printf 'Dear customer, invoice AT-3 is attached. Our bank details are on it.\n'
	printf -- '--a\nContent-Type: multipart/related; boundary="r"\n\n--r\nContent-Type: text/html\n\n'
	printf '<p>Dear customer, please pay invoice AT-3 for $2,500.00 to</p><table><tr><td>IBAN</td>'
	printf '<td>GB82&nbsp;WEST&nbsp;1234&nbsp;5698&nbsp;7654&nbsp;32</td></tr></table>\n'
	printf -- '--r--\n--a--\n--m\nContent-Type: image/png; name="logo.png"\n'
	printf 'Content-Disposition: attachment; filename="logo.png"\n\nx\n--m--\n'
} >"$D/mail/cur/$n:2,S"
vt index --quiet
contains "a new IBAN in the HTML alternative alone is flagged" "$(vt check)" \
	"GB82WEST12345698765432 is new"

# ---- a new IBAN in an attached HTML page -----------------------------------------
# "please see the remittance advice attached": an HTML file the user
# opens in a browser, its new IBAN read nowhere
scenario html-attached
n=$((n + 1))
{
	printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Remittance advice\nDate: %s\nMessage-ID: <m%d@test>\n%b' "$LATER" "$n" "$OWN"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\n\n'
	printf -- '--m\nContent-Type: text/plain\n\nDear customer, please see the remittance advice attached.\n'
	printf -- '--m\nContent-Type: text/html; name="remittance.html"\n'
	printf 'Content-Disposition: attachment; filename="remittance.html"\n\n'
	printf '<html><body><h1>Remittance advice</h1><p>Invoice AT-3: $2,500.00</p>'
	printf '<p>IBAN: GB82 WEST 1234 5698 7654 32</p></body></html>\n--m--\n'
} >"$D/mail/cur/$n:2,S"
vt index --quiet
contains "a new IBAN in an attached HTML page is flagged" "$(vt check)" "GB82WEST12345698765432 is new"

# and from a freemail box under a contact's name, that wrote before
mail "Ann Lee <ann.lee.acmetel@gmail.com>" "Quick question" "$LATER" "" \
	"Hi Rich, who handles accounts payable these days?\n\nAnn\n"
n=$((n + 1))
{
	printf 'From: Ann Lee <ann.lee.acmetel@gmail.com>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Remittance\nDate: Tue, 06 Oct 2026 09:00:00 +0000\nMessage-ID: <m%d@test>\n' "$n"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\n\n'
	printf -- '--m\nContent-Type: text/plain\n\nHi Rich, see attached.\n'
	printf -- '--m\nContent-Type: text/html; name="remittance.html"\n'
	printf 'Content-Disposition: attachment; filename="remittance.html"\n\n'
	printf '<p>Please pay invoice AT-3 for $2,500.00 to IBAN GB33 BUKB 2020 1555 5555 55</p>\n--m--\n'
} >"$D/mail/cur/$n:2,S"
vt index --quiet
is "a freemail box under a contact's name giving an IBAN in an attached page is flagged" \
	"$(vt count 'from:ann.lee.acmetel@gmail.com and suspicious:name')" 2

# ---- a new IBAN broken across lines by format=flowed ----------------------------
# a line ending in a space goes on in the next (RFC 3676): the user's
# mail client shows the IBAN on one line, the reader read two halves
scenario flowed
n=$((n + 1))
{
	printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Invoice AT-3\nDate: %s\nMessage-ID: <m%d@test>\n%b' "$LATER" "$n" "$OWN"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n'
	printf 'Dear customer,\n\nplease pay invoice AT-3 for $2,500.00 to IBAN GB82 WEST 1234  \n'
	printf '5698 7654 32.\n\n-- \nAcmeTel Billing\n'
} >"$D/mail/cur/$n:2,S"
vt index --quiet
contains "an IBAN across a flowed line break is read" "$(vt check)" "GB82WEST12345698765432 is new"

# ---- digits only the reader sees ------------------------------------------------
# characters the HTML hides (display:none, a zero font size, the hidden
# attribute) inside the new IBAN: the reader read an IBAN that was none,
# and the one the user sees was never compared
scenario html-hidden
n=$((n + 1))
{
	printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Invoice AT-3\nDate: %s\nMessage-ID: <m%d@test>\n%b' "$LATER" "$n" "$OWN"
	printf 'MIME-Version: 1.0\nContent-Type: text/html\n\n'
	printf '<p>Dear customer, please pay invoice AT-3 for $2,500.00 to IBAN GB82 WEST'
	printf '<span style="display: None">9</span> 1234 <span style="FONT-SIZE:0px;">77</span>5698 '
	printf '<font hidden>1</font>7654 32<span style="%s visibility:hidden !important">4</span>.</p>\n' \
		"$(printf 'color: red; %.0s' $(seq 30))"
} >"$D/mail/cur/$n:2,S"
vt index --quiet
contains "an IBAN with hidden characters in it is read as it shows" "$(vt check)" \
	"GB82WEST12345698765432 is new"

# ---- new bank details dated back ------------------------------------------------
# from the vendor's own mailbox (compromised, its authentication
# passing), dated before its first invoice: the new IBAN was the
# vendor's first, and its real one the change
scenario dated-back
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "Mon, 06 Jan 2020 09:00:00 +0000" \
	"Received: from mail.acmetel.example by mx.northwind.example; Mon, 05 Oct 2026 09:00:01 +0000\n$OWN" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n"
vt index --quiet
check=$(vt check)
contains "the new IBAN is judged when it came" "$check" \
	"bank details differ from 2 earlier acmetel.example mails: GB82WEST12345698765432 is new"
is "and the vendor's real invoices are not" "$(vt count suspicious:bank)" 1

# ---- the new IBAN repeated ------------------------------------------------------
# the scam's follow-up ("a reminder: invoice AT-3 is overdue") repeats
# the IBAN of its first mail, which made it the vendor's known one
scenario repeated
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n"
mail "AcmeTel Billing <billing@acmetel.example>" "Reminder: invoice AT-3" \
	"Tue, 13 Oct 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\ninvoice AT-3 for \$2,500.00 is overdue. Please pay to IBAN $IBAN2 today.\n"
vt index --quiet
check=$(vt check)
is "the follow-up repeating the new IBAN is flagged too" "$(vt count suspicious:bank)" 2
contains "as an IBAN only suspicious mail gave" "$check" \
	"bank details differ from 3 earlier acmetel.example mails: GB82WEST12345698765432 came before only in suspicious mail"
bank=$(vt vendor bank acmetel)
contains "vendor bank: the old IBAN known" "$bank" "DE89370400440532013000             iban    known      2026-08-05..2026-08-06  2 mails"
contains "and the new one unverified" "$bank" "GB82WEST12345698765432             iban    unverified 2026-10-05..2026-10-13  2 mails"
is "(JSON)" "$(vt vendor bank acmetel --format=json | jq -r '.[] | .state' | tr '\n' ' ')" "known unverified "
# the user called AcmeTel at the number they had: the change is real
is "a detail no mail gave cannot be accepted" "$(vt vendor bank acmetel --accept 'GB00 0000' 2>&1; echo $?)" \
	"vtriage: acmetel's mail never gave the bank details GB000000 (see \`vtriage vendor bank acmetel\`)
2"
is "accepting the new IBAN, written as the user likes" \
	"$(vt vendor bank acmetel --accept 'gb82 west 1234 5698 7654 32')" \
	"accepted iban GB82WEST12345698765432 as acmetel.example's"
is "its mails are no longer flagged" "$(vt count suspicious:bank)" 0
contains "vendor bank says accepted" "$(vt vendor bank acmetel)" "GB82WEST12345698765432             iban    accepted"
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-4" "Thu, 05 Nov 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-4 for \$2,500.00 to IBAN $IBAN2.\n"
vt index --quiet
is "nor the next invoice paying it" "$(vt count suspicious:bank)" 0
is "accepting again says so" "$(vt vendor bank acmetel --accept "$IBAN2")" \
	"iban GB82WEST12345698765432 of acmetel is accepted already"
contains "undo takes the word back" "$(vt undo)" "undone: accepted iban GB82WEST12345698765432 as acmetel.example's"
is "and all three are flagged again" "$(vt count suspicious:bank)" 3
vt index --full-scan --quiet
is "(the same after all the mail is judged again)" "$(vt count suspicious:bank)" 3
# pasted as the mail wrote it: slashes, fullwidth digits
is "an IBAN to accept is read as the mail's are" \
	"$(vt vendor bank acmetel --accept "GB82/WEST/$(printf '\357\274\221\357\274\222')34/5698/7654/32")" \
	"accepted iban GB82WEST12345698765432 as acmetel.example's"
vt undo >/dev/null

# ---- the scam's bills and the vendor's usual -------------------------------------
# the vendor's own mailbox, compromised, billing $9,000 three times to a
# new IBAN: each was flagged, yet each moved the usual, and the next
# $9,000 bill paying the real IBAN was the usual one
scenario usual
for i in 3 4 5; do
	mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-$i" "Mon, 0$i Oct 2026 09:00:00 +0000" "$OWN" \
		"Dear customer,\n\nplease pay invoice AT-$i for \$9,000.00 to IBAN $IBAN2.\n"
done
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-6" "Mon, 09 Nov 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\nplease pay invoice AT-6 for \$9,000.00 to IBAN $IBAN1.\n"
vt index --quiet
contains "bills paying new bank details move no usual" "$(vt bill check)" \
	"AT-6             \$9,000.00: +260% against the usual \$2,500.00 (2 bills)"
vt vendor bank acmetel --accept "$IBAN2" >/dev/null
lacks "once the user accepts the details, they do" "$(vt bill check)" "AT-6"

# ---- in the subject alone ---------------------------------------------------------
# the body names neither the change nor the new IBAN: the subject does
scenario subject
mail "AcmeTel Billing <billing@acmetel.example>" "Our bank details have changed" "$LATER" "$OWN" \
	"Dear customer,\n\nplease update your records before paying invoice AT-3.\n"
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-4 - pay to IBAN $IBAN2" "$LATER" "$OWN" \
	"Dear customer,\n\nthank you.\n"
# a reply's subject is the user's question
mail "Ann Lee <ann.lee@acmetel.example>" "Re: Have your bank details changed?" "$LATER" \
	"${OWN}In-Reply-To: <m2@test>\n" "No, Rich, they are as they were.\n"
# a subject made to look like a reply, answering nothing
mail "AcmeTel Billing <billing@acmetel.example>" "RE: Updated bank details" "$LATER" "$OWN" \
	"Dear customer,\n\nplease see the letter we sent.\n"
vt index --quiet
check=$(vt check)
contains "a bank change in the subject is flagged" "$check" "Our bank details have changed"
contains "and a new IBAN there" "$check" "GB82WEST12345698765432 is new"
contains "and in a reply's subject that answers no mail" "$check" "RE: Updated bank details"
is "(not a reply to the user's question)" "$(vt count suspicious:bank)" 3

# ---- a bill's total in the HTML form alone --------------------------------------
# the plain text names no amount ("your invoice is ready"), the HTML
# beside it (what most mail clients show) a jump: it went unchecked
scenario html-total
n=$((n + 1))
{
	printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Invoice AT-3\nDate: %s\nMessage-ID: <m%d@test>\n%b' "$LATER" "$n" "$OWN"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="a"\n\n'
	printf -- '--a\nContent-Type: text/plain\n\nDear customer, your invoice AT-3 is ready.\n'
	printf -- '--a\nContent-Type: text/html\n\n<p>Dear customer, your invoice AT-3 is ready.</p>'
	printf '<table><tr><td>Amount due:</td><td>$9,000.00</td></tr></table>\n--a--\n'
} >"$D/mail/cur/$n:2,S"
vt index --quiet
contains "a jump in the HTML form alone is flagged" "$(vt bill check)" \
	"AT-3             \$9,000.00: +260% against the usual \$2,500.00 (2 bills)"

# ---- a forged List-Id -------------------------------------------------------------
# list mail is no vendor's, so a forgery of the vendor's billing that
# wrote a List-Id of its own was neither judged nor read for bank details
scenario list
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" \
	"List-Id: Billing <billing.evil.example>\nAuthentication-Results: mx.northwind.example; spf=fail smtp.mailfrom=acmetel.example; dmarc=fail header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n"
# a real post of someone at a domain with DMARC, the list keeping From
mail "Ann Lee <ann.lee@acmetel.example>" "Re: [dev] build fails" "$LATER" \
	"List-Id: Developers <dev.lists.example>\nAuthentication-Results: mx.northwind.example; dmarc=fail header.from=acmetel.example\n" \
	"It works for me with gcc 12.\n"
vt index --quiet
check=$(vt check)
contains "the forgery is flagged for its authentication" "$check" "SPF and DMARC failed at mx.northwind.example"
contains "and for its new IBAN" "$check" \
	"bank details differ from 2 earlier acmetel.example mails: GB82WEST12345698765432 is new"
lacks "a real list post failing DMARC is not flagged" "$check" "build fails"
# the vendor's domain has no DMARC record: "none" is no failure, and
# the forgery's bank details went unread all the same
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-4" "Tue, 06 Oct 2026 09:00:00 +0000" \
	"List-Id: Billing <billing.evil.example>\nAuthentication-Results: mx.northwind.example; spf=none smtp.mailfrom=acmetel.example; dkim=none; dmarc=none header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-4 for \$2,500.00 to IBAN GB33 BUKB 2020 1555 5555 55.\n"
vt index --quiet
contains "list mail no server authenticated is read for bank details too" "$(vt check)" \
	"GB33BUKB20201555555555 is new"
# nor any verdict at all: it came round the server that writes them
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-5" "Wed, 07 Oct 2026 09:00:00 +0000" \
	"List-Id: Billing <billing.evil.example>\n" \
	"Dear customer,\n\nplease pay invoice AT-5 for \$2,500.00 to IBAN FR14 2004 1010 0505 0001 3M02 606.\n"
# and a real post without one, about no money
mail "Ann Lee <ann.lee@acmetel.example>" "Re: [dev] build fails again" "$LATER" \
	"List-Id: Developers <dev.lists.example>\n" "Now it fails with gcc 13.\n"
vt index --quiet
check=$(vt check)
contains "and list mail no server judged" "$check" "FR1420041010050500013M02606 is new"
lacks "(a real list post without a verdict is not flagged)" "$check" "fails again"
# a pass the forger wrote, under a server of its own
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-6" "Thu, 08 Oct 2026 09:00:00 +0000" \
	"List-Id: Billing <billing.evil.example>\nAuthentication-Results: mail.evil.example; dkim=pass header.d=acmetel.example; spf=pass smtp.mailfrom=acmetel.example; dmarc=pass header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-6 for \$2,500.00 to IBAN NL91 ABNA 0417 1643 00.\n"
vt index --quiet
contains "and list mail only a stranger's server passed" "$(vt check)" "NL91ABNA0417164300 is new"
is "(a store this vtriage made reads nothing again)" \
	"$(sqlite3 "$D/data/vtriage.db" "SELECT value FROM meta WHERE key = 'reread'")" 6
# what a vtriage before read of the forgeries: no bank details, and no
# verdict kept of the one no server authenticated
sqlite3 "$D/data/vtriage.db" "DELETE FROM payment_details WHERE message_id IN ('m5@test', 'm7@test', 'm8@test', 'm10@test');
	DELETE FROM trust_signals WHERE message_id IN ('m5@test', 'm7@test', 'm8@test', 'm10@test');
	UPDATE meta SET value = '2' WHERE key = 'reread'"
lacks "(no bank details)" "$(vt vendor bank acmetel)" GB
vt index --quiet
bank=$(vt vendor bank acmetel)
contains "list mail from a vendor's domain is read again once" "$bank" \
	"GB82WEST12345698765432             iban    unverified"
contains "the one no server authenticated too" "$bank" \
	"GB33BUKB20201555555555             iban    unverified"
contains "and the one no server judged" "$bank" \
	"FR1420041010050500013M02606        iban    unverified"
contains "and the one a stranger's server passed" "$(echo "$bank" | grep NL91ABNA0417164300)" "unverified"

# ---- names written to pass no index of names --------------------------------------
# a Cyrillic letter in a contact's name, a contact's and a vendor's
# name spaced out: each passed for a stranger's
scenario names
mail "$(printf '\320\220')nn Lee <ann.lee.acmetel@gmail.com>" "Invoice AT-3" "$LATER" "" \
	"Hi Rich, please pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n"
mail "A n n  L e e <ann.lee.accounts@gmail.com>" "Invoice AT-4" "$LATER" "" \
	"Hi Rich, please pay invoice AT-4 for \$2,500.00 to IBAN $IBAN2.\n"
mail "A c m e T e l Billing <billing@globalpay.example>" "Invoice AT-5" "$LATER" "" \
	"Dear customer, please pay invoice AT-5 for \$2,500.00 to IBAN $IBAN2.\n"
# names as people write them in their scripts
mail "$(printf '\345\261\261\347\224\260 \345\244\252\351\203\216')" "Hello" "$LATER" "" "Hello.\n"
sed -i 's/^From: \(.*\)$/From: \1 <taro@yahoo.co.jp>/' "$D/mail/cur/$n:2,S"
mail "$(printf '\343\203\244\343\203\236\343\203\200\345\244\252\351\203\216') <yamada@yahoo.co.jp>" "Hello again" "$LATER" "" "Hello.\n"
mail "Ivan $(printf '\320\230\320\262\320\260\320\275\320\276\320\262') <ivan@mail.example>" "Hi" "$LATER" "" "Hi.\n"
vt index --quiet
check=$(vt check)
contains "a Cyrillic letter in a contact's name is flagged" "$check" \
	"the display name mixes Latin and Cyrillic letters in a word"
contains "a contact's name spaced out is" "$check" \
	"gmail.com (freemail) uses the name of Ann Lee, a contact at acmetel.example"
contains "and a vendor's" "$check" "globalpay.example uses the name of acmetel.example"
is "all three, and nothing else" "$(vt count suspicious:name)" 3

# ---- a contact's name, first harmless, then asking to be paid -------------------
# the scam's first mail asks who pays the bills; its second, from the
# same address, a new IBAN: an address that wrote before was someone the
# user had heard from, and a domain of no standing under a contact's name
# only someone who changed jobs
scenario two-step
mail "Ann Lee <ann.lee.acmetel@gmail.com>" "Quick question" "$LATER" "" \
	"Hi Rich, who handles accounts payable these days? Our mail server is down.\n\nAnn\n"
mail "Ann Lee <ann.lee.acmetel@gmail.com>" "Re: Quick question" "Tue, 06 Oct 2026 09:00:00 +0000" "" \
	"Thanks Rich. Please pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n\nAnn\n"
mail "Ann Lee <ann.lee@globalpay-services.example>" "Hello from my new job" "$LATER" "" \
	"Hi Rich, I have moved to GlobalPay.\n\nAnn\n"
mail "Ann Lee <ann.lee@globalpay-services.example>" "Invoice AT-3" "Tue, 06 Oct 2026 09:00:00 +0000" "" \
	"Hi Rich, please pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n\nAnn\n"
vt index --quiet
check=$(vt check)
is "the freemail box's money mail is flagged as its first was" \
	"$(vt count 'from:ann.lee.acmetel@gmail.com and suspicious:name')" 2
contains "and a stranger's domain under the contact's name asking to be paid" "$check" \
	"globalpay-services.example uses the name of Ann Lee, a contact at acmetel.example, and asks to be paid"
is "(not its mail of a new job)" "$(vt count 'from:globalpay-services.example and suspicious:yes')" 1

# ---- a second Reply-To address --------------------------------------------------
scenario replyto
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" \
	"${OWN}Reply-To: billing@acmetel.example, acmetel.billing@gmail.com\n" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN1.\n"
vt index --quiet
is "a free-mail address second in Reply-To is flagged" "$(vt count suspicious:replyto)" 1

# ---- replies to a look-alike that never sent mail --------------------------------
# the scam's first step: the vendor's own mail (a compromised mailbox),
# its Reply-To a look-alike, no money asked yet
scenario replylike
mail "Ann Lee <ann.lee@acmetel.example>" "Quick question" "$LATER" \
	"${OWN}Reply-To: Ann Lee <ann.lee@acrnetel.example>\n" \
	"Hi Rich, who handles accounts payable at Northwind these days?\n"
vt index --quiet
contains "a Reply-To of a look-alike of the sender's domain is flagged" "$(vt check)" \
	"replies go to acrnetel.example, which looks like acmetel.example (rn for m)"

# ---- wording around the change --------------------------------------------------
scenario wording
mail "AcmeTel Billing <billing@acmetel.example>" "Neue Bankverbindung" "$LATER" "$OWN" \
	"Sehr geehrte Damen und Herren,\n\nab dem 1. Mai gilt unsere neue Bankverbindung.\n"
mail "AcmeTel Billing <billing@acmetel.example>" "Important" "Tue, 06 Oct 2026 09:00:00 +0000" "$OWN" \
	"Dear customer,\n\nour bank details have changed, so if you receive a reminder with the old account please ignore it.\n"
vt index --quiet
is "a change from the 1st of May, and one with a negation after it, are flagged" \
	"$(vt count suspicious:bank)" 2

# ---- one server, a header per method ----------------------------------------------
# an SPF milter's pass for the attacker's domain on top, the DMARC
# failure in the next header of the same server: judged as one header
scenario split
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" \
	"Authentication-Results: mx.northwind.example; spf=pass smtp.mailfrom=evil.example\nAuthentication-Results: mx.northwind.example; dkim=none\nAuthentication-Results: mx.northwind.example; dmarc=fail (p=reject) header.from=acmetel.example\nReceived: from evil.example by mx.northwind.example\nAuthentication-Results: mx.northwind.example; dmarc=pass header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN1.\n"
vt index --quiet
is "a DMARC failure in a second header of the user's server is seen" "$(vt count suspicious:auth)" 1
is "and the forgery is not the trusted vendor's mail" "$(vt count vendor:acmetel)" 4
lacks "nor its bill, in the list of all bills" "$(vt bill list)" "AT-3"

# ---- the forger's header above the server's ----------------------------------------
# a server that appends its header at the end (Exim's add_header) leaves
# the forger's own, under the server's name and passing, topmost: it alone
# was believed
scenario appended
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" \
	"Received: from mail.evil.example by mx.northwind.example; Mon, 05 Oct 2026 09:00:01 +0000\nAuthentication-Results: mx.northwind.example; dkim=pass header.d=acmetel.example; spf=pass smtp.mailfrom=acmetel.example; dmarc=pass header.from=acmetel.example\nReceived: from localhost by mail.evil.example; Mon, 05 Oct 2026 09:00:00 +0000\nAuthentication-Results: mx.northwind.example; spf=fail smtp.mailfrom=acmetel.example; dkim=none; dmarc=fail (p=reject) header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN1.\n"
# and below six of them, each a server's of its own: only six headers
# were read, so the server's, the seventh, was never seen
FORGED=""
for i in 1 2 3 4 5 6; do
	FORGED="${FORGED}Received: from relay$i.evil.example by relay$((i + 1)).evil.example; Mon, 05 Oct 2026 08:5$i:00 +0000\nAuthentication-Results: mx.northwind.example; dkim=pass header.d=acmetel.example; spf=pass smtp.mailfrom=acmetel.example; dmarc=pass header.from=acmetel.example\n"
done
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-4" "$LATER" \
	"Received: from mail.evil.example by mx.northwind.example; Mon, 05 Oct 2026 09:00:01 +0000\n${FORGED}Authentication-Results: mx.northwind.example; spf=fail smtp.mailfrom=acmetel.example; dkim=none; dmarc=fail (p=reject) header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-4 for \$2,500.00 to IBAN $IBAN1.\n"
vt index --quiet
check=$(vt check)
contains "the server's failure below a forged pass is seen" "$check" \
	"SPF and DMARC failed at mx.northwind.example"
contains "and below six" "$check" "Invoice AT-4"
is "(both, for their authentication)" "$(vt count suspicious:auth)" 2

# ---- a spoof of a vendor with no DMARC record -------------------------------------
# AcmeTel publishes no DMARC record: the user's server says dmarc=none of
# all its mail, and a forgery passing DKIM and SPF for the forger's own
# domain failed nothing, though all AcmeTel's own mail had passed DKIM
# for acmetel.example
HIST='Authentication-Results: mx.northwind.example; dkim=pass header.d=acmetel.example; spf=pass smtp.mailfrom=acmetel.example; dmarc=none header.from=acmetel.example\n'
NONE='Authentication-Results: mx.northwind.example; spf=none smtp.mailfrom=acmetel.example; dkim=none; dmarc=none header.from=acmetel.example\n'
scenario nodmarc
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-3" "$LATER" \
	"Authentication-Results: mx.northwind.example; dkim=pass header.d=someone-else.example; spf=pass smtp.mailfrom=someone-else.example; dmarc=none header.from=acmetel.example\n" \
	"Dear customer,\n\nplease pay invoice AT-3 for \$2,500.00 to IBAN $IBAN1.\n"
mail "Ann Lee <ann.lee@acmetel.example>" "Lunch" "$LATER" "$NONE" "Hi Rich, lunch on Friday?\n"
# the vendor's newsletter, through a mail service signing as itself, as
# the one before it came
mail "AcmeTel News <news@acmetel.example>" "AcmeTel news, August" "Mon, 10 Aug 2026 09:00:00 +0000" \
	"Authentication-Results: mx.northwind.example; dkim=pass header.d=mcsv.net; spf=pass smtp.mailfrom=bounce.mcsv.net; dmarc=none header.from=acmetel.example\nList-Unsubscribe: <https://acmetel.example/unsub>\n" \
	"New plans this month.\n"
mail "AcmeTel News <news@acmetel.example>" "AcmeTel news, October" "$LATER" \
	"Authentication-Results: mx.northwind.example; dkim=pass header.d=mcsv.net; spf=pass smtp.mailfrom=bounce.mcsv.net; dmarc=none header.from=acmetel.example\nList-Unsubscribe: <https://acmetel.example/unsub>\n" \
	"New plans this month.\n"
# a vendor that never authenticated its mail, and its mail as ever
mail "Globex Billing <billing@globex.example>" "Invoice G-1" "Mon, 03 Aug 2026 09:00:00 +0000" \
	"Authentication-Results: mx.northwind.example; spf=none smtp.mailfrom=globex.example; dkim=none; dmarc=none header.from=globex.example\n" \
	"Dear customer,\n\nplease pay invoice G-1 for \$100.00 to IBAN $IBAN2.\n"
mail "Globex Billing <billing@globex.example>" "Invoice G-2" "$LATER" \
	"Authentication-Results: mx.northwind.example; dkim=pass header.d=globex-mailer.example; spf=pass smtp.mailfrom=globex-mailer.example; dmarc=none header.from=globex.example\n" \
	"Dear customer,\n\nplease pay invoice G-2 for \$100.00 to IBAN $IBAN2.\n"
# a forgery dated back before the vendor's first signed mail, the
# user's server saying when it came
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-0" "Mon, 06 Jan 2020 09:00:00 +0000" \
	"Received: from evil.example by mx.northwind.example; Mon, 05 Oct 2026 09:00:01 +0000\n$NONE" \
	"Dear customer,\n\nplease pay invoice AT-0 for \$2,500.00 to IBAN $IBAN1.\n"
# a pass forged under the server's name, right above the "none" a server
# that appends its header writes, and below the one a server that
# prepends it writes: the server's own word stands
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-5" "$LATER" \
	"Received: from mail.evil.example by mx.northwind.example; Mon, 05 Oct 2026 09:00:01 +0000\n$OWN$NONE" \
	"Dear customer,\n\nplease pay invoice AT-5 for \$2,500.00 to IBAN $IBAN1.\n"
mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-6" "$LATER" \
	"${NONE}Received: from mail.evil.example by mx.northwind.example; Mon, 05 Oct 2026 09:00:01 +0000\n$OWN" \
	"Dear customer,\n\nplease pay invoice AT-6 for \$2,500.00 to IBAN $IBAN1.\n"
vt index --quiet
check=$(vt check)
contains "a pass forged above the server's none is no pass" "$check" "Invoice AT-5"
contains "nor one below it" "$check" "Invoice AT-6"
contains "a forgery passing for another domain is flagged" "$check" \
	"DKIM passed for someone-else.example, not acmetel.example at mx.northwind.example, where acmetel.example's mail passed since 2026-08-03"
contains "and one passing for nothing" "$check" "no DKIM, SPF or DMARC verdict at mx.northwind.example"
contains "and one dated back" "$check" "Invoice AT-0"
is "those five, not the newsletters nor a vendor that never authenticated" "$(vt count suspicious:auth)" 5
lacks "the forged bill is not in the list of all bills" "$(vt bill list)" "AT-3"
contains "(the newsletter before the forgeries was judged, and passed)" \
	"$(sqlite3 "$D/data/vtriage.db" "SELECT passed_for FROM auth_results WHERE message_id = 'm7@test'")" mcsv.net
vt index --full-scan --quiet
is "all the mail judged again, the same" "$(vt count suspicious:auth)" 5
# a store a vtriage before made: no passes kept
sqlite3 "$D/data/vtriage.db" "DELETE FROM auth_results; DELETE FROM suspicions; UPDATE meta SET value = '4' WHERE key = 'reread'"
vt index --quiet
is "a vendor's newest mail is read again once, and judged by" "$(vt count suspicious:auth)" 5
HIST=$OWN

# ---- mail forged in the user's own name ------------------------------------------
# "the CEO" asking for a payment, and "the user" writing to an impostor
# to lend it a correspondent's standing: mail of the user's own domain
# was taken for the user's, whatever the user's server said of it
scenario own
mail "Jane Boss <jane.boss@northwind.example>" "Urgent: pay AcmeTel today" "$LATER" \
	"Authentication-Results: mx.northwind.example; spf=fail smtp.mailfrom=northwind.example; dmarc=fail header.from=northwind.example\n" \
	"Rich,\n\nplease pay AcmeTel today, their bank details have changed: IBAN $IBAN2.\n"
n=$((n + 1))
printf 'From: Rich Miller <rich@northwind.example>\nTo: Accounts <ar@globalpay-services.example>\nSubject: Re: payment\nDate: Sun, 04 Oct 2026 09:00:00 +0000\nMessage-ID: <m%d@test>\nAuthentication-Results: mx.northwind.example; spf=fail smtp.mailfrom=northwind.example; dmarc=fail header.from=northwind.example\n\nOK, noted.\n' \
	"$n" >"$D/mail/cur/$n:2,S"
mail "Accounts Receivable <ar@globalpay-services.example>" "Invoice AT-3 (AcmeTel)" \
	"Tue, 06 Oct 2026 09:00:00 +0000" "" \
	"Dear customer,\n\nwe collect for AcmeTel. Please pay invoice AT-3 for \$2,500.00 to IBAN $IBAN2.\n"
vt index --quiet
check=$(vt check)
contains "a forged From of the user's own domain is flagged" "$check" "Urgent: pay AcmeTel today"
is "both forgeries, for their authentication" "$(vt count suspicious:auth)" 2
contains "and the impostor the forgery wrote to has no standing from it" "$check" \
	"the first mail from globalpay-services.example asks to be paid"
vt index --full-scan --quiet
is "all the mail judged again, the forgeries stay flagged" "$(vt count suspicious:auth)" 2

# ---- the user's own domain with no DMARC record --------------------------------
# "the CEO" asking for a payment from a server passing DKIM and SPF for
# its own domain: northwind.example publishes no DMARC record, so
# nothing failed, though the colleagues' mail had always passed
scenario own-nodmarc
NW='Authentication-Results: mx.northwind.example; dkim=pass header.d=northwind.example; spf=pass smtp.mailfrom=northwind.example; dmarc=none header.from=northwind.example\n'
mail "Jane Boss <jane.boss@northwind.example>" "Team lunch" "Mon, 03 Aug 2026 12:00:00 +0000" "$NW" "Friday?\n"
mail "Jane Boss <jane.boss@northwind.example>" "Urgent: pay AcmeTel today" "$LATER" \
	"Authentication-Results: mx.northwind.example; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=evil.example; dmarc=none header.from=northwind.example\n" \
	"Rich,\n\nplease wire \$9,800.00 to AcmeTel today, IBAN $IBAN2.\n"
# the staff newsletter, through a mail service signing as itself
mail "HR <hr@northwind.example>" "Staff news" "$LATER" \
	"Authentication-Results: mx.northwind.example; dkim=pass header.d=mcsv.net; spf=pass smtp.mailfrom=bounce.mcsv.net; dmarc=none header.from=northwind.example\nList-Unsubscribe: <https://northwind.example/unsub>\n" \
	"News.\n"
vt index --quiet
contains "a forgery in the user's own domain that passes nothing of it is flagged" "$(vt check)" \
	"DKIM passed for evil.example, not northwind.example at mx.northwind.example, where northwind.example's mail passed since 2026-08-03"
is "(it alone: not the user's own mail, nor the newsletter)" "$(vt count suspicious:auth)" 1

# ---- a stranger under a contact's name, judged again once trusted ----------------
# a freemail "Dana Reyes" asking to be paid, indexed while AcmeTel was
# in the generic bucket and never written to: promoting AcmeTel makes
# Dana's name one the user knows, at the next run (it waited for a
# --full-scan)
D=$TMP/later-trust
n=0
mkdir -p "$D/mail/cur" "$D/mail/new" "$D/mail/tmp"
sed -n '/^\[store\]/,$p' "$TMP/own/conf" | sed "s#$TMP/own#$D#g" >"$D/conf"
mail "Dana Reyes <dana@acmetel.example>" "Your account" "Wed, 01 Jul 2026 09:00:00 +0000" "$OWN" \
	"Hi Rich\n\n-- \nDana Reyes\nAccount Executive, AcmeTel\n"
mail "Dana Reyes <dana.reyes.acmetel@gmail.com>" "Urgent: invoice INV-77" "Thu, 02 Jul 2026 09:00:00 +0000" "" \
	"Hi Rich,\n\nplease pay invoice INV-77 (\$9,800.00) to IBAN $IBAN2.\n\nDana Reyes\n"
vt index --quiet
is "(a generic vendor's contact: her name is nobody's yet)" "$(vt count suspicious:name)" 0
vt vendor promote acmetel >/dev/null
vt index --quiet
is "the vendor trusted, the next run judges the stranger under her name" "$(vt count suspicious:name)" 1
vt vendor demote acmetel >/dev/null
vt index --quiet
is "and demoted, no longer" "$(vt count suspicious:name)" 0

# ---- a new IBAN in the attached PDF only ----------------------------------------
# "please find the invoice attached": where to pay is in the PDF, its
# text layer or its invoice XML, and was never compared
PDFGEN=$top_builddir/tests/pdfgen
if [ -x "$PDFGEN" ] && command -v pdftotext >/dev/null; then
	# with_pdf SUBJECT PDF [TEXT]: the vendor's mail with the PDF attached
	with_pdf() {
		n=$((n + 1))
		{
			printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\n'
			printf 'Subject: %s\nDate: %s\nMessage-ID: <m%d@test>\n%b' "$1" "$LATER" "$n" "$OWN"
			printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
			printf 'Content-Type: text/plain; charset=utf-8\n\n%s\n\n--b\n' \
				"${3:-Dear customer, please find the invoice attached.}"
			printf 'Content-Type: application/pdf; name="invoice.pdf"\nContent-Disposition: attachment; filename="invoice.pdf"\n'
			printf 'Content-Transfer-Encoding: base64\n\n'
			base64 "$2"
			printf '\n--b--\n'
		} >"$D/mail/cur/$n:2,S"
	}
	scenario pdf
	printf '%s\n' "50 780 AcmeTel Ltd" "50 750 Invoice number: AT-3" "50 700 Amount due    \$2,500.00" \
		"50 560 Please pay by bank transfer to:" "50 545 IBAN: $IBAN2" | "$PDFGEN" "$TMP/text.pdf"
	with_pdf "Invoice AT-3" "$TMP/text.pdf"
	vt index --quiet
	contains "a new IBAN in the PDF's text is flagged" "$(vt check)" \
		"bank details differ from 2 earlier acmetel.example mails"
	cat >"$TMP/fx.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
 <rsm:ExchangedDocument><ram:ID>AT-4</ram:ID></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>
  <ram:InvoiceCurrencyCode>USD</ram:InvoiceCurrencyCode>
  <ram:SpecifiedTradeSettlementPaymentMeans><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>GB33BUKB20201555555555</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
  <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>2500.00</ram:GrandTotalAmount><ram:DuePayableAmount>2500.00</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
 </ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
XML
	printf '%s\n' "50 780 AcmeTel Ltd" "50 750 Invoice AT-4, see the attached data" |
		"$PDFGEN" --xml "$TMP/fx.xml" "$TMP/xml.pdf"
	with_pdf "Invoice AT-4" "$TMP/xml.pdf"
	vt index --quiet
	is "and one in its invoice XML" "$(vt count suspicious:bank)" 2
	# no bill: a letter, its IBAN in the PDF alone, whose PDF was not read
	scenario letter
	printf '%s\n' "50 780 AcmeTel Ltd" "50 750 Notice to our customers" \
		"50 560 Beneficiary: AcmeTel Ltd" "50 545 IBAN: $IBAN2" | "$PDFGEN" "$TMP/letter.pdf"
	with_pdf "Notice" "$TMP/letter.pdf" "Dear customer, please see the attached letter."
	sed -i 's/invoice\.pdf/letter.pdf/g' "$D/mail/cur/$n:2,S"
	vt index --quiet
	contains "a new IBAN in the PDF of a mail that is no bill is flagged" "$(vt check)" \
		"GB82WEST12345698765432 is new"
	lacks "(and it is no bill)" "$(vt bill list)" "Notice"
	# two such letters in a run with time for one PDF: one times out, the
	# other is left for the next run; a letter has no document to say
	# so, and neither was ever read again
	scenario letters-left
	printf '[pdf]\ntimeout = 1\nrun_seconds = 1\n' >>"$D/conf"
	for i in 1 2; do
		printf '%s\n' "50 780 AcmeTel Ltd" "50 750 Notice $i to our customers" \
			"50 560 Beneficiary: AcmeTel Ltd" "50 545 IBAN: $IBAN2" | "$PDFGEN" "$TMP/letter$i.pdf"
		with_pdf "Notice $i" "$TMP/letter$i.pdf" "Dear customer, please see the attached letter."
		sed -i 's/invoice\.pdf/letter.pdf/g' "$D/mail/cur/$n:2,S"
	done
	printf '#!/bin/sh\nexec >&-\nexec sleep 60\n' >"$D/sleepy"
	chmod +x "$D/sleepy"
	VTRIAGE_PDF_HELPER=$D/sleepy "$VTRIAGE" --config "$D/conf" index --quiet 2>/dev/null
	is "(neither read)" "$(vt count suspicious:bank)" 0
	vt index --quiet
	is "the next run reads the letter left to it" "$(vt count suspicious:bank)" 1
	sed -i 's/^timeout = 1$/timeout = 5/' "$D/conf"
	vt index --quiet
	is "and a raised [pdf] timeout the one that timed out" "$(vt count suspicious:bank)" 2
else
	echo "# tests/pdfgen or pdftotext missing: the PDF cases skipped"
fi

# ---- two look-alikes met in one run, seconds apart ----------------------------
# In a first index the copy is the one whose mail is dated later, however
# long the run took between the two: each vendor's age was the second it
# was made, so a slow PDF between them made the original the copy (and
# two indexes of one mailbox judged the pair both ways)
D=$TMP/onerun
mkdir -p "$D/mail/cur" "$D/mail/new" "$D/mail/tmp"
printf '[store]\nmaildir = %s/mail\ndata = %s/data\n[identity]\nname = Rich Miller\naddresses = rich@northwind.example\n[pdf]\ntimeout = 2\n' \
	"$D" "$D" >"$D/conf"
# one FILE FROM DATE SUBJECT
one() {
	printf 'From: %s\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n\nHello.\n' \
		"$2" "$4" "$3" "$1" >"$D/mail/cur/$1:2,S"
}
one a1 "Billing <billing@acrnetel.example>" "Mon, 02 Nov 2026 09:00:00 +0000" "Invoice AT-7"
one a2 "Billing <billing@acrnetel.example>" "Tue, 03 Nov 2026 09:00:00 +0000" "Invoice AT-8"
# a batch of the index's own between them (the store records a batch
# after the index takes it)
for i in $(seq 700); do
	printf 'From: News <news@filler.example>\nTo: rich@northwind.example\nSubject: Issue %d\nDate: Mon, 02 Nov 2026 09:30:00 +0000\nMessage-ID: <f%d@test>\n\nNews.\n' \
		"$i" "$i" >"$D/mail/cur/a3-$i:2,S"
done
printf 'From: Slow Co <billing@slow.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice S-1\nDate: Mon, 02 Nov 2026 10:00:00 +0000\nMessage-ID: <b1@test>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nAttached.\n--b\nContent-Type: application/pdf; name="s.pdf"\nContent-Disposition: attachment; filename="s.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n' \
	>"$D/mail/cur/b1:2,S"
one c1 "AcmeTel <billing@acmetel.example>" "Mon, 06 Jan 2020 09:00:00 +0000" "Invoice AT-1"
one c2 "AcmeTel <billing@acmetel.example>" "Mon, 03 Feb 2020 09:00:00 +0000" "Invoice AT-2"
# a PDF reader that takes its whole time limit
printf '#!/bin/sh\nexec >&-\nexec sleep 60\n' >"$D/sleepy"
chmod +x "$D/sleepy"
VTRIAGE_PDF_HELPER=$D/sleepy "$VTRIAGE" --config "$D/conf" index --quiet 2>/dev/null
check=$("$VTRIAGE" --config "$D/conf" check)
contains "met in one run: the one whose mail is dated later is the copy" "$check" \
	"acrnetel.example looks like acmetel.example"
lacks "not the original, met seconds later" "$check" "acmetel.example looks like acrnetel.example"

done_testing
