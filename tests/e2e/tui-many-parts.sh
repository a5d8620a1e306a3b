#!/bin/sh
# A 4.5 MB mail of 100,000 MIME parts opens in the pager at once and
# small: only its first 5,000 part lines are read (GMime builds every part
# it parses; the whole took seconds and hundreds of MB, twice), and the
# pager says the rest is left out.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
python3 - "$M/cur/parts:2,S" <<'PY'
import sys
b = "b42"
out = ["From: Parts <p@parts.example>", "To: rich@northwind.example",
       "Subject: a hundred thousand parts", "Date: Mon, 2 Nov 2026 10:00:00 +0000",
       "Message-ID: <parts@test>", "MIME-Version: 1.0",
       'Content-Type: multipart/mixed; boundary="%s"' % b, ""]
for i in range(100000):
    out += ["--" + b, "Content-Type: text/plain", "", "part %d" % i]
out.append("--%s--" % b)
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet

tmux_session 120 40 "env TERM=xterm-256color $V"
ok "the interface paints" wait_for "hundred thousand parts"
keys Enter
ok "the thread opens in the pager" wait_for "part 0" 30
keys G
ok "its end says parts are left out" wait_for "too many parts to show" 30
contains "after the last part read" "$(screen)" "part 4999"
lacks "none after it" "$(screen)" "part 5000"
pid=$(pgrep -P "$(T display -p -t vt '#{pane_pid}')" vtriage)
peak=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
# (ASan takes several times the memory: the plain build judges it)
limit=150000
[ "$UNDER_ASAN" -eq 1 ] && limit=3000000
ok "it took little memory (${peak} kB at the peak)" test "${peak:-0}" -gt 0 -a "${peak:-0}" -lt "$limit"
keys q Q
ok "quits" wait_for "EXITED 0"
done_testing
