#!/bin/sh
# Quotes and bills in the interface, on the demo mailbox: the amount in
# a thread's row, before its authors (a flagged bill marked "!"), the Quotes &
# bills pane with the year's totals, the bill check's verdict on top of
# the pager, and the Bills to check folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
# a quote in yen: more digits than any dollar quote, not more money
printf 'From: Sales <sales@nippon-denki.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Quote NQ-7 for the switches\nDate: Mon, 02 Nov 2026 09:00:00 +0000\nMessage-ID: <nq7@nippon-denki.example>\n\nDear Mr Miller,\n\nour quote NQ-7 for 40 switches.\nTotal: JPY 500,000\n' \
	>"$TMP/mail/INBOX/cur/nq7:2,S"
# a bill wider than the amount's usual columns
printf 'From: Billing <billing@gulf-parts.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice GP-12\nDate: Mon, 02 Nov 2026 10:00:00 +0000\nMessage-ID: <gp12@gulf-parts.example>\n\nInvoice GP-12\nTotal: KWD 1,234.567\n' \
	>"$TMP/mail/INBOX/cur/gp12:2,S"
# and a credit note: money back, shown as such
printf 'From: Billing <billing@gulf-parts.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Credit note CN-5\nDate: Tue, 03 Nov 2026 10:00:00 +0000\nMessage-ID: <cn5@gulf-parts.example>\n\nCredit note CN-5\nCredit amount: KWD 12.500\n' \
	>"$TMP/mail/INBOX/cur/cn5:2,S"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
$VTRIAGE --config "$TMP/conf" index --quiet
$VTRIAGE --config "$TMP/conf" issue open acmetel "Wrong October bill" \
	--thread id:acmetel-inv-2026-10@mail.acmetel.example >/dev/null

tmux_session 160 45 "env TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "the first screen paints" wait_for "Inbox"
contains "Bills to check is a folder" "$(screen)" "Bills to check"
keys / 'vendor:gulf-parts' Enter
ok "(the KWD bill)" wait_for "Invoice GP-12"
# (the thread list's row: between the folders and the panes)
row=$(screen | grep 'Invoice GP-12' | awk -F"$(printf '\342\224\202')" '{print $2}')
contains "an amount wider than its column is cut visibly" "$row" "KWD 1,234.5$(printf '\342\200\246') Invoice GP-12"
lacks "not to a wrong amount" "$row" "KWD 1,234.56 "
row=$(screen | grep 'Credit note CN-5' | awk -F"$(printf '\342\224\202')" '{print $2}')
contains "a credit note's row shows its amount, negative" "$row" "-KWD 12.500 "
keys / 'vendor:acmetel' Enter
ok "the vendor's threads show" wait_for "6 threads"
row=$(screen | grep "Invoice AT-2026-10 from")
contains "the October bill's row shows its amount, marked" "$row" "acmetel    !\$7,800.00  Invoice AT-2026-10"
row=$(screen | grep "Invoice AT-2026-09 from")
contains "September's is not marked" "$row" "acmetel     \$2,480.00  Invoice AT-2026-09"
contains "the Quotes & bills pane counts the vendor's bills (not the year's sum)" "$(screen)" "Quotes & bills (4)"
contains "with the flagged one" "$(screen)" "26-10-02 bill   \$7,800.00 AT-2026-10 !"
contains "and the year's total" "$(screen)" "2026 bills: \$15,290.00 (4)"
# the history pane names billing@ once for its run of bills
keys Tab G
contains "the history names the sender of a run" "$(screen)" "2026-10-02 < from billing@billing.acme"
contains "and not again below it" "$(screen)" "2026-09-02 < Invoice AT-2026-09 from"
keys g BTab
# Enter on a row of the pane opens its thread
keys Tab Tab Tab Tab j Enter
ok "Enter on the pane's October bill opens its thread" wait_for "> thread"
contains "the October bill's thread" "$(screen)" "Subject: Invoice AT-2026-10"
keys q
history=$($VTRIAGE --config "$TMP/conf" history acmetel)
contains "the history carries the amounts" "$history" "Amount due: \$7,800.00 [bill \$7,800.00]"
contains "and the bill check's verdict" "$history" "bill-check      \$7,800.00: +213% against the usual \$2,490.00 (2 bills), AT-2026-10"
keys / 'bill:flagged' Enter
ok "bill:flagged finds the one bill" wait_for "1 thread"
keys Enter
ok "the pager opens" wait_for "> thread"
contains "the pager says why the bill is flagged" "$(screen)" \
	"\$ Bill AT-2026-10: \$7,800.00: +213% against the usual \$2,490.00 (2 bills), due 2026-10-31"
keys q
keys / 'kind:quote' Enter
ok "the quotes are found" wait_for "4 threads"
contains "the German quote's amount in euros" "$(screen)" "€1,234.50"
first=$(screen | grep -n "Quote request: 3,000" | cut -d: -f1)
lacks "newest first, the big quote is not on top" "$(screen | sed -n 2p)" "Quote request"
keys o
ok "o orders the list by amount" wait_for "by amount"
contains "the largest quote first" "$(screen | sed -n 2p)" "\$447,000.00"
contains "then the renewal" "$(screen | sed -n 3p)" "\$18,400.00"
contains "then the currencies of one quote each: euros" "$(screen | sed -n 4p)" "€1,234.50"
contains "and yen (amounts compare within a currency)" "$(screen | sed -n 5p)" "¥500,000"
keys : 'sort subject' Enter
ok ":sort subject orders it by subject" wait_for "by subject, A to Z"
contains "A first (Angebot)" "$(screen | sed -n 2p)" "Angebot"
contains "then the maintenance agreement" "$(screen | sed -n 3p)" "Maintenance agreement"
contains "then the yen quote" "$(screen | sed -n 4p)" "Quote NQ-7"
contains "then the quote request, its RE: left out" "$(screen | sed -n 5p)" "Quote request"
keys : 'sort vendor' Enter
ok ":sort vendor orders it by vendor" wait_for "by vendor, A to Z"
contains "globex before mueller-buero" "$(screen | sed -n 2p)" "globex"
contains "then mueller-buero" "$(screen | sed -n 4p)" "mueller-b"
contains "nippon-denki last" "$(screen | sed -n 5p)" "nippon-de"
keys : 'sort date' Enter
ok ":sort date orders it by date again" wait_for "newest first"
lacks "and the status bar says no more" "$(screen)" "by vendor"
# the issues' folder names each thread's issue, its age and title
keys / 'issue:open' Enter
ok "the threads with open issues" wait_for "1 thread"
contains "the issue before the subject" "$(screen | grep -F 'Invoice AT-2026-10 from')" \
	"#1 0d Wrong October bill | Invoice AT-2026-10"
keys q

# a Waiting folder says how long each thread has waited (sorted by age,
# its order, in the date column)
keys / 'waiting:vendor' Enter
ok "the threads waiting on vendors" wait_for "thread"
row=$(screen | grep -F "Dispute: invoice AT-2026-10")
# Rich wrote last on 2026-11-06: whole days since then, by the time of day
days=$(( ($(date +%s) - $(date -d 2026-11-06 +%s)) / 86400 ))
case $row in
*" ${days}d ago  W"* | *" $((days - 1))d ago  W"*) waited=yes ;;
*) waited="no: $row" ;;
esac
is "the dispute has waited since Rich's last mail (${days} days)" "$waited" yes
keys q q
ok "q quits" wait_for "EXITED 0"
done_testing
