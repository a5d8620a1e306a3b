#!/bin/sh
# vtriage reply and compose: the draft through a fake $EDITOR, sent
# through a sendmail stand-in that records what it gets; the recorded
# message parsed by Python's email package header by header (threading,
# Re: once, reply-all without the user, quoting, UTF-8 and RFC 2047, no
# header injected from a hostile original); an unchanged draft is not
# sent; a failing command keeps the draft; the Sent copy is indexed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
# a hostile original: escapes and an injection attempt in its headers
python3 - "$TMP/mail/INBOX/cur/hostile-reply:2,S" <<'PY'
import sys
open(sys.argv[1], "wb").write(
    b"From: =?utf-8?q?Eve=0D=0ABcc=3A_all=40evil=2Eexample?= <eve@vendor.example>\n"
    b"To: Rich Miller <rich@northwind.example>, Ann <ann@vendor.example>\n"
    b"Subject: =?utf-8?q?RE=3A_AW=3A_Preis=C3=A4nderung=0D=0AX-Injected=3A_1_=1B=5B31m?=\n"
    b"Message-ID: <hostile@vendor.example>\n"
    b"References: <a@vendor.example> <b@vendor.example>\n"
    b"Date: Mon, 02 Nov 2026 10:00:00 +0000\n"
    b"\n"
    b"Neue Preise ab Dezember.\n")
PY
fake_mailer "Danke — einverstanden."
printf '#!/bin/sh\necho "relay refused" >&2\nexit 75\n' >"$TMP/failing"
printf '#!/bin/sh\nexit 0\n' >"$TMP/noedit"
chmod +x "$TMP/failing" "$TMP/noedit"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data" "[send]
command = $TMP/sendmail"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
header() { mail_header "$@"; }

out=$(EDITOR=$TMP/editor $V reply --all id:hostile@vendor.example </dev/null)
is "reply exits 0" "$?" 0
contains "and says to whom" "$out" "sent to"
ok "the sendmail stand-in got a message" test -s "$TMP/sent.eml"
is "Subject: Re: once, the others' prefixes gone" "$(header "$TMP/sent.eml" Subject)" \
	"Re: Preisänderung X-Injected: 1 [31m"
is "no header was injected" "$(header "$TMP/sent.eml" X-Injected)" ""
is "nor a Bcc" "$(header "$TMP/sent.eml" Bcc)" ""
is "In-Reply-To names the original" "$(header "$TMP/sent.eml" In-Reply-To)" "<hostile@vendor.example>"
is "References keep the thread" "$(header "$TMP/sent.eml" References)" \
	"<a@vendor.example> <b@vendor.example> <hostile@vendor.example>"
contains "To is the sender" "$(header "$TMP/sent.eml" To)" "<eve@vendor.example>"
is "Cc: the others, not the user" "$(header "$TMP/sent.eml" Cc)" "Ann <ann@vendor.example>"
is "From: the identity" "$(header "$TMP/sent.eml" From)" "Rich Miller <rich@northwind.example>"
contains "a Message-ID under the user's domain" "$(header "$TMP/sent.eml" Message-ID)" "@northwind.example>"
ok "no control byte in the headers" python3 -c '
import sys
head = open(sys.argv[1], "rb").read().split(b"\n\n", 1)[0]
sys.exit(1 if any(c < 0x20 and c not in (9, 10) for c in head) else 0)' "$TMP/sent.eml"
body=$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_content())' "$TMP/sent.eml")
contains "the answer, UTF-8 intact" "$body" "Danke — einverstanden."
is "text/plain in UTF-8, not format=flowed, quoted-printable for its few 8-bit bytes" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_content_type(), m.get_param("charset"), m.get_param("format"), m["Content-Transfer-Encoding"])' "$TMP/sent.eml")" \
	"text/plain utf-8 None quoted-printable"
ok "the subject's umlaut as an RFC 2047 word" grep -q "^Subject: .*=?[Uu][Tt][Ff]-8?" "$TMP/sent.eml"
contains "the original quoted" "$body" "> Neue Preise ab Dezember."
contains "after an attribution line" "$body" "wrote:"
ok "the Sent copy is kept" sh -c "grep -l 'Danke' '$TMP/mail/Sent/cur/'* | grep -q ."
is "and indexed, in the thread" "$($V count 'id:hostile@vendor.example or subject:Preisänderung')" 2

is "the answered message is marked replied" "$($V count 'id:hostile@vendor.example and tag:replied')" 1
ok "its file has the R flag (\\Answered at the next sync)" \
	sh -c "ls '$TMP/mail/INBOX/cur' | grep -q '^hostile-reply:2,RS$'"

rm -f "$TMP/sent.eml"
out=$(EDITOR=$TMP/noedit $V reply id:hostile@vendor.example </dev/null)
contains "an unchanged draft is not sent" "$out" "not sent"
ok "nothing reached the command" test ! -e "$TMP/sent.eml"
is "and the draft is dropped" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" 0
is "--format=json: an object, nothing changed" \
	"$(EDITOR=$TMP/noedit $V reply id:hostile@vendor.example --format=json </dev/null)" \
	'{"changed":false,"summary":"not sent: the draft was not changed (dropped)","sent":false,"to":null,"message_id":null,"draft":null,"account":null}'

write_config "$TMP/fail.conf" "$TMP/mail" "$TMP/data" "[send]
command = $TMP/failing"
err=$(EDITOR=$TMP/editor $VTRIAGE --config "$TMP/fail.conf" reply id:hostile@vendor.example </dev/null 2>&1)
is "a failing command: exit 1" "$(EDITOR=$TMP/editor status $VTRIAGE --config "$TMP/fail.conf" reply id:hostile@vendor.example </dev/null)" 1
contains "its words are said" "$err" "relay refused"
contains "and the draft is kept" "$err" "the draft is kept"
ok "in the drafts folder" test "$(ls "$TMP/data/drafts" | wc -l)" -ge 1
kept=$(ls "$TMP/data/drafts"/* | head -1)
is "draft list names it, with its subject" "$($V draft list --format=json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted(x["path"] for x in d)), d[0]["subject"].startswith("Re: "),
      "eve@vendor.example" in d[0]["to"], d == sorted(d, key=lambda x: -x["modified"]))')" \
	"$(ls "$TMP/data/drafts"/* | sort | tr '\n' ' ')True True True"
contains "in text too" "$($V draft list)" "$kept"
rm -f "$TMP/sent.eml"
out=$(EDITOR=$TMP/noedit $V compose --draft "$kept" </dev/null)
contains "compose --draft sends the kept draft" "$out" "sent to"
is "the answer it held" "$(header "$TMP/sent.eml" In-Reply-To)" "<hostile@vendor.example>"
ok "and it is gone from the drafts" test ! -e "$kept"

# a file of the user's given as the draft: sent, and left where it was
printf 'To: sam@parts.example\nSubject: From my notes\n\nThe letter.\n' >"$TMP/letter.txt"
drafts=$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')
out=$(EDITOR=$TMP/noedit $V compose --draft "$TMP/letter.txt" </dev/null)
contains "compose --draft FILE sends a file of the user's" "$out" "sent to sam@parts.example"
# the Sent copy is indexed, not news in the inbox (as in mutt)
sent_id=$(echo "$out" | sed -n 's/.*<\(.*\)>.*/\1/p')
is "the Sent copy is indexed" "$($V count "id:$sent_id")" 1
is "and not in the inbox" "$($V count "id:$sent_id and tag:inbox")" 0
is "and leaves the file as it was" "$(cat "$TMP/letter.txt")" \
	"$(printf 'To: sam@parts.example\nSubject: From my notes\n\nThe letter.')"
is "nor keeps a copy of it among the drafts" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" "$drafts"
out=$(EDITOR=$TMP/noedit $V compose --draft "$TMP/letter.txt" --format=json </dev/null)
is "--format=json: sent, changed and summary, as every change says it" "$(echo "$out" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["changed"], o["sent"], o["to"], o["summary"] == "sent to %s <%s>" % (o["to"], o["message_id"]),
      "<%s>" % o["message_id"] == sys.argv[1])' "$(header "$TMP/sent.eml" Message-ID)")" \
	"True True sam@parts.example True True"

# sent, but no copy could be kept: said, and no failed send (its draft
# kept and sent again when taken up)
write_config "$TMP/nocopy.conf" "$TMP/mail" "$TMP/data" "[send]
command = $TMP/counting-sendmail
sent_folder = NoCopy"
printf 'a file where the Sent folder would be\n' >"$TMP/mail/NoCopy"
printf '#!/bin/sh\ncat >>"%s/counted.eml"\necho sent >>"%s/count"\n' "$TMP" "$TMP" >"$TMP/counting-sendmail"
chmod +x "$TMP/counting-sendmail"
out=$(EDITOR=$TMP/editor $VTRIAGE --config "$TMP/nocopy.conf" compose --to sam@parts.example \
	--subject 'No copy' </dev/null 2>"$TMP/nocopy.err")
is "a send whose copy fails exits 0" "$?" 0
contains "says it was sent" "$out" "sent to sam@parts.example"
contains "and that no copy was kept" "$(cat "$TMP/nocopy.err")" "vtriage: warning: sent, but no copy kept: "
lacks "once" "$(sed 's/sent, but no copy kept//' "$TMP/nocopy.err")" "no copy kept"
lacks "and no draft to send again" "$(cat "$TMP/nocopy.err")" "draft is kept"
is "none left among the drafts" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" "$drafts"
is "the mail went once" "$(wc -l <"$TMP/count" | tr -d ' ')" 1
rm -f "$TMP/mail/NoCopy"

out=$(EDITOR=$TMP/editor $V compose --to 'Sam <sam@parts.example>' --subject 'Order 42' </dev/null)
contains "compose sends a new message" "$out" "sam@parts.example"
is "its subject" "$(header "$TMP/sent.eml" Subject)" "Order 42"
is "no In-Reply-To" "$(header "$TMP/sent.eml" In-Reply-To)" ""
out=$(EDITOR=$TMP/editor $V forward --attach id:hostile@vendor.example --to 'Pat <pat@northwind.example>' </dev/null)
contains "forward --attach sends" "$out" "sent to"
is "the original whole, as message/rfc822" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
a = list(m.iter_attachments())
inner = a[0].get_content()
print(a[0].get_content_type(), inner["Message-ID"])' "$TMP/sent.eml")" \
	"message/rfc822 <hostile@vendor.example>"
is "Attach-Message is no header of the message" "$(header "$TMP/sent.eml" Attach-Message)" ""
# Attach: PATH in the draft: the file goes along, its type by libmagic
printf '%%PDF-1.4\n%%%%EOF\n' >"$TMP/quote.pdf"
cat >"$TMP/attach-editor" <<EOF2
#!/bin/sh
python3 - "\$1" "$TMP/quote.pdf" <<'PYEND'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
head, body = text.split("\n\n", 1)
open(sys.argv[1], "w", encoding="utf-8").write(head + "\nAttach: " + sys.argv[2] + "\n\nThe quote.\n" + body)
PYEND
EOF2
chmod +x "$TMP/attach-editor"
out=$(EDITOR=$TMP/attach-editor $V compose --to sam@parts.example --subject 'Quote' </dev/null)
contains "a draft with Attach: is sent" "$out" "sent to"
is "with the file attached, typed by its content" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [(p.get_content_type(), p.get_filename(), p.get_content()) for p in m.iter_attachments()]
print(m.get_content_type(), parts[0][0], parts[0][1], parts[0][2][:8] == b"%PDF-1.4")' "$TMP/sent.eml")" \
	"multipart/mixed application/pdf quote.pdf True"
is "Attach is no header of the message" "$(header "$TMP/sent.eml" Attach)" ""
printf '#!/bin/sh\nprintf "To: x@y.example\\nAttach: /no/such/file\\n\\nhi\\n" >"$1"\n' >"$TMP/bad-editor"
chmod +x "$TMP/bad-editor"
err=$(EDITOR=$TMP/bad-editor $V compose </dev/null 2>&1)
contains "a missing attachment names the draft's line" "$err" "draft line 2: Attach: /no/such/file"
# mail to a look-alike of a vendor's domain: refused without a terminal
rm -f "$TMP/sent.eml"
err=$(EDITOR=$TMP/editor $V compose --to billing@acmetel-billing.example --subject 'Bank details' </dev/null 2>&1)
is "a look-alike recipient: not sent (exit 2)" \
	"$(EDITOR=$TMP/editor status $V compose --to billing@acmetel-billing.example --subject x </dev/null)" 2
contains "the warning says which domain it imitates" "$err" "acmetel-billing.example looks like acmetel.example"
ok "nothing reached the command" test ! -e "$TMP/sent.eml"
# a group's members are recipients too: sendmail -t sends them the mail
err=$(EDITOR=$TMP/editor $V compose --to 'Team: billing@acmetel-billing.example;' --subject x </dev/null 2>&1)
is "a look-alike in a group: not sent (exit 2)" \
	"$(EDITOR=$TMP/editor status $V compose --to 'Team: billing@acmetel-billing.example;' --subject x </dev/null)" 2
contains "(the warning names it)" "$err" "acmetel-billing.example looks like acmetel.example"
ok "(nothing reached the command)" test ! -e "$TMP/sent.eml"
is "a group of no one is no recipient (exit 2)" \
	"$(EDITOR=$TMP/editor status $V compose --to 'undisclosed-recipients:;' --subject x </dev/null)" 2
contains "(and says so)" "$(EDITOR=$TMP/editor $V compose --to 'undisclosed-recipients:;' --subject x </dev/null 2>&1)" \
	"the draft has no recipient"
out=$(EDITOR=$TMP/editor $V compose --to 'Team: sam@parts.example, lee@parts.example;' --subject x </dev/null)
contains "sent to names a group's members" "$out" "sent to sam@parts.example, lee@parts.example <"
is "a reply to many messages is refused (exit 2)" "$(EDITOR=$TMP/editor status $V reply '*')" 2
# a thread waiting on the user: answering it (thread: names its newest
# message) makes it wait on the vendor
tid=$($V search --format=json waiting:me | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["thread"])')
EDITOR=$TMP/editor $V reply "thread:$tid" </dev/null >/dev/null
is "the answered thread no longer waits on the user" "$($V count "waiting:me and thread:$tid")" 0
is "it waits on the vendor now" "$($V count --output=threads "waiting:vendor and thread:$tid")" 1
out=$(EDITOR=$TMP/editor $V forward id:hostile@vendor.example --to 'Pat <pat@northwind.example>' </dev/null)
contains "forward sends" "$out" "pat@northwind.example"
is "Fwd: before the subject, cleaned" "$(header "$TMP/sent.eml" Subject)" \
	"Fwd: RE: AW: Preisänderung X-Injected: 1 [31m"
is "no In-Reply-To: a new thread" "$(header "$TMP/sent.eml" In-Reply-To)" ""
ok "the original's text and sender go along" python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
b = m.get_content()
sys.exit(0 if "Forwarded message" in b and "Neue Preise ab Dezember." in b and "eve@vendor.example" in b else 1)' "$TMP/sent.eml"
# a reply to a vendor offers its account rep and billing for Cc: a
# commented line among the headers, sent only once uncommented
printf '#!/bin/sh\ncp "$1" "%s/draft-seen"\n' "$TMP" >"$TMP/peek"
chmod +x "$TMP/peek"
EDITOR=$TMP/peek $V reply from:support@mail.acmetel.example </dev/null >/dev/null
contains "the rep and billing are offered" "$(cat "$TMP/draft-seen")" \
	'#Cc: "Dana Whitfield" <dana.whitfield@mail.acmetel.example>, "AcmeTel Billing" <billing@billing.acmetel.example>'
rm -f "$TMP/sent.eml"
EDITOR=$TMP/editor $V reply from:support@mail.acmetel.example </dev/null >/dev/null
is "left commented, no Cc" "$(header "$TMP/sent.eml" Cc)" ""
ok "and no comment line in the message" sh -c "! grep -q '^#' '$TMP/sent.eml'"
cat >"$TMP/take-cc" <<EOF2
#!/bin/sh
sed -i 's/^#Cc:/Cc:/' "\$1"
$TMP/editor "\$1"
EOF2
chmod +x "$TMP/take-cc"
EDITOR=$TMP/take-cc $V reply from:support@mail.acmetel.example </dev/null >/dev/null
is "uncommented, both are copied" "$(header "$TMP/sent.eml" Cc)" \
	"Dana Whitfield <dana.whitfield@mail.acmetel.example>, AcmeTel Billing <billing@billing.acmetel.example>"
EDITOR=$TMP/peek $V compose --to billing@billing.acmetel.example --subject x </dev/null >/dev/null
is "new mail to a vendor: who is not addressed yet is offered" "$(grep '^#Cc:' "$TMP/draft-seen")" \
	'#Cc: "Dana Whitfield" <dana.whitfield@mail.acmetel.example>'
is "a private sender gets no suggestion" \
	"$(EDITOR=$TMP/peek $V reply 'id:CAJr8pQ+lunch-7c1e@mail.gmail.com' </dev/null >/dev/null; grep -c '^#' "$TMP/draft-seen")" 0

# completion of To and Cc: the people the index knows, those written to first
out=$($V contact complete dana)
is "a name's word completes" "$out" "Dana Whitfield <dana.whitfield@mail.acmetel.example>"
# "d": Dana, copied above, before the newer newsletters never written to
first=$($V contact complete --format=json d | python3 -c '
import json, sys
h = json.load(sys.stdin)
print(len(h), h[0]["address"], h[0]["written_to"], h[0]["vendor"], h[1]["written_to"],
      h[1]["last_seen"] > h[0]["last_seen"] or h[1]["written_to"] is False)')
is "the address written to comes first" "$first" \
	"20 dana.whitfield@mail.acmetel.example True acmetel False True"
is "a LIKE wildcard is literal" "$($V contact complete '%')" ""
is "completion needs a prefix" "$(status $V contact complete)" 2

# reply-all to 10,000 recipients: a well-formed message, every one in Cc
python3 - "$TMP/mail/INBOX/cur/crowd:2,S" <<'PY'
import sys
cc = ", ".join("p%d <p%d@crowd.example>" % (i, i) for i in range(10000))
open(sys.argv[1], "w").write(
    "From: Boss <boss@crowd.example>\nTo: Rich Miller <rich@northwind.example>\n"
    "Cc: " + cc + "\nSubject: everyone\nMessage-ID: <crowd@crowd.example>\n"
    "Date: Mon, 02 Nov 2026 10:00:00 +0000\n\nHello all.\n")
PY
$V index --quiet
rm -f "$TMP/sent.eml"
EDITOR=$TMP/editor $V reply --all id:crowd@crowd.example </dev/null >/dev/null
is "reply-all to 10,000: every recipient in Cc, the user not" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
cc = m["Cc"].addresses
print(len(cc), any(a.addr_spec == "rich@northwind.example" for a in cc), m["To"], len(m.defects))' "$TMP/sent.eml")" \
	"10000 False Boss <boss@crowd.example> 0"
ok "no header line longer than 998 bytes" python3 -c '
import sys
head = open(sys.argv[1], "rb").read().split(b"\n\n", 1)[0]
sys.exit(0 if max(len(l) for l in head.split(b"\n")) <= 998 else 1)' "$TMP/sent.eml"

# what an audit of the mail-client paths found: other clients' "Re"
# forms, a parent with only In-Reply-To, a long thread's root, a
# directory attached, a Latin-1 or CRLF draft, an 8-bit original
python3 - "$TMP/mail/INBOX/cur" <<'PY'
import os, sys
d = sys.argv[1]
def put(name, head, body="Hi.\n"):
    open(os.path.join(d, name), "wb").write(
        b"From: Ann <ann@vendor.example>\nTo: Rich Miller <rich@northwind.example>\n"
        b"Date: Mon, 02 Nov 2026 10:00:00 +0000\n" + head + b"\n" + body.encode("latin-1"))
put("re2:2,S", b"Subject: Re[2]: counted\nMessage-ID: <re2@vendor.example>\n")
put("refr:2,S", b"Subject: RE : Tarifs\nMessage-ID: <refr@vendor.example>\n"
    b"In-Reply-To: <parent@vendor.example>\n")
put("long:2,S", b"Subject: long thread\nMessage-ID: <long@vendor.example>\nReferences: "
    + b" ".join(b"<r%02d@vendor.example>" % i for i in range(30)) + b"\n")
put("latin:2,S", b"Subject: prix\nMessage-ID: <latin@vendor.example>\n"
    b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
    "Pr\u00e9vu.\n".encode("utf-8").decode("latin-1"))
PY
$V index --quiet
EDITOR=$TMP/editor $V reply id:re2@vendor.example </dev/null >/dev/null
is "Re[2]: is one Re:" "$(header "$TMP/sent.eml" Subject)" "Re: counted"
EDITOR=$TMP/editor $V reply id:refr@vendor.example </dev/null >/dev/null
is "RE : (a space before the colon) is one Re:" "$(header "$TMP/sent.eml" Subject)" "Re: Tarifs"
is "References start with a parent's only In-Reply-To" "$(header "$TMP/sent.eml" References)" \
	"<parent@vendor.example> <refr@vendor.example>"
EDITOR=$TMP/editor $V reply id:long@vendor.example </dev/null >/dev/null
refs=$(header "$TMP/sent.eml" References)
contains "a long thread's References keep its first message" "$refs" "<r00@vendor.example> <r11@vendor.example>"
is "and twenty of it, and the parent" "$(echo "$refs" | wc -w | tr -d ' ')" 21
mkdir -p "$TMP/a-directory"
printf '#!/bin/sh\nprintf "To: x@parts.example\\nAttach: %s\\n\\nhi\\n" >"$1"\n' "$TMP/a-directory" >"$TMP/dir-editor"
printf '#!/bin/sh\nprintf "To: x@parts.example\\nSubject: Gr\\374\\337e\\n\\nhi\\n" >"$1"\n' >"$TMP/latin1-editor"
printf '#!/bin/sh\nprintf "To: x@parts.example\\r\\nSubject: crlf\\r\\n\\r\\nhi\\r\\n" >"$1"\n' >"$TMP/crlf-editor"
chmod +x "$TMP/dir-editor" "$TMP/latin1-editor" "$TMP/crlf-editor"
err=$(EDITOR=$TMP/dir-editor $V compose </dev/null 2>&1)
contains "a directory to attach is refused, its line named" "$err" "draft line 2: Attach: $TMP/a-directory: not a file"
err=$(EDITOR=$TMP/latin1-editor $V compose </dev/null 2>&1)
contains "a draft saved in Latin-1 is refused, its line named" "$err" "draft line 2: not UTF-8"
rm -f "$TMP/sent.eml"
out=$(EDITOR=$TMP/crlf-editor $V compose </dev/null 2>&1)
contains "a draft saved with CRLF is sent" "$out" "sent to x@parts.example"
is "its subject whole" "$(header "$TMP/sent.eml" Subject)" "crlf"
EDITOR=$TMP/editor $V forward --attach id:latin@vendor.example --to pat@parts.example </dev/null >/dev/null
is "an 8-bit original forwarded whole says 8bit" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
a = list(m.iter_attachments())
print(a[0].get_content_type(), a[0]["Content-Transfer-Encoding"])' "$TMP/sent.eml")" "message/rfc822 8bit"

# a postponed forward --attach whose original was flagged since (its
# file renamed): sent all the same
printf '#!/bin/sh\nexit 1\n' >"$TMP/quit-editor"
chmod +x "$TMP/quit-editor"
EDITOR=$TMP/quit-editor $V forward --attach id:re2@vendor.example --to pat@parts.example </dev/null >/dev/null 2>&1
postponed=$(grep -l "^Attach-Message: .*/re2:2," "$TMP/data/drafts/"* | head -1)
$V tag +flagged id:re2@vendor.example >/dev/null
ok "(the original's file renamed)" sh -c "! grep -q \"\$(ls '$TMP/mail/INBOX/cur' | grep '^re2:')\" '$postponed'"
rm -f "$TMP/sent.eml"
out=$(EDITOR=$TMP/noedit $V compose --draft "$postponed" </dev/null 2>&1)
contains "a forward of a renamed original is sent" "$out" "sent to pat@parts.example"
is "with the original whole" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(list(m.iter_attachments())[0].get_content()["Message-ID"])' "$TMP/sent.eml")" "<re2@vendor.example>"
# the Sent copy of that forward lists the original as an attachment
sent_id=$(header "$TMP/sent.eml" Message-ID | tr -d '<>')
contains "the Sent copy lists the forwarded message" \
	"$($V attachment list "id:$sent_id")" "message/rfc822"

# an address without a domain is refused, its line named (sendmail took
# "not-an-address" for a local user)
err=$(EDITOR=$TMP/editor $V compose --to not-an-address --subject x </dev/null 2>&1)
contains "an address without a domain is refused" "$err" "draft line 2: To: 'not-an-address' is no address"

# a body whose characters fit Latin-1 goes as UTF-8 all the same
printf '#!/bin/sh\nprintf "To: x@parts.example\\nSubject: recu\\n\\nRe\\303\\247u, merci.\\n" >"$1"\n' >"$TMP/latin-text-editor"
chmod +x "$TMP/latin-text-editor"
EDITOR=$TMP/latin-text-editor $V compose </dev/null >/dev/null
is "a body of Latin-1 characters is sent as UTF-8" "$(python3 -c '
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_param("charset"), m.get_content().strip())' "$TMP/sent.eml")" "utf-8 Reçu, merci."

# an inline forward of mail with attachments says they stay behind
printf '#!/bin/sh\ncp "$1" "%s/forward-draft"\n' "$TMP" >"$TMP/peek-forward"
chmod +x "$TMP/peek-forward"
EDITOR=$TMP/peek-forward $V forward 'id:000101c228eb$e04cf280$a883a8c0@wl.opentext.com' --to pat@parts.example \
	</dev/null >/dev/null 2>&1
contains "an inline forward says the attachments stay behind" "$(cat "$TMP/forward-draft")" \
	"# the original's attachments are not forwarded inline: forward --attach sends it whole"
EDITOR=$TMP/peek-forward $V forward id:re2@vendor.example --to pat@parts.example </dev/null >/dev/null 2>&1
lacks "(not for mail without any)" "$(cat "$TMP/forward-draft")" "attachments are not forwarded"

# a send command that hangs is stopped at [send] timeout, the draft kept
printf '#!/bin/sh\ncat >/dev/null\nexec sleep 60\n' >"$TMP/hanging"
chmod +x "$TMP/hanging"
write_config "$TMP/hang.conf" "$TMP/mail" "$TMP/data" "[send]
command = $TMP/hanging
timeout = 2"
drafts=$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')
start=$(date +%s)
err=$(EDITOR=$TMP/editor timeout -k 5 50 $VTRIAGE --config "$TMP/hang.conf" compose --to x@parts.example \
	--subject hang </dev/null 2>&1)
is "a hanging send command: exit 1" "$?" 1
ok "stopped at its time (took $(( $(date +%s) - start )) s)" test "$(( $(date +%s) - start ))" -lt 20
contains "saying the mail may have gone" "$err" "did not finish in 2 s ([send] timeout) and was stopped"
is "and the draft is kept" "$(ls "$TMP/data/drafts" | wc -l | tr -d ' ')" "$((drafts + 1))"

# draft list cuts a long To on a character
EDITOR=$TMP/quit-editor $V compose --to 'xÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ <x@parts.example>' --subject umlauts </dev/null >/dev/null 2>&1
ok "draft list prints whole UTF-8 characters" sh -c "$V draft list | python3 -c 'import sys; sys.stdin.buffer.read().decode(\"utf-8\")'"
contains "cut at thirty" "$($V draft list)" "xÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ <x@parts  umlauts"

# [account] from must be one address
printf '[account a]\nfrom = not an address\n' >>"$TMP/conf"
err=$($V count '*' 2>&1)
contains "a bad from names file and line" "$err" "conf:"
contains "and the key" "$err" "[account a] from: must be one address"
done_testing
