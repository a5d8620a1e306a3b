# A throwaway dovecot on 127.0.0.1 for the tests that need an IMAP server
# (tests/integration/imap-sync.sh, the interface's sync in tests/e2e/),
# plus a tiny IMAP client for the server's side of the story and a proxy
# that slows or cuts connections. Source after tests/lib.sh:
#
#   imap_setup      skips the whole test without dovecot, python3 or
#                   openssl; sets D (server dir), PORT, SPORT (implicit
#                   TLS), PASS (user buyer's password), FP (certificate
#                   fingerprint), M (buyer's Maildir, INBOX created empty)
#   ... put mail into $M (Maildir++: $M/.Folder) ...
#   imap_start      starts dovecot (stopped at exit) and defines
#                   IMAP CMD ARGS...  (hashes|count|append|store|flags|
#                                      expunge|uidvalidity|recreate|subscribe)
#                   start_proxy CUT RATE  (sets PROXY_PORT, PROXY_PID)
#   imap_account NAME [LINES]  prints an [account NAME] section (tls none)

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
	echo "buyer:{PLAIN}$PASS" >"$D/users"
	M=$D/mail/buyer/Maildir
	mkdir -p "$M/cur" "$M/new" "$M/tmp"
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
port, cmd, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
m = imaplib.IMAP4("127.0.0.1", port)
m.login("buyer", open(sys.argv[0] + ".pw").read().strip())
def uids(folder):
    m.select(folder)
    typ, data = m.uid("SEARCH", None, "ALL")
    return [int(u) for u in data[0].split()]
def bodies(folder):
    for u in uids(folder):
        typ, data = m.uid("FETCH", str(u), "(BODY.PEEK[])")
        yield u, data[0][1]
if cmd == "hashes":          # sha256 of each message as served, CRLF -> LF
    for u, b in bodies(args[0]):
        print(hashlib.sha256(b.replace(b"\r\n", b"\n")).hexdigest())
elif cmd == "count":
    print(len(uids(args[0])))
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
m.logout()
EOF
	echo "$PASS" >"$TMP/imap.py.pw"
	IMAP() { python3 "$TMP/imap.py" "$PORT" "$@"; }

	# A proxy that cuts its first connection after N bytes from the server,
	# optionally slowed down (bytes per second); later connections pass.
	cat >"$TMP/proxy.py" <<'EOF'
import socket, sys, threading, time
target, cut, rate, portfile = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0)); ls.listen(8)
open(portfile, "w").write(str(ls.getsockname()[1]))
n = 0
def pump(a, b, limit):
    sent = 0
    try:
        while True:
            d = a.recv(4096)
            if not d:
                break
            if limit and sent + len(d) > limit:
                b.sendall(d[:limit - sent])
                break
            b.sendall(d)
            sent += len(d)
            if rate:
                time.sleep(len(d) / rate)
    except OSError:
        pass
    for s in (a, b):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
while True:
    c, _ = ls.accept()
    n += 1
    s = socket.create_connection(("127.0.0.1", target))
    limit = cut if n == 1 else 0
    threading.Thread(target=pump, args=(s, c, limit), daemon=True).start()
    threading.Thread(target=pump, args=(c, s, 0), daemon=True).start()
EOF
	start_proxy() { # CUT RATE -> sets PROXY_PORT
		rm -f "$TMP/proxy.port"
		python3 "$TMP/proxy.py" "$PORT" "$1" "$2" "$TMP/proxy.port" &
		PROXY_PID=$!
		at_exit "kill $PROXY_PID 2>/dev/null"
		for i in $(seq 50); do [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
		PROXY_PORT=$(cat "$TMP/proxy.port")
	}
}

# imap_account NAME [EXTRA LINES]: an [account NAME] section for buyer on
# the test server, password from a file, plain text (loopback).
imap_account() {
	cat <<EOF
[account $1]
host = 127.0.0.1
port = $PORT
tls = none
user = buyer
password_command = cat $TMP/imap.py.pw
${2:-}
EOF
}
