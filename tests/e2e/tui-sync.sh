#!/bin/sh
# The interface syncs in the background, driven through tmux against a
# throwaway dovecot: ,y starts `vtriage sync`, the screen keeps answering
# keys while mail trickles in through a slow proxy, progress shows on the
# status bar, a second ,y is refused, a tag change while the index is
# locked is refused (not frozen), the new mail appears when it is done; q
# while a sync runs asks first; :sync ACCOUNT; with idle = yes the
# interface watches INBOX and new mail shows up by itself, and ,y (or
# :sync ACCOUNT) during the watch syncs now what IDLE on INBOX cannot see
# (mail put into another folder); an account without a
# password_command fails with a clear message; without accounts ,y
# indexes the local Maildir in the background, the thread chosen staying
# selected when new mail comes above it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/lib-imap.sh"

. "$top_srcdir/tests/lib-tmux.sh"
imap_setup
cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
mkdir -p "$M/.Parts/cur" "$M/.Parts/new" "$M/.Parts/tmp" # synced, not watched
imap_start
IMAP count INBOX >/dev/null || {
	echo "Bail out! the test server does not answer:"
	sed 's/^/# /' "$D/dovecot.log" | tail -20
	exit 1
}

# A message with a subject to look for, and a big one to make a sync slow
# behind the proxy (200 kB/s: about five seconds).
msg() { # FILE SUBJECT ID [BODY_BYTES]
	python3 - "$@" <<'EOF'
import sys, random, base64
path, subject, mid = sys.argv[1:4]
size = int(sys.argv[4]) if len(sys.argv) > 4 else 0
body = base64.encodebytes(random.Random(7).randbytes(size)) if size else b"Prices attached.\n"
open(path, "wb").write(
    b"From: Zed Parts <sales@zedparts.example>\nTo: Rich Miller <rich@northwind.example>\n"
    b"Subject: " + subject.encode() + b"\nMessage-ID: <" + mid.encode() + b">\n"
    b"Date: Tue, 10 Nov 2026 09:00:00 +0000\n\n" + body)
EOF
}
start_proxy 0 200000

write_config "$TMP/conf" "$TMP/mail" "$TMP/data" "$(imap_account work "port = $PROXY_PORT
folders = INBOX")"
mkdir -p "$TMP/mail"
V="$VTRIAGE --config $TMP/conf"
$V sync --quiet
is "a first sync from the command line" "$($V count folder:work/INBOX)" "20"

session() { # CONFIG
	tmux_session 140 40 "env TERM=xterm-256color $VTRIAGE --config $1"
}
# within TENTHS CONDITION: until the shell condition holds (up to TENTHS/10 s)
within() { i=0; while [ $i -lt "$1" ]; do eval "$2" && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }
tui_pid() { pgrep -P "$(T display-message -p -t vt '#{pane_pid}')" -x vtriage | head -1; }
# sync_children: how many `vtriage ... sync` processes run now
sync_children() { pgrep -f "$TMP/conf sync --progress" | wc -l | tr -d ' '; }

# ---- ,y: sync in the background ---------------------------------------------------
msg "$TMP/new.eml" "Price list ZX81 for November" zx81@zedparts.example
msg "$TMP/big.eml" "Catalogue ZX82 with pictures" zx82@zedparts.example 700000
IMAP append INBOX "$TMP/big.eml" "$TMP/new.eml"

session "$TMP/conf"
ok "the interface paints" wait_for "Inbox"
lacks "the new mail is not here yet" "$(screen)" "ZX81"
keys , y
ok ",y starts a sync and says so" wait_for "syncing in the background"
ok "progress shows on the status bar" wait_for "sync: INBOX"
is "one sync child runs" "$(sync_children)" 1
keys j
contains "j moves while the sync runs" "$(screen)" " 2/"
keys k
contains "k too" "$(screen)" " 1/"
keys , y
ok "a second ,y is refused" wait_for "sync already running"
is "still one sync child" "$(sync_children)" 1
# another writer holds the index's write lock: a tag change is refused at
# once instead of freezing the screen until the writer is done
lock="$TMP/data/notmuch/xapian/flintlock"
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "r+"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close()
time.sleep(3)' "$lock" "$TMP/locked" &
lockpid=$!
for i in $(seq 50); do [ -e "$TMP/locked" ] && break; sleep 0.1; done
keys , s
ok "toggle-read while the index is locked: busy, try again" wait_for "database busy"
keys j
contains "and the screen still answers" "$(screen)" " 2/"
wait $lockpid
ok "the sync ends with its summary" wait_for "Synced 1 folder" 150
contains "the summary counts the new mail" "$(screen)" "2 new messages"
ok "the new mail appears in the list" wait_for "ZX81"
contains "the big one too" "$(screen)" "ZX82"
lacks "the status bar is clear again" "$(screen | tail -2 | head -1)" "sync:"
keys , s
ok "after the sync a tag change works again" wait_for 'read "'
lacks "and is not refused" "$(screen | tail -1)" "busy"

# ---- q while a sync runs asks first; q again stops it ------------------------------
msg "$TMP/big2.eml" "Catalogue ZX83 again" zx83@zedparts.example 900000
IMAP append INBOX "$TMP/big2.eml"
keys : 'sync work' Enter
ok ":sync ACCOUNT syncs too" wait_for "sync: INBOX"
keys q
ok "q while syncing warns" wait_for "q again stops it"
is "the sync still runs" "$(sync_children)" 1
keys q
ok "q again quits" wait_for "EXITED 0"
# the event: the child is gone
within 50 '[ "$(sync_children)" = 0 ]'
is "and the sync child is gone (stopped with SIGTERM)" "$(sync_children)" 0
is "the terminal is restored" "$(T display-message -p -t vt '#{alternate_on}')" 0
$V sync --quiet
is "the next sync completes what was stopped" "$($V count folder:work/INBOX)" \
	"$(IMAP count INBOX)"

# ---- idle = yes: the interface watches INBOX from the start -------------------------
# Through a proxy of its own, which logs what the watch sends: its IDLE
# commands are the events that tell the watch had its chances.
start_proxy 0 200000 "clientlog=$TMP/idle.sent"
write_config "$TMP/idle.conf" "$TMP/mail" "$TMP/data" "$(imap_account work "port = $PROXY_PORT
folders = INBOX, Parts
idle = yes")"
watchers() { pgrep -f "$TMP/idle.conf sync --progress=lines --watch" | wc -l | tr -d ' '; }
idles_sent() {
	_c=$(grep -c ' IDLE' "$TMP/idle.sent" 2>/dev/null)
	echo "${_c:-0}"
}
# IDLE renewed every second: the child inherits the interface's environment
session() { # CONFIG
	tmux_session 140 40 "env TERM=xterm-256color VTRIAGE_IDLE_SECONDS=1 $VTRIAGE --config $1"
}
session "$TMP/idle.conf"
ok "the interface paints (idle = yes)" wait_for "Inbox"
ok "it syncs and then watches INBOX" wait_for "sync: watching work" 100
is "one watching child" "$(watchers)" 1
msg "$TMP/idle.eml" "Pushed offer ZX85" zx85@zedparts.example
IMAP append INBOX "$TMP/idle.eml"
ok "mail appended on the server appears by itself" wait_for "ZX85" 100
contains "with the round's summary" "$(screen)" "1 new message"
# IDLE watches INBOX only: mail put into Parts waits for the next round,
# which ,y asks for now (big, behind the slow proxy: the round takes
# seconds, time to see what the screen says). A renewal is no round.
msg "$TMP/parts.eml" "Parts offer ZX86" zx86@zedparts.example 500000
IMAP append Parts "$TMP/parts.eml"
sent=$(idles_sent)
ok "the watch renews its IDLE twice after that" within 100 '[ "$(idles_sent)" -ge $((sent + 2)) ]'
lacks "mail put into Parts does not come by itself" "$(screen)" "ZX86"
keys , y
ok ",y while watching syncs now" wait_for "sync: checking now"
ok "with its progress on the status bar" wait_for "sync: Parts"
ok "the Parts mail appears" wait_for "ZX86" 100
contains "with the round's summary" "$(screen)" "1 new message"
ok "and the watch goes on" wait_for "sync: watching work" 100
is "still one watching child (signalled, not a second one)" "$(watchers)" 1
msg "$TMP/parts2.eml" "Parts offer ZX87" zx87@zedparts.example 500000
IMAP append Parts "$TMP/parts2.eml"
keys : 'sync work' Enter
ok ":sync ACCOUNT of the watched account syncs now too" wait_for "sync: checking now"
ok "its Parts mail appears" wait_for "ZX87" 100
is "one watching child still" "$(watchers)" 1
keys q
ok "q quits at once (the watch is stopped, nothing to lose)" wait_for "EXITED 0"
within 50 '[ "$(watchers)" = 0 ]'
is "no watching child is left" "$(watchers)" 0

# ---- an account that needs a password typed in ----------------------------------------
write_config "$TMP/nopw.conf" "$TMP/mail" "$TMP/data" "[account work]
host = 127.0.0.1
port = $PORT
tls = none
user = buyer
folders = INBOX"
session "$TMP/nopw.conf"
ok "the interface paints (no password_command)" wait_for "Inbox"
keys , y
ok "without a password_command the sync fails with a clear message" \
	wait_for "sync failed: work: [account work] has no password_command"
keys : 'sync nosuch' Enter
ok ":sync of an unknown account is refused" wait_for "no [account nosuch]"
keys q
ok "quits" wait_for "EXITED 0"

# ---- no account: ,y indexes the local Maildir in the background -------------------------
write_config "$TMP/local.conf" "$TMP/mail" "$TMP/data"
session "$TMP/local.conf"
ok "the interface paints (no account)" wait_for "Inbox"
# the third thread chosen, as the user reads it
keys j j
ok "(the third thread)" wait_for " 3/"
keys Enter
ok "(opened)" wait_for "> thread"
chosen=$(screen | grep -m1 '^Subject:')
keys q
ok "(back)" wait_for " 3/"
msg "$TMP/mail/work/INBOX/new/local-zx84" "Local note ZX84" zx84@zedparts.example
sed -i 's/^Date: .*/Date: Sat, 05 Dec 2026 09:00:00 +0000/' "$TMP/mail/work/INBOX/new/local-zx84"
keys , y
ok ",y without accounts indexes in the background" wait_for "indexed:" 100
ok "the local mail appears" wait_for "ZX84"
# new mail above it moved it a row down: the selection moved with it,
# and the next key acts on the thread chosen, not its row
contains "the thread chosen stays selected" "$(screen)" " 4/"
keys Enter
ok "(opened)" wait_for "> thread"
is "the key opens the thread chosen" "$(screen | grep -m1 '^Subject:')" "$chosen"
keys q
ok "(back)" wait_for " 4/"
keys q
ok "quits" wait_for "EXITED 0"

done_testing
