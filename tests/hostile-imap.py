#!/usr/bin/env python3
"""A scripted, hostile IMAP server for tests/integration/imap-hostile.sh.

    hostile-imap.py SCENARIO [SECONDS]

Listens on 127.0.0.1 only, on a port the system picks, which it prints
as the first line on stdout; exits after SECONDS (default 30) whatever
happens. Any user and password log in. Two folders: INBOX (one message,
always served well) and Bad (two messages, UIDVALIDITY 1), where the
scenario misbehaves:

  good              nothing: every answer is right
  slow-greeting     the greeting, one byte a second
  slow-fetch        the answer to the FETCH of bodies in Bad, one byte a second
  huge-flags        SELECT Bad: a FLAGS line of 64 MB
  big-literal       Bad UID 2 said (RFC822.SIZE) to be 162 bytes, sent as 300 MB
  wrong-uid         Bad UID 2's body sent as UID 99's
  body-nil          Bad UID 2: BODY[] NIL
  missing-size      Bad UID 2 left out of the RFC822.SIZE answer
  no-greeting       closes every connection before a byte
  bye-greeting      greets with BYE (and a terminal escape in its text)
  garbage-greeting  greets with an SSH banner
  mid-literal       closes the connection in the middle of Bad UID 2's body
  stall-literal     stops sending in the middle of Bad UID 2's body
  ok-no-text        answers CAPABILITY with a bare "OK" (no text)
  no-exists         SELECT Bad: no "* n EXISTS" line (libetpan then says 0)

Standard library only.
"""
import os
import re
import socket
import sys
import threading
import time

SCENARIO = sys.argv[1]
LIFETIME = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0


def message(n, subject):
    body = ("From: Vendor %d <sales@vendor%d.example>\r\n"
            "To: rich@northwind.example\r\n"
            "Subject: %s\r\n"
            "Message-ID: <%s@vendor.example>\r\n"
            "\r\n"
            "Hello, this is message %s.\r\n") % (n, n, subject, subject, subject)
    return body.encode()


FOLDERS = {
    "INBOX": {1: message(0, "inbox-one")},
    "Bad": {1: message(1, "bad-one"), 2: message(2, "bad-two")},
}


class Hangup(Exception):
    pass


class Session:
    def __init__(self, sock):
        self.sock = sock
        self.file = sock.makefile("rb")
        self.folder = None

    def send(self, data, rate=0):
        if isinstance(data, str):
            data = data.encode()
        if not rate:
            self.sock.sendall(data)
            return
        for i in range(len(data)):
            self.sock.sendall(data[i:i + 1])
            time.sleep(1.0 / rate)

    def greet(self):
        if SCENARIO == "no-greeting":
            raise Hangup
        if SCENARIO == "bye-greeting":
            self.send("* BYE Too many connections \x1b[31mfrom you\r\n")
            raise Hangup
        if SCENARIO == "garbage-greeting":
            self.send("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            time.sleep(1)
            raise Hangup
        self.send("* OK [CAPABILITY IMAP4rev1] hostile ready\r\n",
                  rate=1 if SCENARIO == "slow-greeting" else 0)

    def serve(self):
        self.greet()
        while True:
            line = self.file.readline()
            if not line:
                return
            m = re.match(rb"(\S+) (UID )?(\S+) ?(.*?)\r?\n$", line, re.I)
            if not m:
                self.send("* BAD what\r\n")
                continue
            tag, uid, cmd, args = (m.group(1).decode(), bool(m.group(2)),
                                   m.group(3).decode().upper(), m.group(4).decode())
            handler = getattr(self, "do_" + ("uid_" if uid else "") + cmd.lower(), None)
            if handler is None:
                self.send("%s BAD unknown command\r\n" % tag)
                continue
            handler(tag, args)

    def do_capability(self, tag, args):
        self.send("* CAPABILITY IMAP4rev1\r\n")
        if SCENARIO == "ok-no-text":
            self.send("%s OK\r\n" % tag)
        else:
            self.send("%s OK done\r\n" % tag)

    def do_login(self, tag, args):
        self.send("%s OK logged in\r\n" % tag)

    def do_noop(self, tag, args):
        self.send("%s OK noop\r\n" % tag)

    def do_logout(self, tag, args):
        self.send("* BYE bye\r\n%s OK logout\r\n" % tag)
        raise Hangup

    def do_list(self, tag, args):
        self.send('* LIST (\\Noselect) "/" ""\r\n%s OK list\r\n' % tag)

    def do_lsub(self, tag, args):
        self.send("%s OK lsub\r\n" % tag)

    def do_select(self, tag, args):
        name = args.strip().strip('"')
        if name not in FOLDERS:
            self.send("%s NO no such folder\r\n" % tag)
            return
        self.folder = name
        msgs = FOLDERS[name]
        if name == "Bad" and SCENARIO == "huge-flags":
            self.send("* FLAGS (")
            chunk = b"\\Seen " * 10000
            for _ in range(64 * 1024 * 1024 // len(chunk)):
                self.send(chunk)
            self.send(")\r\n")
        else:
            self.send("* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n")
        if not (name == "Bad" and SCENARIO == "no-exists"):
            self.send("* %d EXISTS\r\n" % len(msgs))
        self.send("* 0 RECENT\r\n* OK [UIDVALIDITY 1] uv\r\n"
                  "* OK [UIDNEXT %d] next\r\n%s OK [READ-WRITE] selected\r\n"
                  % (max(msgs) + 1, tag))

    do_examine = do_select

    def uids_of(self, spec):
        have = sorted(FOLDERS[self.folder])
        out = set()
        for part in spec.split(","):
            a, _, b = part.partition(":")
            lo = have[-1] if a == "*" else int(a)
            hi = lo if not b else (have[-1] if b == "*" else int(b))
            lo, hi = min(lo, hi), max(lo, hi)
            out.update(u for u in have if lo <= u <= hi)
        return sorted(out)

    def do_uid_search(self, tag, args):
        m = re.match(r"(?:CHARSET \S+ )?UID (\S+)", args, re.I)
        uids = self.uids_of(m.group(1)) if m else sorted(FOLDERS[self.folder])
        self.send("* SEARCH%s\r\n%s OK search\r\n"
                  % ("".join(" %d" % u for u in uids), tag))

    def do_uid_fetch(self, tag, args):
        spec, _, items = args.partition(" ")
        items = items.upper()
        bad = self.folder == "Bad"
        for seq, uid in enumerate(self.uids_of(spec), 1):
            body = FOLDERS[self.folder][uid]
            if "BODY" not in items:
                if bad and SCENARIO == "missing-size" and uid == 2 and "RFC822.SIZE" in items:
                    continue
                parts = ["UID %d" % uid]
                if "FLAGS" in items:
                    parts.append("FLAGS ()")
                if "RFC822.SIZE" in items:
                    parts.append("RFC822.SIZE %d" % len(body))
                self.send("* %d FETCH (%s)\r\n" % (seq, " ".join(parts)))
                continue
            self.fetch_body(seq, uid, body, bad)
        self.send("%s OK fetch\r\n" % tag)

    def fetch_body(self, seq, uid, body, bad):
        head = "* %d FETCH (UID %d FLAGS () " % (seq, uid)
        if bad and uid == 2 and SCENARIO == "wrong-uid":
            head = "* %d FETCH (UID 99 FLAGS () " % seq
        if bad and uid == 2 and SCENARIO == "body-nil":
            self.send(head + "BODY[] NIL)\r\n")
            return
        if bad and uid == 2 and SCENARIO == "big-literal":
            self.send(head + "BODY[] {%d}\r\n" % (300 * 1024 * 1024))
            chunk = b"x" * 65536
            for _ in range(300 * 1024 * 1024 // len(chunk)):
                self.send(chunk)
            self.send(")\r\n")
            return
        if bad and uid == 2 and SCENARIO in ("mid-literal", "stall-literal"):
            self.send(head + "BODY[] {%d}\r\n" % len(body))
            self.send(body[:80])
            if SCENARIO == "stall-literal":
                time.sleep(LIFETIME)
            raise Hangup
        rate = 1 if bad and SCENARIO == "slow-fetch" else 0
        self.send((head + "BODY[] {%d}\r\n" % len(body)).encode() + body + b")\r\n", rate)


def session(sock):
    try:
        Session(sock).serve()
    except (Hangup, OSError):
        pass
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def main():
    threading.Timer(LIFETIME, lambda: os._exit(0)).start()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    print(ls.getsockname()[1], flush=True)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=session, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
