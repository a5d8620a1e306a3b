#!/bin/sh
# A subject of a kilobyte of zero-width characters (or none at all)
# shows as "(no subject)" in the thread list, the pager and the vendor's
# History, not as an empty row a user cannot tell apart or read.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
ZW=$(python3 -c 'print("\u200b" * 340 + "\u2060\ufeff", end="")')
printf 'From: Zed <z@zed.example>\nTo: rich@northwind.example\nSubject: %s\nDate: Mon, 2 Nov 2026 09:00:00 +0000\nMessage-ID: <zw@t>\nContent-Type: text/plain; charset=utf-8\n\nthe zero-width one\n' \
	"$ZW" >"$M/cur/zw:2,S"
printf 'From: Zed <z@zed.example>\nTo: rich@northwind.example\nSubject: hello\nDate: Mon, 2 Nov 2026 10:00:00 +0000\nMessage-ID: <hi@t>\n\nthe visible one\n' \
	>"$M/cur/hi:2,S"
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

tmux_session 140 30 "env TERM=xterm-256color $V"
ok "the interface paints" wait_for "hello"
row=$(screen | grep -F "Zed" | sed -n 2p)
contains "the thread list shows a placeholder" "$row" "Zed          (no subject) (1)"
ok "so does the History pane" wait_for "2026-11-02 < (no subject)"
keys j Enter
ok "the pager opens the thread" wait_for "the zero-width one"
contains "its Subject line too" "$(screen)" "Subject: (no subject)"
keys q Q
ok "quits" wait_for "EXITED 0"
done_testing
