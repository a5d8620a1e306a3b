#!/bin/sh
# The vendor report on the demo mailbox: text, JSON checked field by
# field, and the HTML page parsed as a real browser (Debian's chromium,
# headless) builds it: every section, one bar per month with bills, no
# script, nothing fetched, and the vendor's hostile name shown as text.
. "$(dirname "$0")/../lib.sh"

copy_maildir "$FIXTURES/demo/Maildir" "$TMP/mail"
write_config "$TMP/conf" "$TMP/mail" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
$V issue open acmetel "Wrong October bill" --thread id:acmetel-inv-2026-10@mail.acmetel.example >/dev/null
$V contract set acmetel --ends 2027-06-30 --kind maintenance --note 'PO <4411>' >/dev/null

text=$($V report acmetel)
contains "text: the year's bills" "$text" "2026 bill   \$15,290.00 (4)"
contains "text: the flagged bill" "$text" "\$7,800.00: +213% against the usual \$2,490.00 (2 bills)"
contains "text: the look-alike's mail" "$text" "looks like acmetel.example"
contains "text: the open issue" "$text" "#1 Wrong October bill"
contains "text: the contract" "$text" "maintenance ends 2027-06-30"
contains "text: the account rep" "$text" "Dana Whitfield"

j=$($V report acmetel --format=json)
get() { echo "$j" | python3 -c "import json, sys; r = json.load(sys.stdin); print($1)"; }
is "json: the vendor" "$(get 'r["vendor"], r["bucket"], r["domains"]')" "acmetel generic ['acmetel.example']"
is "json: mail per month" "$(get '[(m["month"], m["in"], m["out"]) for m in r["months"]]')" \
	"[('2026-08', 1, 0), ('2026-09', 1, 0), ('2026-10', 3, 2), ('2026-11', 1, 1)]"
is "json: totals" "$(get '[(t["year"], t["kind"], t["currency"], t["minor"], t["count"]) for t in r["totals"]]')" \
	"[('2026', 'bill', 'USD', 1529000, 4)]"
is "json: bills by month, in the main currency" "$(get 'r["spend_currency"], sorted(r["spend_by_month"].items())')" \
	"USD [('2026-08', 250000), ('2026-09', 248000), ('2026-10', 780000), ('2026-11', 251000)]"
is "json: one flagged bill" "$(get '[(b["date"], b["amount"]["text"]) for b in r["bills_flagged"]]')" \
	"[('2026-10-02', '\$7,800.00')]"
is "json: the issue, open, with its age" "$(get '[(i["id"], i["closed"], i["age_days"] >= 0) for i in r["issues"]]')" \
	"[(1, None, True)]"
is "json: the contract" "$(get '[(c["kind"], c["ends"], c["note"]) for c in r["contracts"]]')" \
	"[('maintenance', '2027-06-30', 'PO <4411>')]"
is "json: contacts with roles" "$(get 'sorted((c["address"], c["role"]) for c in r["contacts"] if c["address"])[:2]')" \
	"[('billing@billing.acmetel.example', 'billing'), ('dana.whitfield@mail.acmetel.example', 'account-rep')]"
is "--since leaves out the months before" \
	"$($V report acmetel --since 2026-10-01 --format=json | python3 -c 'import json,sys; print([m["month"] for m in json.load(sys.stdin)["months"]])')" \
	"['2026-10', '2026-11']"
is "the messages count agrees with the months" "$(get 'r["messages"], sum(m["in"] + m["out"] for m in r["months"])')" "9 9"
is "--since counts the mail since, not all of it" \
	"$($V report acmetel --since 2026-10-01 --format=json | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"])')" 7
is "a bad --since is refused (exit 2)" "$(status $V report acmetel --since 2026-13-01)" 2
is "an unknown vendor (exit 2)" "$(status $V report no-such-vendor)" 2

# a reminder is its bill, counted once in the month (and year) the bill
# was sent: December's bill reminded in January stays December's
R=$TMP/reminded
mkdir -p "$R/cur" "$R/new" "$R/tmp"
bill() { # FILE DATE REF AMOUNT SUBJECT
	printf 'From: Billing <billing@initrode.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\nMessage-ID: <%s@initrode.example>\n\nDear Rich,\n\nInvoice number: %s\nAmount due: $%s\n\nInitrode Billing\n' \
		"$5" "$2" "$1" "$3" "$4" >"$R/cur/$1:2,S"
}
bill dec "Mon, 15 Dec 2025 10:00:00 +0000" IN-8 500.00 "Invoice IN-8"
bill dec-r "Mon, 12 Jan 2026 10:00:00 +0000" IN-8 500.00 "Reminder: invoice IN-8 is overdue"
bill mar "Thu, 05 Mar 2026 10:00:00 +0000" IN-9 1,000.00 "Invoice IN-9"
bill mar-r "Fri, 10 Apr 2026 10:00:00 +0000" IN-9 1,000.00 "Reminder: invoice IN-9"
bill apr "Sun, 05 Apr 2026 10:00:00 +0000" IN-10 1,000.00 "Invoice IN-10"
write_config "$TMP/reminded.conf" "$R" "$TMP/reminded-data"
W="$VTRIAGE --config $TMP/reminded.conf"
$W index --quiet
j=$($W report initrode --format=json)
is "a reminder is counted once, in its bill's year" "$(get '[(t["year"], t["minor"], t["count"]) for t in r["totals"]]')" \
	"[('2026', 200000, 2), ('2025', 50000, 1)]"
is "and in its bill's month" "$(get 'sorted(r["spend_by_month"].items())')" \
	"[('2025-12', 50000), ('2026-03', 100000), ('2026-04', 100000)]"

# --since: an issue closed before is not of the period; one open then is
$W issue open initrode "Old dispute" >/dev/null
$W issue close 1 >/dev/null
sqlite3 "$TMP/reminded-data/vtriage.db" "UPDATE issues SET opened = strftime('%s', '2025-03-01'), closed = strftime('%s', '2025-04-01')"
$W issue open initrode "Late bill" >/dev/null
is "--since leaves out an issue closed before it" \
	"$($W report initrode --since 2026-01-01 --format=json | python3 -c 'import json,sys; print([i["title"] for i in json.load(sys.stdin)["issues"]])')" \
	"['Late bill']"
is "without it, both" "$($W report initrode --format=json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["issues"]))')" 2

# an ended contract is said to have ended, not to be DUE
$W contract set initrode --ends 2025-06-30 --kind license >/dev/null
contains "text: ended" "$($W report initrode)" "license ended 2025-06-30 (notice 30 days)
"
lacks "text: not DUE" "$($W report initrode)" "DUE"
j=$($W report initrode --format=json)
is "json: its state" "$(get '[(c["ends"], c["state"], c["due"]) for c in r["contracts"]]')" \
	"[('2025-06-30', 'ended', True)]"
contains "html: its state" "$($W report initrode --format=html)" "<td>2025-06-30</td><td>30</td><td>ended</td>"

# the HTML page, with a name meant to break out of it
$V vendor rename acmetel '<b>AcmeTel</b> & "Co" <script>alert(1)</script>' >/dev/null
$V report acmetel --format=html >"$TMP/report.html"
is "html exits 0" "$?" 0
is "--format html (a space, as every option takes its value) is the same page" \
	"$($V report acmetel --format html | md5sum)" "$(md5sum <"$TMP/report.html")"
contains "the last --format wins, as for every command" \
	"$($V report acmetel --format=html --format=json)" '"vendor":'
contains "a bad format names html among those offered" \
	"$($V report acmetel --format=pdf 2>&1)" "--format must be text, json or html"
is "and html is report's alone" "$(status $V search --format=html '*')" 2
lacks "no script in the page" "$(cat "$TMP/report.html")" "<script"
lacks "nothing fetched: no src or href" "$(grep -Eo '(src|href)=' "$TMP/report.html")" "="
command -v chromium >/dev/null || skip_all "chromium not installed (scripts/install-deps installs it)"
dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$TMP/report.html" 2>/dev/null)
ok "chromium renders it" test -n "$dom"
echo "$dom" >"$TMP/dom.html"
is "as the browser built it" "$(python3 - "$TMP/dom.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = {}; self.h1 = ""; self.where = []; self.bars = 0
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1; self.where.append(tag)
        if tag == "rect" and ("class", "bar") in attrs: self.bars += 1
    def handle_endtag(self, tag):
        if self.where and self.where[-1] == tag: self.where.pop()
    def handle_data(self, data):
        if self.where and self.where[-1] == "h1": self.h1 += data
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(p.h1, "|", p.tags.get("table", 0), p.tags.get("h2", 0), p.bars, p.tags.get("script", 0), p.tags.get("b", 0))
PY
)" '<b>AcmeTel</b> & "Co" <script>alert(1)</script> | 7 8 4 0 0'
timeout 60 chromium --headless --no-sandbox --disable-gpu --window-size=1000,1400 \
	--screenshot="$TMP/report.png" "file://$TMP/report.html" >/dev/null 2>&1
ok "and paints it (a screenshot of some size)" test "$(wc -c <"$TMP/report.png")" -gt 10000
done_testing
