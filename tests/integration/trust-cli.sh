#!/bin/sh
# Trust through the command line, on a Maildir with a vendor the user
# trusts and corresponds with (Acme Networks), its look-alikes (0 for o,
# a Cyrillic а, a zero-width joiner, another TLD, the domain inside
# another, rn for m), a forgery that fails authentication at the user's
# server, and an encoded display name; then the demo mailbox's fraud.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
n=0
# mail FROM SUBJECT DATE [HEADERS] [BODY]
mail() {
	n=$((n + 1))
	printf 'From: %s\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\nMessage-ID: <m%d@test>\n%b\n%b\n' \
		"$1" "$2" "$3" "$n" "${4:-}" "${5:-Hello.}" >"$M/cur/$n:2,S"
}
sent() {
	n=$((n + 1))
	printf 'From: Rich Miller <rich@northwind.example>\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <m%d@test>\n\nThanks.\n' \
		"$1" "$2" "$3" "$n" >"$M/cur/$n:2,S"
}
OWN='Authentication-Results: mx.northwind.example; dkim=pass header.d=acme-networks.example; dmarc=pass header.from=acme-networks.example\n'
mail "Ann Lee <ann.lee@acme-networks.example>" "Quote" "Mon, 03 Aug 2026 09:00:00 +0000" "$OWN" \
	"Hi Rich,\n\nthe quote.\n\n-- \nAnn Lee\nAccount Manager\n"
sent "Ann Lee <ann.lee@acme-networks.example>" "Re: Quote" "Tue, 04 Aug 2026 09:00:00 +0000"
mail "Acme Billing <billing@billing.acme-networks.example>" "Invoice 8" "Wed, 05 Aug 2026 09:00:00 +0000" "$OWN"
mail "ACME BILLING <BILLING@ACME-NETWORKS.EXAMPLE>" "Invoice 9" "Fri, 04 Sep 2026 09:00:00 +0000" "$OWN"
# the look-alikes, all later
mail "Acme Billing <billing@acme-netw0rks.example>" "Invoice 10" "Fri, 02 Oct 2026 09:00:00 +0000"
mail "Acme Billing <billing@$(printf '\320\260')cme-networks.example>" "Invoice 10b" "Fri, 02 Oct 2026 10:00:00 +0000"
mail "Acme Billing <billing@acme$(printf '\342\200\215')networks.example>" "Invoice 10c" "Fri, 02 Oct 2026 11:00:00 +0000"
mail "Acme Billing <billing@acme-networks.co>" "Invoice 10d" "Fri, 02 Oct 2026 12:00:00 +0000"
mail "Acme Billing <billing@acme-networks.example.billing-portal.net>" "Invoice 10e" "Fri, 02 Oct 2026 13:00:00 +0000"
mail "Ann Lee <ann.lee@acrne-networks.example>" "New details" "Fri, 02 Oct 2026 14:00:00 +0000"
# a forgery of the real domain, and an encoded display name
mail "Acme Billing <billing@acme-networks.example>" "Invoice 11" "Mon, 02 Nov 2026 09:00:00 +0000" \
	'Authentication-Results: mx.northwind.example; dkim=fail header.d=acme-networks.example; spf=fail smtp.mailfrom=acme-networks.example; dmarc=fail header.from=acme-networks.example\nAuthentication-Results: mx.evil.example; dmarc=pass header.from=acme-networks.example\n' \
	"Please pay the amount due: \$7,800.00\n"
mail "=?utf-8?q?Acme_Billing_=3Cbilling=40acme-networks=2Eexample=3E=2C?= <attacker@evil.example>" \
	"Invoice 12" "Tue, 03 Nov 2026 09:00:00 +0000"

cat >"$TMP/conf" <<CONF
[store]
maildir = $M
data = $TMP/data
[identity]
name = Rich Miller
addresses = rich@northwind.example
[trust]
authserv_id = mx.northwind.example
CONF
vt() { "$VTRIAGE" --config "$TMP/conf" "$@"; }
indexed=$(vt index --format=json)
# the encoded display name shows in the message itself: written onto it
# as it was indexed; the forgery is known once the user's server is
contains "the mailbox indexes, one verdict written after the judging" "$indexed" \
	'"verdicts_written":1}'
ok "the vendor is promoted" vt vendor promote acme-networks

check=$(vt check)
for lookalike in "acme-netw0rks.example looks like acme-networks.example (0 for o)" \
	"looks like acme-networks.example (Cyrillic" \
	"acme<U+200D>networks.example looks like acme-networks.example" \
	"acme-networks.co looks like acme-networks.example (.co for .example)" \
	"billing-portal.net looks like acme-networks.example" \
	"acrne-networks.example looks like acme-networks.example (rn for m)"; do
	contains "check names: $lookalike" "$check" "$lookalike"
done
contains "the Cyrillic one is shown in punycode" "$check" "sender domain xn--"
contains "the forgery failed authentication at the user's server" "$check" \
	"DKIM, SPF and DMARC failed at mx.northwind.example"
contains "the encoded display name is a name, not a sender" "$check" \
	"the display name shows billing@acme-networks.example; the mail is from evil.example"
lacks "a subdomain is no look-alike" "$check" "billing.acme-networks.example looks"
lacks "upper case is no look-alike" "$check" "ACME"
is "six look-alike domains" "$(vt count suspicious:lookalike)" 6
is "one forgery" "$(vt count suspicious:auth)" 1
is "suspicious:yes is all of them" "$(vt count suspicious:yes)" 8
# the verdicts are on the messages: a term a reason, not the messages
# one by one (which Xapian takes quadratic time over)
nq=$(vt search --notmuch-query suspicious:yes)
contains "suspicious: asks the reasons on the messages" "$nq" 'property:"vtriage.suspect=auth"'
lacks "not the messages one by one" "$nq" "id:"
sqlite3 "$TMP/data/vtriage.db" "UPDATE meta SET value = 'judged' WHERE key = 'suspect_marks'"
contains "(until they are written: by message)" "$(vt search --notmuch-query suspicious:yes)" "id:"
is "both find the same mail" "$(vt count suspicious:yes) $(vt count suspicious:auth) $(vt count suspicious:name)" \
	"8 1 $(sqlite3 "$TMP/data/vtriage.db" "UPDATE meta SET value = 'current' WHERE key = 'suspect_marks'"; vt count suspicious:name)"
threads_of() { python3 -c 'import json, sys; print(sorted(t["thread"] for t in json.load(sys.stdin) if "suspicious" not in sys.argv[1:] or t["suspicious"]))' "$@"; }
is "a list's JSON marks the threads suspicious:yes finds" \
	"$(vt search --format=json '*' | threads_of suspicious)" "$(vt search --format=json suspicious:yes | threads_of)"
lacks "(and those are some)" "$(vt search --format=json suspicious:yes | threads_of)" "[]"
# a run killed while judging: what it had indexed was never judged, and
# nothing new comes to the next run; it judges all the mail again. (The
# shell passes the store's tripwire only by lifting it: it has not the
# triggers that keep the contacts' counts, which it marks to be counted
# again.)
sqlite3 "$TMP/data/vtriage.db" "DROP TRIGGER suspicions_DELETE_needs_counts;
	DELETE FROM suspicions; UPDATE address_counts SET n = NULL;
	CREATE TRIGGER suspicions_DELETE_needs_counts BEFORE DELETE ON suspicions
	 BEGIN SELECT vt_counts_kept(); END;
	UPDATE meta SET value = '1' WHERE key = 'index_dirty'"
is "(the killed run's verdicts are gone)" "$(vt count suspicious:auth) $(vt count suspicious:yes)" "0 6"
ok "the next run" vt index --quiet
is "judges the mail the killed run left" "$(vt count suspicious:auth) $(vt count suspicious:yes)" "1 8"
contains "and its verdicts are on the messages again" "$(vt search --notmuch-query suspicious:auth)" \
	'property:"vtriage.suspect=auth"'
is "the trusted folder holds only the real mail" "$(vt count bucket:trusted)" 4
is "and so does the vendor's" "$(vt count vendor:acme-networks)" 4
json=$(vt check acme-networks --format=json)
contains "JSON names the reason" "$json" '"reason": "lookalike"'
contains "and whom it imitates" "$json" '"imitates": "acme-networks"'
is "check of one vendor lists its imitators, its forgery and the name borrower" \
	"$(printf '%s' "$json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 8
is "check exits 0 whatever it finds" "$(status vt check)" 0
is "a bad suspicious: value is a usage error" "$(status vt count suspicious:maybe)" 2

list=$(vt vendor list)
contains "vendor list shows the Cyrillic domain in punycode" "$list" "(xn--"
contains "and the invisible character" "$list" "acme<U+200D>networks.example"
contains "vendor show warns" "$(vt vendor show acme-netw0rks)" \
	"warning:  sender domain acme-netw0rks.example looks like acme-networks.example"

# no silent merge, domain or promotion
out=$(vt vendor merge acme-netw0rks acme-networks 2>&1)
is "merging a look-alike is refused" "$(status vt vendor merge acme-netw0rks acme-networks)" 2
contains "saying why" "$out" "looks like acme-networks.example (0 for o)"
contains "and how to insist" "$out" "--force"
is "adding its domain is refused" "$(status vt vendor add-domain acme-networks acme-networks.co)" 2
is "promoting it is refused" "$(status vt vendor promote acme-netw0rks)" 2
is "still six" "$(vt count suspicious:lookalike)" 6
ok "--force merges" vt vendor merge acme-netw0rks acme-networks --force
is "the merged domain is no look-alike of its own vendor" "$(vt count suspicious:lookalike)" 5
contains "the history says it was forced" "$(vt history acme-networks)" "forced"
ok "undo" vt undo
is "and it is one again" "$(vt count suspicious:lookalike)" 6
ok "a punycode domain is taken as shown" vt vendor add-domain acme-networks \
	"$(vt vendor list | sed -n 's/.*(\(xn--[^,)]*\)).*/\1/p' | head -1)" --force

# contacts: Ann Lee at the look-alike is not Ann Lee moved
contact=$(vt contact show ann.lee@acme-networks.example)
lacks "Ann is not moved" "$contact" "acrne"
contains "the history of the vendor shows the attempt" "$(vt history acme-networks)" "suspicious"

# the demo mailbox: the bank-details fraud from acmetel-billing.example
copy_maildir "$FIXTURES/demo/Maildir" "$TMP/demo"
write_config "$TMP/demo.conf" "$TMP/demo" "$TMP/demo-data"
demo() { "$VTRIAGE" --config "$TMP/demo.conf" "$@"; }
demo index --quiet
check=$(demo check)
contains "the demo fraud is a look-alike of AcmeTel" "$check" \
	"sender domain acmetel-billing.example looks like acmetel.example (-billing added)"
contains "that says its bank details changed" "$check" "says the bank details have changed"
contains "in its first mail, asking to be paid" "$check" \
	"the first mail from acmetel-billing.example asks to be paid"
is "merging it into AcmeTel is refused" "$(status demo vendor merge acmetel-billing acmetel)" 2
lacks "AcmeTel's honest bills are not suspicious" "$check" "Invoice AT-2026-09"
done_testing
