#!/bin/sh
# The CLI contract: help, version, exit codes, errors that name the file,
# line and key of a bad config, and bad queries.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

V=$VTRIAGE
out=$($V --help 2>&1)
contains "--help lists the commands" "$out" "vendor"
is "--help exits 0" "$(status $V --help)" 0
contains "--version names the program" "$($V --version)" "vtriage "
for cmd in index count search vendor; do
	is "$cmd --help exits 0" "$(status $V $cmd --help)" 0
	contains "$cmd --help shows usage" "$($V $cmd --help 2>&1)" "usage: vtriage"
done
contains "help COMMAND works too" "$($V help search 2>&1)" "--limit"
contains "help COMMAND SUBCOMMAND: the subcommand's" "$($V help vendor promote 2>&1)" \
	"usage: vtriage [--config FILE] vendor promote SLUG"
is "help of no such command exits 2" "$(status $V help frobnicate)" 2
contains "and names it" "$($V help frobnicate 2>&1)" "no command 'frobnicate'"
is "help of no such subcommand exits 2" "$(status $V help vendor frobnicate)" 2
# the man page: a heading for every command --help lists, and help as it is
if command -v groff >/dev/null 2>&1; then
	manual=$(groff -man -Tutf8 -rLL=500n -rHY=0 -P-cbou "$top_srcdir/doc/vtriage.1" 2>/dev/null |
		sed -n '/^COMMANDS/,/^QUERY SYNTAX/p')
	for cmd in $($V --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
		ok "the man page has an entry for $cmd" \
			sh -c 'printf "%s\n" "$1" | grep -Eq "^       $2( |\$)"' - "$manual" "$cmd"
	done
	help=$(printf '%s\n' "$manual" | sed -n '/^       help/,/^$/p')
	contains "the man page: help of an unknown command is an error" "$(echo $help)" \
		"An unknown command or subcommand is named on standard error"
	lacks "not the list of commands" "$(echo $help)" "with an unknown one"
fi
# output that cannot be written is a failure, help and version too
for args in --help --version help "help vendor" "help vendor promote" "vendor --help"; do
	is "$args to a full disk: exit 1" "$(status sh -c "$V $args >/dev/full")" 1
	is "$args to a full disk: said" "$($V $args 2>&1 >/dev/full)" "vtriage: stdout: No space left on device"
done
# a reader that closed the pipe (`vtriage search x | head -1`): the end
# SIGPIPE gives, without a word (not "write error: Broken pipe")
closed_pipe() {
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
print(p.returncode, repr(p.stderr.decode()))' "$@"
}
is "--help to a closed pipe: ends as SIGPIPE ends a program, no word" "$(closed_pipe $V --help)" "-13 ''"
is "--config without FILE exits 2" "$(status $V --config)" 2
contains "and says what it needs" "$($V --config 2>&1)" "--config needs FILE"
is "snooze --list beside a query and --until exits 2 (it snoozes nothing)" \
	"$(status $V snooze vendor:acme --until 3d --list)" 2
contains "and says why" "$($V snooze vendor:acme --until 3d --list 2>&1)" \
	"--list lists what is snoozed"
is "unknown command exits 2" "$(status $V frobnicate)" 2
contains "unknown command is named" "$($V frobnicate 2>&1)" "frobnicate"
is "an unknown subcommand points to its group's help" "$($V vendor frobnicate 2>&1)" \
	"vtriage: unknown command 'vendor frobnicate' (see: vtriage vendor --help)"
is "unknown option exits 2" "$(status $V search --bogus '*')" 2
# an option that takes one value, given two: refused, not the last kept
contains "an option given twice is refused, named" "$($V search --limit 5 --limit=6 '*' 2>&1)" \
	"--limit given twice"
lacks "(--thread of issue open may be given twice)" \
	"$($V issue open acmetel 'Two threads' --thread id:nosuch@x --thread id:nosuch2@x 2>&1)" \
	"given twice"

# Only sync speaks IMAP: vtriage hands it to vtriage-sync, and no other
# command loads libetpan or GnuTLS (they doubled every command's start-up).
lacks "vtriage does not load libetpan" "$(ldd "$V" 2>&1)" "libetpan"
lacks "vtriage does not load GnuTLS" "$(ldd "$V" 2>&1)" "libgnutls"
contains "vtriage-sync does" "$(ldd "$(dirname "$V")/vtriage-sync" 2>&1)" "libetpan"
is "sync --help exits 0" "$(status $V sync --help)" 0
contains "sync --help shows its options" "$($V sync --help 2>&1)" "--no-index"
mkdir "$TMP/alone"
cp "$V" "$TMP/alone/vtriage"
is "sync without vtriage-sync exits 1" "$(status "$TMP/alone/vtriage" sync)" 1
contains "and names the program it needs" "$("$TMP/alone/vtriage" sync 2>&1)" "cannot run"

# broken configuration: file, line and key named, exit 2
mkdir -p "$TMP/mail/INBOX/cur" "$TMP/mail/INBOX/new" "$TMP/mail/INBOX/tmp"
cat >"$TMP/bad.conf" <<CONF
[store]
maildir = $TMP/mail

[identity]
addresses = rich@northwind.example, not-an-address
CONF
is "bad config exits 2" "$(status $V --config "$TMP/bad.conf" count '*')" 2
err=$($V --config "$TMP/bad.conf" count '*' 2>&1)
contains "bad config error names the file and line" "$err" "$TMP/bad.conf:5"
contains "bad config error names the key" "$err" "addresses"
err=$($V --config "$TMP/bad.conf" sync 2>&1)
contains "sync gets --config through vtriage-sync" "$err" "$TMP/bad.conf:5"
is "and its exit status" "$(status $V --config "$TMP/bad.conf" sync)" 2

printf '[store]\nmaildirr = x\n' >"$TMP/typo.conf"
err=$($V --config "$TMP/typo.conf" count '*' 2>&1)
contains "unknown key is named with its line" "$err" "typo.conf:2"
contains "unknown key is named" "$err" "maildirr"
is "unknown key exits 2" "$(status $V --config "$TMP/typo.conf" count '*')" 2

printf 'maildir = x\n[store\n' >"$TMP/syntax.conf"
is "syntax error exits 2" "$(status $V --config "$TMP/syntax.conf" count '*')" 2
is "missing --config file exits 2" "$(status $V --config "$TMP/nope.conf" count '*')" 2
contains "missing --config file is named" "$($V --config "$TMP/nope.conf" count '*' 2>&1)" \
	"nope.conf"

# what is not a config is refused quickly, whatever the command
out=$(timeout 10 $V --config /dev/zero count '*' 2>&1)
is "/dev/zero: refused, not read for ever (exit 2)" "$?" 2
contains "as not a regular file" "$out" "/dev/zero: not a regular file"
mkfifo "$TMP/fifo.conf"
out=$(timeout 10 $V --config "$TMP/fifo.conf" count '*' 2>&1)
is "a FIFO with no writer: refused, no hang" "$?" 2
contains "named" "$out" "fifo.conf: not a regular file"
head -c 1100000 /dev/zero | tr '\0' '#' >"$TMP/huge.conf"
contains "a config over 1 MB is refused" "$($V --config "$TMP/huge.conf" count '*' 2>&1)" \
	"huge.conf: 1100000 bytes, more than a config's 1048576"
printf '[store]\nmaildir = x\n[account a]\nhost = h\nuser = u\n[account a]\nhost = evil\n' >"$TMP/dup.conf"
out=$($V --config "$TMP/dup.conf" count '*' 2>&1)
is "a section written twice exits 2" "$(status $V --config "$TMP/dup.conf" count '*')" 2
contains "naming both lines" "$out" "dup.conf:6: [account a] again (first at line 3)"
# an account's mistakes are every command's, not only sync's
printf '[store]\nmaildir = x\n[account a]\nhost = h\nuser = u\npassword = hunter2\n' >"$TMP/pw.conf"
for cmd in "count *" "vendor list" "draft list" "contract list"; do
	is "a password in [account a]: '$cmd' exits 2" "$(status $V --config "$TMP/pw.conf" $cmd)" 2
done
out=$($V --config "$TMP/pw.conf" vendor list 2>&1)
contains "naming the line" "$out" "pw.conf:6: [account a] password: passwords are not kept"
lacks "never echoing it" "$out" "hunter2"
printf '[store]\nmaildir = x\n[account a]\nhost = h\nuser = u\nfolderz = INBOX\n' >"$TMP/acct.conf"
contains "an unknown account key too" "$($V --config "$TMP/acct.conf" count '*' 2>&1)" \
	"acct.conf:6: [account a] folderz: unknown key"

# a mail root that is not there: the line that names it
printf '[identity]\nname = X\n[store]\nmaildir = %s/no-such-mail\ndata = %s/nomail-data\n' "$TMP" "$TMP" \
	>"$TMP/nomail.conf"
out=$($V --config "$TMP/nomail.conf" search x 2>&1)
contains "a missing mail root names its config line" "$out" \
	"nomail.conf:4: [store] maildir: $TMP/no-such-mail: No such file or directory"
is "a bad configuration: exit 2" "$(status $V --config "$TMP/nomail.conf" vendor list)" 2
printf 'not a folder\n' >"$TMP/file-mail"
printf '[store]\nmaildir = %s/file-mail\ndata = %s/nomail-data\n' "$TMP" "$TMP" >"$TMP/filemail.conf"
is "a mail root that is a file: exit 2" "$(status $V --config "$TMP/filemail.conf" count '*')" 2
contains "named" "$($V --config "$TMP/filemail.conf" count '*' 2>&1)" \
	"filemail.conf:2: [store] maildir: $TMP/file-mail"
printf '[identity]\nname = X\n[store]\ndata = %s/nomail-data\n' "$TMP" >"$TMP/nomail2.conf"
out=$(HOME=$TMP/nohome $V --config "$TMP/nomail2.conf" count '*' 2>&1)
contains "and the default, when none is set" "$out" \
	"nomail2.conf: no [store] maildir, so ~/Maildir: $TMP/nohome/Maildir: No such file"
is "exit 2 too" "$(HOME=$TMP/nohome status $V --config "$TMP/nomail2.conf" count '*')" 2

# a data directory that cannot be made (under a file, or a file itself):
# the line that names it, exit 2, for a writer and a reader alike
mkdir -p "$TMP/okmail/cur" "$TMP/okmail/new" "$TMP/okmail/tmp"
for data in "$TMP/file-mail/data" "$TMP/file-mail"; do
	printf '[store]\nmaildir = %s/okmail\ndata = %s\n' "$TMP" "$data" >"$TMP/nodata.conf"
	for cmd in index "vendor list"; do
		is "data = $data: '$cmd' exits 2" "$(status $V --config "$TMP/nodata.conf" $cmd)" 2
		contains "naming the line" "$($V --config "$TMP/nodata.conf" $cmd 2>&1)" \
			"nodata.conf:3: [store] data: "
	done
done
printf '[store]\nmaildir = %s/okmail\n' "$TMP" >"$TMP/nodata.conf"
contains "the default data directory, when none is set" \
	"$(XDG_DATA_HOME=$TMP/file-mail $V --config "$TMP/nodata.conf" count '*' 2>&1)" \
	"nodata.conf: no [store] data, so the default: cannot create $TMP/file-mail/vtriage: Not a directory"

# files 0600 and directories 0700 whatever the umask; a data directory
# others can read is said
mkdir -p "$TMP/modes/mail/cur" "$TMP/modes/mail/new" "$TMP/modes/mail/tmp"
cp "$FIXTURES"/demo/Maildir/INBOX/cur/* "$TMP/modes/mail/cur/" 2>/dev/null
write_config "$TMP/modes.conf" "$TMP/modes/mail" "$TMP/modes/data"
for u in 022 000; do
	rm -rf "$TMP/modes/data"
	(umask $u && $V --config "$TMP/modes.conf" index --quiet)
	is "umask $u: the store, the index and notmuch's config are the user's alone" \
		"$(find "$TMP/modes/data" \( -perm -g=r -o -perm -o=r -o -perm -o=x \) | head -3)" ""
done
is "vtriage.db 0600" "$(stat -c %a "$TMP/modes/data/vtriage.db")" 600
is "the data directory 0700" "$(stat -c %a "$TMP/modes/data")" 700
chmod 755 "$TMP/modes/data"
contains "a data directory open to others is said" \
	"$($V --config "$TMP/modes.conf" count '*' 2>&1 >/dev/null)" \
	"modes/data is open to other users (mode 755): chmod 700 it"
chmod 700 "$TMP/modes/data"
is "and not when it is the user's" "$($V --config "$TMP/modes.conf" count '*' 2>&1 >/dev/null)" ""
is "search to a closed pipe: ends as SIGPIPE ends a program, no word" \
	"$(closed_pipe $V --config "$TMP/modes.conf" search '*')" "-13 ''"

# VTRIAGE_CONFIG and XDG_CONFIG_HOME are honoured
write_config "$TMP/good.conf" "$TMP/mail" "$TMP/data"
is "VTRIAGE_CONFIG is read" "$(VTRIAGE_CONFIG=$TMP/good.conf status $V index --quiet)" 0
mkdir -p "$TMP/xdg/vtriage"
cp "$TMP/bad.conf" "$TMP/xdg/vtriage/config"
is "XDG_CONFIG_HOME config is read" \
	"$(unset VTRIAGE_CONFIG; XDG_CONFIG_HOME=$TMP/xdg status $V count '*')" 2

# --progress=lines: the protocol of mail/progress.c, for the interface
TAB=$(printf '\t')
out=$($V --config "$TMP/good.conf" index --progress=lines)
is "index --progress=lines starts with indexing" "$(printf '%s\n' "$out" | head -n 1)" indexing
contains "and ends with its summary" "$(printf '%s\n' "$out" | tail -n 1)" "summary${TAB}Indexed "
is "--progress takes only lines" "$(status $V --config "$TMP/good.conf" index --progress=bars)" 2
: >"$TMP/not-a-dir"
write_config "$TMP/nodata.conf" "$TMP/mail" "$TMP/not-a-dir/data"
out=$($V --config "$TMP/nodata.conf" index --progress=lines 2>"$TMP/err")
is "an index whose data directory cannot be made exits 2 (the configuration's)" \
	"$(status $V --config "$TMP/nodata.conf" index --progress=lines)" 2
contains "and says so as an error line of stage index, no account" \
	"$(printf '%s\n' "$out" | tail -n 1)" "${TAB}index${TAB}${TAB}"
is "with a status token, not words" "$(printf '%s\n' "$out" | tail -n 1 | cut -f 1-2)" "error${TAB}config"
is "nothing on stderr" "$(cat "$TMP/err")" ""
cp "$TMP/good.conf" "$TMP/refused.conf"
cat >>"$TMP/refused.conf" <<CONF

[account work]
host = 127.0.0.1
port = 1
tls = none
user = buyer
password_command = echo secret
CONF
out=$($V --config "$TMP/refused.conf" sync --progress=lines 2>"$TMP/err")
is "a sync whose server refuses the connection exits 1" \
	"$(status $V --config "$TMP/refused.conf" sync --progress=lines)" 1
contains "and says so as an error line: status net, stage sync, the account" "$out" \
	"error${TAB}net${TAB}sync${TAB}work${TAB}"
contains "what arrived is indexed all the same, and the round summed up" \
	"$(printf '%s\n' "$out" | tail -n 1)" "summary${TAB}Synced 0 folders of 1 account"
err=$($V --config "$TMP/refused.conf" sync 2>&1 >/dev/null)
contains "on a terminal the same failure is a sentence naming the account" "$err" \
	"vtriage: sync work: "

# queries
C="--config $TMP/good.conf"
is "count on an empty mailbox" "$($V $C count '*')" 0
is "count without a query counts everything, as notmuch does" "$($V $C count)" 0
is "search with a stray option-like operand is a query" "$(status $V $C count -- '-tag:spam')" 0
is "bad query exits 2" "$(status $V $C count 'date:nonsense..x')" 2
contains "bad query is quoted in the error" "$($V $C count 'date:nonsense..x' 2>&1)" \
	"bad query 'date:nonsense..x'"
is "unknown bucket exits 2" "$(status $V $C count 'bucket:shiny')" 2
is "search --limit needs a number" "$($V $C search --limit=x '*' >/dev/null 2>&1; echo $?)" 2
is "search of nothing is an empty JSON array" "$($V $C search --format=json '*')" "[]"
is "bad --format exits 2" "$(status $V $C search --format=xml '*')" 2
is "--notmuch-query echoes no control characters" \
	"$($V $C search --notmuch-query "$(printf 'subject:x\033]0;t\007')" | tr -d '[:print:]' | wc -c | tr -d ' ')" 1

# VTRIAGE_SLOW_SQL_MS: the store's statements that took that long, as
# prepared (no value bound from mail in them); nothing without it
slow=$(VTRIAGE_SLOW_SQL_MS=0 $V $C count 'vendor:nobody' 2>&1 >/dev/null | grep 'slow SQL')
contains "VTRIAGE_SLOW_SQL_MS=0 prints every statement with its time" "$slow" "vtriage: slow SQL ("
contains "the vendor looked up among them" "$slow" "FROM vendors"
lacks "the values bound are not in it" "$slow" "nobody"
lacks "without it, nothing" "$($V $C count 'vendor:nobody' 2>&1 >/dev/null)" "slow SQL"
lacks "a value that is no number is ignored" \
	"$(VTRIAGE_SLOW_SQL_MS=soon $V $C count 'vendor:nobody' 2>&1 >/dev/null)" "slow SQL"

# [store] notmuch_db: the user's own notmuch database; vtriage's data
# directory is made when missing (nothing else makes it then)
nmconf=$(notmuch_new "$TMP/mail" "$TMP/nm")
cat >"$TMP/nmdb.conf" <<EOF
[store]
maildir = $TMP/mail
data = $TMP/fresh/data
notmuch_db = $TMP/nm/db
EOF
is "notmuch_db: a count works with no data directory yet" \
	"$(NOTMUCH_CONFIG=$nmconf $V --config "$TMP/nmdb.conf" count '*')" \
	"$(NOTMUCH_CONFIG=$nmconf notmuch count '*')"
ok "and the data directory was made" test -f "$TMP/fresh/data/vtriage.db"
# without notmuch's config file, the file is named (libnotmuch's own words,
# "cannot load config file", named none); without the database, the
# database is missing
out=$(NOTMUCH_CONFIG=$TMP/no-such-notmuch-config $V --config "$TMP/nmdb.conf" count '*' 2>&1)
is "notmuch_db without notmuch's config file: exit 2" "$?" 2
contains "the file looked for is named, with the line" "$out" \
	"nmdb.conf:4: [store] notmuch_db: the notmuch database $TMP/nm/db is opened with notmuch's own configuration file, $TMP/no-such-notmuch-config: No such file or directory"
out=$(env -u NOTMUCH_CONFIG -u XDG_CONFIG_HOME -u NOTMUCH_PROFILE HOME="$TMP/nm-home" \
	$V --config "$TMP/nmdb.conf" count '*' 2>&1)
contains "the default one too" "$out" "configuration file, $TMP/nm-home/.notmuch-config: No such file"
sed "s|^notmuch_db = .*|notmuch_db = $TMP/nm/gone|" "$TMP/nmdb.conf" >"$TMP/nmgone.conf"
out=$(NOTMUCH_CONFIG=$nmconf $V --config "$TMP/nmgone.conf" count '*' 2>&1)
is "a notmuch_db that is not there: exit 2" "$?" 2
is "said missing, not a config file" "$out" \
	"vtriage: $TMP/nmgone.conf:4: [store] notmuch_db: no notmuch database at $TMP/nm/gone: No such file or directory"

# a binding the interface would refuse is refused by every command
printf '[store]\nmaildir = %s\ndata = %s\n[keys]\nfrobnicate = x\n' "$TMP/km-mail" "$TMP/km-data" \
	>"$TMP/keys.conf"
is "a bad [keys] binding: count exits 2" "$(status $V --config "$TMP/keys.conf" count '*')" 2
contains "naming the line" "$($V --config "$TMP/keys.conf" count '*' 2>&1)" \
	"keys.conf:5: [keys] frobnicate: unknown action"
# a binding without keys binds nothing (unbinding is none = KEY): refused
printf '[store]\nmaildir = %s\ndata = %s\n[keys]\nup = k\ndemote = \n' "$TMP/km-mail" "$TMP/km-data" \
	>"$TMP/nokeys.conf"
is "an action without keys: exit 2" "$(status $V --config "$TMP/nokeys.conf" count '*')" 2
contains "naming the line" "$($V --config "$TMP/nokeys.conf" count '*' 2>&1)" \
	"nokeys.conf:6: [keys] demote: no keys (to unbind a key: none = KEY)"

# [ui] date_width is 0, 8 or 10: another (the interface made 3 a 0) is refused
for w in 3 9; do
	printf '[store]\nmaildir = %s\ndata = %s\n[ui]\ndate_width = %s\n' "$TMP/km-mail" "$TMP/km-data" $w \
		>"$TMP/dw.conf"
	is "date_width = $w: exit 2" "$(status $V --config "$TMP/dw.conf" count '*')" 2
	contains "naming the line" "$($V --config "$TMP/dw.conf" count '*' 2>&1)" \
		"dw.conf:5: [ui] date_width: '$w' is not 0|8|10"
done

printf '[store]\nmaildir = /m\n\000x\n' >"$TMP/nul.conf"
contains "a NUL byte in the config: its line named" "$($V --config "$TMP/nul.conf" count '*' 2>&1)" \
	"nul.conf:3: a NUL byte"

# HOME unset: the defaults (and "~") would name directories under where
# vtriage was started; refused, naming what is missing
mkdir "$TMP/nohome"
out=$(cd "$TMP/nohome" && env -u HOME -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u VTRIAGE_CONFIG \
	"$V" count '*' 2>&1)
is "HOME unset and no config: exit 2" "$?" 2
contains "naming what is missing" "$out" "HOME is not set"
is "and nothing made where it ran" "$(ls -A "$TMP/nohome")" ""
printf '[store]\nmaildir = ~/mail\ndata = %s\n' "$TMP/nohome-data" >"$TMP/nohome.conf"
out=$(env -u HOME "$V" --config "$TMP/nohome.conf" count '*' 2>&1)
is "HOME unset and ~ in the config: exit 2" "$?" 2
contains "naming the line" "$out" "nohome.conf:2: [store] maildir: '~', but HOME is not set"

done_testing
