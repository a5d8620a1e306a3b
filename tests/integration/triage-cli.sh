#!/bin/sh
# Triage from the command line on the demo mailbox: promote/demote/undo,
# merge, rename, domains, contacts (with signatures), issues, history,
# waiting; exit codes; two processes at once.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# buckets
is "nothing trusted at first" "$($V count bucket:trusted)" 0
contains "promote says what it did" "$($V vendor promote acmetel)" "generic -> trusted"
is "acmetel's mail is trusted at once" "$($V count bucket:trusted)" "$($V count vendor:acmetel)"
# the demo's buckets differ in size (AcmeTel's 10 against the other
# vendors' mail), so swapped buckets cannot pass unseen
is "and only acmetel's" "$($V count bucket:trusted and not vendor:acmetel)" 0
is "the rest of the vendor mail is generic" "$($V count bucket:generic)" \
	"$($V count property:vtriage.kind=vendor and not vendor:acmetel and not suspicious:auth)"
is "none of acmetel's is generic" "$($V count bucket:generic and vendor:acmetel)" 0
is "the vendor list shows the bucket" \
	"$($V vendor list --bucket=trusted --format=json | json '[v["slug"] for v in d]')" "['acmetel']"
is "promote twice is a no-op" "$($V vendor promote acmetel --format=json | json 'd["changed"]')" False
is "unknown slug exits 2" "$(status $V vendor promote no-such-vendor)" 2
contains "unknown slug is named" "$($V vendor promote no-such-vendor 2>&1)" "no-such-vendor"
is "promote without a slug exits 2" "$(status $V vendor promote)" 2
contains "undo reverts the promotion" "$($V undo)" "undone: promoted"
is "undone: nothing trusted" "$($V count bucket:trusted)" 0
is "undo with nothing to undo exits 2" "$(status $V undo)" 2
contains "undo with nothing to undo says so" "$($V undo 2>&1)" "nothing to undo"

# merge, rename, domains
before=$($V count vendor:acmetel)
fraud=$($V count vendor:acmetel-billing)
$V vendor merge acmetel-billing acmetel >/dev/null
is "merge joins the mail" "$($V count vendor:acmetel)" $((before + fraud))
is "duplicate merge exits 2" "$(status $V vendor merge acmetel-billing acmetel)" 2
is "merge into itself exits 2" "$(status $V vendor merge acmetel acmetel)" 2
$V undo >/dev/null
is "undo splits them again" "$($V count vendor:acmetel)" "$before"
$V vendor rename globex "Globex Corporation" >/dev/null
is "rename shows in show" "$($V vendor show globex --format=json | json 'd["name"]')" "Globex Corporation"
is "a blank name is no name: exit 2" "$(status $V vendor rename globex "   ")" 2
is "nor one of no-break and zero-width spaces" \
	"$(status $V vendor rename globex "$(printf '\302\240\342\200\213\343\200\200')")" 2
is "nor one of a Hangul filler and direction marks" \
	"$(status $V vendor rename globex "$(printf '\343\205\244\342\200\217\342\201\246')")" 2
is "said as for an empty one" "$($V vendor rename globex "   " 2>&1)" "$($V vendor rename globex "" 2>&1)"
is "the name stays" "$($V vendor show globex --format=json | json 'd["name"]')" "Globex Corporation"
is "a subdomain is not an organisation domain" "$(status $V vendor add-domain globex sales.globex.example)" 2
$V vendor add-domain initech globex.example >/dev/null
is "a domain moves between vendors" "$($V vendor show initech --format=json | json 'sorted(d["domains"])')" \
	"['globex.example', 'initech.example']"
$V undo >/dev/null
$V undo >/dev/null

# overrides survive a rebuilt index
$V vendor promote globex >/dev/null
$V vendor merge acmetel-billing acmetel >/dev/null
rm -rf "$TMP/data/notmuch"
$V index --quiet
is "bucket survives a rebuilt index" "$($V count bucket:trusted)" "$($V count vendor:globex)"
is "merge survives a rebuilt index" "$($V count vendor:acmetel)" $((before + fraud))
$V undo >/dev/null
$V undo >/dev/null

# contacts, with what signatures tell
contacts=$($V contact list acmetel --format=json)
is "contact JSON has the promised fields" "$(printf '%s' "$contacts" | json '
all({"name","addresses","title","phones","role","vendor"} <= set(c) for c in d) and len(d) >= 2')" True
is "Dana's title comes from her signature" "$(printf '%s' "$contacts" | json '
[c["title"] for c in d if c["name"]=="Dana Whitfield"][0]')" "Senior Account Executive"
is "Dana's phones come from her signature" "$(printf '%s' "$contacts" | json '
len([c["phones"] for c in d if c["name"]=="Dana Whitfield"][0]) >= 1')" True
is "\"my manager is\" names Tom Becker" "$(printf '%s' "$contacts" | json '
[c["role"] for c in d if c["name"]=="Tom Becker"][0]')" manager
is "Sam Lee moved from initech to globex" \
	"$($V contact show sam.lee@globex.example --format=json | json 'd["vendors"]')" "['initech', 'globex']"
is "Sam Lee is listed at both vendors" \
	"$($V contact list initech --format=json | json 'any(c["name"]=="Sam Lee" for c in d)')" True
# as Outlook writes names, with a middle initial: still Sam Lee
printf 'From: "Lee, Sam J." <slee@vandelay.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: New job\nDate: Fri, 04 Dec 2026 10:00:00 +0000\nMessage-ID: <slee-vandelay@vandelay.example>\n\nHi Rich,\n\nI moved again.\n\nSam\n' \
	>"$TMP/mail/INBOX/cur/slee-vandelay:2,S"
printf 'From: Bea Novak <bea.novak@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Statement\nDate: Mon, 02 Nov 2026 10:00:00 +0000\nMessage-ID: <ar-statement@acmetel.example>\n\nHi Rich,\n\nyour statement is attached.\n\nBea Novak\nAccounts Receivable\nAcmeTel\n' \
	>"$TMP/mail/INBOX/cur/ar-statement:2,S"
$V index --quiet
is "Accounts Receivable in a signature is billing, not an account rep" \
	"$($V contact show bea.novak@acmetel.example --format=json | json 'd["title"], d["role"]')" \
	'Accounts Receivable billing'
printf 'From: Jo Park <jo.park@acmetel.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Check-in\nDate: Mon, 02 Nov 2026 11:00:00 +0000\nMessage-ID: <csm-checkin@acmetel.example>\n\nHi Rich,\n\nhow is the service?\n\nJo Park\nCustomer Success Manager\nAcmeTel\n' \
	>"$TMP/mail/INBOX/cur/csm-checkin:2,S"
$V index --quiet
is "a Customer Success Manager is the account's rep" \
	"$($V contact show jo.park@acmetel.example --format=json | json 'd["role"]')" account-rep
is "\"Lee, Sam J.\" is Sam Lee, who moved on to vandelay" \
	"$($V contact show sam.lee@globex.example --format=json | json 'd["vendors"]')" "['initech', 'globex', 'vandelay']"
# a name that is one word once its title is gone is no person's name:
# every Kim with a degree was one person
printf 'From: "Kim, PhD" <kim@vandelay.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Lab results\nDate: Fri, 04 Dec 2026 11:00:00 +0000\nMessage-ID: <kim-vandelay@vandelay.example>\n\nHi Rich,\n\nattached.\n' \
	>"$TMP/mail/INBOX/cur/kim-vandelay:2,S"
printf 'From: "Kim, MD" <kim.ross@initech.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Check-up\nDate: Fri, 04 Dec 2026 12:00:00 +0000\nMessage-ID: <kim-initech@initech.example>\n\nHi Rich,\n\nsee you.\n' \
	>"$TMP/mail/INBOX/cur/kim-initech:2,S"
$V index --quiet
is "two people of one first name and a title are two" \
	"$($V contact show kim@vandelay.example --format=json | json 'd["vendors"]')" "['vandelay']"
$V contact set dana.whitfield@mail.acmetel.example --role account-rep >/dev/null
is "a role is set" "$($V contact show dana.whitfield@mail.acmetel.example --format=json | json 'd["role"]')" account-rep
is "a bad role exits 2" "$(status $V contact set dana.whitfield@mail.acmetel.example --role boss)" 2
is "an unknown contact exits 2" "$(status $V contact set who@nowhere.example --role other)" 2

# issues
thread=$($V search --format=json --limit 1 'vendor:acmetel and subject:Dispute' | json 'd[0]["thread"]')
id=$($V issue open acmetel "October bill is wrong" --thread "$thread" --format=json | json 'd["id"]')
is "issue open returns its number" "$id" 1
is "its thread is issue:open" "$($V count --output=threads issue:open)" 1
is "a list's JSON says which thread has an open issue" "$($V search --format=json vendor:acmetel |
	json '[t["thread"] for t in d if t["open_issue"]]')" "['$thread']"
issues=$($V issue list --format=json)
is "issue JSON has dates, age and links" "$(printf '%s' "$issues" | json '
d[0]["state"]=="open" and d[0]["age_days"]==0 and len(d[0]["messages"])==4 and d[0]["vendor"]=="acmetel"')" True
$V issue close "$id" --note "credit note received" >/dev/null
is "closed issues leave the list" "$($V issue list --format=json)" "[]"
is "--all shows them" "$($V issue list --all --format=json | json 'd[0]["note"]')" "credit note received"
contains "and says how each ended" "$($V issue list --all)" "      closed: credit note received"
is "closing twice finds nothing to change: exit 0" "$(status $V issue close "$id")" 0
contains "and says so" "$($V issue close "$id")" "closed already"
is "the note stays the first close's" "$($V issue list --all --format=json | json 'd[0]["note"]')" "credit note received"
is "an unknown issue exits 2" "$(status $V issue close 42)" 2
is "issue open needs a title" "$(status $V issue open acmetel)" 2
is "a blank title is no title: exit 2" "$(status $V issue open acmetel "  " "	")" 2
is "said as for an empty one" "$($V issue open acmetel "   " 2>&1)" "$($V issue open acmetel "" 2>&1)"
is "no issue opened" "$($V issue list --all --format=json | json 'len(d)')" 1
# --thread given twice: both threads linked, not only the last
bill=$($V search --format=json --limit 1 'vendor:acmetel and subject:"AT-2026-11"' | json 'd[0]["thread"]')
two=$($V issue open acmetel "Two bills" --thread "$thread" --thread "$bill" --format=json | json 'd["id"]')
is "every --thread is linked" "$($V issue list --format=json | json "[len(i['messages']) for i in d if i['id'] == $two]")" \
	"[$(($($V count "thread:$thread") + $($V count "thread:$bill")))]"
$V issue close "$two" >/dev/null
is "one --thread of several not found: exit 2" \
	"$(status $V issue open acmetel x --thread "$thread" --thread thread:ffffffff)" 2
is "and no issue opened" "$($V issue list --all --format=json | json 'len(d)')" 2
is "a thread that does not exist exits 2" "$(status $V issue open acmetel x --thread thread:ffffffff)" 2
is "a search given for a thread: exit 2" \
	"$(status $V issue open acmetel x --thread 'subject:"Invoice AT-2026-11"')" 2
contains "saying what a thread is" "$($V issue open acmetel x --thread 'subject:"Invoice AT-2026-11"' 2>&1)" \
	"is not a thread: thread:ID as search lists it, or id:MSGID"
is "(no issue opened)" "$($V issue list --all --format=json | json 'len(d)')" 2
# a long title of accented letters: the journal keeps it cut whole
# characters ("%.200s" cut "é" in two, and the history showed U+FFFD)
E=$(printf '\303\251') FFFD=$(printf '\357\277\275')
long=$(printf "$E%.0s" $(seq 150))
three=$($V issue open acmetel "$long" --format=json | json 'd["id"]')
$V issue close "$three" --note "$long" >/dev/null
# (a tag of 181 bytes: notmuch takes 200 at most)
$V tag "+t$(printf "$E%.0s" $(seq 90))" "subject:AT-2026-11 or subject:\"$long\"" >/dev/null
hist=$($V history acmetel; $V undo)
contains "the issue's close is in the history" "$hist" "closed issue #$three: $E$E"
contains "so is the tag's undo" "$hist" "undone: tagged t$E$E"
lacks "every cut whole characters" "$hist" "$FFFD"

# history and waiting
h=$($V history acmetel --format=json)
is "history JSON events have date, kind, summary" "$(printf '%s' "$h" | json '
all({"date","kind","summary"} <= set(e) for e in d)')" True
is "history is newest first" "$(printf '%s' "$h" | json '[e["date"] for e in d] == sorted([e["date"] for e in d], reverse=True)')" True
kinds=$(printf '%s' "$h" | json '" ".join(sorted(set(e["kind"] for e in d)))')
for k in message issue-opened issue-closed contact-changed; do
	contains "history has $k events" "$kinds" "$k"
done
# a mail without a date keeps the columns of the dated ones
printf 'From: Dana Whitfield <dana.whitfield@mail.acmetel.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: No date here\nMessage-ID: <undated@acmetel.example>\n\nHi.\n' \
	>"$TMP/mail/INBOX/cur/undated:2,S"
$V index --quiet
is "an undated mail's line lines up with the dated ones" \
	"$($V history acmetel | awk '/No date here|Re: Dispute/ { print index($0, "message") }' | sort -u | wc -l | tr -d ' ')" 1
is "history shows mail both ways" "$(printf '%s' "$h" | json 'sorted(set(e.get("direction","") for e in d if e["kind"]=="message"))')" "['in', 'out']"
waiting=$($V search --format=json waiting:vendor | json '" | ".join(sorted(t["subject"] for t in d))')
# the user wrote last in the dispute, but closed its issues since:
# settled, as vtriage waiting has it, nothing to chase
lacks "the dispute, its issues closed, waits on no one" "$waiting" "Dispute"
contains "the outage waits on Initech" "$waiting" "outage"
lacks "newsletters wait on nobody" "$waiting" "newsletter"
all=$($V search --format=json '*')
for who in vendor me; do
	expect=$($V search --format=json "waiting:$who" | json 'sorted(t["thread"] for t in d)')
	is "a list's JSON says which threads wait on $who" \
		"$(printf '%s' "$all" | json "sorted(t['thread'] for t in d if t['waiting'] == '$who')")" "$expect"
	lacks "some thread waits on $who" "$expect" "[]"
done
is "the closed issue leaves the list's JSON" "$($V search --format=json vendor:acmetel | json 'any(t["open_issue"] for t in d)')" False

# two processes at once: nothing lost, the database stays consistent
i=0
while [ $i -lt 15 ]; do
	$V vendor promote initech >/dev/null 2>&1 &
	$V vendor demote initech >/dev/null 2>&1
	wait
	i=$((i + 1))
done
is "the store is consistent after concurrent writers" \
	"$(sqlite3 "$TMP/data/vtriage.db" 'PRAGMA integrity_check')" ok
journal=$(sqlite3 "$TMP/data/vtriage.db" "SELECT count(*) FROM journal WHERE target = 'initech'")
state=$($V vendor show initech --format=json | json 'd["bucket"]')
# every recorded change alternates the bucket: the last one tells the state
last=$(sqlite3 "$TMP/data/vtriage.db" "SELECT after FROM journal WHERE target = 'initech' ORDER BY id DESC LIMIT 1")
is "the journal agrees with the bucket ($journal changes)" "$state" "$last"
# tag: +TAG and -TAG on a query, journalled; deleted mail leaves every
# search and count unless the query names the tag
inv='subject:"Invoice AT-2026-11"'
before=$($V count '*')
ok "tag adds and removes in one run" $V tag +deleted -inbox "$inv"
is "the deleted thread leaves the count of everything" "$($V count '*')" "$((before - 1))"
is "and every search" "$($V count "$inv")" 0
is "tag:deleted finds it (the Trash)" "$($V count "tag:deleted and $inv")" 1
is "its inbox tag is gone too" "$($V count "tag:deleted and tag:inbox and $inv")" 0
contains "undo takes back the last tag (-inbox)" "$($V undo)" "untagged inbox"
contains "and then the first" "$($V undo)" "tagged deleted"
is "the thread is back" "$($V count "$inv and tag:inbox")" 1
# a long tag is undone whole: cut to a field's size, the undo left it on
# the mail, or took off another tag that began the same way
long=project-$(printf 'x%.0s' $(seq 60))-2026
$V tag +"${long%-2026}" "$inv" >/dev/null
$V tag +"$long" "$inv" >/dev/null
contains "undo of a long tag" "$($V undo)" "undone"
is "takes that tag off" "$($V count "tag:$long")" 0
is "and leaves the one it begins with" "$($V count "tag:${long%-2026} and $inv")" 1
$V undo >/dev/null
# longer than notmuch takes (200 bytes): it refused it on every message,
# unread, and "tagged" was said with no message tagged
huge=$(printf 'y%.0s' $(seq 201))
out=$($V tag +"$huge" "$inv" 2>&1)
is "a tag too long for notmuch is a usage error (exit 2)" "$?" 2
contains "saying how long a tag may be" "$out" "notmuch takes 200 at most"
lacks "nothing said tagged" "$out" "tagged"
# the store held by another writer: nothing is tagged (tagged first, the
# journal then failed busy and the change could not be undone)
python3 - "$TMP/data/vtriage.db" "$TMP/held" <<'PY' &
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(14)
db.execute("ROLLBACK")
PY
holder=$!
for i in $(seq 50); do [ -e "$TMP/held" ] && break; sleep 0.1; done
inbox_before=$($V count "tag:inbox and $inv")
out=$($V tag -inbox "$inv" 2>&1)
is "tag while another program writes the store: exit 1" "$?" 1
contains "busy, said so" "$out" "busy, another program is writing it"
wait $holder
is "and nothing was tagged" "$($V count "tag:inbox and $inv")" "$inbox_before"
is "a tag without a query is a usage error (exit 2)" "$(status $V tag +x)" 2
is "a query without a tag too" "$(status $V tag "$inv")" 2
ls "$TMP/mail"/*/cur/* | sort >"$TMP/files.after"
ok "no file was touched by the deleted tag (not a Maildir flag)" \
	sh -c "! grep -q ':2,.*T' '$TMP/files.after'"


# the index removed by hand: made again, empty, and the lists say why
before_all=$($V count '*')
rm -rf "$TMP/data/notmuch"
out=$($V count '*' 2>&1 >/dev/null)
contains "an index made anew while the store knows mail: said so" "$out" "run \`vtriage index\`"
$V index --quiet
lacks "once indexed, nothing said" "$($V count '*' 2>&1 >/dev/null)" "made anew"
is "and the mail is counted again" "$($V count '*')" "$before_all"

# a merge makes one vendor's bills the other's history: the checks of
# jumps say so at once, not after the next index
B=$TMP/bills-mail
mkdir -p "$B/cur" "$B/new" "$B/tmp"
for m in 08 09 10; do
	printf 'From: XCorp Billing <billing@xcorp.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice X-%s\nDate: Mon, 02 %s 2026 09:00:00 +0000\nMessage-ID: <x%s@test>\n\nInvoice number: X-%s\nAmount due: $1,000.00\n' \
		"$m" "$(case $m in 08) echo Aug ;; 09) echo Sep ;; 10) echo Oct ;; esac)" "$m" "$m" >"$B/cur/x$m:2,S"
done
printf 'From: XCorp Holdings <billing@xcorp-holdings.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice XH-11\nDate: Mon, 02 Nov 2026 09:00:00 +0000\nMessage-ID: <xh11@test>\n\nInvoice number: XH-11\nAmount due: $5,000.00\n' \
	>"$B/cur/xh11:2,S"
write_config "$TMP/bills.conf" "$B" "$TMP/bills-data"
W="$VTRIAGE --config $TMP/bills.conf"
$W index --quiet
is "(two vendors: no jump)" "$($W count bill:flagged)" 0
$W vendor merge xcorp-holdings xcorp --force >/dev/null
is "merged, the \$5,000 bill is a jump of XCorp's at once" "$($W count bill:flagged)" 1
contains "bill check says so" "$($W bill check)" "XH-11"
$W undo >/dev/null
is "undone, no longer" "$($W count bill:flagged)" 0
# a domain added to a vendor and removed again: its own vendor is itself
# again (a new "xcorp-holdings-example" beside it left the old slug
# naming XCorp)
$W vendor add-domain xcorp xcorp-holdings.example --force >/dev/null
$W vendor remove-domain xcorp xcorp-holdings.example >/dev/null
contains "after add-domain and remove-domain the vendor is back" "$($W vendor show xcorp-holdings)" \
	"domains:  xcorp-holdings.example"
is "and its mail is its own" "$($W count vendor:xcorp-holdings)" 1
lacks "no second vendor for the domain" "$($W vendor list)" "xcorp-holdings-example"
$W undo >/dev/null
is "undone: the domain is XCorp's again" "$($W count vendor:xcorp)" 4
# the report counts a bill once, however often its reference came (a
# reminder, a corrected invoice: the newest says); XCorp's four bills
# now, Holdings' domain back with it
printf 'From: XCorp Billing <billing@xcorp.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Reminder: Invoice X-10\nDate: Mon, 16 Nov 2026 09:00:00 +0000\nMessage-ID: <x10r@test>\n\nInvoice number: X-10\nAmount due: $1,000.00\n' \
	>"$B/cur/x10r:2,S"
$W index --quiet
is "a reminder is one bill in the report" "$($W report xcorp --format=json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print([(t["kind"], t["count"], t["minor"]) for t in r["totals"]])')" "[('bill', 4, 800000)]"
done_testing
