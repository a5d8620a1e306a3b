#!/bin/sh
# An account without password_command is asked for its password on the
# terminal once per `vtriage sync` run, driven through tmux against a
# throwaway dovecot: the sync's connection and the mirror's own
# (mirror_folders = yes) share the answer, which is never echoed; a
# password the server turns down is asked for again.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/lib-imap.sh"

. "$top_srcdir/tests/lib-tmux.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
imap_setup
cp "$FIXTURES/demo/Maildir/INBOX/cur/"* "$M/cur/"
imap_start
IMAP count INBOX >/dev/null || {
	echo "Bail out! the test server does not answer:"
	sed 's/^/# /' "$D/dovecot.log" | tail -20
	exit 1
}

# A first sync with a password_command, so that AcmeTel can be trusted.
write_config "$TMP/pw.conf" "$TMP/mail" "$TMP/data" "$(imap_account main)"
mkdir -p "$TMP/mail"
$VTRIAGE --config "$TMP/pw.conf" sync --quiet
$VTRIAGE --config "$TMP/pw.conf" vendor promote acmetel >/dev/null
write_config "$TMP/ask.conf" "$TMP/mail" "$TMP/data" "[triage]
mirror_folders = yes
[account main]
host = 127.0.0.1
port = $PORT
tls = none
user = buyer"
BOX=Vendors.acmetel-example
PROMPT="Password for buyer at 127.0.0.1 (account main):"

SCREEN_OPTS="-J -S -"
WAIT_TENTHS=100
prompts() { screen | grep -cF -- "$PROMPT"; }
session() { # ARGS...: vtriage ARGS in a fresh terminal
	tmux_session 160 50 "env TERM=xterm-256color $VTRIAGE $*"
}

# ---- sync and mirror: one prompt ----------------------------------------------
session --config "$TMP/ask.conf" sync
ok "sync asks for the password" wait_for "$PROMPT"
T send-keys -t vt -l "$PASS"
T send-keys -t vt Enter
ok "the sync ends" wait_for "EXITED" 300
screen | sed "/^$/d; s/^/# /"
contains "it exits 0" "$(screen)" "EXITED 0"
contains "the mirror ran (its own connection)" "$(screen)" "6 moved to vendor folders"
is "the vendor folder on the server has the mail" "$(IMAP count "$BOX")" "6"
is "the password was asked for exactly once" "$(prompts)" "1"
lacks "the password is not echoed" "$(screen)" "$PASS"
lacks "nor kept in the database" "$(sqlite3 "$TMP/data/vtriage.db" .dump)" "$PASS"

# ---- a wrong password is asked for again -----------------------------------------
$VTRIAGE --config "$TMP/pw.conf" vendor promote globex >/dev/null
session --config "$TMP/ask.conf" sync
ok "a second run asks again (nothing kept between runs)" wait_for "$PROMPT"
T send-keys -t vt -l "not-$PASS"
T send-keys -t vt Enter
i=0
while [ "$(prompts)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "after the server turned it down, the mirror asks again" "$(prompts)" "2"
T send-keys -t vt -l "$PASS"
T send-keys -t vt Enter
ok "the run ends" wait_for "EXITED" 300
screen | sed "/^$/d; s/^/# /"
contains "the sync's login failure is reported" "$(screen)" "login as buyer"
contains "the mirror, given the right one, ran" "$(screen)" "5 moved to vendor folders"
is "and asked no more" "$(prompts)" "2"
lacks "neither password is echoed" "$(screen)" "$PASS"

done_testing
