#!/bin/sh
# A query's worth of conversations snoozed at once: every query would
# name each of them until the next index run, so `vtriage snooze` writes
# their ends onto their messages at once (one term a query, as after a
# run), keeping the store's mirror of the index for lists; a few threads
# are left named (a write costs more than naming them), and so is every
# snooze made while another program holds the index for writing. Woken in
# bulk, the marks come off the same way.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
ME="Rich Miller <rich@northwind.example>"
# msg ID FROM SUBJECT DAYS-AGO
msg() {
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s@test>\n\nHello.\n' \
		"$2" "$ME" "$3" "$(date -R -d "-$4 days")" "$1" >"$M/cur/$1:2,S"
}
i=1
while [ $i -le 40 ]; do
	msg "n$i" "News <news@acme.example>" "Newsletter $i" $((i + 2))
	i=$((i + 1))
done
msg k1 "Sam <sam@globex.example>" "Quote for racks" 1
msg k2 "Sam <sam@globex.example>" "Delivery of racks" 1
printf 'From: %s\nTo: Sam <sam@globex.example>\nSubject: Re: Quote for racks\nDate: %s\nMessage-ID: <k1r@test>\nIn-Reply-To: <k1@test>\nReferences: <k1@test>\n\nThanks.\n' \
	"$ME" "$(date -R)" >"$M/cur/k1r:2,S"
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
export NOTMUCH_CONFIG="$TMP/data/notmuch-config"
DB=$TMP/data/vtriage.db
$V index --quiet

# the index's revision, and the one the store's token says it mirrors
index_revision() { notmuch count --lastmod '*' | cut -f3; }
token_revision() { sqlite3 "$DB" "SELECT value FROM meta WHERE key = 'index_token'" | cut -d' ' -f4; }
is "the store mirrors the index after the run" "$(token_revision)" "$(index_revision)"

# one thread: named by queries until the next run, nothing written
$V snooze 'id:k1@test' --until 3d >/dev/null
is "one snooze is named, not written" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_changed')" 1
k1_until=$(sqlite3 "$DB" "SELECT until FROM snoozes WHERE message_id = 'k1@test'")
is "no message marked for it" "$(notmuch count "property:vtriage.snoozed=$k1_until")" 0
is "yet it is out of lists at once" "$($V count 'from:globex.example')" 1

# forty threads at once: written now, one term a query
out=$($V snooze 'subject:Newsletter' --until 2w --format=json)
is "snooze --format=json says how many and until when" \
	"$(echo "$out" | python3 -c 'import json,sys,time; o=json.load(sys.stdin); print(o["messages"], 13 * 86400 < o["until"] - time.time() < 15 * 86400)')" \
	"40 True"
is "and, as every change, changed and summary" \
	"$(echo "$out" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["changed"], o["summary"])')" \
	"True 40 messages snoozed until $(date -d "+14 days" +%Y-%m-%d)"
is "nothing is named any more" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_changed')" 0
is "every snoozed message is recorded as marked" \
	"$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_marks')" 42
until=$(sqlite3 "$DB" "SELECT DISTINCT until FROM snooze_marks WHERE message_id = 'n1@test'")
is "the index carries each end on its messages" \
	"$(notmuch count "property:vtriage.snoozed=$until")" 40
is "the thread snoozed before is written with them" \
	"$(notmuch search --output=messages "property:vtriage.snoozed=$k1_until" | sort | tr '\n' ' ')" "id:k1@test id:k1r@test "
is "the lists leave all of them out" "$($V count '*')" 1
contains "the query is one term an end" "$($V search --notmuch-query '*')" "vtriage.snoozed=$until"
lacks "no thread named" "$($V search --notmuch-query '*')" "thread:"
is "snoozed:yes finds them" "$($V count --output=threads snoozed:yes)" 41
is "the store still mirrors the index" "$(token_revision)" "$(index_revision)"
is "a list shows the one thread not snoozed" \
	"$($V search --format=json '*' | python3 -c 'import json,sys; print([t["subject"] for t in json.load(sys.stdin)])')" \
	"['Delivery of racks']"

# snoozed again by the same query: a new end, written at once too
out=$($V snooze 'subject:Newsletter' --until 3w)
contains "the snoozed are found again" "$out" "40 messages snoozed until"
later=$(sqlite3 "$DB" "SELECT until FROM snooze_marks WHERE message_id = 'n1@test'")
ok "the end moved" [ "$later" -gt "$until" ]
is "the index carries the new end" "$(notmuch count "property:vtriage.snoozed=$later")" 40
is "and not the old" "$(notmuch count "property:vtriage.snoozed=$until")" 0
until=$later

# woken in bulk: the marks come off now too
contains "unsnooze finds the snoozed by a plain query" "$($V unsnooze 'subject:Newsletter')" "40 messages back"
is "unsnooze --format=json: nothing snoozed is nothing changed" \
	"$($V unsnooze 'subject:Newsletter' --format=json)" \
	'{"messages":0,"until":null,"changed":false,"summary":"0 messages back"}'
is "woken: nothing named" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_changed')" 0
is "the marks came off but the thread still snoozed" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_marks')" 2
is "the index carries none of the woken" "$(notmuch count "property:vtriage.snoozed=$until")" 0
is "but still the thread snoozed" "$(notmuch count "property:vtriage.snoozed=$k1_until")" 2
is "they are back in lists" "$($V count '*')" 41
is "the store still mirrors the index after the wake" "$(token_revision)" "$(index_revision)"

# another writer holds the index: the snoozes are kept and named
python3 - "$TMP/data/notmuch/xapian/flintlock" "$TMP/held" <<'EOF' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)
EOF
holder=$!
n=0
while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
before=$(index_revision)
out=$($V snooze 'subject:Newsletter' --until 2w 2>&1)
kill $holder
wait $holder 2>/dev/null || true
contains "snoozed while the index is held" "$out" "40 messages snoozed until"
lacks "and nothing said of the marks" "$out" "marks"
is "named by queries until a run" "$(sqlite3 "$DB" 'SELECT count(DISTINCT thread) FROM snooze_changed')" 40
is "the index untouched" "$(index_revision)" "$before"
is "still out of lists" "$($V count '*')" 1
$V index --quiet
is "the next run writes them" "$(sqlite3 "$DB" 'SELECT count(*) FROM snooze_changed')" 0
is "and lists still leave them out" "$($V count '*')" 1
is "a ')' of its own cannot let a query out of the snoozed:yes it is held to" \
	"$(status $V unsnooze 'subject:Newsletter) or (from:globex.example')" 2
contains "said so, of the query as written" \
	"$($V unsnooze 'subject:Newsletter) or (from:globex.example' 2>&1)" \
	"bad query 'subject:Newsletter) or (from:globex.example': a ')' with no '(' before it"
is "nothing woken by it" "$($V count '*')" 1
is "' * ' is all mail, as '*'" "$($V count ' * ')" 1
contains "unsnooze ' * ' wakes every snoozed one" "$($V unsnooze ' * ')" "42 messages back"
is "all mail is back" "$($V count '*')" 43

# a thread's end is the one snoozed last, earlier as well as later
$V snooze 'id:k1@test' --until 3w >/dev/null
far=$(sqlite3 "$DB" "SELECT until FROM snoozes WHERE message_id = 'k1@test'")
contains "snoozed by its other message" "$($V snooze 'id:k1r@test' --until 3d)" "1 message snoozed until"
near=$(sqlite3 "$DB" "SELECT until FROM snoozes WHERE message_id = 'k1r@test'")
ok "sooner than the first" [ "$near" -lt "$far" ]
is "the thread's snoozes all end then" "$(sqlite3 "$DB" 'SELECT DISTINCT until FROM snoozes')" "$near"
is "--list says the sooner end" "$($V snooze --list --format=json | python3 -c 'import json,sys; print([t["until"] for t in json.load(sys.stdin)])')" "[$near]"

done_testing
