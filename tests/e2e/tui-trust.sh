#!/bin/sh
# The interface on the demo mailbox, whose "Updated bank det" mail
# comes from acmetel-billing.example, a look-alike of the AcmeTel the user
# corresponds with: marked S in the list, its reasons at the top of the
# pager, a Suspicious folder, an event in the real vendor's history, the
# mark explained in ? help, and a promotion only when the user types yes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
$VTRIAGE --config "$TMP/conf" index --quiet
# the user trusts AcmeTel: it has a folder of its own
$VTRIAGE --config "$TMP/conf" vendor promote acmetel >/dev/null

tmux_session 160 45 "env TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "the first screen paints" wait_for "Inbox"
row=$(screen | grep -F "Updated bank det" | head -1)
contains "the fraud is in the inbox (its vendor cut to the column)" "$row" "acmetel-b"
# the marks: the four columns after the row's date (YY-MM-DD at this width)
marks_of() {
	python3 -c '
import re, sys
m = re.search(r"\d\d-\d\d-\d\d (....)", sys.stdin.read())
print(m.group(1) if m else "?")'
}
# the row may be painted before its marks under a slow build (ASan):
# give them the time wait_for gives text
i=0
while :; do
	row=$(screen | grep -F "Updated bank det" | head -1)
	marks=$(printf '%s\n' "$row" | marks_of)
	case $marks in *S*) break ;; esac
	[ $i -ge 50 ] && break
	sleep 0.1
	i=$((i + 1))
done
contains "and marked S" "$marks" "S"
lacks "an honest bill is not marked" \
	"$(screen | grep -F "Invoice AT-2026-09" | marks_of)" "S"
contains "a Suspicious folder" "$(screen | cut -c1-26)" "Suspicious"

# the trusted vendor's folder holds its own mail, not the look-alike's
keys / 'vendor:acmetel' Enter
ok "AcmeTel's folder" wait_for "Dispute: invoice"
lacks "has no look-alike mail" "$(screen)" "Updated bank det"
contains "its history shows the attempt" "$(screen)" "[suspicious]"

# the folder lists it; the pager says why, first
keys / 'suspicious:yes' Enter
ok "the search finds the suspicious mail" wait_for "Updated bank det"
keys Enter
ok "it opens" wait_for "> thread"
top=$(screen | sed -n 2,4p)
contains "the first line names the look-alike" "$top" \
	"! sender domain acmetel-billing.example looks like acmetel.example"
contains "and the bank change" "$(screen)" "! says the bank details have changed"
lacks "a generic greeting is no wrong name" "$(screen)" "greets you as"
keys q

# the help explains the mark
keys '?'
ok "help opens" wait_for "Keys of the main screen"
contains "S is explained" "$(screen)" "S suspicious"
keys q

# accepting changed bank details offers the vendor's unverified ones
# and asks for a yes
keys / 'from:acmetel-billing.example' Enter
ok "the look-alike's thread" wait_for "Updated bank det"
keys : bank-accept Enter
ok "the prompt offers the unverified IBAN" \
	wait_for "Accept as acmetel-billing's bank details: GB82WEST12345698765432"
keys Enter
ok "and asks whether it was verified" wait_for "at a number you had before? (type yes)"
keys n o Enter
ok "no is no" wait_for "not accepted"
contains "(still unverified)" "$($VTRIAGE --config "$TMP/conf" vendor bank acmetel-billing)" unverified
keys : bank-accept Enter Enter
ok "asked again" wait_for "(type yes)"
keys y e s Enter
ok "yes accepts" wait_for "accepted iban GB82WEST12345698765432 as"
contains "the store says so" "$($VTRIAGE --config "$TMP/conf" vendor bank acmetel-billing)" accepted
lacks "the wording of a change whose details are accepted is not flagged" \
	"$($VTRIAGE --config "$TMP/conf" check acmetel-billing)" "says the bank details have changed"
keys , u
ok ",u undoes it" wait_for "undone: accepted iban"
contains "flagged again" "$($VTRIAGE --config "$TMP/conf" check acmetel-billing)" \
	"says the bank details have changed"

# promoting the look-alike asks first
keys , t
ok "promotion asks" wait_for "Promote anyway? (type yes)"
keys n o Enter
ok "no is no" wait_for "not promoted"
is "the vendor stays generic" \
	"$($VTRIAGE --config "$TMP/conf" vendor show acmetel-billing | sed -n 's/^bucket: *//p')" generic
keys , t
ok "asked again" wait_for "Promote anyway? (type yes)"
keys y e s Enter
ok "yes promotes, saying it was forced" wait_for "forced"
is "the vendor is trusted now" \
	"$($VTRIAGE --config "$TMP/conf" vendor show acmetel-billing | sed -n 's/^bucket: *//p')" trusted

# new bank details of the vendor's own: the warning says where to accept
# them (the look-alike back in the generic bucket: trusted, its name
# made "AcmeTel Billing" someone else's, and an impostor's mail gets no
# such hint)
$VTRIAGE --config "$TMP/conf" vendor demote acmetel-billing >/dev/null
for i in 1 2; do
	iban="DE89 3704 0044 0532 0130 00"
	[ $i = 2 ] && iban="GB82 WEST 1234 5698 7654 32"
	printf 'From: AcmeTel Billing <billing@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice AT-2026-1%d\nDate: %s Nov 2026 09:00:00 +0000\nMessage-ID: <bank%d@acmetel.example>\n\nPlease pay invoice AT-2026-1%d for $2,490.00 to IBAN %s.\n' \
		"$i" "2$i" "$i" "$i" "$iban" >"$TMP/mail/INBOX/cur/bank$i:2,S"
done
keys , y
ok "the interface indexes them" wait_for "indexed:"
keys / 'id:bank2@acmetel.example' Enter
ok "the new IBAN's bill" wait_for "1 thread"
keys Enter
ok "it opens" wait_for "> thread"
top=$(screen | sed -n 2,5p | tr -s ' \n' '  ')
contains "its warning says how to accept the details once verified" "$top" \
	"(the known one: DE89370400440532013000) (verified with the vendor? :bank-accept)"
keys q

keys q q
ok "q quits (the first goes back from the search)" wait_for "EXITED 0"
done_testing
