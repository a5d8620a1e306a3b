#!/bin/sh
# Names from mail that would reorder or drive the terminal (a domain with
# a right-to-left override, a C1 CSI, a display name with a bidi isolate)
# reach the interface's vendor panes, folder list and rows as named
# placeholders, never as the characters themselves.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
RLO=$(printf '\342\200\256') LRI=$(printf '\342\201\246') CSI=$(printf '\302\233')
printf 'From: %s <a@ev%sil.example>\nTo: rich@northwind.example\nSubject: s1\nDate: %s\nMessage-ID: <h1@t>\n\nx\n' \
	"Ev${LRI}il" "$RLO" "$(date -R)" >"$M/cur/h1:2,S"
printf 'From: C1 <a@c%s31m.example>\nTo: rich@northwind.example\nSubject: s2\nDate: %s\nMessage-ID: <h2@t>\n\nx\n' \
	"$CSI" "$(date -R -d '-1 day')" >"$M/cur/h2:2,S"
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
$V vendor promote ev-il >/dev/null
PDI=$(printf '\342\201\251')
$V vendor rename c-31m "C${RLO}x${LRI}y${PDI}" >/dev/null
raw() { printf '%s' "$1" | grep -c -e "$RLO" -e "$LRI" -e "$CSI" -e "$PDI"; }

tmux_session 160 40 "env TERM=xterm-256color $V"
ok "the interface paints" wait_for "Inbox"
ok "the vendor's panes load" wait_for "History:"
contains "the History title names the override" "$(screen)" "ev<U+202E>il.example [trusted]"
contains "the folder list too" "$(screen | cut -c1-26)" "ev<U+202E>il"
is "no raw bidi or C1 character on the screen" "$(raw "$(screen)")" 0
keys j
ok "the other vendor's panes: a name the user gave, pasted from mail" \
	wait_for "History: C<U+202E>x<U+2066>y<U+2069>"
is "none there either" "$(raw "$(screen)")" 0
keys Q
ok "quits" wait_for "EXITED 0"
done_testing
