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
	mail "Ann Lee <ann.lee@acmetel.example>" "Quote Q-1" "Mon, 03 Aug 2026 09:00:00 +0000" "$OWN" \
		"Hi Rich,\n\nthe quote is attached.\n\n-- \nAnn Lee\nAccount Manager\nAcmeTel\n"
	n=$((n + 1))
	printf 'From: Rich Miller <rich@northwind.example>\nTo: Ann Lee <ann.lee@acmetel.example>\nSubject: Re: Quote Q-1\nDate: Tue, 04 Aug 2026 09:00:00 +0000\nMessage-ID: <m%d@test>\n\nThanks.\n' \
		"$n" >"$D/mail/cur/$n:2,S"
	for i in 1 2; do
		mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-$i" \
			"Wed, 0$((4 + i)) Aug 2026 09:00:00 +0000" "$OWN" \
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

done_testing
