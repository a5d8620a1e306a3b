#!/bin/sh
# Bills in PDF attachments, read by vtriage-pdf in a child: a text layer
# laid out as a table (German), a total at the bottom of page 2 (US), a
# Factur-X PDF whose embedded XML gives the exact figures and IBAN, a
# scan with no text, an encrypted PDF, and one built to be slow, which
# the time limit cuts off without failing the index. Then the cache: a
# PDF read once is never read again.
. "$(dirname "$0")/../lib.sh"

PDFGEN=$top_builddir/tests/pdfgen
[ -x "$PDFGEN" ] || skip_all "tests/pdfgen is not built"
command -v pdftotext >/dev/null || skip_all "poppler-utils is not installed (scripts/install-deps)"

M=$TMP/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
n=0
# bill FROM SUBJECT DATE PDF [BODY]: a vendor's mail with the PDF attached
bill() {
	n=$((n + 1))
	{
		printf 'From: %s\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\nDate: %s\n' "$1" "$2" "$3"
		printf 'Message-ID: <p%d@test>\nMIME-Version: 1.0\n' "$n"
		printf 'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' "$n" "$n"
		printf 'Content-Type: text/plain; charset=utf-8\n\n%b\n\n--b%d\n' "${5:-Please find your invoice attached.}" "$n"
		printf 'Content-Type: application/pdf; name="invoice.pdf"\n'
		printf 'Content-Disposition: attachment; filename="invoice.pdf"\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 "$4"
		printf '\n--b%d--\n' "$n"
	} >"$M/cur/p$n:2,S"
}

# a German invoice laid out as a table
printf '%s\n' "50 780 Müller Bürobedarf GmbH" "50 750 Rechnung Nr. RE-2026-077" \
	"50 735 Rechnungsdatum: 02.11.2026" \
	"50 700 Pos  Artikel                 Menge   Einzelpreis      Gesamt" \
	"50 685 1    Kopierpapier A4           60        12,90 €    774,00 €" \
	"50 670 2    Kugelschreiber           500         0,45 €    225,00 €" \
	"50 600 Nettobetrag                                        999,00 €" \
	"50 585 MwSt 19 %                                          189,81 €" \
	"50 570 Gesamtbetrag                                     1.188,81 €" \
	"50 540 Zahlbar bis 16.11.2026" | "$PDFGEN" "$TMP/de.pdf"
# a US invoice whose total is at the bottom of page 2
printf '%s\n' "50 780 Initech Cloud" "50 750 Invoice number: INC-5512" "50 735 Invoice date: Nov 1, 2026" \
	"50 700 Compute, 2,000 hours                 \$3,100.00" "---" \
	"50 780 Storage, 40 TB                         \$820.00" \
	"50 100 Subtotal                             \$3,920.00" "50 85 Tax                                    \$0.00" \
	"50 70 Amount due                           \$3,920.00" | "$PDFGEN" "$TMP/us.pdf"
# Factur-X: the text says nothing of the amount, the XML all of it
cat >"$TMP/fx.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>RE-2026-0042</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">20261102</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>
  <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
  <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE89370400440532013000</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
  <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20261202</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
  <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:TaxBasisTotalAmount>4200.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="EUR">798.00</ram:TaxTotalAmount><ram:GrandTotalAmount>4998.00</ram:GrandTotalAmount><ram:DuePayableAmount>4998.00</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
 </ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
XML
printf '%s\n' "50 780 Rechnung RE-2026-0042" "50 750 Betrag: siehe Anlage" | "$PDFGEN" --xml "$TMP/fx.xml" "$TMP/fx.pdf"
echo | "$PDFGEN" --image "$TMP/scan.pdf"
echo | "$PDFGEN" --slow 60000 "$TMP/slow.pdf"

bill "Müller Bürobedarf <rechnung@mueller-buero.example>" "Ihre Rechnung" "Mon, 02 Nov 2026 09:00:00 +0100" "$TMP/de.pdf" "Sehr geehrter Herr Miller,\nanbei Ihre Rechnung."
bill "Initech Billing <billing@initech.example>" "Your invoice" "Sun, 01 Nov 2026 09:00:00 +0000" "$TMP/us.pdf"
bill "Hooli Rechnungen <rechnung@hooli.example>" "Rechnung RE-2026-0042" "Mon, 02 Nov 2026 10:00:00 +0100" "$TMP/fx.pdf"
bill "Scanner Co <billing@scanner.example>" "Invoice 77" "Mon, 02 Nov 2026 11:00:00 +0000" "$TMP/scan.pdf"
bill "Slow Inc <billing@slow.example>" "Invoice 99" "Mon, 02 Nov 2026 12:00:00 +0000" "$TMP/slow.pdf"
if command -v qpdf >/dev/null; then
	qpdf --encrypt secret owner 256 -- "$TMP/de.pdf" "$TMP/locked.pdf"
	bill "Locked GmbH <rechnung@locked.example>" "Rechnung 5" "Mon, 02 Nov 2026 13:00:00 +0100" "$TMP/locked.pdf"
fi
# the same German PDF again, a second time: read once
bill "Müller Bürobedarf <rechnung@mueller-buero.example>" "Ihre Rechnung (Kopie)" "Tue, 03 Nov 2026 09:00:00 +0100" "$TMP/de.pdf"

# a UK vendor's bill in its body: amounts with dots, dates day first
printf 'From: Accounts <accounts@ukvendor.co.uk>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice UKV-1\nDate: Fri, 20 Nov 2026 10:00:00 +0000\nMessage-ID: <ukv@test>\n\nInvoice number: UKV-1\nInvoice date: 20/11/2026\nDue date: 10/12/2026\nTotal: \302\243500.00\n' \
	>"$M/cur/ukv:2,S"
# a French one whose due date's label starts the line, capital first
printf 'From: Facturation <factures@gamma.fr>\nTo: Rich Miller <rich@northwind.example>\nSubject: Facture FA-1\nDate: Tue, 01 Dec 2026 10:00:00 +0100\nMessage-ID: <fa1@test>\nContent-Type: text/plain; charset=utf-8\n\nFacture n\302\260 FA-1\nMontant TTC : 1 200,00 \342\202\254\n\303\211ch\303\251ance : 31/12/2026\n' \
	>"$M/cur/fa1:2,S"
write_config "$TMP/conf" "$M" "$TMP/data" "[pdf]
timeout = 2"
vt() { "$VTRIAGE" --config "$TMP/conf" "$@"; }
start=$(date +%s)
ok "the mailbox indexes, the slow PDF notwithstanding" vt index
took=$(( $(date +%s) - start ))
ok "the slow PDF was cut off by its time limit (took ${took} s)" test "$took" -lt 20
out=$(vt index --full-scan --format=json 2>&1)
bills=$(vt bill list)
echo "$bills" | sed 's/^/# /'
is "--sort=amount: by currency, the one most bills are in first, each largest first" \
	"$(vt bill list --sort=amount | grep -v '^ ' | awk '{print $3, $4}' | tr '\n' ' ')" \
	"RE-2026-0042 €4,998.00 FA-1 €1,200.00 RE-2026-077 €1,188.81 RE-2026-077 €1,188.81 UKV-1 £500.00 INC-5512 \$3,920.00 - - - - - - "
contains "the German table's labelled total, from the PDF" "$bills" "RE-2026-077           €1,188.81  pdf  "
contains "the US total at the bottom of page 2" "$bills" "INC-5512              \$3,920.00  pdf"
contains "the Factur-X XML's exact figures" "$bills" "RE-2026-0042          €4,998.00  xml"
contains "the scan is noted as such" "$bills" "PDF not read: no text layer (scanned)"
contains "the slow PDF is noted as timed out" "$bills" "PDF not read: timed out"
if command -v qpdf >/dev/null; then
	contains "the encrypted PDF is noted as such" "$bills" "PDF not read: encrypted"
fi
json=$(vt bill list hooli --format=json)
contains "the XML's tax and subtotal" "$json" '"text": "€798.00"'
contains "the XML's due date" "$json" '"due": "2026-12-02"'
contains "its subtotal and tax add up" "$json" '"totals_agree": true'
json=$(vt bill list ukvendor --format=json)
contains "a UK vendor's dates are read day first: issued" "$json" '"issued": "2026-11-20"'
contains "and due" "$json" '"due": "2026-12-10"'
contains "an \303\211ch\303\251ance starting its line is the due date" "$(vt bill list gamma --format=json)" \
	'"due": "2026-12-31"'
is "--currency takes a code in lower case too" "$(vt bill list --currency eur | wc -l)" \
	"$(vt bill list --currency EUR | wc -l)"
lacks "(and finds bills in it)" "$(vt bill list --currency eur)" "UKV-1"
contains "--min keeps a third decimal" "$(vt bill list --min 499.999 ukvendor)" "UKV-1"
lacks "(and a bound above the total is above it)" "$(vt bill list --min 500.001 ukvendor)" "UKV-1"
contains "the PDF's due date (Zahlbar bis)" "$(vt bill list mueller-buero --format=json)" '"due": "2026-11-16"'
is "amount: finds the PDF's bill" "$(vt count 'amount:1188.81' 2>&1)" "2"

# a fresh index of the same mail: every PDF is known by its hash
rm -rf "$TMP/data/notmuch" "$TMP/data/vtriage.db"
again=$(vt index 2>&1)
contains "a second index reads no PDF again" "$again" "PDF attachments: 0 read"
# but one that failed at its time limit is read again once it is raised
write_config "$TMP/conf" "$TMP/mail" "$TMP/data" "[pdf]
timeout = 3"
rm -rf "$TMP/data/notmuch" "$TMP/data/vtriage.db"
again=$(vt index 2>&1)
contains "a raised time limit reads the PDF that timed out again" "$again" "PDF attachments: 1 read"
rm -rf "$TMP/data/notmuch" "$TMP/data/vtriage.db"
again=$(vt index 2>&1)
contains "and then keeps its answer under that limit" "$again" "PDF attachments: 0 read"

# a reader that closes its output and then sleeps: held to the deadline
# all the same (its CPU limit never comes)
cat >"$TMP/sleepy" <<'EOF'
#!/bin/sh
exec >&-
exec sleep 60
EOF
chmod +x "$TMP/sleepy"
M=$TMP/sleepy-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
bill "Sleepy Co <billing@sleepy.example>" "Invoice 5" "Mon, 02 Nov 2026 12:00:00 +0000" "$TMP/us.pdf"
write_config "$TMP/sleepy.conf" "$TMP/sleepy-mail" "$TMP/sleepy-data" "[pdf]
timeout = 2"
start=$(date +%s)
VTRIAGE_PDF_HELPER=$TMP/sleepy timeout -k 5 50 "$VTRIAGE" --config "$TMP/sleepy.conf" index >/dev/null 2>&1
is "a reader asleep after closing its output: the index run ends" "$?" 0
took=$(( $(date +%s) - start ))
ok "within its time limit (took ${took} s)" test "$took" -lt 15
contains "and the PDF is noted as timed out" \
	"$("$VTRIAGE" --config "$TMP/sleepy.conf" bill list 2>&1)" "PDF not read: timed out"
# the time limit raised: mail already indexed whose PDF timed out is read
# again at the next run (here by the real reader, which reads it)
write_config "$TMP/sleepy.conf" "$TMP/sleepy-mail" "$TMP/sleepy-data" "[pdf]
timeout = 5"
out=$("$VTRIAGE" --config "$TMP/sleepy.conf" index 2>&1)
contains "a raised limit: the next run reads the PDF that timed out" "$out" "PDF attachments: 1 read"
bills=$("$VTRIAGE" --config "$TMP/sleepy.conf" bill list 2>&1)
contains "and its bill has the PDF's total" "$bills" "INC-5512              \$3,920.00  pdf"
lacks "no longer noted as timed out" "$bills" "PDF not read"
out=$("$VTRIAGE" --config "$TMP/sleepy.conf" index 2>&1)
lacks "the run after reads nothing again" "$out" "1 read"

# PDFs made to time out, more than a run has time for ([pdf]
# run_seconds): the run reads what its time allows and leaves the rest
# to the next, which reads them (a flood of them held every run for a
# timeout each)
M=$TMP/budget-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
for i in 1 2 3 4; do
	printf '%s\n' "50 780 Budget Co" "50 750 Invoice BU-$i" "50 700 Amount due    \$1$i.00" |
		"$PDFGEN" "$TMP/bu$i.pdf"
	bill "Budget Co <billing@budget.example>" "Invoice BU-$i" "Mon, 0$i Nov 2026 12:00:00 +0000" "$TMP/bu$i.pdf"
done
write_config "$TMP/budget.conf" "$TMP/budget-mail" "$TMP/budget-data" "[pdf]
timeout = 1
run_seconds = 2"
out=$(VTRIAGE_PDF_HELPER=$TMP/sleepy "$VTRIAGE" --config "$TMP/budget.conf" index 2>&1)
contains "a run reads PDFs for its run_seconds, then leaves them" "$out" \
	"PDF attachments: 2 read, 0 known already, the rest left for the next run ([pdf] run_seconds)."
bills=$("$VTRIAGE" --config "$TMP/budget.conf" bill list 2>&1)
is "two timed out" "$(echo "$bills" | grep -c 'PDF not read: timed out')" 2
is "two left" "$(echo "$bills" | grep -c 'PDF not read: deferred to the next run')" 2
out=$("$VTRIAGE" --config "$TMP/budget.conf" index 2>&1)
contains "the next run reads what was left" "$out" "PDF attachments: 2 read, 0 known already."
bills=$("$VTRIAGE" --config "$TMP/budget.conf" bill list 2>&1)
contains "and its bills have their totals" "$bills" "BU-4                     \$14.00  pdf"
lacks "nothing is left" "$bills" "deferred"
out=$("$VTRIAGE" --config "$TMP/budget.conf" index 2>&1)
lacks "the run after reads nothing again" "$out" "PDF attachments"

# a PDF left for the next run behind one that failed otherwise (a scan):
# its note says it was left, or no run read it again
M=$TMP/behind-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
# two_pdfs ID SUBJECT PDF PDF
two_pdfs() {
	{
		printf 'From: Budget Co <billing@budget.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: %s\n' "$2"
		printf 'Date: Tue, 10 Nov 2026 12:00:00 +0000\nMessage-ID: <%s@test>\nMIME-Version: 1.0\n' "$1"
		printf 'Content-Type: multipart/mixed; boundary="bb"\n\n--bb\nContent-Type: text/plain\n\nAttached.\n\n'
		for f in "$3" "$4"; do
			printf -- '--bb\nContent-Type: application/pdf; name="invoice.pdf"\n'
			printf 'Content-Disposition: attachment; filename="invoice.pdf"\nContent-Transfer-Encoding: base64\n\n'
			base64 "$f"
		done
		printf -- '--bb--\n'
	} >"$M/cur/$1:2,S"
}
write_config "$TMP/behind.conf" "$TMP/behind-mail" "$TMP/behind-data" "[pdf]
timeout = 1
run_seconds = 1"
bill "Scanner Co <billing@scanner.example>" "Invoice 77" "Mon, 02 Nov 2026 11:00:00 +0000" "$TMP/scan.pdf"
"$VTRIAGE" --config "$TMP/behind.conf" index --quiet # the scan's answer, cached
for i in 1 2; do
	bill "Slow Co <billing@slow.example>" "Invoice S-$i" "Mon, 0$i Nov 2026 12:00:00 +0000" "$TMP/bu$i.pdf"
done
two_pdfs zz "Invoice BU-3" "$TMP/scan.pdf" "$TMP/bu3.pdf"
VTRIAGE_PDF_HELPER=$TMP/sleepy "$VTRIAGE" --config "$TMP/behind.conf" index --quiet 2>/dev/null
contains "the note of a PDF left behind a scan says it was left" \
	"$("$VTRIAGE" --config "$TMP/behind.conf" bill list budget)" "PDF not read: deferred to the next run"
"$VTRIAGE" --config "$TMP/behind.conf" index --quiet
contains "and the next run reads it" "$("$VTRIAGE" --config "$TMP/behind.conf" bill list budget)" \
	"BU-3                     \$13.00  pdf"

# terms without a due date: due that many days after the bill's issue,
# else after its mail
M=$TMP/terms-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
printf 'From: Buchhaltung <rechnung@netco.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Rechnung NC-1\nDate: Mon, 02 Nov 2026 12:00:00 +0000\nMessage-ID: <nc1@test>\n\nRechnung NC-1\nGesamtbetrag: 100,00 EUR\nZahlungsziel: 30 Tage\n' \
	>"$M/cur/nc1:2,S"
printf 'From: Billing <billing@netco.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice NC-2\nDate: Mon, 02 Nov 2026 12:00:00 +0000\nMessage-ID: <nc2@test>\n\nInvoice NC-2\nInvoice date: 2026-10-15\nTotal: EUR 100.00\nPayment terms: Net 45\n' \
	>"$M/cur/nc2:2,S"
write_config "$TMP/terms.conf" "$TMP/terms-mail" "$TMP/terms-data"
T="$VTRIAGE --config $TMP/terms.conf"
$T index --quiet
is "due after the mail's date, or the bill's" "$($T bill list --format=json | python3 -c '
import json, sys
print(sorted((d["ref"], d["net_days"], d["due"]) for d in json.load(sys.stdin)))')" \
	"[('NC-1', 30, '2026-12-02'), ('NC-2', 45, '2026-11-29')]"
is "and due:overdue finds them once past" "$($T count due:overdue)" 2

# a credit note is money back, no bill: the one naming the bill it
# credits was taken for a corrected bill of $100, and flagged
printf 'From: Billing <billing@netco.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Credit note CN-1 for invoice NC-2\nDate: Tue, 10 Nov 2026 12:00:00 +0000\nMessage-ID: <cn1@test>\n\nCredit note CN-1\nWe credit you for the outage in October.\nTotal credit: EUR 30.00\n' \
	>"$M/cur/cn1:2,S"
printf 'From: Buchhaltung <rechnung@netco.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Gutschrift GS-7\nDate: Wed, 11 Nov 2026 12:00:00 +0000\nMessage-ID: <gs7@test>\n\nGutschrift GS-7\nGutschriftsbetrag: 20,00 EUR\n' \
	>"$M/cur/gs7:2,S"
# an invoice naming the credit it applies is an invoice; a credit note
# written negative is money back all the same
printf 'From: Billing <billing@netco.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Invoice NC-3 (credit note CN-1 applied)\nDate: Thu, 12 Nov 2026 12:00:00 +0000\nMessage-ID: <nc3@test>\n\nInvoice NC-3\nTotal: EUR 70.00\n' \
	>"$M/cur/nc3:2,S"
printf 'From: Billing <billing@netco.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Credit note CN-2\nDate: Fri, 13 Nov 2026 12:00:00 +0000\nMessage-ID: <cn2@test>\n\nCredit note CN-2\nTotal: -EUR 10.00\n' \
	>"$M/cur/cn2:2,S"
$T index --quiet
is "bill credits lists the credit notes, with their own references" \
	"$($T bill credits --format=json | python3 -c '
import json, sys
print(sorted((d["ref"], d["kind"], d["total"]["text"]) for d in json.load(sys.stdin)))')" \
	"[('CN-1', 'credit', '€30.00'), ('CN-2', 'credit', '€10.00'), ('GS-7', 'credit', '€20.00')]"
is "bill list does not, and an invoice naming the credit it applies is a bill" \
	"$($T bill list --format=json | python3 -c '
import json, sys
print(sorted(d["ref"] for d in json.load(sys.stdin)))')" "['NC-1', 'NC-2', 'NC-3']"
is "no credit note is flagged as a bill" "$($T bill check)" ""
is "kind:credit finds them" "$($T count kind:credit)" 3
contains "history calls a credit note a credit, not a payment" "$($T history netco)" \
	"Credit note CN-2 [credit €10.00]"
is "kind:any all documents" "$($T count kind:any)" 6
is "the report takes them off the spend" "$($T report netco --format=json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(sorted(r["spend_by_month"].items()), sorted((t["kind"], t["text"]) for t in r["totals"]))')" \
	"[('2026-11', 21000)] [('bill', '€270.00'), ('credit', '€60.00')]"

# an e-invoice that says it is a credit note (CII type 381) is one,
# whatever the mail's words
sed -e 's#<ram:ID>RE-2026-0042</ram:ID><ram:TypeCode>380#<ram:ID>GS-2026-0007</ram:ID><ram:TypeCode>381#' \
	"$TMP/fx.xml" >"$TMP/cn.xml"
grep -q "<ram:TypeCode>381</ram:TypeCode>" "$TMP/cn.xml" || echo "# cn.xml: the ID was not found"
printf '%s\n' "50 780 Gutschrift" | "$PDFGEN" --xml "$TMP/cn.xml" "$TMP/cn.pdf"
bill "Hooli Rechnungen <rechnung@hooli.example>" "Ihr Beleg" "Mon, 16 Nov 2026 10:00:00 +0100" "$TMP/cn.pdf" \
	"Rechnung anbei."
$T index --quiet
contains "an XML credit note is a credit" "$($T bill credits hooli)" "GS-2026-0007"

# a billing platform's bills for two merchants: a series each, by the
# sender's name (Big Corp's first bill was a jump of Acme SaaS's)
M=$TMP/platform-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
# stripe N FROM-NAME ACCOUNT DAY AMOUNT
stripe() {
	printf 'From: %s <invoice+statements+%s@stripe.com>\nTo: Rich Miller <rich@northwind.example>\nSubject: Your invoice from %s #INV-%s\nDate: %s Nov 2026 12:00:00 +0000\nMessage-ID: <st%s@test>\n\nInvoice number: INV-%s\nAmount due: %s\n' \
		"$2" "$3" "$2" "$1" "$4" "$1" "$1" "$5" >"$M/cur/st$1:2,S"
}
stripe 1 "Acme SaaS" acct_1 02 '$9.00'
stripe 2 "Acme SaaS" acct_1 09 '$9.00'
stripe 3 "Acme SaaS" acct_1 16 '$9.00'
stripe 4 "Big Corp" acct_2 20 '$900.00'
stripe 5 "Acme SaaS" acct_1 23 '$90.00'
write_config "$TMP/platform.conf" "$TMP/platform-mail" "$TMP/platform-data"
P="$VTRIAGE --config $TMP/platform.conf"
$P index --quiet
check=$($P bill check)
lacks "one merchant's bill is no jump of another's on the same platform" "$check" "INV-4"
contains "a jump of one merchant's bills still is" "$check" "\$90.00: +900% against the usual \$9.00 (3 bills)"

# a newsletter's word is no document; a bill sent in bulk with its
# reference still is one
M=$TMP/bulk-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
printf 'From: SaaSy <news@saasy.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Introducing SaaSy Teams - Invoice automation for everyone\nDate: Mon, 02 Nov 2026 12:00:00 +0000\nMessage-ID: <nl1@test>\nList-Unsubscribe: <https://saasy.example/u>\n\nEnterprise plan $2,400/year.\n' \
	>"$M/cur/nl1:2,S"
printf 'From: Druckerei Schmidt <newsletter@druckerei-schmidt.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Unser Angebot des Monats: Visitenkarten ab 19,90 \342\202\254\nDate: Mon, 02 Nov 2026 12:00:00 +0000\nMessage-ID: <nl2@test>\nPrecedence: bulk\n\n500 Visitenkarten: 129,00 \342\202\254\n' \
	>"$M/cur/nl2:2,S"
printf 'From: SaaSy Billing <billing@saasy.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Your invoice SY-1001\nDate: Tue, 03 Nov 2026 12:00:00 +0000\nMessage-ID: <sy1@test>\nList-Unsubscribe: <https://saasy.example/u>\n\nInvoice SY-1001\nAmount due: $200.00\n' \
	>"$M/cur/sy1:2,S"
write_config "$TMP/bulk.conf" "$TMP/bulk-mail" "$TMP/bulk-data"
B="$VTRIAGE --config $TMP/bulk.conf"
$B index --quiet
is "a newsletter naming invoices or an offer is no bill or quote" "$($B count 'kind:bill or kind:quote')" 1
is "a bill sent in bulk with its reference is one" "$($B count 'kind:bill ref:SY-1001')" 1
# a vendor's invoice forwarded as an attachment (message/rfc822), by the
# vendor's own accounts desk: the PDF in the attached message is the
# bill, and the schema.org data of an attached HTML invoice too (only the
# top message's parts were read: no total, no reference)
M=$TMP/forwarded-mail/INBOX
mkdir -p "$M/cur" "$M/new" "$M/tmp"
printf '%s\n' "50 780 Contoso Ltd" "50 750 Invoice number: CT-7781" "50 735 Invoice date: Nov 3, 2026" \
	"50 700 Support, November                  \$1,450.00" \
	"50 670 Amount due                         \$1,450.00" | "$PDFGEN" "$TMP/ct.pdf"
{
	printf 'From: Contoso Accounts <accounts@contoso.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Fwd: your November invoice\nDate: Wed, 04 Nov 2026 09:00:00 +0000\nMessage-ID: <fw1@test>\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="out"\n\n--out\n'
	printf 'Content-Type: text/plain\n\nHi Rich, forwarding the invoice below as asked.\n\n--out\n'
	printf 'Content-Type: message/rfc822\nContent-Disposition: attachment\n\n'
	printf 'From: Contoso Billing <billing@contoso.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Your invoice\nDate: Tue, 03 Nov 2026 09:00:00 +0000\nMessage-ID: <ct1@test>\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="in"\n\n--in\n'
	printf 'Content-Type: text/plain\n\nPlease find your invoice attached.\n\n--in\n'
	printf 'Content-Type: application/pdf; name="CT-7781.pdf"\n'
	printf 'Content-Disposition: attachment; filename="CT-7781.pdf"\nContent-Transfer-Encoding: base64\n\n'
	base64 "$TMP/ct.pdf"
	printf '\n--in--\n\n--out--\n'
} >"$M/cur/fw1:2,S"
{
	printf 'From: Fabrikam Accounts <accounts@fabrikam.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Fwd: Your invoice is ready\nDate: Thu, 05 Nov 2026 09:00:00 +0000\nMessage-ID: <fw2@test>\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="out"\n\n--out\n'
	printf 'Content-Type: text/html\n\n<p>Hi Rich, see the invoice below.</p>\n\n--out\n'
	printf 'Content-Type: message/rfc822\n\n'
	printf 'From: Fabrikam <billing@fabrikam.example>\nTo: Rich Miller <rich@northwind.example>\n'
	printf 'Subject: Your invoice is ready\nDate: Wed, 04 Nov 2026 09:00:00 +0000\nMessage-ID: <fb1@test>\n'
	printf 'MIME-Version: 1.0\nContent-Type: text/html\n\n'
	printf '<html><head><script type="application/ld+json">{"@context":"http://schema.org","@type":"Invoice",'
	printf '"confirmationNumber":"FB-204","totalPaymentDue":{"@type":"PriceSpecification","price":"612.40",'
	printf '"priceCurrency":"USD"}}</script></head><body>Your invoice is ready.</body></html>\n\n--out--\n'
} >"$M/cur/fw2:2,S"
write_config "$TMP/forwarded.conf" "$TMP/forwarded-mail" "$TMP/forwarded-data"
F="$VTRIAGE --config $TMP/forwarded.conf"
$F index --quiet
bills=$($F bill list 2>&1)
echo "$bills" | sed 's/^/# /'
contains "a PDF invoice inside a forwarded message is read" "$bills" "CT-7781               \$1,450.00  pdf"
contains "an attached message's schema.org invoice too" "$bills" "FB-204                  \$612.40  data"
contains "the attachment list shows the PDF inside the attached message" \
	"$($F attachment list id:fw1@test 2>&1)" "CT-7781.pdf"
# what an older vtriage made of quotes and bills is read again once, by
# today's readers: here a forwarded invoice read without its PDF, and a
# newsletter it took for a quote
FD=$TMP/forwarded-data/vtriage.db
printf 'From: Contoso News <news@contoso.example>\nTo: Rich Miller <rich@northwind.example>\nSubject: Our offer of the month\nDate: Fri, 06 Nov 2026 09:00:00 +0000\nMessage-ID: <nl9@test>\nList-Unsubscribe: <https://contoso.example/u>\n\nEnterprise support from $2,400/year.\n' \
	>"$M/cur/nl9:2,S"
$F index --quiet
is "(the newsletter is no quote)" "$($F count kind:quote)" 0
sqlite3 "$FD" "UPDATE documents SET total = NULL, ref = '', source = 'text' WHERE message_id = 'fw1@test';
	INSERT INTO documents (message_id, org, kind, source, total, currency, scale, labelled, ref, note)
	 VALUES ('nl9@test', 'contoso.example', 1, 'text', 240000, 'USD', 100, 0, '', '');
	UPDATE meta SET value = '3' WHERE key = 'reread'"
lacks "(an older reading: no total)" "$($F bill list contoso)" "1,450.00"
$F index --quiet
contains "quotes and bills an older vtriage read are read again once" "$($F bill list contoso)" \
	"CT-7781               \$1,450.00  pdf"
is "and what is no longer a document is none" "$(sqlite3 "$FD" "SELECT count(*) FROM documents WHERE message_id = 'nl9@test'")" 0
is "the store records the reading" "$(sqlite3 "$FD" "SELECT value FROM meta WHERE key = 'reread'")" 6
sqlite3 "$FD" "UPDATE documents SET ref = 'OLD' WHERE message_id = 'fw1@test'"
$F index --quiet
contains "once: the next run reads them no more" "$($F bill list contoso)" "OLD"
# index --reread: every message read again, as the user asks
out=$($F index --reread 2>&1)
lacks "index --reread reads every message again with today's readers" "$($F bill list contoso)" "OLD"
contains "and says how many" "$out" "Also read: 3 messages already in the index."
lacks "a run after it reads none again" "$($F index 2>&1)" "Also read"
done_testing
