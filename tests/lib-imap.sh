# A throwaway dovecot on 127.0.0.1 for the tests that need an IMAP server
# (tests/integration/imap-sync.sh, imap-watch.sh, imap-mirror.sh, the
# interface's sync in tests/e2e/), plus a tiny IMAP client for the
# server's side of the story and a proxy that slows or cuts connections.
# Source after tests/lib.sh:
#
#   imap_setup      skips the whole test without dovecot, python3 or
#                   openssl; sets D (server dir), PORT, SPORT (implicit
#                   TLS), PASS (every user's password), FP (certificate
#                   fingerprint), M (buyer's Maildir, INBOX created empty)
#   imap_user NAME  another user (same password); sets M to its Maildir
#   imap_local ADDR CAPABILITY [RAWLOG]
#                   dovecot listens on ADDR too (127.0.0.x, same ports,
#                   same mailboxes) and advertises CAPABILITY there instead
#                   of its own; skips the test if ADDR cannot be bound.
#                   With RAWLOG (a directory), the sessions there are
#                   recorded: rawlog_commands RAWLOG prints their commands
#                   IMAP_BASE_CAPS is dovecot's list without MOVE, UIDPLUS
#   ... put mail into $M (Maildir++: $M/.Folder) ...
#   imap_start      starts dovecot (stopped at exit) and defines
#                   IMAP CMD ARGS...          as user buyer
#                   IMAP_AS USER CMD ARGS...  (hashes|allhashes|where|count|create|fetch|
#                        folders|subscribed|append|store|flags|expunge|
#                        delete-flag|deleted|uidvalidity|recreate|subscribe)
#                   start_proxy CUT RATE [KEY=VALUE...]  (sets PROXY_PORT,
#                        PROXY_PID; cuts, slows, drops lines: see there)
#   imap_account NAME [LINES]  prints an [account NAME] section for buyer
#                   (tls none); LINES come last, so they may override keys
#                   (host = 127.0.0.2, user = NAME, port = ...)

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

imap_setup() {
	DOVECOT=$(command -v dovecot || ls /usr/sbin/dovecot 2>/dev/null)
	[ -n "$DOVECOT" ] || skip_all "dovecot not installed (apt-get install dovecot-imapd)"
	command -v python3 >/dev/null || skip_all "python3 not installed"
	command -v openssl >/dev/null || skip_all "openssl not installed"

	D=$TMP/dovecot
	chmod 755 "$TMP" # dovecot's processes walk into it
	mkdir -p "$D/run" "$D/state" "$D/mail"
	PORT=$(free_port)
	SPORT=$(free_port)
	PASS='S3cret-pa55word'

	# ---- the server ------------------------------------------------------------
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.pem" \
		-days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		>/dev/null 2>&1 || skip_all "openssl cannot make a certificate"
	FP=$(openssl x509 -noout -fingerprint -sha256 -in "$D/cert.pem" | sed 's/.*=/sha256:/')

	if [ "$(id -u)" = 0 ]; then
		owner=dovecot
		id dovecot >/dev/null 2>&1 || skip_all "no dovecot user"
		userdb="uid=dovecot gid=dovecot home=$D/mail/%u"
		users=""
	else
		owner=$(id -un)
		userdb="uid=$(id -u) gid=$(id -g) home=$D/mail/%u"
		users="default_internal_user = $owner
	default_login_user = $owner"
	fi
	cat >"$D/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
ssl = yes
ssl_cert = <$D/cert.pem
ssl_key = <$D/key.pem
disable_plaintext_auth = no
mail_location = maildir:$D/mail/%u/Maildir
first_valid_uid = 1
$users
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/users
}
userdb {
  driver = static
  args = $userdb
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $PORT
  }
  inet_listener imaps {
    port = $SPORT
  }
}
service anvil {
  chroot =
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
	: >"$D/users"
	imap_user buyer
}

# imap_user NAME: a user with password $PASS and an empty INBOX; M is its
# Maildir.
imap_user() {
	grep -q "^$1:" "$D/users" || echo "$1:{PLAIN}$PASS" >>"$D/users"
	M=$D/mail/$1/Maildir
	mkdir -p "$M/cur" "$M/new" "$M/tmp"
}

# dovecot's own capabilities (as of 2.3) less MOVE and UIDPLUS, for
# imap_local.
IMAP_BASE_CAPS="IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE CHILDREN CONDSTORE QRESYNC ESEARCH SEARCHRES LIST-EXTENDED UNSELECT"

# imap_local ADDR CAPABILITY [RAWLOG]: listen on ADDR as well, advertising
# CAPABILITY there (and recording its sessions in the directory RAWLOG).
# Call between imap_setup and imap_start.
imap_local() {
	python3 -c "import socket; s=socket.socket(); s.bind(('$1', $PORT))" 2>/dev/null ||
		skip_all "cannot listen on $1 (no loopback /8)"
	sed -i "s/^listen = .*/&, $1/" "$D/dovecot.conf"
	rawlog=
	if [ -n "${3:-}" ]; then
		mkdir -p "$3"
		chown "$owner" "$3"
		rawlog="rawlog_dir = $3"
	fi
	cat >>"$D/dovecot.conf" <<EOF
local $1 {
  protocol imap {
    imap_capability = $2
    $rawlog
  }
}
EOF
}

# rawlog_commands DIR: the commands of the sessions recorded in DIR (see
# imap_local) since the last call, tags dropped ("UID SEARCH ALL").
rawlog_commands() {
	for f in "$1"/*.in; do
		[ -e "$f" ] || continue
		# dovecot may still be writing: a session ends with LOGOUT
		for i in $(seq 30); do
			grep -q ' LOGOUT' "$f" && break
			sleep 0.1
		done
		cut -d' ' -f3- "$f" | tr -d '\r'
		rm -f "$f" "${f%.in}.out"
	done
}

imap_start() {
	chown -R "$owner" "$D/mail"

	"$DOVECOT" -F -c "$D/dovecot.conf" >"$D/stdout" 2>&1 &
	DPID=$!
	at_exit "kill $DPID 2>/dev/null; wait $DPID 2>/dev/null"
	for i in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT)).close()" \
			2>/dev/null && break
		sleep 0.1
	done

	# A tiny IMAP client for the server's side of the story.
	cat >"$TMP/imap.py" <<'EOF'
import hashlib, imaplib, re, sys
port, user, cmd, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, open(sys.argv[0] + ".pw").read().strip())
def folders():
    typ, data = m.list()
    for line in data:
        line = line.decode()
        if "\\Noselect" in line or "\\NonExistent" in line:
            continue
        yield re.match(r'\(.*?\) "." "?([^"]*)"?$', line).group(1)
def uids(folder):
    m.select('"%s"' % folder)
    typ, data = m.uid("SEARCH", None, "ALL")
    return [int(u) for u in data[0].split()]
def bodies(folder):
    for u in uids(folder):
        typ, data = m.uid("FETCH", str(u), "(BODY.PEEK[])")
        yield u, data[0][1]
def h(b):                    # sha256 of a message as served, CRLF -> LF
    return hashlib.sha256(b.replace(b"\r\n", b"\n")).hexdigest()
if cmd == "hashes":          # FOLDER
    for u, b in bodies(args[0]):
        print(h(b))
elif cmd == "allhashes":     # every message of every folder
    for f in sorted(folders()):
        for u, b in bodies(f):
            print(h(b))
elif cmd == "where":         # TEXT: the folders of messages whose From has TEXT
    for f in sorted(folders()):
        for u, b in bodies(f):
            hdr = b.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            if re.search(r"^From:.*" + re.escape(args[0]), hdr, re.M | re.I):
                print(f)
elif cmd == "count":
    print(len(uids(args[0])))
elif cmd == "folders":
    print(" ".join(sorted(folders())))
elif cmd == "subscribed":
    typ, data = m.lsub()
    print(" ".join(sorted(l.decode().split(' "." ')[1].strip('"') for l in data if l)))
elif cmd == "append":        # FOLDER FILE...
    for f in args[1:]:
        m.append(args[0], None, None, open(f, "rb").read())
elif cmd == "store":         # FOLDER UID +FLAGS|-FLAGS FLAG
    m.select(args[0])
    m.uid("STORE", args[1], args[2], args[3])
elif cmd == "flags":         # FOLDER UID
    m.select(args[0])
    typ, data = m.uid("FETCH", args[1], "(FLAGS)")
    print(data[0].decode())
elif cmd == "expunge":       # FOLDER UID
    m.select(args[0])
    m.uid("STORE", args[1], "+FLAGS", "(\\Deleted)")
    m.expunge()
elif cmd == "delete-flag":   # FOLDER TEXT: \Deleted on the messages whose From has TEXT
    for u, b in bodies(args[0]):
        if re.search(r"^From:.*" + re.escape(args[1]), b.decode("latin-1"), re.M | re.I):
            m.uid("STORE", str(u), "+FLAGS", "(\\Deleted)")
elif cmd == "deleted":       # FOLDER: how many carry \Deleted
    m.select(args[0])
    typ, data = m.uid("SEARCH", None, "DELETED")
    print(len(data[0].split()))
elif cmd == "uidvalidity":
    typ, data = m.status(args[0], "(UIDVALIDITY)")
    print(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1).decode())
elif cmd == "recreate":      # same mail, a new UIDVALIDITY
    msgs = [b for u, b in bodies(args[0])]
    m.select("INBOX")
    m.delete(args[0])
    m.create(args[0])
    for b in msgs:
        m.append(args[0], "(\\Seen)", None, b)
elif cmd == "subscribe":
    for f in args:
        m.subscribe(f)
elif cmd == "create":        # FOLDER
    m.create('"%s"' % args[0])
elif cmd == "delete":        # FOLDER (its subscription stays, as RFC 3501 has it)
    m.delete('"%s"' % args[0])
elif cmd == "rename":        # FOLDER NEW (the old name's subscription stays)
    m.rename('"%s"' % args[0], '"%s"' % args[1])
elif cmd == "fetch":         # FOLDER TEXT: the first message whose body has TEXT, with its flags
    for u, b in bodies(args[0]):
        if args[1].encode() in b:
            typ, data = m.uid("FETCH", str(u), "(FLAGS)")
            print(data[0].decode().split("FLAGS", 1)[1])
            sys.stdout.write(b.replace(b"\r\n", b"\n").decode("utf-8", "replace"))
            break
else:
    sys.exit("imap.py: unknown command " + cmd)
m.logout()
EOF
	echo "$PASS" >"$TMP/imap.py.pw"
	IMAP() { python3 "$TMP/imap.py" "$PORT" buyer "$@"; }
	IMAP_AS() { python3 "$TMP/imap.py" "$PORT" "$@"; }

	# A proxy in front of the server (see start_proxy).
	cat >"$TMP/proxy.py" <<'EOF'
import re, socket, sys, threading, time
opt = dict(a.split("=", 1) for a in sys.argv[1:])
host, port = opt["target"].rsplit(":", 1)
cut, rate = int(opt.get("cut", 0)), int(opt.get("rate", 0))
drop, dropped = opt.get("drop", "").encode().upper(), opt.get("dropped")
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(opt.get("listen", 0)))); ls.listen(8)
open(opt["portfile"], "w").write(str(ls.getsockname()[1]))
def close(a, b):
    for s in (a, b):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
def pump(a, b, limit, log=None):
    sent = 0
    try:
        while (d := a.recv(4096)):
            if limit and sent + len(d) > limit:
                b.sendall(d[:limit - sent])
                break
            if log:
                with open(log, "ab") as o:
                    o.write(d)
            b.sendall(d)
            sent += len(d)
            if rate:
                time.sleep(len(d) / rate)
    except OSError:
        pass
    close(a, b)
def filtered(a, b):  # server lines, less those starting with drop; literals whole
    f = a.makefile("rb")
    try:
        while (line := f.readline()):
            if line.upper().startswith(drop):
                with open(dropped, "ab") as o:
                    o.write(line)
                continue
            b.sendall(line)
            m = re.search(rb"\{(\d+)\}\r\n$", line)
            if m:
                b.sendall(f.read(int(m.group(1))))
    except OSError:
        pass
    close(a, b)
n = 0
while True:
    c, _ = ls.accept()
    n += 1
    s = socket.create_connection((host, int(port)))
    if drop:
        threading.Thread(target=filtered, args=(s, c), daemon=True).start()
    else:
        threading.Thread(target=pump, args=(s, c, cut if n == 1 else 0), daemon=True).start()
    threading.Thread(target=pump, args=(c, s, 0, opt.get("clientlog")), daemon=True).start()
EOF
	# start_proxy CUT RATE [KEY=VALUE...]: a proxy to the server; sets
	# PROXY_PORT and PROXY_PID (killed at exit). CUT: the first connection
	# is cut after that many bytes from the server (0: never); RATE: bytes
	# per second from the server (0: no limit). Keys: listen=PORT (a fixed
	# port, to start it again on), target=HOST:PORT (default: the server),
	# drop=PREFIX with dropped=FILE (server lines starting with PREFIX are
	# left out, and appended to FILE), clientlog=FILE (what clients send
	# is appended to FILE: the tests count IDLE commands in it).
	start_proxy() {
		rm -f "$TMP/proxy.port"
		_cut=$1 _rate=$2
		shift 2
		python3 "$TMP/proxy.py" "target=127.0.0.1:$PORT" "cut=$_cut" "rate=$_rate" \
			"portfile=$TMP/proxy.port" "$@" &
		PROXY_PID=$!
		at_exit "kill $PROXY_PID 2>/dev/null"
		for i in $(seq 50); do [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
		PROXY_PORT=$(cat "$TMP/proxy.port")
	}
}

# imap_account NAME [EXTRA LINES]: an [account NAME] section for buyer on
# the test server, password from a file, plain text (loopback). A key the
# extra lines set replaces the default (a key set twice is an error).
imap_account() {
	echo "[account $1]"
	# a default the extra lines set is left out: a key set twice is an error
	for kv in "host = 127.0.0.1" "port = $PORT" "tls = none" "user = buyer" \
		"password_command = cat $TMP/imap.py.pw"; do
		printf '%s\n' "${2:-}" | grep -q "^${kv%% =*} *=" || printf '%s\n' "$kv"
	done
	printf '%s\n' "${2:-}"
}
