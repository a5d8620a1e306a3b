#!/bin/sh
# Contracts through the command line, on vendor mail written relative to
# today (so the test holds whatever the date): dates mined from the
# vendors' own text are suggestions (a German vendor's 03/04 is 3 April, a
# US vendor's 4 March), none from a quoted reply, an offer or a mail that
# names no contract, nor a quote's validity; accepted ones are contracts, due in their notice
# period, which `vtriage remind` reports (and nothing when nothing is
# due); a rejected date is not offered again by another mail.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
n=0
in_days() { date -d "+$1 days" +%Y-%m-%d; }
Y=$(($(date +%Y) + 1)) # a slashed date next year: 03/04/Y
# mail FROM SUBJECT BODY: vendor mail to the user, sent today
mail() {
	n=$((n + 1))
	printf 'From: %s\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\nMessage-ID: <c%d@test>\n\n%b\n' \
		"$1" "$2" "$(date -R)" "$n" "$3" >"$M/cur/$n:2,S"
}
mail "Vertrieb <vertrieb@kraus.de>" "Wartungsvertrag" \
	"Guten Tag,\n\nIhr Wartungsvertrag l\303\244uft ab am 03/04/$Y.\n"
mail "Sales <sales@pinecrest.us>" "Support contract" "Hello,\n\nyour support contract expires 03/04/$Y.\n"
mail "Billing <billing@cloudco.example>" "Your subscription" \
	"Hi,\n\nyour subscription auto-renews on $(in_days 20) unless cancelled.\n"
mail "Ann <ann@cloudco.example>" "Re: licences" \
	"Noted.\n\nOn Mon, 2 Nov 2026, Rich wrote:\n> our licence expires on $(in_days 40)\n"
mail "News <news@shop.example>" "Deals" "Subscribers only: this offer expires on $(in_days 5).\n"
mail "Ops <ops@hosting.example>" "Maintenance window" "The maintenance window ends on $(in_days 3).\n"
mail "Ops <ops@hosting.example>" "Old contract" "Your hosting contract expired on 2001-01-31.\n"
# .com vendors: their own amounts say how they write dates
mail "Billing <billing@eurocorp.com>" "Invoice 77" "Invoice 77\nAmount due: \342\202\2541.234,50\n"
mail "Billing <billing@eurocorp.com>" "Support contract" "Your support contract expires 03/04/$Y.\n"
mail "Billing <billing@yankee.com>" "Invoice 78" "Invoice 78\nAmount due: \$1,234.50\n"
mail "Billing <billing@yankee.com>" "Support contract" "Your support contract expires 03/04/$Y.\n"
mail "Sales <sales@nohabit.com>" "Support contract" "Your support contract expires 03/04/$Y.\n"
# a quote's validity is no contract's end, though its lines name a warranty
mail "Sales <sales@pachw.example>" "Quote PQ-4471: 10 laptops" \
	"Quote PQ-4471\nValid until: $(in_days 4)\n10 laptops \$9,800.00\n3-year onsite warranty \$1,500.00\nTotal: \$11,300.00\n"
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

s=$($V contract list --suggested --format=json)
is "six suggestions" "$(echo "$s" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 6
lacks "a quote's validity is not suggested as a contract" "$s" "pachw"
is "(the quote is one)" "$($V count 'vendor:pachw kind:quote')" 1
field() { # VENDOR FIELD: the field of that vendor's suggestion
	echo "$s" | python3 -c '
import json, sys
for x in json.load(sys.stdin):
    if x["vendor"] == sys.argv[1]:
        print(x[sys.argv[2]])' "$1" "$2"
}
is "a German vendor's 03/04 is 3 April" "$(field kraus ends)" "$Y-04-03"
is "a US vendor's 03/04 is 4 March" "$(field pinecrest ends)" "$Y-03-04"
is "neither ambiguous" "$(field kraus ambiguous) $(field pinecrest ambiguous)" "False False"
is "a .com vendor writing decimal commas: day first" "$(field eurocorp ends) $(field eurocorp ambiguous)" \
	"$Y-04-03 False"
is "one writing decimal points: month first" "$(field yankee ends) $(field yankee ambiguous)" \
	"$Y-03-04 False"
is "one with no habit known: ambiguous" "$(field nohabit ends) $(field nohabit ambiguous)" \
	"$Y-03-04 True"
contains "text says so" "$($V contract list --suggested nohabit)" "ambiguous"
is "a renewal" "$(field cloudco event) $(field cloudco kind) $(field cloudco ends)" \
	"renews subscription $(in_days 20)"
is "the kind the mail names" "$(field kraus kind)" "maintenance"
contains "with the line it came from" "$(field cloudco phrase)" "auto-renews on"
is "nothing from a quote, an offer, a window, or a contract long ended" \
	"$(field shop ends)$(field hosting ends)" ""
contains "text lists it" "$($V contract list --suggested)" "renews $(in_days 20) (subscription)"

# accepted: a contract, due in its notice period (20 days left, notice 30)
id=$(field cloudco id)
is "accept makes a contract, and says so" "$($V contract accept "$id")" \
	"accepted suggestion $id: contract #1 with cloudco.example: ends $(in_days 20) (subscription, notice 30 days)"
c=$($V contract list --format=json)
is "listed, due" "$(echo "$c" | python3 -c '
import json, sys
c = json.load(sys.stdin)[0]
print(c["vendor"], c["kind"], c["ends"], c["days_left"], c["notice_days"], c["due"])')" \
	"cloudco subscription $(in_days 20) 20 30 True"
is "accepted once" "$(status $V contract accept "$id")" 2
out=$($V remind)
contains "remind names it" "$out" "subscription ends in 20 days ($(in_days 20)), notice 30 days"
contains "and the suggestions waiting" "$out" "5 contract dates found in vendor mail"
is "remind exits 0" "$(status $V remind)" 0

# undo takes an accept back: the contract goes, the date is offered again
contains "undo names it" "$($V undo)" "undone: accepted the subscription date $(in_days 20) as a contract"
is "no contract left" "$($V contract list)" ""
contains "the date is offered again" "$($V contract list --suggested)" "renews $(in_days 20)"
$V contract accept "$id" >/dev/null
contains "the vendor's history shows the accept" "$($V history cloudco)" "accepted the subscription date"

# rejected: gone, and another mail with the same date does not bring it back
kid=$(field kraus id)
is "reject --format=json: changed and summary, as every change says it" \
	"$($V contract reject "$kid" --format=json)" \
	"{\"suggestion\":$kid,\"contract\":null,\"changed\":true,\"summary\":\"rejected suggestion $kid: kraus.de's maintenance date $Y-04-03 is not offered again\"}"
mail "Vertrieb <vertrieb@kraus.de>" "Erinnerung" "Ihr Wartungsvertrag l\303\244uft ab am 03/04/$Y.\n"
$V index --quiet
lacks "a rejected date is not offered again" "$($V contract list --suggested)" "kraus"
is "it is kept as rejected" "$($V contract list --suggested --all --format=json | python3 -c '
import json, sys
print(sorted(set(x["state"] for x in json.load(sys.stdin) if x["vendor"] == "kraus")))')" "['rejected']"

# by hand
is "a bad date is refused (exit 2)" "$(status $V contract set pinecrest --ends $Y-02-30)" 2
contains "naming it" "$($V contract set pinecrest --ends $Y-02-30 2>&1)" "--ends $Y-02-30: not a date"
is "an unknown kind is refused" "$(status $V contract set pinecrest --ends $Y-02-01 --kind lease)" 2
made=$($V contract set pinecrest --ends "$(in_days 300)" --format=json)
is "contract set --format=json says which contract, and what changed" \
	"$(echo "$made" | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["changed"], d["summary"])')" \
	"True set contract #2 with pinecrest.us: ends $(in_days 300) (contract, notice 30 days)"
contains "undo takes a contract set by hand back" "$($V undo)" "undone: a contract ends $(in_days 300)"
lacks "gone" "$($V contract list pinecrest)" "$(in_days 300)"
is "contract set says what it did in a line" \
	"$($V contract set pinecrest --ends "$(in_days 200)" --kind license --notice 60 --note 'PO 4411')" \
	"set contract #2 with pinecrest.us: ends $(in_days 200) (license, notice 60 days)"
is "two contracts" "$($V contract list --format=json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2
is "--expiring 30: the one ending within 30 days" \
	"$($V contract list --expiring 30 --format=json | python3 -c 'import json,sys; print([c["vendor"] for c in json.load(sys.stdin)])')" \
	"['cloudco']"
contains "one vendor's" "$($V contract list pinecrest)" "PO 4411"
is "contract remove --format=json" "$($V contract remove 1 --format=json)" \
	"{\"contract\":1,\"removed\":true,\"changed\":true,\"summary\":\"removed contract #1 with cloudco.example: ends $(in_days 20) (subscription)\"}"
lacks "remove" "$($V contract list)" "cloudco"
contains "the history says so" "$($V history cloudco)" "removed the subscription contract ending"
contains "undo puts a removed contract back" "$($V undo)" \
	"undone: removed the subscription contract ending $(in_days 20)"
is "as it was, under its number" "$($V contract list --format=json | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin) if c["vendor"] == "cloudco"][0]
print(c["id"], c["kind"], c["ends"], c["notice_days"])')" "1 subscription $(in_days 20) 30"
tab=$(printf 'PO\t4412\tline 2')
$V contract set shop --ends "$(in_days 500)" --notice 45 --note "$tab" >/dev/null
before=$($V contract list shop --format=json)
n3=$(echo "$before" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$V contract remove "$n3" >/dev/null
$V undo >/dev/null
is "a note holding tabs comes back whole" "$($V contract list shop --format=json)" "$before"
contains "(the note)" "$before" "4412 line 2"
$V contract remove 1 >/dev/null
$V contract remove "$n3" >/dev/null
is "removing an unknown contract: exit 2" "$(status $V contract remove 999)" 2
lacks "remind: nothing due now" "$($V remind)" "ends in"

# a contract set by hand has no mail of its own: when due, the Renewals
# folder (contract:due) brings the vendor's latest conversation
lacks "not due: not in contract:due" "$($V search contract:due)" "Support contract"
$V contract set pinecrest --ends "$(in_days 10)" >/dev/null
contains "due: the vendor's latest conversation" "$($V search contract:due)" "Support contract"
contains "and in contract:any" "$($V search contract:any)" "Support contract"
is "an unknown suggestion" "$(status $V contract accept 999)" 2

# the days said as a buyer reads them: today, 1 day, and no "contract contract"
ago_days() { date -d "-$1 days" +%Y-%m-%d; }
$V contract set pinecrest --ends "$(in_days 0)" --notice 1 >/dev/null
$V contract set pinecrest --ends "$(in_days 1)" --kind license >/dev/null
$V contract set pinecrest --ends "$(ago_days 1)" >/dev/null
out=$($V remind)
contains "remind: ends today" "$out" "pinecrest.us: contract ends today ($(in_days 0)), notice 1 day"
contains "remind: in 1 day" "$out" "pinecrest.us: license ends in 1 day ($(in_days 1)), notice 30 days"
contains "remind: ended 1 day ago, the kind said once" "$out" "pinecrest.us: contract ended 1 day ago ($(ago_days 1))"
out=$($V contract list pinecrest)
contains "list: today" "$out" "      today (notice 1 day)"
contains "list: in 1 day" "$out" "      in 1 day (notice 30 days)"

# nothing due at all: remind prints nothing
write_config "$TMP/empty.conf" "$TMP/none" "$TMP/empty-data"
mkdir -p "$TMP/none/cur" "$TMP/none/new" "$TMP/none/tmp"
$VTRIAGE --config "$TMP/empty.conf" index --quiet
is "remind says nothing when nothing is due" "$($VTRIAGE --config "$TMP/empty.conf" remind 2>&1)" ""
done_testing
