#!/bin/sh
# Hostile and broken input: binary files, empty files, a 5 MB header, no
# Message-ID, bad charsets, NUL bytes, escape sequences. Indexing
# completes, indexes what `notmuch new` indexes, names every file it
# refuses, and no raw control character reaches the terminal.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v notmuch >/dev/null || skip_all "notmuch CLI not installed"
command -v python3 >/dev/null || skip_all "python3 not installed"

M="$TMP/mail/INBOX"
mkdir -p "$M/cur" "$M/new" "$M/tmp"
python3 - "$M" <<'PY'
import os, random, sys
cur = os.path.join(sys.argv[1], "cur")
def w(name, data):
    with open(os.path.join(cur, name), "wb") as f:
        f.write(data)
hdr = (b"From: Dana <dana@acmetel.example>\nTo: rich@northwind.example\n"
       b"Date: Tue, 06 Oct 2026 10:00:00 +0000\n")
random.seed(7)
w("binary:2,S", bytes(random.randrange(256) for _ in range(20000)))
w("png:2,S", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
w("empty:2,S", b"")
w("blank-lines:2,S", b"\n\n\n\n")
w("no-headers:2,S", b"just a line of text\nand another\n")
w("huge-header:2,S", hdr + b"Subject: big\nMessage-ID: <huge@acmetel.example>\nX-Filler: "
  + b"a" * (5 * 1024 * 1024) + b"\n\nbody\n")
w("many-headers:2,S", hdr + b"Subject: many\nMessage-ID: <many@acmetel.example>\n"
  + b"".join(b"X-H%d: %s\n" % (i, b"v" * 200) for i in range(25000)) + b"\nbody\n")
w("no-message-id:2,S", hdr + b"Subject: no id here\n\nbody\n")
w("no-message-id-2:2,S", hdr + b"Subject: no id either\n\nother body\n")
w("bad-charset:2,S", hdr + b"Subject: =?x-unknown-charset?Q?caf=E9?=\nMessage-ID: <cs@acmetel.example>\n"
  b"Content-Type: text/plain; charset=x-no-such-charset\n\ncaf\xe9 \xff\xfe\n")
w("bad-utf8:2,S", hdr + b"Subject: broken \xc3\x28 utf8 \xed\xa0\x80\nMessage-ID: <u8@acmetel.example>\n\n\xf0\x28\x8c\x28\n")
w("nul-body:2,S", hdr + b"Subject: nul in body\nMessage-ID: <nul@acmetel.example>\n\nbefore\x00after\n")
w("nul-header:2,S", hdr + b"Subject: nul\x00in header\nMessage-ID: <nulh@acmetel.example>\n\nbody\n")
w("escapes:2,S", hdr + b"Subject: \x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZWNobyBwd25lZA==\x07 \xe2\x80\xae evil\n"
  b"Message-ID: <esc@acmetel.example>\n\n\x1b[31mred\x1b[0m\n")
w("truncated-mime:2,S", hdr + b"Subject: cut\nMessage-ID: <cut@acmetel.example>\nMIME-Version: 1.0\n"
  b"Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain\n\nhalf")
w("crlf:2,S", (hdr + b"Subject: crlf\nMessage-ID: <crlf@acmetel.example>\n\nbody\n").replace(b"\n", b"\r\n"))
w("mbox-from-line:2,S", b"From dana@acmetel.example Tue Oct  6 10:00:00 2026\n" + hdr
  + b"Subject: mbox style\nMessage-ID: <mbox@acmetel.example>\n\nbody\n")
os.mkdir(os.path.join(cur, "a-directory:2,S"))
PY
# Directories changed within the current second are rescanned next time
# (by notmuch too): age them so the second run below is a real no-op.
find "$TMP/mail" -exec touch -h -d '2 minutes ago' {} +

write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
nmconf=$(notmuch_new "$TMP/mail" "$TMP/nm")
NM() { NOTMUCH_CONFIG=$nmconf notmuch "$@"; }

$V index >"$TMP/out" 2>"$TMP/err"
is "indexing completes" "$?" 0
is "the same messages as notmuch new" "$($V count '*')" "$(NM count '*')"
is "the same threads as notmuch new" "$($V count --output=threads '*')" \
	"$(NM count --output=threads '*')"
is "the same message ids as notmuch new" "$($V search --format=json '*' >/dev/null; \
	NOTMUCH_CONFIG=$TMP/data/notmuch-config notmuch search --output=messages '*' | sort | md5sum)" \
	"$(NM search --output=messages '*' | sort | md5sum)"
err=$(cat "$TMP/err")
for f in $(sed -n 's/.*Ignoring non-mail file: //p' "$TMP/nm/new.log"); do
	contains "refused file $(basename "$f") is named" "$err" "$(basename "$f")"
done
for f in binary png empty no-headers; do
	contains "warning names $f" "$err" "$f:2,S"
done
summary=$(cat "$TMP/out")
notmail=$(grep -c "Ignoring non-mail file" "$TMP/nm/new.log")
contains "summary counts what was not mail" "$summary" "$notmail not mail"
is "mail without a Message-ID is indexed" "$($V count 'subject:"no id here"')" 1
is "the 5 MB header message is indexed" "$($V count id:huge@acmetel.example)" 1
is "a second run is quiet" "$($V index 2>&1 >/dev/null | grep -c 'not an email')" 0

# notmuch new gives up on a whole run for a dangling link; we go on
ln -s /nonexistent/target "$M/cur/dangling-link:2,S"
printf 'From: a@globex.example\nSubject: after the link\nMessage-ID: <after@globex.example>\n\nx\n' \
	>"$M/cur/after:2,S"
$V index >"$TMP/out" 2>"$TMP/err"
is "a dangling link does not stop indexing" "$?" 0
contains "the dangling link is named" "$(cat "$TMP/err")" "dangling-link:2,S"
is "mail beside the link is indexed" "$($V count id:after@globex.example)" 1

# nothing raw reaches the terminal
for fmt in text json; do
	$V search --format=$fmt '*' >"$TMP/search.$fmt"
	is "search ($fmt) carries no ESC" "$(grep -c "$(printf '\033')" "$TMP/search.$fmt")" 0
	is "search ($fmt) carries no BEL" "$(grep -c "$(printf '\007')" "$TMP/search.$fmt")" 0
	is "search ($fmt) carries no bidi override" "$(grep -c "$(printf '\342\200\256')" "$TMP/search.$fmt")" 0
	ok "search ($fmt) output is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$TMP/search.$fmt"
done
ok "JSON output parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/search.json"
is "warnings carry no raw ESC" "$(grep -c "$(printf '\033')" "$TMP/err")" 0

# errors quote what they were given: sanitised too
evil=$(printf 'x\033]0;pwned\007\033[2J')
$V vendor show "$evil" 2>"$TMP/err1" >/dev/null
is "an unknown vendor is an error (exit 2)" "$?" 2
ok "the error names it, sanitised" grep -q "x" "$TMP/err1"
is "the error carries no raw ESC" "$(grep -c "$(printf '\033')" "$TMP/err1")" 0
$V search "subject:(\"$evil" 2>"$TMP/err2" >/dev/null
is "a bad query's error carries no raw ESC" "$(grep -c "$(printf '\033')" "$TMP/err2")" 0

# one vendor mail Cc'ing 20,000 people makes 50 contacts, not 20,000
python3 - "$M/cur/cc20k:2,S" <<'PY'
import sys
cc = ", ".join("p%d@flood.example" % i for i in range(20000))
open(sys.argv[1], "w").write("From: Sales <sales@flood.example>\nTo: rich@northwind.example\n"
    "Cc: %s\nSubject: all hands\nMessage-ID: <cc20k@t>\n\nhello\n" % cc)
PY
$V index --quiet
is "a 20,000-address Cc: 50 contacts from the message, its sender among them" \
	"$($V contact list flood --format=json | python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin) for a in c["addresses"]))')" 50
contains "the sender among them" "$($V contact list flood)" "sales@flood.example"

# display names GMime refuses whole (an unquoted "[" or "@", a control
# character): the mail still belongs to its sender's vendor, under its name
printf 'From: Support [Initech] <support@initech.example>\nTo: rich@northwind.example\nSubject: ticket\nMessage-ID: <sq1@t>\n\nx\n' \
	>"$M/cur/sq1:2,S"
printf 'From: Jane @ Umbrella <jane@umbrella.example>\nTo: rich@northwind.example\nSubject: quote\nMessage-ID: <sq2@t>\n\nx\n' \
	>"$M/cur/sq2:2,S"
printf 'From: Eve \033[31mRed <eve@hooli.example>\nTo: rich@northwind.example\nSubject: red\nMessage-ID: <sq3@t>\n\nx\n' \
	>"$M/cur/sq3:2,S"
$V index --quiet
for v in initech umbrella hooli; do
	is "an unquoted special in the sender's name: its mail is $v's" "$($V count "vendor:$v")" 1
done
contains "and the sender is named" "$($V search id:sq1@t)" "[initech] Support [Initech]; ticket"
contains "a control character in it too, shown as such" "$($V search id:sq3@t)" "[hooli] Eve ^[[31mRed; red"

# a multipart whose boundary is not the one its lines use: no part found,
# its raw text is read all the same (the bank details in it too)
printf 'From: Billing <billing@vandelay.example>\nTo: rich@northwind.example\nSubject: invoice\nMessage-ID: <nb@t>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=abc\n\n--abcd\nContent-Type: text/plain\n\nPlease pay to IBAN DE89 3704 0044 0532 0130 00\n--abcd--\n' \
	>"$M/cur/nb:2,S"
$V index --quiet
contains "a multipart without parts: its text is read" "$($V vendor bank vandelay)" \
	"DE89370400440532013000"

# domains from mail carry bidi overrides and C1 controls (U+009B is a CSI
# on terminals that read C1): every output path names them instead
RLO=$(printf '\342\200\256') LRI=$(printf '\342\201\246') CSI=$(printf '\302\233')
printf 'From: %s <a@ev%sil.example>\nTo: rich@northwind.example\nSubject: s1\nMessage-ID: <bidi1@t>\n\nx\n' \
	"Ev${LRI}il" "$RLO" >"$M/cur/bidi1:2,S"
printf 'From: C1 <a@c%s31m.example>\nTo: rich@northwind.example\nSubject: s2\nMessage-ID: <bidi2@t>\n\nx\n' \
	"$CSI" >"$M/cur/bidi2:2,S"
$V index --quiet
raw() { # TEXT: how many raw bidi or C1 characters it holds
	printf '%s' "$1" | grep -c -e "$RLO" -e "$LRI" -e "$CSI"
}
out=$($V vendor list 2>&1)
is "vendor list: no raw bidi or C1 character" "$(raw "$out")" 0
contains "vendor list names the override" "$out" "ev<U+202E>il.example"
contains "and the C1 CSI" "$out" "c<U+009B>31m.example"
out=$($V vendor list --format=json 2>&1)
is "vendor list JSON: none either" "$(raw "$out")" 0
for slug in $($V vendor list --format=json | python3 -c 'import json,sys; [print(v["slug"]) for v in json.load(sys.stdin)]'); do
	out="$out$($V vendor show "$slug" 2>&1)$($V vendor show "$slug" --format=json 2>&1)$($V history "$slug" 2>&1)"
done
is "vendor show and history, text and JSON: none" "$(raw "$out")" 0
contains "vendor show names it" "$out" "domains:  ev<U+202E>il.example"
for slug in $($V vendor list --format=json | python3 -c 'import json,sys; [print(v["slug"]) for v in json.load(sys.stdin)]'); do
	out="$out$($V report "$slug" 2>&1)$($V report "$slug" --format=json 2>&1)"
done
is "reports, text and JSON: none" "$(raw "$out")" 0
contains "a report's JSON names the override in its domains" \
	"$($V report --format=json "$($V vendor show --format=json "ev${RLO}il.example" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["slug"])')")" \
	'"domains":["ev<U+202E>il.example"]'
out=$($V vendor set "ev${RLO}il.example" --rate 2500 2>&1)$($V vendor set "c${CSI}31m.example" --no-rate 2>&1)
is "vendor set echoes a domain pasted from mail: no raw override or C1" "$(raw "$out")" 0
is "vendor set --format=json" \
	"$($V vendor set "c${CSI}31m.example" --rate 'EUR 2500' --per quarter --format=json)" \
	'{"vendor":"c<U+009B>31m.example","rate":{"minor":250000,"currency":"EUR","text":"€2,500.00"},"per":"quarter","changed":true,"summary":"c<U+009B>31m.example: contracted rate €2,500.00 per quarter"}'
contains "named" "$out" "ev<U+202E>il.example: contracted rate"
out=$($V search "vendor:x${RLO}y" 2>&1)
is "a bad query echoed on stderr: no raw override" "$(raw "$out")" 0
contains "named" "$out" "bad query 'vendor:x<U+202E>y'"
out=$($V search "kind:${CSI}31m" 2>&1)$($V "no${CSI}such" 2>&1)$($V "--no${RLO}pe" 2>&1)
is "an unknown command or option: none" "$(raw "$out")" 0

# a message whose file another program renamed away: the error names its
# Message-ID, which is the sender's to choose
printf 'From: a@globex.example\nSubject: gone\nMessage-ID: <x\033]0;pwned\007y@gone.example>\n\nx\n' \
	>"$M/cur/gone:2,S"
$V index --quiet
rm "$M/cur/gone:2,S"
$V attachment list subject:gone >/dev/null 2>"$TMP/err3"
is "a vanished message's attachments: an error (exit 1)" "$?" 1
contains "naming its Message-ID, sanitised" "$(cat "$TMP/err3")" "x^[]0;pwned^Gy@gone.example"
is "with no raw ESC" "$(grep -c "$(printf '\033')" "$TMP/err3")" 0

# an attachment's name saved as shown: a later ls must not read
# "bill<RLO>fdp.exe" as "billexe.pdf"
printf 'From: a@globex.example\nSubject: rlo\nMessage-ID: <rlo@globex.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nsee\n--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="bill%sfdp.exe"\n\nMZ\n--B--\n' \
	"$RLO" >"$M/cur/rlo:2,S"
$V index --quiet
mkdir "$TMP/saved"
ok "the attachment is saved" $V attachment save id:rlo@globex.example 1 --to "$TMP/saved"
is "under its name with the override named" "$(ls "$TMP/saved")" "bill<U+202E>fdp.exe"
is "save --format=json: what was saved, changed and summary, as every change says it" \
	"$($V attachment save id:rlo@globex.example 1 --to "$TMP/saved" --force --format=json)" \
	"{\"message_id\":\"rlo@globex.example\",\"part\":1,\"path\":\"$TMP/saved/bill<U+202E>fdp.exe\",\"changed\":true,\"summary\":\"saved $TMP/saved/bill<U+202E>fdp.exe\"}"

done_testing
