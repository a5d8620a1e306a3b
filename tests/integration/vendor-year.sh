#!/bin/sh
# A year of one vendor's mail, written relative to today: a bill a month
# (one of them double the usual), a maintenance contract's term, quotes,
# an order confirmed without news since, the user's questions (one
# unanswered for twelve days), an account manager who moved to another
# vendor. Contracts, waiting and the report read it:
# text and JSON field by field, the HTML page parsed.
. "$(dirname "$0")/../lib.sh"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
python3 - "$M/cur" <<'PY'
import sys, datetime, email.utils
out = sys.argv[1]
today = datetime.date.today()
def when(d):
    return email.utils.format_datetime(datetime.datetime(d.year, d.month, d.day, 0, 0,
                                       tzinfo=datetime.timezone.utc))
def month_back(n):  # the 1st of the month n months ago
    y, m = today.year, today.month - n
    while m <= 0:
        m += 12; y -= 1
    return datetime.date(y, m, 1)
n = 0
def mail(frm, to, subject, date, body, reply=None):
    global n
    n += 1
    head = "From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <y%d@test>\n" % (
        frm, to, subject, when(date), n)
    if reply:
        head += "In-Reply-To: <y%d@test>\nReferences: <y%d@test>\n" % (reply, reply)
    open("%s/y%d:2,S" % (out, n), "w").write(head + "\n" + body + "\n")
    return n
V = "Contoso Billing <billing@contoso.example>"
ME = "Rich Miller <rich@northwind.example>"
for k in range(11, -1, -1):     # a bill a month, the oldest first
    d = month_back(k)
    if d > today:
        continue
    amount = "2,400.00" if k == 4 else "1,200.00"
    mail(V, ME, "Invoice INV-%d%02d" % (d.year, d.month), d,
         "Invoice INV-%d%02d\nAmount due: $%s\nDue date: %s\n" % (d.year, d.month, amount,
                                                                 d + datetime.timedelta(days=30)))
start = month_back(10)
end = datetime.date(start.year + 1, start.month, 1) - datetime.timedelta(days=1)
c = mail("Dana <dana@contoso.example>", ME, "Maintenance contract", start,
         "Hello,\n\nyour maintenance contract:\nTerm: %s - %s\n" % (start.strftime("%d.%m.%Y"),
                                                                 end.strftime("%d.%m.%Y")))
t = mail(ME, "Dana <dana@contoso.example>", "Re: Maintenance contract",
         start + datetime.timedelta(days=1), "Thanks.", c)
mail("Dana <dana@contoso.example>", ME, "Re: Maintenance contract", start + datetime.timedelta(days=2),
     "You are welcome.", t)
q = mail("Dana <dana@contoso.example>", ME, "Re: what about the new racks?",
         today - datetime.timedelta(days=20), "The racks come in March.")
mail(ME, "Dana <dana@contoso.example>", "Re: what about the new racks?",
     today - datetime.timedelta(days=12), "Which week in March?", q)
mail("Orders <orders@contoso.example>", ME, "Order confirmation 9001",
     today - datetime.timedelta(days=9), "Order 9001 confirmed.\nTotal: $3,000.00\n")
# Sam signs as Contoso's account manager, then writes from Fabrikam
SAM = "\n\nBest regards,\n\nSam Berg\n%s\n%s\nPhone: +1 555 0100\n"
mail("Sam Berg <sam@contoso.example>", ME, "Your account", month_back(9),
     "Hello Rich," + SAM % ("Account Manager", "Contoso Ltd"))
mail("Sam Berg <sam@fabrikam.example>", ME, "New role", today - datetime.timedelta(days=30),
     "Hello Rich, I have moved on." + SAM % ("Sales Director", "Fabrikam Inc"))
PY
write_config "$TMP/conf" "$M" "$TMP/data"
V="$VTRIAGE --config $TMP/conf"
$V index --quiet
end=$(python3 -c '
import datetime
t = datetime.date.today(); y, m = t.year, t.month - 10
while m <= 0: m += 12; y -= 1
print(datetime.date(y + 1, m, 1) - datetime.timedelta(days=1))')

# the contract: one term's end suggested, accepted
s=$($V contract list --suggested --format=json)
is "the contract's term is suggested" "$(echo "$s" | python3 -c '
import json, sys
print([(x["vendor"], x["event"], x["kind"], x["ends"]) for x in json.load(sys.stdin)])')" \
	"[('contoso', 'term-ends', 'maintenance', '$end')]"
$V contract accept "$(echo "$s" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" \
	--notice 60 >/dev/null

# waiting: the question unanswered for twelve days, the order without news
w=$($V waiting contoso --format=json)
is "waiting: the question, overdue, and the order" "$(echo "$w" | python3 -c '
import json, sys
print([(x["what"], x["days"], x["overdue"]) for x in json.load(sys.stdin)])')" \
	"[('reply', 12, True), ('order', 9, True)]"

# the report: one issue closed, one open
$V issue open contoso "Double bill" >/dev/null
$V issue close 1 --note "credit note received" >/dev/null
$V issue open contoso "Racks late" >/dev/null
r=$($V report contoso --format=json)
get() { echo "$r" | python3 -c "import json, sys; r = json.load(sys.stdin); print($1)"; }
is "a year of months, mail in each" "$(get 'len(r["months"]), all(m["in"] >= 1 for m in r["months"])')" "12 True"
is "--since: the last three months" \
	"$($V report contoso --since "$(date -d "$(date +%Y-%m-01) -2 months" +%Y-%m-%d)" --format=json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["months"]))')" 3
is "the user's mail counted out" "$(get 'sum(m["out"] for m in r["months"])')" 2
is "this year's and last year's bills add up to 13 times the usual" \
	"$(get 'sum(t["minor"] for t in r["totals"] if t["kind"] == "bill"), sum(t["count"] for t in r["totals"] if t["kind"] == "bill")')" \
	"1560000 12"
is "the double bill is flagged" "$(get '[b["amount"]["text"] for b in r["bills_flagged"]]')" "['\$2,400.00']"
is "bills by month, in dollars" "$(get 'r["spend_currency"], len(r["spend_by_month"])')" "USD 12"
is "the contract in the report" "$(get '[(c["kind"], c["ends"], c["notice_days"]) for c in r["contracts"]]')" \
	"[('maintenance', '$end', 60)]"
is "its people" "$(get 'sorted(c["address"] for c in r["contacts"])')" \
	"['billing@contoso.example', 'dana@contoso.example', 'orders@contoso.example', 'sam@fabrikam.example']"
is "who moved away: where they write from now, their title there" \
	"$(get '[(c["address"], c["title"], c["moved_to"]) for c in r["contacts"] if c["name"] == "Sam Berg"]')" \
	"[('sam@fabrikam.example', 'Sales Director', 'fabrikam')]"
is "issues, open and closed, with their ages" \
	"$(get '[(i["id"], i["title"], i["closed"] is not None, i["age_days"], i["note"]) for i in r["issues"]]')" \
	"[(1, 'Double bill', True, 0, 'credit note received'), (2, 'Racks late', False, 0, '')]"
text=$($V report contoso)
contains "text: where Sam is now" "$text" "now at fabrikam"
contains "text: the flagged bill" "$text" "\$2,400.00: +100% against the usual \$1,200.00"
contains "text: the contract" "$text" "maintenance ends $end (notice 60 days)"
$V report contoso --format=html >"$TMP/r.html"
is "html: twelve bars, six tables (no suspicious mail), no script" "$(python3 - "$TMP/r.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.bars = 0; self.tables = 0; self.scripts = 0
    def handle_starttag(self, tag, attrs):
        self.bars += tag == "rect" and ("class", "bar") in attrs
        self.tables += tag == "table"; self.scripts += tag == "script"
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(p.bars, p.tables, p.scripts)
PY
)" "12 6 0"
done_testing
