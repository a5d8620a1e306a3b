#!/bin/sh
# The real interface driven through tmux: open, navigate, promote a vendor
# and see its folder appear, open a thread, search, undo, resize to 80x24,
# help, hostile text shown harmlessly, and a clean exit (q, SIGTERM).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
$VTRIAGE --config "$TMP/conf" index --quiet

# session COLS ROWS COMMAND: a fresh tmux server with one pane running COMMAND
session() {
	tmux_session "$@"
	T set-option -t vt set-clipboard on 2>/dev/null
}
start() { # COLS ROWS
	session "$1" "$2" "env TERM=xterm-256color $VTRIAGE --config $TMP/conf"
}

start 160 45
ok "the first screen paints" wait_for "Inbox"
contains "folders are listed" "$(screen)" "Generic ("
contains "not vendor mail has a folder" "$(screen)" "Not vendor mail"
ok "the Maildir folders are listed, with their unread counts" wait_for "INBOX ("
contains "Sent and Archive too" "$(screen | cut -c1-26)" "Sent"
is "the count is INBOX's unread mail" \
	"$(screen | sed -n 's/^INBOX (\([0-9]*\)).*/\1/p')" \
	"$($VTRIAGE --config "$TMP/conf" count 'folder:INBOX and tag:unread')"
contains "the position is shown" "$(screen)" "1/"
aligned=$(screen | python3 -c '
import sys
rows = sys.stdin.read().splitlines()
a = [r for r in rows if "Angebot" in r][0]
b = [r for r in rows if "nanog-list" in r][0]
print(a.index("Angebot") == b.index("[nanog-list]"))')
is "columns line up past accented names (display width, not bytes)" "$aligned" True
keys j j
contains "j moves down" "$(screen)" " 3/"
keys k
contains "k moves up" "$(screen)" " 2/"
keys G
last=$(screen | sed -n 's/^ \([0-9]*\)\/\([0-9]*\) .*/\1 \2/p')
is "G goes to the last thread" "$(echo "$last" | cut -d' ' -f1)" "$(echo "$last" | cut -d' ' -f2)"
keys g
contains "g goes back to the first" "$(screen)" " 1/"

# search, then promote the vendor of the found thread
keys / 'subject:"Maintenance agreement"' Enter
ok "a search shows its result count" wait_for "1 thread"
contains "the search is the list" "$(screen)" "Maintenance agree"
lacks "globex has no folder yet" "$(screen | cut -c1-26)" "globex"
keys , t
ok "promote says so" wait_for "generic -> trusted"
contains "the vendor's folder appears" "$(screen | cut -c1-26)" "globex.example"
contains "the vendor pane shows the bucket" "$(screen)" "[trusted]"
contains "the history pane records the promotion" "$(screen)" "[promoted]"

# open the thread in the pager, and back; opening it reads it
is "the thread is unread" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:unread and subject:"Maintenance agreement"')" 1
keys Enter
ok "Enter opens the thread" wait_for "> thread"
contains "the pager shows headers" "$(screen)" "Subject: Maintenance agreement"
is "and opening it read it" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:unread and subject:"Maintenance agreement"')" 0
keys q
ok "q goes back to the list" wait_for "Search: subject"
lacks "and leaves the pager" "$(screen | head -1)" "> thread"

# undo from the interface
keys , u
ok "undo says what it undid" wait_for "undone: promoted"
lacks "the folder is gone again" "$(screen | cut -c1-26)" "globex.example"

# archive, and undo it: tags in the index, journal in the store
inbox_before=$($VTRIAGE --config "$TMP/conf" count 'tag:inbox and subject:"Maintenance agreement"')
keys , a
ok "archive says so, naming the thread by its subject" wait_for 'archived "Maintenance agreement'
is "the thread left the inbox" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:inbox and subject:"Maintenance agreement"')" 0
keys , u
ok "undo brings it back" wait_for "undone: archived"
is "the thread is in the inbox again" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:inbox and subject:"Maintenance agreement"')" "$inbox_before"

# F flags the thread (the flag syncs to the server as \\Flagged), F again not
keys F
ok "F flags it" wait_for 'flagged "Maintenance agreement'
is "the thread is flagged in the index" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:flagged and subject:"Maintenance agreement"')" 1
contains "and marked F in the list" "$(screen | grep -F 'Maintenance agree')" " F "
keys F
ok "F again unflags it" wait_for 'unflagged "Maintenance agreement'
is "the flag is gone" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:flagged and subject:"Maintenance agreement"')" 0
# and in the pager, as mutt has it
keys Enter
ok "(the pager)" wait_for "> thread"
keys F
ok "F flags the thread shown" wait_for 'flagged "Maintenance agreement'
is "(in the index)" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:flagged and subject:"Maintenance agreement"')" 1
keys F
ok "and F again unflags it" wait_for 'unflagged "Maintenance agreement'
is "(the flag is gone)" \
	"$($VTRIAGE --config "$TMP/conf" count 'tag:flagged and subject:"Maintenance agreement"')" 0
keys q
ok "(back)" wait_for "Search: subject"

# the help overlay, generated from the keymap
keys '?'
ok "? shows the help" wait_for "Keys of the main screen"
contains "help lists the triage keys" "$(screen)" "promote"
keys q
ok "q leaves the help" wait_for "Generic ("

# hostile mail: escape sequences are shown as placeholders, never run
keys / 'from:umbrella.example' Enter
ok "the hostile message is listed" wait_for "1 thread"
keys Enter
ok "and opens" wait_for "> thread"
title=$(T display-message -p -t vt '#{pane_title}')
lacks "no title change reached the terminal" "$title" "pwned"
lacks "no clipboard write reached the terminal" "$(T show-buffer 2>/dev/null)" "p.sh"
contains "the top bar is still there (no clear screen)" "$(screen | head -1)" "vtriage"
contains "control characters are visible placeholders" "$(screen)" "^["
contains "a right-to-left override is named, not drawn as U+FFFD" "$(screen)" "<U+202E>"
keys q

# a query notmuch refuses: said on the status line, not as a row
keys / 'date:garbage' Enter
ok "a bad query is said" wait_for "bad query"
contains "on the status line" "$(screen | tail -1)" "bad query"
contains "the counter says there is nothing" "$(screen)" " 0/0 "
contains "the list says it is empty" "$(screen)" "(no mail here)"

# 80x24: the subject keeps 40 columns; folders and panes a key away
n=$(quiet_events)
T resize-window -t vt -x 80 -y 24 2>/dev/null
settle "$n"
ok "the screen repaints at 80x24" wait_for "vtriage"
lacks "no panes at 80 columns" "$(screen)" "History:"
lacks "no folder list at 80 columns" "$(screen)" "Generic ("
keys / 'tag:inbox' Enter
row=$(screen | grep "Maintenance agreement")
contains "the subject gets 40 columns and more" "$row" "Maintenance agreement MA-5521 expires 2026"
subject_cols=$(printf '%s\n' "$row" | python3 -c '
import sys
row = sys.stdin.read().rstrip("\n")
print(len(row) - row.index("Maintenance"))')
ok "the subject column is $subject_cols wide (>= 40)" test "$subject_cols" -ge 40
# Each key over SSH is a round trip of what it repaints: j rewrites the
# text the cursor leaves and the text it reaches (authors and subject),
# not two full reversed widths (neomutt sends about 180-220 bytes here)
: >"$TMP/pane.out"
T pipe-pane -t vt -o "cat >>'$TMP/pane.out'"
keys j
keys j
keys j
keys j
T pipe-pane -t vt
per_key=$(($(wc -c <"$TMP/pane.out") / 4))
ok "j sends $per_key bytes at 80x24 (< 180)" test "$per_key" -lt 180 -a "$per_key" -gt 20
# the fifth row is the cursor's: its date plain, then the highlight
T capture-pane -p -e -t vt | sed -n 6p >"$TMP/row.esc"
ok "the cursor covers authors and subject, not the date" python3 -c '
import re, sys
row = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.match(r"\d\d-\d\d-\d\d[^\x1b]*(\x1b\[[0-9;]*m)+[A-Za-z]", row)
sys.exit(0 if m else 1)' "$TMP/row.esc"
# help at 80 columns: lines wrap, under their text; Space and j scroll
keys '?'
ok "help opens at 80 columns" wait_for "Keys of the main screen"
contains "the marks' explanation wraps to its end" "$(screen)" "bill check flagged."
ok "a long key's text goes on under itself" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^ {38}[a-z(]'" - "$(screen)"
# every action in one column, the widest keys' ("<PageDown> <C-f> <Space>") too
is "the actions line up, keys too wide for their column above theirs" \
	"$(screen | awk '/ (page-down|page-up|top|bottom|open) / { match($0, / (page-down|page-up|top|bottom|open) /); print RSTART }' | sort -u | wc -l | tr -d ' ')" 1
keys ' '
lacks "Space scrolls the help" "$(screen)" "Keys of the main screen"
keys g j
lacks "j scrolls it by a line" "$(screen | sed -n 2p)" "Keys of the main screen"
keys q
# the pager wraps long lines: the quote's validity is read whole
keys / 'subject:"Quote request"' Enter
ok "the quote thread is found" wait_for "1 thread"
keys Enter
ok "and opens at 80x24" wait_for "> thread"
# the body's line (not the quote's summary on top) goes on below
wrapped=""
for page in 1 2 3 4 5 6 7 8; do
	wrapped=$(screen | grep -A1 -F '= $447,000.00, valid until' | sed -n 2p)
	[ -n "$wrapped" ] && break
	keys ' '
done
contains "a long line wraps instead of being cut" "$wrapped" "2026-12-15"
# J and K go from message to message; h hides To, Cc and Date
keys g J
contains "J goes to the next message" "$(screen | sed -n 2p)" "From: "
first=$(screen | sed -n 2,3p)
keys J
lacks "and J again to the one after" "$(screen | sed -n 2,3p)" "$first"
keys K
is "K goes back one" "$(screen | sed -n 2,3p)" "$first"
contains "headers are shown" "$(screen)" "Date: "
keys h
lacks "h hides To, Cc and Date" "$(screen)" "Date: "
contains "but keeps From" "$(screen)" "From: "
keys h
contains "h shows them again" "$(screen)" "Date: "
keys T G
contains "T folds each run of quoted text to a line" "$(screen)" "quoted lines: T shows them]"
keys T
lacks "T shows it again" "$(screen)" "quoted lines: T shows them]"
keys q q
keys B
ok "B shows the folder list" wait_for "Generic ("
keys B
lacks "and hides it" "$(screen)" "Generic ("
keys / 'vendor:acmetel' Enter
keys P
ok "P shows the panes over the whole list" wait_for "History:"
lacks "the list is not drawn under them" "$(screen)" "26-11-03 N"
contains "the panes have the width" "$(screen)" "Quotes & bills"
keys P
lacks "P hides them again" "$(screen)" "History:"
contains "and the list is back" "$(screen)" "Invoice AT-2026-11 from"
# Enter on a pane's line over the list: the panes step aside for the
# list it fills
keys P G
keys Enter
ok "Enter on a history line lists its thread" wait_for 'Search: id:"'
lacks "the panes no longer cover the list" "$(screen)" "History:"
ok "the list shows" test "$(screen | sed -n 2p | cut -c1-2)" = "26"
keys / 'vendor:acmetel' Enter
lines=$(screen | wc -l)
is "the screen has 24 lines" "$lines" 24

# q after a search goes back to the folder; on a folder it quits without
# asking, and the terminal comes back
keys q
ok "q after a search goes back to the folder" wait_for "vtriage  Inbox"
lacks "the program still runs" "$(screen)" "EXITED"
keys q
ok "q quits" wait_for "EXITED 0"
is "the alternate screen is left" "$(T display-message -p -t vt '#{alternate_on}')" 0

# 200x60: folders, list and panes together, the wide columns, and the
# subject still wide
start 200 60
ok "200x60 paints" wait_for "Inbox"
contains "the folder list shows" "$(screen)" "Generic ("
keys j
ok "the panes show beside the list" wait_for "History:"
row=$(screen | grep "Invoice AT-2026-11 from")
contains "the wide columns: full dates" "$row" "2026-11-03"
subject_cols=$(printf '%s\n' "$row" | python3 -c '
import sys
row = sys.stdin.read()
start = row.index("Invoice AT-2026-11")
end = row.index("\u2502", start) if "\u2502" in row[start:] else len(row.rstrip())
print(end - start)')
ok "the subject column is $subject_cols wide (>= 40)" test "$subject_cols" -ge 40
# the panes take what the wide list leaves: more than 40 columns, so
# that a history line shows its sender and subject
panes_cols=$(screen | python3 -c '
import sys
row = [r for r in sys.stdin.read().splitlines() if "History:" in r][0]
print(200 - row.rindex("\u2502") - 1)')
ok "the panes are $panes_cols columns wide (> 55)" test "$panes_cols" -gt 55
contains "a history line's sender and subject" "$(screen)" \
	"< from billing@billing.acmetel.example: Invoice AT-"
keys Q

# SIGTERM: restored too
start 100 30
ok "second start paints" wait_for "Inbox"
pid=$(pgrep -P "$(T display-message -p -t vt '#{pane_pid}')" -x vtriage | head -1)
ok "the process is found" test -n "$pid"
kill -TERM "$pid"
ok "SIGTERM ends it" wait_for "EXITED"
is "and the terminal is restored" "$(T display-message -p -t vt '#{alternate_on}')" 0

# a crash: the terminal is still given back
start 100 30
ok "third start paints" wait_for "Inbox"
pid=$(pgrep -P "$(T display-message -p -t vt '#{pane_pid}')" -x vtriage | head -1)
kill -SEGV "$pid"
ok "a crash ends it" wait_for "EXITED"
is "and the terminal is restored after a crash" "$(T display-message -p -t vt '#{alternate_on}')" 0

# a terminal without colours
session 80 24 "env TERM=vt100 $VTRIAGE --config $TMP/conf"
ok "a monochrome terminal paints" wait_for "Inbox"
keys q
ok "and quits" wait_for "EXITED 0"

# a broken [keys] section is refused before the screen is touched
cp "$TMP/conf" "$TMP/bad.conf"
printf '\n[keys]\npromote = <Bogus>\n' >>"$TMP/bad.conf"
out=$($VTRIAGE --config "$TMP/bad.conf" 2>&1 </dev/null)
contains "without a terminal it says so" "$out" "needs a terminal"
session 100 30 "$VTRIAGE --config $TMP/bad.conf"
ok "a bad key binding stops start-up" wait_for "EXITED 2"
contains "and names file, line and key" "$(screen)" "bad.conf:"
contains "and the bad key" "$(screen)" "<Bogus>"

done_testing
