#!/bin/sh
# Every triage action from the interface, not only the command line:
# link a thread to an issue, rename a vendor, add a domain and merge
# (a look-alike asks first), tags added and removed with completion, an
# issue closed with a note, and the closed issues' folder; a vendor's
# folder demoted while open, and the demotion undone.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data" "[ui]
mouse = yes"
$VTRIAGE --config "$TMP/conf" index --quiet
vt() { $VTRIAGE --config "$TMP/conf" "$@"; }

tmux_session 160 45 "env TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "the interface paints" wait_for "Inbox"
contains "a folder of closed issues" "$(screen)" "Closed issues"
keys / 'vendor:acmetel' Enter
ok "acmetel's threads" wait_for "Invoice AT-2026-11"
keys : 'issue-open Wrong bill' Enter
ok "an issue is opened" wait_for "opened issue #1"

# ,l links the selected thread, the vendor's open issue offered
keys j
keys ,l
ok ",l asks which issue, offering the open one" wait_for "Link the thread to issue #: 1"
keys Enter
ok "and links the thread" wait_for "to issue #1"
links=$(vt issue list --format=json | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)[0]["messages"]))')
contains "the issue has the invoice's mail" "$links" "acmetel-inv-2026-11@mail.acmetel.example"
contains "and the linked thread's" "$links" "rich-dispute@northwind.example"

# Enter on a pane's line lists what it names: the issue's threads, a
# history line's thread, a contact's mail
keys Tab Tab Tab
keys Enter
ok "Enter on the issue lists its threads" wait_for "Search: issue:1"
ok "both of them" wait_for "2 threads"
keys Tab G
keys Enter
ok "Enter on a history line of mail lists its thread" wait_for 'Search: id:"'
ok "one thread" wait_for "1 thread"
keys Tab Tab
keys Enter
ok "Enter on a contact lists their mail" wait_for 'Search: from:"'
keys / 'vendor:acmetel' Enter
ok "(acmetel's threads again)" wait_for "Invoice AT-2026-11"
keys j

# ,n renames, its name offered; ,u undoes it
keys ,n
ok ",n asks for the name" wait_for "Rename acmetel to: acmetel.example"
keys C-u 'AcmeTel Inc' Enter
ok "and renames" wait_for "renamed acmetel.example to AcmeTel Inc"
contains "the vendor has its name" "$(vt vendor show acmetel)" "AcmeTel Inc"
keys ,u
ok ",u undoes the rename" wait_for "undone: renamed"

# a look-alike domain asks before taking the vendor's standing
keys : 'add-domain acmetel-billing.example' Enter
ok "a look-alike domain asks first" wait_for "Add anyway? (type yes)"
keys no Enter
ok "no is no" wait_for "not added"
lacks "the domain stays apart" "$(vt vendor show acmetel)" "acmetel-billing.example"
keys ,d
ok ",d asks for the domain" wait_for "Domain to add to acmetel:"
keys acmetel-billing.example Enter
ok "asks again" wait_for "Add anyway? (type yes)"
keys yes Enter
ok "yes adds it" wait_for "added domain acmetel-billing.example to acmetel.example (forced"
contains "the vendor has the domain" "$(vt vendor show acmetel)" "acmetel-billing.example"
keys ,u
ok ",u undoes it" wait_for "undone: added domain"

# ,m merges, the target completed with Tab
# (vendor: leaves out mail forged in another's name: from: finds it)
keys / 'from:billing@acmetel-billing.example' Enter
ok "the look-alike's thread" wait_for "1 thread"
keys ,m
ok ",m asks into which vendor" wait_for "Merge acmetel-billing into (Tab completes):"
keys acmetel Tab
ok "Tab lists the vendors that start so" wait_for "acmetel acmetel-billing"
keys Enter
ok "a look-alike merge asks" wait_for "Merge anyway? (type yes)"
keys yes Enter
ok "and merges" wait_for "merged"
lacks "one vendor is left" "$(vt vendor list)" "acmetel-billing "

# + and - edit the thread's tags, Tab completing the index's
keys / 'subject:"Invoice AT-2026-11"' Enter
keys +
ok "+ asks for a tag" wait_for "Add tag:"
keys inb Tab
ok "Tab completes a tag" wait_for "Add tag: inbox"
keys C-u quote-2026 Enter
ok "+ tags the thread" wait_for "tagged quote-2026"
is "the index has the tag" "$(vt count tag:quote-2026)" 1
keys - quo Tab
ok "- completes the thread's tag" wait_for "Remove tag: quote-2026"
keys Enter
ok "- removes it" wait_for "untagged quote-2026"
is "the index has it no more" "$(vt count tag:quote-2026)" 0
keys + 'two words' Enter
ok "a tag is one word" wait_for "a tag is one word"

# ,c closes with a note
keys ,c
ok ",c asks which issue" wait_for "Close issue #: 1"
keys Enter
ok "then for a note" wait_for "Closing note (Enter: none):"
keys 'credited in full' Enter
ok "and closes the issue with it" wait_for "closed issue #1: Wrong bill (credited in full)"
keys / 'issue:closed' Enter
ok "the closed issue's threads are found" wait_for "Invoice AT-2026-11"
# ,c offers the selected thread's own issue, not the vendor's oldest
vt issue open acmetel "September bill" --thread id:acmetel-inv-2026-09@mail.acmetel.example >/dev/null
vt issue open acmetel "Ticket unanswered" --thread id:ticket-TKT-1029384.1@mail.acmetel.example >/dev/null
keys C-l
keys / 'subject:TKT-1029384' Enter
ok "the ticket's thread" wait_for "1 thread"
keys ,c
ok ",c offers the issue the thread is linked to" wait_for "Close issue #: 3"
keys Escape
ok "(not closed)" wait_for "cancelled"
keys / 'subject:"Invoice AT-2026-08"' Enter
keys ,c
ok "on a thread with no issue, the vendor's oldest open one" wait_for "Close issue #: 2"
keys Escape
# d moves a thread to the Trash; ,u brings it back
keys / 'subject:"lunch thursday"' Enter
ok "the lunch thread" wait_for "1 thread"
keys d
ok "d moves it to the Trash" wait_for "moved to the Trash"
ok "it leaves the list" wait_for "(no mail here)"
is "the index has it tagged deleted" "$(vt count 'tag:deleted and subject:"lunch thursday"')" 1
keys / 'tag:deleted' Enter
ok "the Trash folder's query lists it" wait_for "lunch thursday"
keys ,u
ok ",u takes it out of the Trash" wait_for "undone:"
is "not deleted any more" "$(vt count 'tag:deleted')" 0

# the pager opens with the thread's tree
keys / 'subject:Dispute' Enter
keys Enter
ok "a thread of four opens" wait_for "> thread"
contains "its tree: the first message, then each reply under it" "$(screen)" "└─ Dana Whitfield"
contains "a reply to the reply one step further" "$(screen)" "  └─ Rich Miller"
keys J
contains "J goes from the tree to the first message" "$(screen | sed -n 2p)" "From: Rich Miller"
keys q
# [ui] mouse = yes: a click selects, a second click opens, the wheel moves
keys / 'tag:inbox' Enter
# a click is a press and a release, as terminals send them
click() { keys -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$1" "$2" "$1" "$2")"; }
click 80 4
contains "a click on the third row selects it" "$(screen | tail -2)" " 3/"
keys -l "$(printf '\033[<65;80;10M')"
contains "the wheel moves three rows down" "$(screen | tail -2)" " 6/"
keys -l "$(printf '\033[<64;80;10M')"
contains "and up" "$(screen | tail -2)" " 3/"
click 80 4
ok "a click on the selected thread opens it" wait_for "> thread"
keys q
keys '?'
help=$(screen)
keys ' '
contains "help names the new actions (its first two pages)" "$help$(screen)" "issue-link"
keys q Q
ok "quits" wait_for "EXITED 0"

# a vendor's folder, its vendor demoted and the demotion undone: the
# folder's place held by the next one made later refreshes and q from a
# search follow that one (the Generic bucket)
vt vendor promote initech >/dev/null
tmux_session 160 45 "env TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "(again)" wait_for "Inbox"
keys J
ok "J opens the vendor's folder" wait_for "Initech Cloud outage"
contains "(its title)" "$(screen | head -1)" "initech.example"
keys ,g
ok ",g demotes it" wait_for "trusted -> generic"
contains "the title says the folder is gone" "$(screen | head -1)" "initech.example (no folder now)"
contains "its mail stays in view" "$(screen)" "Initech Cloud outage"
keys ,u
ok ",u promotes it again" wait_for "undone: demoted"
contains "the title is the folder's again" "$(screen | head -1)" "initech.example"
lacks "(not gone)" "$(screen | head -1)" "no folder now"
keys / 'kind:bill' Enter
ok "(a search)" wait_for "Search: kind:bill"
keys q
ok "q goes back to the vendor's folder" wait_for "Initech Cloud outage"
contains "(its title)" "$(screen | head -1)" "initech.example"
lacks "not the Generic bucket's" "$(screen | head -1)" "Generic"
# changes made beside it: the command line's show by themselves, any
# other tool's (notmuch tag) at C-l
vt vendor demote initech >/dev/null
ok "a demotion from the command line shows within seconds" wait_for "initech.example (no folder now)" 40
lacks "(the folder is gone from the list)" "$(screen | sed 1d | cut -c1-26)" "initech.example"
NOTMUCH_CONFIG=$TMP/data/notmuch-config notmuch tag +flagged -- 'subject:"Initech Cloud outage"'
sleep 1.5
# (the row's marks after its date: F flagged, W waiting)
flagged_row() {
	i=0
	while [ $i -lt "$1" ]; do
		screen | grep -F 'Initech Cloud outage' | grep -qE '[0-9] F' && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
ok "(not read again while the store is the same)" test "$(flagged_row 1; echo $?)" = 1
keys C-l
ok "C-l reads the index again" flagged_row 30
keys q
ok "quits" wait_for "EXITED 0"
done_testing
