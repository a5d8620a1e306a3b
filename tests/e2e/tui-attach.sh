#!/bin/sh
# Attachments, from the command line and the interface: listed with type
# and size, saved whole (never over a file without a yes, never under a
# hostile name), opened through the configured opener with argv only;
# and the links of a thread (u), opened as one argv word or copied.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

. "$top_srcdir/tests/lib-tmux.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
# a message whose attachments are named to escape: a path, a terminal
# escape, a hidden file, and no name at all
python3 - "$TMP/mail/INBOX/cur/hostile-names:2,S" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "Sam Sender <sam@parts.example>"
m["To"] = "rich@northwind.example"
m["Subject"] = "Drawings attached"
m["Message-ID"] = "<drawings@parts.example>"
m["Date"] = "Mon, 02 Nov 2026 10:00:00 +0000"
m.set_content("The drawings, as promised.\n")
m.add_attachment(b"%PDF-1.4 first\n", maintype="application", subtype="pdf",
                 filename="../../etc/passwd")
m.add_attachment(b"second\n", maintype="text", subtype="plain",
                 filename="\x1b]0;owned\x07;rm -rf ~.txt")
m.add_attachment(b"third\n", maintype="text", subtype="plain", filename=".bashrc")
m.add_attachment(b"\x00\x01fourth", maintype="application", subtype="octet-stream")
del m.get_payload()[-1]["Content-Disposition"]
m.get_payload()[-1]["Content-Disposition"] = "attachment"
open(sys.argv[1], "wb").write(bytes(m))
PY
# a forward as most clients send it: the sender's text, a second inline
# text part (a list footer), then the original whole as message/rfc822
python3 - "$TMP/mail/INBOX/cur/forwarded:2,S" "$TMP/inner.eml" <<'PY'
import sys
from email.message import EmailMessage
inner = EmailMessage()
inner["From"] = "Vendor Billing <billing@acmetel.example>"
inner["To"] = "ops@globex.example"
inner["Subject"] = "Invoice 10/2026 \x1b]0;owned\x07bank details"
inner["Date"] = "Sun, 01 Nov 2026 09:00:00 +0000"
inner["Message-ID"] = "<inner@acmetel.example>"
inner.set_content("inner plain text: our new IBAN\n")
inner.add_alternative("<p>inner html text</p>", subtype="html")
footer = EmailMessage()
footer.set_content("second part: the list footer\n")
m = EmailMessage()
m["From"] = "Sam Sender <sam@parts.example>"
m["To"] = "rich@northwind.example"
m["Subject"] = "Fwd: the bill"
m["Message-ID"] = "<forwarded@parts.example>"
m["Date"] = "Mon, 02 Nov 2026 12:00:00 +0000"
m.set_content("outer text\n")
m.make_mixed()
m.attach(footer)
m.add_attachment(inner)
raw = bytes(m)
open(sys.argv[1], "wb").write(raw)
# the attached message's bytes as they stand in the mail
start = raw.index(b"From: Vendor Billing")
end = raw.index(b"\n--" + m.get_boundary().encode() + b"--", start)
open(sys.argv[2], "wb").write(raw[start:end])
PY
# a link that reads other than it is: a bidi override and a zero-width
# space in it
printf 'From: Pat <pat@parts.example>\nTo: rich@northwind.example\nSubject: Pay here\nMessage-ID: <paylink@parts.example>\nDate: Mon, 02 Nov 2026 11:00:00 +0000\n\nPay at https://pay\342\200\213pal.example/\342\200\256fdp.exe today.\n' \
	>"$TMP/mail/INBOX/cur/paylink:2,S"
cat >"$TMP/opener" <<EOF
#!/bin/sh
printf '%s\n' "\$#" "\$@" >"$TMP/opened.args"
for last; do :; done
cp "\$last" "$TMP/opened.file"
EOF
cat >"$TMP/browser" <<EOF
#!/bin/sh
printf '%s\n' "\$#" "\$@" >"$TMP/browsed.args"
EOF
chmod +x "$TMP/opener" "$TMP/browser"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data" "[ui]
opener = $TMP/opener --flag
browser = $TMP/browser"
$VTRIAGE --config "$TMP/conf" index --quiet

# ---- the command line ----
list=$($VTRIAGE --config "$TMP/conf" attachment list id:drawings@parts.example)
is "four attachments are listed" "$(printf '%s\n' "$list" | wc -l | tr -d ' ')" 4
contains "with type and size" "$list" "15 bytes  application/pdf"
lacks "no escape reaches the terminal" "$list" "$(printf '\033')"
json=$($VTRIAGE --config "$TMP/conf" attachment list --format=json id:drawings@parts.example)
names=$(printf '%s' "$json" | python3 -c '
import json, sys
for a in json.load(sys.stdin):
    print(a["part"], a["save_as"], a["size"], a["type"])')
contains "a path keeps only its last part" "$names" "1 passwd 15 application/pdf"
contains "control characters leave the name" "$names" "2 ]0;owned;rm -rf ~.txt 7 text/plain"
contains "a hidden name loses its dot" "$names" "3 bashrc 6 text/plain"
contains "no name: attachment-N" "$names" "4 attachment-4 8 application/octet-stream"
mkdir "$TMP/out"
ok "save writes the part into a directory" \
	$VTRIAGE --config "$TMP/conf" attachment save id:drawings@parts.example 1 --to "$TMP/out"
is "whole, decoded" "$(cat "$TMP/out/passwd")" "%PDF-1.4 first"
ok "nothing escaped the directory" test ! -e "$TMP/etc/passwd"
is "an existing file is not overwritten (exit 2)" \
	"$(status $VTRIAGE --config "$TMP/conf" attachment save id:drawings@parts.example 2 --to "$TMP/out/passwd")" 2
is "and kept as it was" "$(cat "$TMP/out/passwd")" "%PDF-1.4 first"
ok "--force overwrites" \
	$VTRIAGE --config "$TMP/conf" attachment save id:drawings@parts.example 2 --to "$TMP/out/passwd" --force
is "with the other part" "$(cat "$TMP/out/passwd")" "second"
is "an unknown part is an error (exit 2)" \
	"$(status $VTRIAGE --config "$TMP/conf" attachment save id:drawings@parts.example 9 --to "$TMP/out")" 2
is "a query of many messages is refused (exit 2)" \
	"$(status $VTRIAGE --config "$TMP/conf" attachment save '*' 1 --to "$TMP/out")" 2
ls -A "$TMP/out" >"$TMP/out.list"
is "no temporary file is left" "$(cat "$TMP/out.list")" "passwd"
chmod 500 "$TMP/out"
if [ "$(id -u)" != 0 ]; then
	is "a directory without write access is an I/O error (exit 1)" \
		"$(status $VTRIAGE --config "$TMP/conf" attachment save id:drawings@parts.example 3 --to "$TMP/out")" 1
fi
chmod 700 "$TMP/out"

# a forward: the attached message listed, named by its subject, and
# saved as it was sent
list=$($VTRIAGE --config "$TMP/conf" attachment list id:forwarded@parts.example)
contains "the attached message is listed" "$list" "message/rfc822"
json=$($VTRIAGE --config "$TMP/conf" attachment list --format=json id:forwarded@parts.example)
contains "named by its subject, no slash, no escape" "$(printf '%s' "$json" | python3 -c '
import json, sys
for a in json.load(sys.stdin):
    print(a["part"], a["save_as"], a["type"])')" "1 Invoice 10_2026 ]0;ownedbank details.eml message/rfc822"
ok "save writes it" \
	$VTRIAGE --config "$TMP/conf" attachment save id:forwarded@parts.example 1 --to "$TMP/forwarded.eml"
ok "byte for byte the message attached" cmp "$TMP/inner.eml" "$TMP/forwarded.eml"

# ---- the interface ----
mkdir -p "$TMP/home/Downloads"
tmux_session 100 30 "env HOME=$TMP/home TERM=xterm-256color $VTRIAGE --config $TMP/conf"
ok "the interface paints" wait_for "Inbox"
keys / 'id:drawings@parts.example' Enter
keys Enter
ok "the thread opens" wait_for "> thread"
keys G
contains "the pager lists each attachment with type and size" "$(screen)" \
	"[attachment 1: ../../etc/passwd, application/pdf, 15 bytes]"
contains "the escape is shown as a placeholder" "$(screen)" "^[]0;owned^G;rm -rf ~.txt"
ok "and did not reach the terminal (no title change)" \
	test "$(T display-message -p -t vt '#{pane_title}')" != owned
keys v
ok "v lists the attachments" wait_for "> attachments"
contains "the first, with size and type" "$(screen)" "15 bytes  application/pdf"
contains "the unnamed one" "$(screen)" "(unnamed)"
keys s
ok "s asks where, in ~/Downloads under the safe name" wait_for "Save to: ~/Downloads/passwd"
keys Enter
ok "and saves there" wait_for "saved $TMP/home/Downloads/passwd"
is "the file is the attachment" "$(cat "$TMP/home/Downloads/passwd")" "%PDF-1.4 first"
keys s Enter
ok "saving over it asks" wait_for "Overwrite? (type yes)"
keys no Enter
ok "no is no" wait_for "not saved"
is "the file is untouched" "$(cat "$TMP/home/Downloads/passwd")" "%PDF-1.4 first"
# Tab completes the path, a directory with its '/' and no space
keys s C-u "$TMP/ho" Tab
ok "Tab completes a directory" wait_for "Save to: $TMP/home/"
keys Dow Tab
ok "and the next one" wait_for "Save to: $TMP/home/Downloads/"
keys renamed.pdf Enter
ok "a typed name is used" wait_for "saved $TMP/home/Downloads/renamed.pdf"
keys j
keys Enter
ok "Enter opens it through [ui] opener" wait_for "opened "
is "the opener got its words and one file name" "$(sed -n 1,2p "$TMP/opened.args" | tr '\n' ' ')" "2 --flag "
opened=$(sed -n 3p "$TMP/opened.args")
case $opened in
*/attachment-2.txt) ok "named attachment-2.txt, not by the mail" true ;;
*) ok "named attachment-2.txt, not by the mail (got $opened)" false ;;
esac
is "the file it got is the attachment" "$(cat "$TMP/opened.file")" "second"
keys q
ok "q goes back to the thread" wait_for "> thread"
keys q q
# a forward: the sender's text, the second part, and the attached message
# with its headers and text, all in the pager
keys / 'id:forwarded@parts.example' Enter
keys Enter
ok "the forward opens" wait_for "outer text"
contains "the second inline part follows a mark" "$(screen)" "[-- next part --]"
contains "and is shown" "$(screen)" "second part: the list footer"
contains "the attached message is marked" "$(screen)" "[-- attached message (v lists it) --]"
contains "with its From" "$(screen)" "From: Vendor Billing <billing@acmetel.example>"
contains "its Subject, the escape a placeholder" "$(screen)" \
	"Subject: Invoice 10/2026 ^[]0;owned^Gbank details"
contains "and its text (the plain alternative)" "$(screen)" "inner plain text: our new IBAN"
lacks "one alternative only" "$(screen)" "inner html text"
contains "where it ends is said" "$(screen)" "[-- end of attached message --]"
keys v
ok "v lists the attached message" wait_for "message/rfc822"
contains "by its subject, the escape a placeholder" "$(screen)" \
	"Invoice 10_2026 ^[]0;owned^Gbank details.eml"
keys q q q
keys / 'subject:"lunch thursday"' Enter
keys v
ok "a thread without attachments says so" wait_for "this thread has no attachments"

# u: the links of an HTML mail, its hrefs included
T set-option -t vt set-clipboard on 2>/dev/null
keys q
keys / 'subject:"Introducing Initech Cloud Vault"' Enter
keys Enter
ok "the HTML mail opens" wait_for "> thread"
keys G
contains "a link's address follows its text" "$(screen)" "<https://www.initech.example/preferences>"
keys u
ok "u lists the thread's links" wait_for "> links"
contains "with the campaign link whole" "$(screen)" \
	"https://www.initech.example/vault?utm_source=email&utm_campaign=vault-launch"
contains "and the preferences link" "$(screen)" "https://www.initech.example/preferences"
keys Enter
ok "Enter opens the first through [ui] browser" wait_for "opened https://www.initech.example/vault"
is "as one argument, the link whole" "$(cat "$TMP/browsed.args")" \
	"1
https://www.initech.example/vault?utm_source=email&utm_campaign=vault-launch"
keys j y
ok "y copies the second" wait_for "copied https://www.initech.example/preferences"
is "to the terminal's clipboard (OSC 52)" "$(T show-buffer 2>/dev/null)" \
	"https://www.initech.example/preferences"
keys q
ok "q goes back to the thread" wait_for "> thread"
# a link with a bidi override and a zero-width space: shown, copied and
# opened the same, those characters percent-encoded
keys q / 'subject:"Pay here"' Enter
keys Enter u
ok "the hidden characters' link is listed" wait_for "%E2%80%AEfdp.exe"
contains "shown percent-encoded" "$(screen)" "https://pay%E2%80%8Bpal.example/%E2%80%AEfdp.exe"
keys y
ok "y copies it" wait_for "copied https://pay%E2%80%8Bpal.example"
is "the clipboard gets what was shown" "$(T show-buffer 2>/dev/null)" \
	"https://pay%E2%80%8Bpal.example/%E2%80%AEfdp.exe"
keys Enter
ok "Enter opens it" wait_for "opened https://pay%E2%80%8Bpal.example"
is "the browser gets what was shown" "$(sed -n 2p "$TMP/browsed.args")" \
	"https://pay%E2%80%8Bpal.example/%E2%80%AEfdp.exe"
keys q q
keys / 'subject:"Introducing Initech Cloud Vault"' Enter
keys Enter
ok "back in the HTML mail" wait_for "> thread"
# v offers the HTML body itself, to open in a browser
keys v
ok "v lists the HTML body" wait_for "(the message as HTML: Enter opens it in a browser)"
keys Enter
ok "Enter opens it" wait_for "opened "
case $(sed -n 3p "$TMP/opened.args") in
*/attachment-1.html) ok "as an .html file" true ;;
*) ok "as an .html file (got $(sed -n 3p "$TMP/opened.args"))" false ;;
esac
ok "the HTML itself" grep -q "Initech Cloud Vault" "$TMP/opened.file"
keys q
vault=$($VTRIAGE --config "$TMP/conf" search --format=json 'subject:"Introducing Initech Cloud Vault"' |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["thread"])')
contains "attachment list names the HTML body as part 0" \
	"$($VTRIAGE --config "$TMP/conf" attachment list "thread:$vault")" "0 "
ok "attachment save 0 saves it" \
	$VTRIAGE --config "$TMP/conf" attachment save "thread:$vault" 0 --to "$TMP/out"
ok "as message.html" grep -q "<html" "$TMP/out/message.html"
keys Q
ok "the interface quits" wait_for "EXITED 0"
ok "the opened files are removed" test ! -e "$opened"
done_testing
