/*
 * vtriage: the command table and the dispatcher. Every command is a row;
 * --help text, the command list and dispatch all come from the table.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define QUERY_HELP                                                                                 \
	"QUERY is notmuch syntax (notmuch-search-terms(7)) plus vtriage's terms:\n"                \
	"  vendor:SLUG                      a vendor's mail (slug or domain)\n"                    \
	"  bucket:trusted|generic|none      mail by the vendor's bucket; none: not\n"              \
	"                                   vendor mail\n"                                         \
	"  waiting:vendor|me|overdue        your conversations with vendors by who\n"              \
	"                                   wrote last (you: waiting on the vendor;\n"             \
	"                                   overdue: for over [followup] days)\n"                  \
	"  issue:open|closed|N              threads linked to issues\n"                            \
	"  snoozed:yes                      conversations snoozed now\n"                           \
	"  contract:suggested|due|any       mail naming contract dates: to accept or\n"            \
	"                                   reject, of contracts due, any\n"                       \
	"  suspicious:yes|no|lookalike|auth|name|replyto|bank\n"                                   \
	"                                   mail judged to borrow a vendor's standing\n"           \
	"                                   (see: vtriage check --help)\n"                         \
	"  kind:quote|bill|order|payment|credit|any  vendor mail that is such a document\n"        \
	"  amount:>1000 amount:<50 amount:500..2000\n"                                             \
	"                                   documents by their total\n"                            \
	"  currency:EUR                     documents in that currency\n"                          \
	"  ref:INV-1007                     documents with that reference\n"                       \
	"  due:<30d due:>30d due:overdue    documents by their due date\n"                         \
	"  bill:flagged                     bills the bill check flagged\n"

static const struct cli_command vendor_commands[] = {
	{ .name = "list",
	  .args = "[--bucket=trusted|generic] [--format=text|json]",
	  .summary = "List vendors with their bucket, mail count and last mail.",
	  .help = "Vendors are organisations (registrable domains) that send vendor mail.\n"
		  "New vendors start in the generic bucket.\n",
	  .run = cmd_vendor_list },
	{ .name = "show",
	  .args = "SLUG [--format=text|json]",
	  .summary = "Show one vendor.",
	  .run = cmd_vendor_show },
	{ .name = "promote",
	  .args = "SLUG [--force]",
	  .summary = "Move a vendor out of the generic bucket: trusted, with its own folder.",
	  .help = "Applies at once to all past and future mail of the vendor (bucket:trusted);\n"
		  "no message is rewritten. Undo with `vtriage undo`. With [triage]\n"
		  "mirror_folders = yes, `vtriage sync` moves its mail into the server\n"
		  "folder Vendors/<Name> from then on.\n\n"
		  "  --force  promote a vendor whose domain looks like another vendor's\n"
		  "           (refused without it, naming the likeness)\n",
	  .run = cmd_vendor_promote },
	{ .name = "demote",
	  .args = "SLUG",
	  .summary = "Move a vendor back to the generic bucket.",
	  .run = cmd_vendor_demote },
	{ .name = "rename",
	  .args = "SLUG NAME",
	  .summary = "Give a vendor a display name (the slug stays).",
	  .run = cmd_vendor_rename },
	{ .name = "merge",
	  .args = "FROM INTO [--force]",
	  .summary = "Two domains, one company: FROM's domains, mail and issues join INTO.",
	  .help = "FROM's slug keeps working and leads to INTO. Undo with `vtriage undo`.\n\n"
		  "  --force  merge although a domain of FROM looks like one of INTO's, or is\n"
		  "           judged a look-alike (refused without it, naming the likeness)\n",
	  .run = cmd_vendor_merge },
	{ .name = "add-domain",
	  .args = "SLUG DOMAIN [--force]",
	  .summary = "Count mail from an organisation domain as this vendor's.",
	  .help = "DOMAIN is an organisation domain (acme.co.uk, not mail.acme.co.uk). If\n"
		  "another vendor had it, it moves. Survives re-indexing.\n\n"
		  "  --force  add a domain that looks like one of the vendor's, or is judged a\n"
		  "           look-alike (refused without it, naming the likeness)\n",
	  .run = cmd_vendor_add_domain },
	{ .name = "remove-domain",
	  .args = "SLUG DOMAIN",
	  .summary = "Take a domain from a vendor: it becomes a vendor of its own.",
	  .run = cmd_vendor_remove_domain },
	{ .name = "set",
	  .args = "SLUG --rate AMOUNT [--per month|quarter|year|bill] | --no-rate",
	  .summary = "Set the rate a vendor bills by contract: other bills are flagged.",
	  .help = "AMOUNT may name its currency (2500, $2,500.00, EUR 2500); without one, it\n"
		  "applies to bills in any currency. A bill more than [bills] rate_tolerance\n"
		  "percent (default 5) off the rate is flagged (see `vtriage bill check`).\n",
	  .run = cmd_vendor_set },
	{ .name = "bank",
	  .args = "SLUG [--accept IBAN] [--format=text|json]",
	  .summary = "The bank details a vendor's mail gave, and which you can count on.",
	  .help = "One line each, the oldest first: the IBAN or account number, its kind, its\n"
		  "state, the dates of the first and last mail giving it, how many did.\n"
		  "  known       given by the vendor's mail that was judged nothing\n"
		  "  unverified  only in mail `vtriage check` lists: changed bank details\n"
		  "              come in a scam's first mail and are repeated in its\n"
		  "              follow-ups, all of them flagged until you accept them\n"
		  "  accepted    you accepted them\n\n"
		  "  --accept IBAN  you verified the details with the vendor (by a phone\n"
		  "                 number you already had, not one the mail gave): mail\n"
		  "                 giving them is no longer flagged for them. Spaces and\n"
		  "                 case as you like. Undo with `vtriage undo`.\n"
		  "JSON: kind, value, state, first, last, messages, accepted (a date or null).\n",
	  .run = cmd_vendor_bank },
	{ 0 },
};

#define DOCUMENT_LIST_HELP                                                                         \
	"Read from vendor mail when it is indexed: the subject, the text (quoted replies\n"        \
	"left out), schema.org data in HTML, attachment names, and PDF attachments (their\n"       \
	"text, and Factur-X/ZUGFeRD/XRechnung invoice XML), in English, German, French,\n"         \
	"Spanish, Dutch and Italian. Newest first.\n\n"                                            \
	"  --min X, --max Y  totals from X, up to Y (in the document's currency)\n"                \
	"  --currency CODE   totals in that currency\n"                                            \
	"  --since DATE      mail from that date (2026-01-31) on\n"                                \
	"  --sort=amount     by currency (the one most are in first), each largest first\n"        \
	"Columns: date, vendor, reference, total, source (body, data, pdf, xml), thread,\n"        \
	"subject.\n"                                                                               \
	"JSON: message_id, thread, date, vendor, kind, source, ref, subject, total,\n"             \
	"subtotal, tax ({minor, currency, text} or null), totals_agree (subtotal + tax =\n"        \
	"total, when all three were read), issued, due, net_days,\n"                               \
	"valid_until, note, usual, usual_count, flag.\n"

static const struct cli_command quote_commands[] = {
	{ .name = "list",
	  .args = "[SLUG] [--min X] [--max Y] [--currency CODE] [--since DATE] [--sort=date|amount] "
		  "[--format=text|json]",
	  .summary = "Quotes from vendors (of one vendor with SLUG): quotations, offers, Angebote.",
	  .help = DOCUMENT_LIST_HELP,
	  .run = cmd_quote_list },
	{ 0 },
};

static const struct cli_command bill_commands[] = {
	{ .name = "list",
	  .args = "[SLUG] [--min X] [--max Y] [--currency CODE] [--since DATE] [--sort=date|amount] "
		  "[--format=text|json]",
	  .summary = "Bills from vendors (of one vendor with SLUG): invoices, statements.",
	  .help = DOCUMENT_LIST_HELP,
	  .run = cmd_bill_list },
	{ .name = "check",
	  .args = "[SLUG] [--since DATE] [--format=text|json]",
	  .summary = "Bills that differ from the vendor's usual, or from its contracted rate.",
	  .help = "A bill is flagged when its total is more than [bills] jump_percent (default\n"
		  "50) off the median of the vendor's earlier bills in the same currency (at\n"
		  "least [bills] min_history of them, default 2; a reminder repeating a bill's\n"
		  "reference counts once), or more than [bills] rate_tolerance percent off the\n"
		  "rate set with `vtriage vendor set SLUG --rate`. One line per flagged bill:\n"
		  "date, vendor, reference, total against the usual. Exit status 0 whatever\n"
		  "is found. The same bills match the query bill:flagged.\n",
	  .run = cmd_bill_check },
	{ .name = "credits",
	  .args = "[SLUG] [--min X] [--max Y] [--currency CODE] [--since DATE] [--sort=date|amount] "
		  "[--format=text|json]",
	  .summary = "Credit notes from vendors: money back (credit note, Gutschrift, avoir).",
	  .help = "A credit note is no bill: it is never compared with the vendor's bills, and\n"
		  "`vtriage report` takes it off the vendor's spend. The options, columns and\n"
		  "JSON are those of `vtriage bill list` (kind \"credit\").\n",
	  .run = cmd_bill_credits },
	{ 0 },
};

static const struct cli_command contact_commands[] = {
	{ .name = "list",
	  .args = "[SLUG] [--format=text|json]",
	  .summary = "People at vendors (of one vendor with SLUG), newest mail first.",
	  .help = "People are harvested from From/Cc headers, the To of mail you wrote, and\n"
		  "signatures (title, phones, \"my manager is ...\"). One person writing from\n"
		  "two vendors' domains is one contact linked to both (vendors, oldest first).\n"
		  "JSON: name, addresses, title, phones, role, role_source (user|guess),\n"
		  "vendor, vendors, manager, messages, first_seen, last_seen.\n",
	  .run = cmd_contact_list },
	{ .name = "show",
	  .args = "ADDRESS|NAME [--format=text|json]",
	  .summary = "Show one contact.",
	  .run = cmd_contact_show },
	{ .name = "set",
	  .args = "ADDRESS|NAME --role ROLE",
	  .summary = "Set a contact's role (undoable).",
	  .help = "ROLE: account-rep, manager, support, billing, engineering, other.\n",
	  .run = cmd_contact_set },
	{ .name = "complete",
	  .args = "PREFIX [--format=text|json]",
	  .summary = "Addresses for To and Cc: what the interface's Tab offers.",
	  .help = "People whose address, name or a word of their name starts with PREFIX:\n"
		  "those you wrote to first, then the newest. One \"Name <address>\" a line,\n"
		  "for an editor's completion. JSON: name, address, vendor, written_to,\n"
		  "last_seen.\n",
	  .run = cmd_contact_complete },
	{ 0 },
};

static const struct cli_command contract_commands[] = {
	{ .name = "list",
	  .args = "[SLUG] [--expiring DAYS] [--suggested [--all]] [--format=text|json]",
	  .summary = "Contracts (of one vendor), soonest end first; or dates mail suggests.",
	  .help = "--expiring DAYS: only those ending within DAYS, or in their notice period\n"
		  "(and not ended longer ago than it). --suggested: the expiry, renewal and\n"
		  "term dates found in vendor mail, to accept or reject (--all: decided ones\n"
		  "too); an ambiguous one is a slashed date that reads both ways.\n"
		  "JSON: id, vendor, vendor_name, kind, ends, notice_days, days_left, due,\n"
		  "note; suggestions: id, vendor, vendor_name, message_id, ends, event\n"
		  "(expires, renews, term-ends), kind, ambiguous, phrase, date, state.\n",
	  .run = cmd_contract_list },
	{ .name = "accept",
	  .args = "N [--kind KIND] [--notice DAYS]",
	  .summary = "Make suggestion N a contract (notice: 30 days unless given).",
	  .help = "KIND: contract, maintenance, license or subscription (default: what the\n"
		  "mail named).\n",
	  .run = cmd_contract_decide },
	{ .name = "reject",
	  .args = "N",
	  .summary = "Reject suggestion N: it is not offered again.",
	  .run = cmd_contract_decide },
	{ .name = "set",
	  .args = "SLUG --ends YYYY-MM-DD [--kind KIND] [--notice DAYS] [--note TEXT]",
	  .summary = "Record a contract of a vendor by hand.",
	  .run = cmd_contract_set },
	{ .name = "remove",
	  .args = "N",
	  .summary = "Remove contract N.",
	  .run = cmd_contract_remove },
	{ 0 },
};

static const struct cli_command draft_commands[] = {
	{ .name = "list",
	  .args = "[--format=text|json]",
	  .summary = "Postponed drafts (and those a failed send kept), newest first.",
	  .help = "Each with its date, To, Subject and path; `vtriage compose --draft PATH`\n"
		  "takes one up again. JSON: path, modified, to, subject.\n",
	  .run = cmd_draft_list },
	{ 0 },
};

static const struct cli_command issue_commands[] = {
	{ .name = "open",
	  .args = "SLUG TITLE... [--thread THREAD]...",
	  .summary = "Open an issue with a vendor, optionally linked to threads.",
	  .help = "THREAD: a thread id as `search` prints it (thread:0000...), or id:MSGID;\n"
		  "each --thread given is linked.\n"
		  "Links are kept as Message-IDs, so they survive re-indexing. Threads\n"
		  "linked to open issues match the query issue:open.\n",
	  .run = cmd_issue_open },
	{ .name = "close",
	  .args = "N [--note TEXT]",
	  .summary = "Close issue N.",
	  .run = cmd_issue_close },
	{ .name = "link",
	  .args = "N THREAD",
	  .summary = "Link a thread to issue N.",
	  .run = cmd_issue_link },
	{ .name = "list",
	  .args = "[SLUG] [--all] [--format=text|json]",
	  .summary = "Open issues (--all: closed ones too), oldest first, with their age.",
	  .help = "JSON: id, vendor, title, state, opened, closed, age_days, note, messages.\n",
	  .run = cmd_issue_list },
	{ 0 },
};

static const struct cli_command attachment_commands[] = {
	{ .name = "list",
	  .args = "QUERY... [--format=text|json]",
	  .summary = "The attachments of the messages a query matches, with types and sizes.",
	  .help = "One line per attachment: Message-ID, PART (its number in the message),\n"
		  "size, type, file name; an HTML message's body first, as PART 0 (save it\n"
		  "to open it in a browser). QUERY as for search (id:MSGID, thread:...).\n"
		  "JSON: message_id, part, filename (as the mail names it, or null), save_as\n"
		  "(the name save gives it), type, size (bytes), body (part 0).\n",
	  .run = cmd_attachment_list },
	{ .name = "save",
	  .args = "QUERY... PART [--to DIR|FILE] [--force]",
	  .summary = "Save attachment PART (0: the HTML body) of the one message QUERY matches.",
	  .help = "Into DIR (default: the current directory) under the mail's file name made\n"
		  "safe (no directories, no leading dot, no control characters), or as FILE.\n"
		  "An existing file is not overwritten (exit 2) unless --force. The file is\n"
		  "written under a temporary name, synced, then renamed: never half there.\n",
	  .run = cmd_attachment_save },
	{ 0 },
};

static const struct cli_command commands[] = {
	{ .name = "index",
	  .args = "[--full-scan] [--reread] [--quiet] [--progress=lines]",
	  .summary = "Index new, removed and renamed mail and attribute it to vendors.",
	  .help = "Scans the mail root ([store] maildir) as `notmuch new` does and records\n"
		  "each new message's vendor. Files that cannot be indexed are named in\n"
		  "warnings and counted in the summary.\n\n"
		  "  --full-scan  look at every directory, even unchanged ones\n"
		  "  --reread     read every message indexed before again, with this\n"
		  "               version's readers (amounts, contract dates, signatures)\n"
		  "  --quiet      no progress and no summary\n"
		  "  --progress=lines\n"
		  "               the progress protocol of sync --progress=lines on stdout\n"
		  "               (indexing, then summary TEXT or an error line)\n",
	  .run = cmd_index },
	{ .name = "sync",
	  .args = "[ACCOUNT...] [--no-index] [--no-mirror] [--quiet] [--progress=lines] [--watch] "
		  "[--format=text|json]",
	  .summary = "Fetch mail over IMAP into the Maildir, sync flags, then index.",
	  .help = "Syncs every [account NAME] of the configuration (or those named): new\n"
		  "mail lands in <maildir>/<maildir_subdir>/<folder>, \\Seen \\Flagged and\n"
		  "\\Answered go both ways, mail expunged on the server is removed here.\n"
		  "A folder that fails is reported and the others go on; the next run\n"
		  "resumes. Account keys: host, port, tls = implicit|starttls|none (none:\n"
		  "loopback only), user, password_command (else asked on the terminal),\n"
		  "folders (default INBOX and the subscribed ones), maildir_subdir\n"
		  "(default NAME), cert_fingerprint = sha256:... (pins a certificate the\n"
		  "system CAs do not vouch for), timeout (seconds), idle = yes (sync\n"
		  "--watch and the interface wait for this account's new mail).\n"
		  "With [triage] mirror_folders = yes, every trusted vendor's mail is then\n"
		  "moved on the server into Vendors/<Name> (MOVE, or COPY, verify, then\n"
		  "UID EXPUNGE of exactly those messages) and its files follow locally.\n\n"
		  "  --no-index   do not index the new mail (and no mirror: it needs the index)\n"
		  "  --no-mirror  do not move trusted vendors' mail this time\n"
		  "  --quiet      no progress and no summary\n"
		  "  --progress=lines\n"
		  "               one tab-separated line per event on stdout, for programs\n"
		  "               (the interface runs sync so): progress FETCHED TO_FETCH\n"
		  "               ACCOUNT FOLDER; folder-failed STATUS ACCOUNT FOLDER WHY;\n"
		  "               error STATUS STAGE ACCOUNT WHY; indexing; summary TEXT;\n"
		  "               with --watch also idle ACCOUNT\n"
		  "  --watch      after syncing, wait for new mail with IDLE on INBOX (of the\n"
		  "               accounts named, else those with idle = yes, else all) and\n"
		  "               sync again on every change; SIGUSR1 syncs them at once\n"
		  "               (the interface's ,y); SIGINT or SIGTERM ends it\n",
	  .run = cmd_sync },
	{ .name = "count",
	  .args = "[--output=messages|threads] QUERY...",
	  .summary = "Count messages (or threads) matching a query.",
	  .help = QUERY_HELP,
	  .run = cmd_count },
	{ .name = "search",
	  .args = "[--format=text|json] [--limit N] [--offset N | --last N] [--notmuch-query] "
		  "QUERY...",
	  .summary = "List threads matching a query, newest first.",
	  .help = QUERY_HELP
	  "JSON: an array of objects with thread, subject, authors, date (unix\n"
	  "seconds of the newest message), oldest, vendor (slug or null), matched,\n"
	  "total, tags, waiting (\"vendor\", \"me\" or null) and open_issue.\n"
	  "--last N prints the last N threads of the list (what G shows), read\n"
	  "from the oldest mail up: no count of the whole list.\n"
	  "--notmuch-query prints the notmuch query QUERY stands for now (vendor:,\n"
	  "bucket: and the other terms of vtriage resolved), for notmuch or neomutt\n"
	  "on the same database, and searches nothing.\n",
	  .run = cmd_search },
	{ .name = "vendor",
	  .args = "COMMAND ...",
	  .summary = "Vendors: list, show, promote, demote, rename, merge, domains, bank.",
	  .subcommands = vendor_commands },
	{ .name = "contact",
	  .args = "COMMAND ...",
	  .summary = "Contacts: list, show, set a role, complete an address.",
	  .subcommands = contact_commands },
	{ .name = "issue",
	  .args = "COMMAND ...",
	  .summary = "Issues open with vendors: open, close, link, list.",
	  .subcommands = issue_commands },
	{ .name = "quote",
	  .args = "COMMAND ...",
	  .summary = "Quotes read from vendor mail: list.",
	  .subcommands = quote_commands },
	{ .name = "bill",
	  .args = "COMMAND ...",
	  .summary = "Bills read from vendor mail: list, check, credits.",
	  .subcommands = bill_commands },
	{ .name = "attachment",
	  .args = "COMMAND ...",
	  .summary = "Attachments of mail: list, save.",
	  .subcommands = attachment_commands },
	{ .name = "history",
	  .args = "SLUG [--limit N] [--format=text|json]",
	  .summary = "A vendor's timeline: mail in and out, issues, triage, newest first.",
	  .help = "JSON: an array of events with date, kind (message, issue-opened,\n"
		  "issue-closed, promoted, demoted, renamed, merged, domain-added,\n"
		  "domain-removed, contact-changed, issue-linked, mirrored, bill-check: a bill\n"
		  "the bill check flagged, suspicious: mail\n"
		  "judged to borrow the vendor's standing, see `vtriage check`), direction\n"
		  "(messages: in|out), summary and ref.\n",
	  .run = cmd_history },
	{ .name = "check",
	  .args = "[SLUG] [--format=text|json]",
	  .summary = "Mail that borrows a vendor's standing: look-alikes, forgeries, bank changes.",
	  .help = "Lists suspicious mail, newest first, with every reason (of one vendor: its\n"
		  "own mail and mail imitating it). Reasons:\n"
		  "  lookalike  the sender's domain imitates one you trust or have history with\n"
		  "             (rn for m, 0 for o, another script, another TLD, a word added)\n"
		  "  auth       DKIM/SPF/DMARC failed at your receiving server ([trust]\n"
		  "             authserv_id, else learned from your mail's topmost header)\n"
		  "  name       the display name shows another address, From lists several\n"
		  "             organisations, a stranger uses a vendor's or contact's name\n"
		  "             (spaced out too), or a word of it mixes scripts (a Cyrillic a)\n"
		  "  replyto    replies would go to another organisation, with money involved\n"
		  "             or a freemail box\n"
		  "  bank       new or changed bank details (see `vtriage vendor bank`), or a\n"
		  "             first mail asking to be paid\n"
		  "Such mail never counts as the vendor's (trusted folder, server mirror,\n"
		  "contacts). The same mail matches the query suspicious:yes (or :REASON).\n"
		  "Exit status 0 whatever is found. JSON: message_id, thread, date, vendor,\n"
		  "from, subject, reasons (reason, text, imitates).\n",
	  .run = cmd_check },
	{ .name = "reply",
	  .args = "QUERY... [--all]",
	  .summary =
		  "Answer the message QUERY matches (thread:...: its newest): a draft, then sent.",
	  .help = "The draft has its headers on top (From, To: the message's Reply-To or\n"
		  "sender, Cc: with --all its other recipients but you, Subject: Re: once,\n"
		  "In-Reply-To, References), a blank line, and the original quoted after an\n"
		  "attribution line. It is sent through [send] command (default sendmail -t;\n"
		  "msmtp -t works) when the editor exits 0; on a terminal you are asked:\n"
		  "send, edit again, postpone (the draft stays in <data>/drafts) or abandon.\n"
		  "Without a terminal an unchanged draft is dropped. A copy goes to the\n"
		  "Maildir's Sent folder ([send] sent_folder) and is indexed. A failed send\n"
		  "keeps the draft and says why (exit 1), as does a command that takes\n"
		  "longer than [send] timeout (the mail may have gone). Once sent, a copy\n"
		  "that could not be kept is a warning and the draft goes.\n",
	  .run = cmd_reply },
	{ .name = "forward",
	  .args = "QUERY... [--to ADDRESS] [--attach]",
	  .summary = "Forward the one message QUERY matches: a draft in $VISUAL/$EDITOR.",
	  .help = "Subject: Fwd:, then the original's From, Date, Subject, To and text under\n"
		  "a \"Forwarded message\" line; with --attach the original goes whole, as a\n"
		  "message/rfc822 attachment (the draft's Attach-Message: line); sent as\n"
		  "reply sends.\n",
	  .run = cmd_reply },
	{ .name = "contract",
	  .args = "COMMAND ...",
	  .summary = "Contracts and renewals: list, accept, reject, set, remove.",
	  .subcommands = contract_commands },
	{ .name = "waiting",
	  .args = "[SLUG] [--overdue] [--format=text|json]",
	  .summary = "Conversations waiting on the vendor (you wrote last), the longest first.",
	  .help = "Each with the days since your last message; --overdue: only those\n"
		  "waiting more than [followup] days working days (default 5), as the query\n"
		  "term waiting:overdue finds them. Then orders without news from the vendor\n"
		  "for as long, and quotes whose validity ends within 7 days. JSON: what\n"
		  "(reply, order, quote), thread, vendor, vendor_name, subject, last, days,\n"
		  "overdue, valid_until.\n",
	  .run = cmd_waiting },
	{ .name = "report",
	  .html = true,
	  .args = "SLUG [--since YYYY-MM-DD] [--format=text|json|html]",
	  .summary = "Everything about one vendor over time, for you or a manager.",
	  .help = "Mail per month in and out, quotes and bills with totals per year and\n"
		  "currency, flagged bills, suspicious mail, issues open and closed with\n"
		  "their ages, contracts, contacts with roles and titles (and who moved\n"
		  "away). --format=html: one self-contained page (inline CSS and an SVG\n"
		  "chart of bills per month, no script, nothing fetched), fit to print.\n"
		  "JSON: vendor, name, bucket, domains, generated, since, messages, months,\n"
		  "totals, bills_flagged, spend_currency, spend_by_month, suspicious,\n"
		  "issues, contracts, contacts.\n",
	  .run = cmd_report },
	{ .name = "snooze",
	  .args = "QUERY... --until WHEN | --list [--format=text|json]",
	  .summary = "Put conversations away until a date: out of every list, then back.",
	  .help = "WHEN: YYYY-MM-DD, 3d, 2w, tomorrow or a weekday (mon): at 8:00 that day. Until then\n"
		  "the threads are out of every search, count and folder unless the query\n"
		  "names them (id:, thread:, snoozed:yes); the day they return, `vtriage\n"
		  "remind` names them. The query matches snoozed threads too (a new end for\n"
		  "them); all of them are snoozed, or none. --list: those snoozed now. JSON:\n"
		  "thread, subject, until.\n",
	  .run = cmd_snooze },
	{ .name = "unsnooze",
	  .args = "QUERY...",
	  .summary = "Bring the snoozed conversations the query matches back now.",
	  .run = cmd_snooze },
	{ .name = "remind",
	  .args = "[--format=text|json]",
	  .summary = "What needs attention today: for a cron job or a login script.",
	  .help = "Contracts in their notice period (or just ended), bills the check flagged\n"
		  "in the last 30 days, conversations overdue on the vendor's side, and how\n"
		  "many contract dates wait for a verdict.\n"
		  "Prints nothing when nothing is due; exits 0 always.\n",
	  .run = cmd_remind },
	{ .name = "draft",
	  .args = "COMMAND ...",
	  .summary = "Postponed drafts: list.",
	  .subcommands = draft_commands },
	{ .name = "compose",
	  .args = "[--to ADDRESS] [--subject TEXT] [--draft PATH]",
	  .summary = "Write a new message: a draft in $VISUAL/$EDITOR, then sent.",
	  .help = "As reply, with an empty body. --draft takes up a postponed draft (or one\n"
		  "a failed send kept in <data>/drafts) in the editor again.\n",
	  .run = cmd_compose },
	{ .name = "tag",
	  .args = "+TAG|-TAG... QUERY...",
	  .summary = "Add or remove tags of the messages a query matches (undoable).",
	  .help = "As `notmuch tag`, with vtriage's query terms: `vtriage tag +deleted\n"
		  "thread:0000000000000112`, `vtriage tag -inbox vendor:acme`. Maildir flags follow\n"
		  "(flagged, unread, replied), and sync takes them to the server. Each tag is\n"
		  "one entry of the undo journal. Mail tagged deleted is left out of every\n"
		  "search and folder unless the query names tag:deleted (the interface's\n"
		  "Trash); the next sync moves it to the server's trash ([triage]\n"
		  "trash_on_server, default yes).\n",
	  .run = cmd_tag },
	{ .name = "undo",
	  .args = "",
	  .summary = "Revert the last triage action (promote, merge, rename, role, issue ...).",
	  .run = cmd_undo },
	{ 0 },
};

static void
print_main_help(FILE *f)
{
	fprintf(f, "usage: vtriage [--config FILE]            the interface (on a terminal)\n"
		   "       vtriage [--config FILE] COMMAND [ARGS...]\n"
		   "       vtriage --help | --version\n\n"
		   "A terminal inbox and vendor-triage client over notmuch.\n\n"
		   "commands:\n");
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-14s %s\n", c->name, c->summary);
	fprintf(f, "\nThe configuration is read from --config FILE, $VTRIAGE_CONFIG or\n"
		   "$XDG_CONFIG_HOME/vtriage/config. See vtriage(1).\n"
		   "Exit status: 0 success, 1 failure, 2 bad usage, query or configuration.\n");
}

static const struct cli_command *
find(const struct cli_command *table, const char *name)
{
	for (const struct cli_command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		cli_wake = 1;
	else
		cli_interrupted = 1;
}

/* Output that could not be written is a failure, whatever printed it:
 * help and the version too (a full disk, a closed pipe). */
static int
flushed(int rc)
{
	if (fflush(stdout) != 0 && rc == 0) {
		cli_stdout_failed(errno);
		perror("vtriage: stdout");
		rc = 1;
	}
	return rc;
}

static int
dispatch(struct cli *cli, const struct cli_command *table, const char *parent, int argc,
	 char **argv)
{
	const struct cli_command *cmd = find(table, argv[0]);

	if (cmd == NULL) {
		char *shown = cli_text(argv[0]);

		fprintf(stderr, "vtriage: unknown command '%s%s%s' (see: vtriage %s%s--help)\n",
			parent ? parent : "", parent ? " " : "", shown ? shown : "",
			parent ? parent : "", parent ? " " : "");
		free(shown);
		return 2;
	}
	snprintf(cli->command_buf, sizeof cli->command_buf, "%s%s%s", parent ? parent : "",
		 parent ? " " : "", cmd->name);
	cli->command = cli->command_buf;
	if (cmd->subcommands) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			cli_print_help(argc < 2 ? stderr : stdout, cmd, cli->command);
			return argc < 2 ? 2 : 0;
		}
		return dispatch(cli, cmd->subcommands, cmd->name, argc - 1, argv + 1);
	}
	return cmd->run(cli, cmd, argc, argv);
}

int
main(int argc, char **argv)
{
	struct cli cli = { .out = stdout };
	struct sigaction sa = { .sa_handler = on_signal };
	int i = 1, rc;

	/* Mail, the index and the store are the user's alone, whatever the
	 * umask: files 0600, directories 0700 (notmuch and Xapian create
	 * theirs by the umask). What is saved for the user is chmod-able. */
	umask(077);
	/* The character set is all a command needs (wide characters for
	 * sanitising mail text); the interface adds the user's dates
	 * (cli_run_tui). Every category costs five system calls a start. */
	setlocale(LC_CTYPE, "");
	/* A dropped pipe or connection is an error return, not a death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* `sync --watch`: sync now (it lets SIGUSR1 in only while it waits);
	 * anything else merely notes it rather than dying of it */
	sigaction(SIGUSR1, &sa, NULL);
	/* vtriage hands sync to vtriage-sync with SIGUSR1 held
	 * (cli/sync-elsewhere.c): let it in now that it is handled */
	{
		sigset_t usr1;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	}

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_main_help(stdout);
			return flushed(0);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("vtriage %s\n", PACKAGE_VERSION);
			return flushed(0);
		}
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr,
					"vtriage: --config needs FILE (see: vtriage --help)\n");
				return 2;
			}
			cli.config_path = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0) {
			cli.config_path = argv[i] + 9;
			continue;
		}
		char *shown = cli_text(argv[i]);

		fprintf(stderr, "vtriage: unknown option '%s' (see: vtriage --help)\n",
			shown ? shown : "");
		free(shown);
		return 2;
	}
	if (i == argc) {
		/* No command: the interface, on a terminal. */
		rc = cli_run_tui(&cli);
		cli_close(&cli);
		return rc;
	}
	if (strcmp(argv[i], "help") == 0) {
		/* help COMMAND [SUBCOMMAND]: that one's help; no such: exit 2 */
		const struct cli_command *c = i + 1 < argc ? find(commands, argv[i + 1]) : NULL;
		const struct cli_command *sub = c && c->subcommands && i + 2 < argc
							? find(c->subcommands, argv[i + 2])
							: NULL;
		char name[128];

		if (i + 1 == argc) {
			print_main_help(stdout);
			return flushed(0);
		}
		if (c == NULL || (i + 2 < argc && sub == NULL)) {
			char *shown = cli_text(i + 2 < argc && c ? argv[i + 2] : argv[i + 1]);

			fprintf(stderr, "vtriage: help: no command '%s' (see: vtriage --help)\n",
				shown ? shown : "");
			free(shown);
			return 2;
		}
		if (sub != NULL) {
			snprintf(name, sizeof name, "%s %s", c->name, sub->name);
			cli_print_help(stdout, sub, name);
		} else
			cli_print_help(stdout, c, c->name);
		return flushed(0);
	}
	rc = dispatch(&cli, commands, NULL, argc - i, argv + i);
	cli_close(&cli);
	return flushed(rc);
}
