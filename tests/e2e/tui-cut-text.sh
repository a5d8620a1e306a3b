#!/bin/sh
# Text the interface cuts to a length cuts whole characters: a subject of
# accented letters named in the status line and kept in the undo journal,
# an issue's title before its thread's subject in the Open issues folder.
# "%.60s" cut "é" in two: U+FFFD on the screen, invalid UTF-8 stored.
# And a body longer than the pager reads ends with a note saying so, not
# as if the mail ended there.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
E=$(printf '\303\251')
LONG=a$(printf "$E%.0s" $(seq 40))
FFFD=$(printf '\357\277\275')
printf 'From: Sales <sales@globex.example>\nTo: rich@northwind.example\nSubject: %s\nDate: %s\nMessage-ID: <cut@t>\n\nx\n' \
	"$LONG" "$(date -R)" >"$M/cur/cut:2,S"
python3 - "$M/cur/giant:2,S" <<'PY2'
import sys
body = "".join("line %d of a giant mail\n" % i for i in range(40000)) + "THE LAST LINE\n"
open(sys.argv[1], "w").write("From: Sales <sales@globex.example>\nTo: rich@northwind.example\n"
    "Subject: giant\nDate: Mon, 02 Nov 2026 10:00:00 +0000\nMessage-ID: <giant@t>\n\n" + body)
PY2
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
thread=$($V search --format=json id:cut@t | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["thread"])')
$V issue open globex "a$(printf "$E%.0s" $(seq 30))" --thread "thread:$thread" >/dev/null

tmux_session 160 30 "env TERM=xterm-256color $V"
ok "the interface paints" wait_for "Inbox"
keys , a
ok "archive names the thread by its subject" wait_for "archived \"a$E$E"
lacks "cut whole characters on the status line" "$(screen | tail -1)" "$FFFD"
$V undo >"$TMP/undo" 2>&1
ok "the journal the undo reads holds valid UTF-8" iconv -f UTF-8 -t UTF-8 "$TMP/undo"
contains "and names the subject" "$(cat "$TMP/undo")" "undone: archived \"a$E$E"
lacks "cut whole characters" "$(cat "$TMP/undo")" "$FFFD"
keys J J J J J J J J
ok "the Open issues folder" wait_for "#1 0d a$E"
lacks "an issue's title is cut whole characters before the subject" "$(screen)" "$FFFD"
keys /
T send-keys -t vt -l "id:giant@t"
keys Enter
keys Enter
ok "the giant opens" wait_for "line 0 of a giant mail"
keys G
ok "its end says the rest is not shown" wait_for "[-- the rest of the text is too long to show"
lacks "(which it is not)" "$(screen)" "THE LAST LINE"
keys Q
ok "quits" wait_for "EXITED 0"
done_testing
