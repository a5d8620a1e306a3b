#!/bin/sh
# Ordinary mail raises no alarm and is read as what it is: the checks
# added against fraud and for bills, each run on the honest mail that
# looks most like what they catch (found by a review of them, a helper
# session). Each case a mailbox of its own.
. "$(dirname "$0")/../lib.sh"

IBAN1='DE89 3704 0044 0532 0130 00'

# box NAME: a new mailbox; D is its directory
box() {
	D=$TMP/$1
	n=0
	mkdir -p "$D/mail/cur" "$D/mail/new" "$D/mail/tmp"
	write_config "$D/conf" "$D/mail" "$D/data"
}
# mail FROM SUBJECT DATE BODY
mail() {
	n=$((n + 1))
	printf 'From: %s\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\nMessage-ID: <m%d@test>\n\n%b\n' \
		"$1" "$2" "$3" "$n" "$4" >"$D/mail/cur/$n:2,S"
}
vt() { "$VTRIAGE" --config "$D/conf" "$@"; }

# ---- a new vendor's invoices --------------------------------------------------------
# its first asks to be paid (a domain without history: flagged), and the
# next ones pay the same IBAN: the first mail's flag says the domain is
# new, not that its IBAN is wrong
box new-vendor
for i in 1 2 3; do
	mail "AcmeTel Billing <billing@acmetel.example>" "Invoice AT-$i" "Wed, 0$i Sep 2026 09:00:00 +0000" \
		"Dear customer,\n\nplease find invoice AT-$i for \$2,500.00.\nPlease pay by bank transfer to IBAN $IBAN1.\n"
done
vt index --quiet
is "only the first of a new vendor's invoices is flagged" "$(vt count suspicious:bank)" 1
contains "its IBAN is the vendor's known one" "$(vt vendor bank acmetel)" \
	"DE89370400440532013000             iban    known"

# ---- names in two scripts -------------------------------------------------------------
# Japanese company names with Latin letters, names written twice
box names
mail "NTT$(printf '\343\203\211\343\202\263\343\203\242') <info@docomo.example>" "Hello" "Mon, 05 Oct 2026 09:00:00 +0000" "Hello.\n"
mail "$(printf '\346\240\252\345\274\217\344\274\232\347\244\276')ABC <info@abc.example.jp>" "Hello" "Mon, 05 Oct 2026 09:00:00 +0000" "Hello.\n"
mail "$(printf '\345\274\240\344\274\237')/Zhang Wei <zhang@wei.example>" "Hello" "Mon, 05 Oct 2026 09:00:00 +0000" "Hello.\n"
mail "$(printf '\320\220\320\275\320\275\320\260') $(printf '\320\241\320\274\320\270\321\200\320\275\320\276\320\262\320\260')/Anna Smirnova <anna@smirnova.example>" "Hello" "Mon, 05 Oct 2026 09:00:00 +0000" "Hello.\n"
vt index --quiet
is "names written in two scripts as people write them raise nothing" "$(vt count suspicious:name)" 0

done_testing
