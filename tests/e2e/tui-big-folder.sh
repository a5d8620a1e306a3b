#!/bin/sh
# The interface on a folder bigger than a count between two keys: 3,500
# conversations of two messages each (7,000 messages, the replies much
# later than what they answer, so that places in the list are threads,
# not messages). The count runs between keys; G goes to the very last
# conversation (at once, read from the oldest mail up, before the count
# is done), k from there shows
# the conversations before it, and a search is counted the same way.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

mkdir -p "$TMP/mail/INBOX/cur" "$TMP/mail/INBOX/new" "$TMP/mail/INBOX/tmp"
python3 - "$TMP/mail/INBOX/cur" <<'PY'
import email.utils, os, sys
cur = sys.argv[1]
base = 1700000000
for i in range(3500):
    first = "<offer%d@globex.example>" % i
    for k, (mid, when, subject) in enumerate((
            (first, base + i * 60, "Offer %04d" % i),
            ("<re%d@globex.example>" % i, base + 30 * 86400 + (3500 - i) * 60, "Re: Offer %04d" % i))):
        with open(os.path.join(cur, "%d.%d:2,S" % (i, k)), "w") as f:
            f.write("From: Sales <sales@globex.example>\nTo: rich@northwind.example\n"
                    "Subject: %s\nMessage-ID: %s\nDate: %s\n%s\nHello.\n"
                    % (subject, mid, email.utils.formatdate(when),
                       "In-Reply-To: %s\n" % first if k else ""))
PY
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
is "7,000 messages in 3,500 threads" "$($V count '*') $($V count --output=threads '*')" "7000 3500"
# the threads in the list's order: newest reply first
$V search '*' | sed 's/.*; //; s/ (.*//' >"$TMP/order"
last=$(sed -n 3500p "$TMP/order")
before=$(sed -n 3497p "$TMP/order")

tmux_session 140 40 "env TERM=xterm-256color VTRIAGE_BENCH_LOG=$TMP/events $V"
ok "the first screen paints" wait_for "Inbox"
T send-keys -t vt G
ok "G goes to the last of 3,500 threads" wait_for "3500/3500" 100
contains "the oldest conversation is on the screen" "$(screen)" "$last"
keys k k k
contains "k moves up from the end" "$(screen)" "3497/3500"
contains "the thread three before the end is there" "$(screen)" "$before"
keys g g
ok "gg goes back to the first" wait_for "1/3500"
contains "the newest reply is on top" "$(screen)" "$(sed -n 1p "$TMP/order")"
# a search: counted between keys, said when known; G typed with it comes
# before any count: the end is read from the oldest mail up and shown at
# once ("last/?"), placed when the count ends (the offers alone: the
# whole list above ends within its oldest mail, read in full)
$V search 'subject:Offer and not subject:Re' | sed 's/.*; //; s/ (.*//' >"$TMP/offers"
keys /
T send-keys -t vt 'subject:Offer and not subject:Re' Enter G
ok "the search is counted" wait_for "3500 threads" 100
ok "G in the search's list" wait_for "3500/3500" 100
contains "the oldest offer is on the screen" "$(screen)" "$(sed -n 3500p "$TMP/offers")"
is "G showed the end before the count" "$(grep -c '^bottom-tail' "$TMP/events")" 1
is "G did not wait for the count" "$(grep -c '^bottom-pending' "$TMP/events")" 0
keys k k
contains "k from the end, placed since" "$(screen)" "3498/3500"
contains "the offer two before the end" "$(screen)" "$(sed -n 3498p "$TMP/offers")"
keys q
wait_for "EXITED 0" 20 || keys q # q leaves the search first
ok "the interface quits cleanly" wait_for "EXITED 0"

done_testing
