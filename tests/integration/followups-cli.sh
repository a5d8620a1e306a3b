#!/bin/sh
# Follow-ups through the command line, on conversations written relative
# to today: one waiting on the vendor for ten days (overdue at five
# working days), one for a day, one waiting on the user. vtriage waiting
# lists the first two, the longest first; --overdue, waiting:overdue and
# remind the first alone; [followup] days moves the line.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
ago() { date -R -d "-$1 days"; }
# msg ID FROM TO SUBJECT DAYS-AGO [IN-REPLY-TO]
msg() {
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n%s\nHello.\n' \
		"$2" "$3" "$4" "$(ago "$5")" "$1" \
		"${6:+In-Reply-To: <$6@test>
References: <$6@test>
}" >"$M/cur/$1:2,S"
}
ME="Rich Miller <rich@northwind.example>"
ACME="Ann <ann@acme.example>"
GLOBEX="Sam <sam@globex.example>"
msg a1 "$ACME" "$ME" "Order 77 delivery date" 20
msg a2 "$ME" "$ACME" "Re: Order 77 delivery date" 10 a1
msg b1 "$GLOBEX" "$ME" "Quote for racks" 3
msg b2 "$ME" "$GLOBEX" "Re: Quote for racks" 1 b1
msg c1 "$ME" "$ACME" "Invoice question" 10
msg c2 "$ACME" "$ME" "Re: Invoice question" 2 c1
# an order confirmed eight days ago with no news since, one answered
# since; a quote running out in three days, one in a month
in_days() { date -d "+$1 days" +%Y-%m-%d; }
msg o1 "Orders <orders@initech.example>" "$ME" "Order confirmation 5521" 8
msg p1 "Orders <orders@umbrella.example>" "$ME" "Order confirmation 7001" 8
msg p2 "Orders <orders@umbrella.example>" "$ME" "Re: Order confirmation 7001: shipped" 2 p1
printf 'From: Sales <sales@hooli.example>\nTo: %s\nSubject: Quote Q-77\nDate: %s\nMessage-ID: <q1@test>\n\nOur quote Q-77.\nTotal: $1,000.00\nValid until %s\n' \
	"$ME" "$(ago 1)" "$(in_days 3)" >"$M/cur/q1:2,S"
printf 'From: Sales <sales@vandelay.example>\nTo: %s\nSubject: Quote Q-88\nDate: %s\nMessage-ID: <q2@test>\n\nOur quote Q-88.\nTotal: $2,000.00\nValid until %s\n' \
	"$ME" "$(ago 1)" "$(in_days 30)" >"$M/cur/q2:2,S"
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

w=$($V waiting --format=json)
is "two conversations wait on the vendor, the longest first" "$(echo "$w" | python3 -c '
import json, sys
print([(x["vendor"], x["days"], x["overdue"], x["subject"]) for x in json.load(sys.stdin) if x["what"] == "reply"])')" \
	"[('acme', 10, True, 'Re: Order 77 delivery date'), ('globex', 1, False, 'Re: Quote for racks')]"
is "the order without news, not the one answered since" "$(echo "$w" | python3 -c '
import json, sys
print([(x["vendor"], x["days"], x["subject"]) for x in json.load(sys.stdin) if x["what"] == "order"])')" \
	"[('initech', 8, 'Order confirmation 5521')]"
is "the quote running out, not the one good for a month" "$(echo "$w" | python3 -c '
import json, sys
print([(x["vendor"], x["days"], x["valid_until"]) for x in json.load(sys.stdin) if x["what"] == "quote"])')" \
	"[('hooli', 3, '$(in_days 3)')]"
contains "text says what each is" "$($V waiting)" "no news since the order: Order confirmation 5521"
contains "and when a quote runs out" "$($V waiting)" "quote valid until $(in_days 3) (3 days left)"
contains "text shows the age" "$($V waiting)" "10 days OVERDUE"
is "--overdue: the one waiting ten days, the order and the quote" \
	"$($V waiting --overdue --format=json | python3 -c 'import json,sys; print([x["vendor"] for x in json.load(sys.stdin)])')" \
	"['acme', 'initech', 'hooli']"
is "one vendor's" "$($V waiting globex --format=json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
is "waiting:overdue finds its thread" "$($V count --output=threads waiting:overdue)" 1
is "its two messages" "$($V count 'waiting:overdue')" 2
is "waiting:me is the other" "$($V count --output=threads waiting:me)" 1
# the vendor wrote last, and the user settled it by closing its issue
me_thread=$($V search --format=json waiting:me | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["thread"])')
me_issue=$($V issue open globex "Answer the rack quote" --thread "thread:$me_thread" --format=json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
is "an open issue keeps it waiting on the user" "$($V count --output=threads waiting:me)" 1
$V issue close "$me_issue" >/dev/null
is "its issue closed since, it waits on no one" "$($V count --output=threads waiting:me)" 0
is "and its list row is marked waiting on no one" \
	"$($V search --format=json "thread:$me_thread" | python3 -c 'import json,sys; print([t["waiting"] for t in json.load(sys.stdin)])')" "[None]"
$V undo >/dev/null
is "reopened, it waits on the user again" "$($V count --output=threads waiting:me)" 1
$V undo >/dev/null
contains "remind names it" "$($V remind)" "waiting on the vendor:   10 days OVERDUE"
is "a bad waiting: term names the choices" "$(status $V count waiting:later)" 2
contains "naming them" "$($V count waiting:later 2>&1)" "waiting:overdue"

# a quote revised since, good for longer: no longer running out
printf 'From: Sales <sales@hooli.example>\nTo: %s\nSubject: Quote Q-77 rev 2\nDate: %s\nMessage-ID: <q1r@test>\n\nOur quote Q-77, revised.\nTotal: $900.00\nValid until %s\n' \
	"$ME" "$(ago 0)" "$(in_days 20)" >"$M/cur/q1r:2,S"
$V index --quiet
is "a quote revised since runs out by its revision's date" "$($V waiting --format=json | python3 -c '
import json, sys
print([x["vendor"] for x in json.load(sys.stdin) if x["what"] == "quote"])')" "[]"
rm "$M/cur/q1r:2,S"
$V index --quiet
is "(the first one again, without it)" "$($V waiting --format=json | python3 -c '
import json, sys
print([x["vendor"] for x in json.load(sys.stdin) if x["what"] == "quote"])')" "['hooli']"

# snoozed: out of every list until its day, then back and named by remind
out=$($V snooze 'subject:"Order 77"' --until 3d)
contains "snooze says until when" "$out" "2 messages snoozed until"
is "out of waiting:overdue" "$($V count waiting:overdue)" 0
is "out of a plain search" "$($V count 'subject:"Order 77"')" 0
# "*" is all mail only as a whole query: all mail but the snoozed thread
all=$($V count '*')
is "all mail is all mail but the snoozed" "$([ "$all" -gt 0 ] && echo "$all")" "$($V count 'not subject:"Order 77"')"
is "an empty query too" "$($V count)" "$all"
is "snoozed:yes finds it" "$($V count --output=threads snoozed:yes)" 1
is "not marked waiting on the vendor: put away, it does not nag" \
	"$($V search --format=json snoozed:yes | python3 -c 'import json,sys; print([t["waiting"] for t in json.load(sys.stdin)])')" \
	"[None]"
is "nor waiting:vendor" "$($V count 'snoozed:yes and waiting:vendor')" 0
is "thread: names it, snoozed or not" "$($V count 'id:a1@test')" 1
contains "snooze --list shows it" "$($V snooze --list)" "Order 77 delivery date  thread:"
lacks "remind does not name it before its day" "$($V remind)" "back from snooze"
lacks "nor as waiting on the vendor: put away, it does not nag" "$($V remind)" "Order 77"
lacks "vtriage waiting leaves it out too, as waiting:overdue does" "$($V waiting)" "Order 77"
$V snooze 'id:o1@test' --until 3d >/dev/null
lacks "an order without news, snoozed, is out of waiting" "$($V waiting)" "Order confirmation 5521"
$V unsnooze 'id:o1@test' >/dev/null
contains "and back once woken" "$($V waiting)" "Order confirmation 5521"
is "a past date is refused (exit 2)" "$(status $V snooze 'id:b1@test' --until 2001-01-01)" 2
is "no date at all is refused" "$(status $V snooze 'id:b1@test' --until someday)" 2
# its time comes (the store's clock moved back by hand): back, and reminded
sqlite3 "$TMP/data/vtriage.db" "UPDATE snoozes SET until = strftime('%s', 'now') - 60"
is "back once its time has come" "$($V count 'subject:"Order 77"')" 2
contains "remind names it the day it returns" "$($V remind)" "back from snooze: Order 77"
$V snooze 'id:b1@test' --until 2w >/dev/null
is "snoozed again" "$($V count 'from:globex.example')" 0
$V unsnooze 'snoozed:yes and from:globex.example' >/dev/null
is "unsnooze brings it back now" "$($V count 'from:globex.example')" 1

# an issue closed since the user last wrote settles the thread (resolved
# on the phone): nothing to chase until the user writes again
issue_77=$($V issue open acme "Order 77 late" --thread id:a2@test --format=json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
contains "an open issue leaves it waiting" "$($V waiting)" "Order 77"
$V issue close "$issue_77" --note "called: ships Monday" >/dev/null
lacks "closed since the user wrote: not waiting any more" "$($V waiting)" "Order 77"
is "nor overdue" "$($V count --output=threads waiting:overdue)" 0
lacks "nor in remind" "$($V remind | grep 'waiting on the vendor')" "Order 77"
is "nor waiting:vendor, which the Waiting folder lists" "$($V count 'waiting:vendor and subject:"Order 77"')" 0
is "nor marked waiting on the vendor in a list" \
	"$($V search --format=json 'subject:"Order 77"' | python3 -c 'import json,sys; print([t["waiting"] for t in json.load(sys.stdin)])')" \
	"[None]"
# (closed a minute ago: the mail below is later by its Date's second too)
sqlite3 "$TMP/data/vtriage.db" "UPDATE issues SET closed = closed - 60"
msg a3 "$ME" "$ACME" "Re: Order 77 delivery date" 0 a2
$V index --quiet
contains "the user writing again waits again" "$($V waiting)" "Order 77"

# out-of-office replies answer nobody: by their header (RFC 3834, and
# the X- ones), or by the subject Outlook's assistant writes; an order's
# "no news since" stays too
M2=$TMP/away
mkdir -p "$M2/cur" "$M2/new" "$M2/tmp"
# away ID FROM SUBJECT DAYS-AGO IN-REPLY-TO HEADER
away() {
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\nIn-Reply-To: <%s@test>\n%s\nI am out of the office until Monday.\n' \
		"$2" "$ME" "$3" "$(ago "$4")" "$1" "$5" "$6" >"$M2/cur/$1:2,S"
}
for v in initrode vehement soylent wonka tyrell cyberdyne massive hooli; do
	printf 'From: %s\nTo: Jo <jo@%s.example>\nSubject: Delivery of order 12\nDate: %s\nMessage-ID: <%s1@test>\n\nWhen?\n' \
		"$ME" "$v" "$(ago 9)" "$v" >"$M2/cur/${v}1:2,S"
done
away initrode2 "Jo <jo@initrode.example>" "Re: Delivery of order 12" 9 initrode1 "Auto-Submitted: auto-replied"
away vehement2 "Jo <jo@vehement.example>" "Automatic reply: Delivery of order 12" 9 vehement1 "X-Mailer: Outlook"
away soylent2 "Jo <jo@soylent.example>" "Re: Delivery of order 12" 8 soylent1 "Auto-Submitted: auto-generated"
# a helpdesk's receipt answers nobody either, by its words: Zendesk marks
# its agents' answers auto-generated too, and those answer
zendesk="Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-Mailer: Zendesk Mailer"
printf 'From: Wonka Support <support@wonka.example>\nTo: %s\nSubject: Re: Delivery of order 12\nDate: %s\nMessage-ID: <wonka2@test>\nIn-Reply-To: <wonka1@test>\n%s\n\n##- Please type your reply above this line -##\n\nYour request (12345) has been received and is being reviewed by our support staff.\n' \
	"$ME" "$(ago 8)" "$zendesk" >"$M2/cur/wonka2:2,S"
printf 'From: Tyrell Support <support@tyrell.example>\nTo: %s\nSubject: Re: Delivery of order 12\nDate: %s\nMessage-ID: <tyrell2@test>\nIn-Reply-To: <tyrell1@test>\n%s\n\nHi Rich, order 12 ships Monday.\n\n> We have received your request #4410.\n' \
	"$ME" "$(ago 8)" "$zendesk" >"$M2/cur/tyrell2:2,S"
printf 'From: Cyberdyne Help <help@cyberdyne.example>\nTo: %s\nSubject: Ticket Received - Delivery of order 12\nDate: %s\nMessage-ID: <cyberdyne2@test>\nIn-Reply-To: <cyberdyne1@test>\n\nA support representative will get back to you.\n' \
	"$ME" "$(ago 8)" >"$M2/cur/cyberdyne2:2,S"
# a help desk that marks nothing, by its mailbox; a person's answer in
# the same words is an answer
printf 'From: Massive Support <support@massive.example>\nTo: %s\nSubject: Re: Delivery of order 12\nDate: %s\nMessage-ID: <massive2@test>\nIn-Reply-To: <massive1@test>\n\nThank you for contacting Massive Support. Your request has been received and assigned case number MD-77.\n' \
	"$ME" "$(ago 8)" >"$M2/cur/massive2:2,S"
printf 'From: Gavin <gavin@hooli.example>\nTo: %s\nSubject: Re: Delivery of order 12\nDate: %s\nMessage-ID: <hooli2@test>\nIn-Reply-To: <hooli1@test>\n\nWe have received your request: order 12 ships on Monday.\n' \
	"$ME" "$(ago 8)" >"$M2/cur/hooli2:2,S"
printf 'From: Orders <orders@initrode.example>\nTo: %s\nSubject: Order confirmation 12\nDate: %s\nMessage-ID: <o12@test>\n\nThank you for your order.\n' \
	"$ME" "$(ago 8)" >"$M2/cur/o12:2,S"
printf 'From: Orders <orders@initrode.example>\nTo: %s\nSubject: Re: Order confirmation 12\nDate: %s\nMessage-ID: <o12a@test>\nIn-Reply-To: <o12@test>\nX-Autoreply: yes\n\nThis mailbox is not monitored.\n' \
	"$ME" "$(ago 7)" >"$M2/cur/o12a:2,S"
write_config "$TMP/away.conf" "$M2" "$TMP/away-data"
W="$VTRIAGE --config $TMP/away.conf"
$W index --quiet
is "an out-of-office reply leaves the thread waiting on the vendor, from the request" \
	"$($W waiting --format=json | python3 -c '
import json, sys
print(sorted((x["vendor"], x["what"], x["days"]) for x in json.load(sys.stdin)))')" \
	"[('cyberdyne', 'reply', 9), ('initrode', 'order', 8), ('initrode', 'reply', 9), ('massive', 'reply', 9), ('vehement', 'reply', 9), ('wonka', 'reply', 9)]"
is "a mail made by a system (auto-generated) is an answer, a helpdesk agent's and a person's too" \
	"$($W count --output=threads waiting:me)" 3
# a store an older vtriage indexed, which took the receipts for answers,
# reads its vendors' mail in conversations the user wrote in again once
sqlite3 "$TMP/away-data/vtriage.db" "UPDATE meta SET value = '4' WHERE key = 'reread'"
sqlite3 "$TMP/away-data/vtriage.db" "UPDATE messages SET auto_reply = 0 WHERE message_id = 'wonka2@test';
	UPDATE meta SET value = '4' WHERE key = 'reread'"
$W index --quiet
is "an older store's receipt is read again: the thread waits" \
	"$($W waiting wonka --format=json | python3 -c 'import json,sys; print([x["what"] for x in json.load(sys.stdin)])')" \
	"['reply']"

# an order confirmed, then shipped in a thread of its own: the shipping
# notice is the news (and is followed up itself), the order is not
M3=$TMP/shipped
mkdir -p "$M3/cur" "$M3/new" "$M3/tmp"
printf 'From: Orders <orders@vandelay.example>\nTo: %s\nSubject: Order confirmation SO-88\nDate: %s\nMessage-ID: <so88@test>\n\nThank you for your order.\nOrder number: SO-88\nOrder total: $1,890.00\n' \
	"$ME" "$(ago 12)" >"$M3/cur/so88:2,S"
printf 'From: Shipping <shipping@vandelay.example>\nTo: %s\nSubject: Your order SO-88 has shipped\nDate: %s\nMessage-ID: <so88s@test>\n\nYour order has shipped.\nOrder number: SO-88\n' \
	"$ME" "$(ago 9)" >"$M3/cur/so88s:2,S"
write_config "$TMP/shipped.conf" "$M3" "$TMP/shipped-data"
S="$VTRIAGE --config $TMP/shipped.conf"
$S index --quiet
is "the order shipped since has news: only the shipping notice waits" "$($S waiting --format=json | python3 -c '
import json, sys
print([(x["what"], x["subject"]) for x in json.load(sys.stdin)])')" \
	"[('order', 'Your order SO-88 has shipped')]"

write_config "$TMP/slow.conf" "$M" "$TMP/data" "[followup]
days = 15"
is "[followup] days = 15: nothing overdue" "$($VTRIAGE --config "$TMP/slow.conf" count waiting:overdue)" 0
lacks "and remind is quiet about it" "$($VTRIAGE --config "$TMP/slow.conf" remind)" "waiting on the vendor"
write_config "$TMP/bad.conf" "$M" "$TMP/data" "[followup]
days = 0"
contains "days = 0 is refused, naming the key" "$($VTRIAGE --config "$TMP/bad.conf" count '*' 2>&1)" "days"
done_testing
