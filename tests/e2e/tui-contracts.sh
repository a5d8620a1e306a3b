#!/bin/sh
# Contracts and follow-ups in the interface, on mail written relative to
# today: the Renewals and Overdue folders, ,e accepting one vendor's
# renewal date and rejecting another's, the bar counting the renewal
# due, and the vendor's issues pane listing the contract.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
in_days() { date -d "+$1 days" +%Y-%m-%d; }
# msg ID FROM TO SUBJECT DAYS-AGO BODY [IN-REPLY-TO]
msg() {
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n%s\n%b\n' \
		"$2" "$3" "$4" "$(date -R -d "-$5 days")" "$1" \
		"${7:+In-Reply-To: <$7@test>
References: <$7@test>
}" "$6" >"$M/cur/$1:2,S"
}
ME="Rich Miller <rich@northwind.example>"
msg r1 "CloudCo Billing <billing@cloudco.example>" "$ME" "Your subscription" 2 \
	"Hi,\n\nyour subscription auto-renews on $(in_days 20) unless cancelled.\n"
msg r2 "Hosting <sales@hostco.example>" "$ME" "Hosting contract" 3 \
	"Your hosting contract expires on $(in_days 90).\n"
# CloudCo's bills: $100 last month, $300 this month
last_month=$(date -d "$(date +%Y-%m-15) -1 month" -R)
printf 'From: CloudCo Billing <billing@cloudco.example>\nTo: %s\nSubject: Invoice CC-1\nDate: %s\nMessage-ID: <b1@test>\n\nInvoice CC-1\nAmount due: $100.00\n' \
	"$ME" "$last_month" >"$M/cur/b1:2,S"
printf 'From: CloudCo Billing <billing@cloudco.example>\nTo: %s\nSubject: Invoice CC-2\nDate: %s\nMessage-ID: <b2@test>\n\nInvoice CC-2\nAmount due: $300.00\n' \
	"$ME" "$(date -R)" >"$M/cur/b2:2,S"
msg w1 "Ann <ann@acme.example>" "$ME" "Order 77 delivery date" 20 "When?"
msg w2 "$ME" "Ann <ann@acme.example>" "Re: Order 77 delivery date" 10 "Any news?" w1
msg w4 "Sam <sam@globex.example>" "$ME" "Racks" 5 "Racks next week."
msg w3 "$ME" "Sam <sam@globex.example>" "Re: Racks" 3 "And the racks?" w4
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

tmux_session 160 40 "env TERM=xterm-256color $V"
ok "the interface paints" wait_for "Inbox"
contains "a Renewals folder" "$(screen)" "Renewals"
contains "an Overdue folder" "$(screen)" "Overdue on vendors"
lacks "no renewal due yet" "$(screen | head -1)" "renewal"
keys / 'waiting:overdue' Enter
ok "waiting:overdue lists the order chased ten days ago" wait_for "Order 77 delivery date"
contains "alone" "$(screen)" "1 thread"
contains "a waiting list shows how long it has waited" "$(screen | grep 'Order 77')" "10d ago"
keys / 'waiting:vendor' Enter
ok "waiting:vendor: both" wait_for "2 threads"
contains "the bar says the longest waiting come first" "$(screen | tail -2 | head -1)" \
	"[waiting:vendor] by age"
first=$(screen | grep -n "Order 77" | cut -d: -f1)
second=$(screen | grep -n "Racks" | cut -d: -f1)
ok "the order chased ten days ago above the racks asked three days ago" test "$first" -lt "$second"
contains "3 days for the racks" "$(screen | grep 'Racks')" "3d ago"
col() { screen | grep "$1" | python3 -c 'import sys; print(sys.stdin.read().index(" W "))'; }
is "10d ago and 3d ago: the marks in one column" "$(col 'Order 77')" "$(col 'Racks')"
lacks "said once: the subject keeps its columns" "$(screen | grep 'Racks')" "[3d]"
keys : 'sort date' Enter
ok ":sort date: newest first again" wait_for "newest first"
contains "by date, the subject says how long it has waited" "$(screen | grep 'Racks')" "[3d] Racks"
first=$(screen | grep -n "Order 77" | cut -d: -f1)
second=$(screen | grep -n "Racks" | cut -d: -f1)
ok "the racks first now" test "$second" -lt "$first"
# the order chased on the phone: an issue opened on its thread and
# closed settles it; nothing to chase, so not in the Waiting folder
keys j
keys , i
ok ",i asks the issue's title" wait_for "Issue title:"
keys 'Order 77 late' Enter
ok "the issue is opened" wait_for "opened issue #1"
keys , c
ok ",c asks which issue" wait_for "Close issue #:"
keys Enter
ok "and a note" wait_for "Closing note"
keys 'called: ships Monday' Enter
ok "closed" wait_for "closed issue #1"
ok "the settled thread leaves waiting:vendor" wait_for "1/1  [waiting:vendor]"
lacks "the order is not listed" "$(screen | head -3)" "Order 77"
# the racks put away: listed with snoozed:yes, not marked W
keys z
ok "z asks until when" wait_for "Snooze until"
keys 3d Enter
ok "snoozed" wait_for "snoozed until"
keys / 'snoozed:yes' Enter
ok "snoozed:yes lists the racks" wait_for "Racks"
lacks "not marked waiting on the vendor" "$(screen | grep 'Racks' | cut -c1-14)" "W"
keys z
keys Enter
ok "back now" wait_for "the thread is back"
keys / 'contract:suggested' Enter
ok "the mail naming contract dates" wait_for "2 threads"
keys / 'subject:"Your subscription"' Enter
ok "the subscription's thread" wait_for "1 thread"
keys , e
ok ",e asks about its date" wait_for "subscription renews $(in_days 20)"
contains "quoting the line" "$(screen | tail -1)" "auto-renews on"
keys a Enter
ok "a asks the notice" wait_for "Notice (days before the end; Enter: 30):"
keys 45 Enter
ok "accepted" wait_for "1 contract accepted, 0 dates rejected"
is "with the notice given" "$($V contract list --format=json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["notice_days"])')" 45
ok "the bar counts the renewal due" wait_for "[1 renewal due]"
contains "the vendor's pane lists the contract" "$(screen)" "C1 subscription to $(in_days 20), 20d DUE"
contains "under its title" "$(screen)" "Issues & contracts"
contains "the history's title: a year of bills, a block a month, and their sum" "$(screen)" \
	"$(printf '\342\226\203\342\226\210') \$400.00 · cloudco"
keys : report Enter
ok ":report shows the vendor's report in the pager" wait_for "Quotes and bills per year"
contains "with the contract just accepted" "$(screen)" "subscription ends $(in_days 20) (notice 45 days) DUE"
keys q
keys , e
ok "nothing left to decide in this thread" wait_for "no contract date to decide in this thread"
keys / 'from:hostco.example' Enter
ok "the hosting thread" wait_for "1 thread"
# at 80 columns the quoted line is cut, not the choices
T resize-window -t vt -x 80 -y 24
settle
keys , e
ok ",e asks" wait_for "contract expires $(in_days 90)"
contains "at 80 columns the choices are on the row" "$(screen | tail -1)" "a(ccept) r(eject) s(kip)"
keys r Enter
ok "rejected" wait_for "0 contracts accepted, 1 date rejected"
T resize-window -t vt -x 160 -y 40
settle
is "nothing left to decide" "$($V contract list --suggested)" ""
is "one contract" "$($V contract list --format=json | python3 -c 'import json,sys; print([c["vendor"] for c in json.load(sys.stdin)])')" \
	"['cloudco']"
keys / 'contract:due' Enter
ok "contract:due finds the accepted renewal's mail" wait_for "Your subscription"
# by hand: :contract set for the selected mail's vendor, undone, removed
keys / 'from:hostco.example' Enter
ok "the hosting thread" wait_for "1 thread"
keys : "contract set $(in_days 10) maintenance 15" Enter
ok ":contract set records one" wait_for "contract 2 of hostco ends $(in_days 10), due 15 days before"
ok "the bar counts it" wait_for "[2 renewals due]"
contains "the pane lists it, numbered" "$(screen)" "C2 maintenance to $(in_days 10), 10d DUE"
keys , u
ok ",u undoes it" wait_for "[1 renewal due]"
keys : "contract set 2027-02-29" Enter
ok "an invalid date is refused" wait_for "--ends 2027-02-29: not a date"
keys : "contract remove 1" Enter
ok ":contract remove" wait_for "contract 1 removed (,u undoes)"
is "gone" "$($V contract list)" ""
lacks "no renewal due" "$(screen | head -1)" "renewal"
keys , u
ok ",u brings it back" wait_for "[1 renewal due]"
keys : "contract frobnicate" Enter
ok "a bad :contract says how" wait_for "usage: :contract [set YYYY-MM-DD"
# z: the thread away until a date, the Snoozed folder, empty z: back now
contains "a Snoozed folder" "$(screen)" "Snoozed"
keys / 'from:hostco.example' Enter
ok "the hosting thread again" wait_for "1 thread"
# 31 threads snoozed or woken since the last index run (named in every
# query): the 32nd snooze writes their marks itself
DB=$TMP/data/vtriage.db
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 31)
	INSERT INTO snooze_changed (thread) SELECT printf('%016x', 900000 + i) FROM n"
keys z
ok "z asks until when" wait_for "Snooze until"
keys 3d Enter
ok "z says until when" wait_for "snoozed until"
is "the 32nd snooze leaves none named" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_changed')" 0
is "its end is on its message in the index" \
	"$(NOTMUCH_CONFIG=$TMP/data/notmuch-config notmuch count "property:vtriage.snoozed=$(sqlite3 "$DB" 'SELECT until FROM snoozes')")" 1
lacks "and the thread leaves the list" "$(screen)" "Hosting contract"
is "out of every count" "$($V count from:hostco.example)" 0
keys / 'snoozed:yes' Enter
ok "snoozed:yes lists it" wait_for "Hosting contract"
keys z
ok "z asks again" wait_for "Snooze until"
keys Enter
ok "empty: the thread is back" wait_for "the thread is back"
is "one wake is named, not written" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_changed')" 1
is "in every count again" "$($V count from:hostco.example)" 1
keys z
ok "z without a thread says so" wait_for "no thread here"
keys / 'subject:"Your subscription"' Enter
ok "a thread again" wait_for "1 thread"
keys z someday Enter
ok "a date it cannot read is said" wait_for "someday: a future date"
keys Q
ok "quits" wait_for "EXITED 0"
# a credit note of this month: the spend is the bills less it
printf 'From: CloudCo Billing <billing@cloudco.example>\nTo: %s\nSubject: Credit note CN-1\nDate: %s\nMessage-ID: <cn1@test>\n\nCredit note CN-1\nCredit amount: $50.00\n' \
	"$ME" "$(date -R)" >"$M/cur/cn1:2,S"
$V index --quiet
# a locale without block characters: the sparkline in ASCII
tmux_session 160 40 "env LC_ALL=C LANG=C TERM=xterm-256color $V"
ok "the interface paints in the C locale" wait_for "Inbox"
keys / 'subject:"Your subscription"' Enter
ok "the subscription's thread" wait_for "1 thread"
contains "the sparkline in ASCII, the credit taken off" "$(screen)" "__________:# \$350.00 - cloudco"
keys Q
ok "quits" wait_for "EXITED 0"
# asked eight days ago, an out-of-office reply today: it has waited eight
# days, longer than the racks asked three days ago
msg i1 "$ME" "Jo <jo@initrode.example>" "Delivery of the cables" 8 "When?"
printf 'From: Jo <jo@initrode.example>\nTo: %s\nSubject: Automatic reply: Delivery of the cables\nDate: %s\nMessage-ID: <i2@test>\nIn-Reply-To: <i1@test>\nAuto-Submitted: auto-replied\n\nI am away.\n' \
	"$ME" "$(date -R -d '-1 hour')" >"$M/cur/i2:2,S"
$V index --quiet
tmux_session 160 40 "env TERM=xterm-256color $V"
ok "the interface paints" wait_for "Inbox"
keys / 'waiting:vendor' Enter
ok "the cables wait" wait_for "Delivery of the cables"
settle
contains "eight days, from the request" "$(screen | grep 'Delivery of the cables')" " 8d ago  W"
first=$(screen | grep -n "Delivery of the cables" | cut -d: -f1)
second=$(screen | grep -n "Racks" | cut -d: -f1)
ok "the cables, waiting longer, above the racks" test "$first" -lt "$second"
keys Q
ok "quits" wait_for "EXITED 0"
done_testing
