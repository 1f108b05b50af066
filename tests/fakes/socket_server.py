#!/usr/bin/env python3
"""A minimal outbound-socket server: what fax-recv will be, for fax-sim's Bats tests.

FreeSWITCH's `socket 127.0.0.1:PORT async full` (or `fax-sim call`) connects to it.
Per connection (esl-protocol.md §4), it
  1. sends `connect`, reads the channel data (one URL-encoded header block),
  2. sends `myevents`, `event plain CUSTOM spandsp::rxfaxnegociateresult
     spandsp::rxfaxpageresult spandsp::rxfaxresult`, `linger`, each waiting for
     its command/reply,
  3. sends `sendmsg` executes, each with `event-lock: true` and an Event-UUID:
     `answer`, `set fax_ident=<--ident>`, `rxfax <--rx-dir>/<Unique-ID>.tif`,
  4. reads events until CHANNEL_HANGUP_COMPLETE, then up to --linger-wait
     seconds more for the linger notice FreeSWITCH sends at hangup when
     `linger` is on (esl-protocol.md §4.5; outbound-session.txt),
  5. writes one JSON line per call to --log and closes.

Log record ("type": "sock.call"):
  ts, id (= uuid), uuid (Unique-ID of the channel data), error (null or text),
  connect: {"content_type", "reply_text" (decoded), "socket_mode", "control",
            "event_name"} of the connect reply,
  channel: the decoded channel data (first value of each header),
  channel_keys: the header names of the connect reply, in order,
  replies: [[command first line, Reply-Text], ...] in order,
  events: the event names in arrival order (CUSTOM as its subclass; a
          disconnect notice as "notice:<Content-Disposition>"),
  executes: [{"event", "application", "data", "application_uuid",
              "response"}] for CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE,
  sent_uuids: {"answer": uuid, "set": uuid, "rxfax": uuid} (Event-UUIDs sent),
  negotiations / pages: the fax-* headers of each rxfaxnegociateresult /
            rxfaxpageresult, rxfax: those of rxfaxresult (null if none),
  hangup: the fax-* and Hangup-Cause / variable_fax_* headers of
          CHANNEL_HANGUP_COMPLETE, notices: [{headers, body}] of every
          text/disconnect-notice seen, file: the rxfax path.

Usage: socket_server.py --port-file F --rx-dir DIR --log FILE [--ident TEXT]
                        [--linger-wait SECONDS] [--timeout SECONDS]
SIGTERM/SIGINT: exit 0. stdlib only.
"""
import argparse
import datetime
import json
import os
import re
import signal
import socket
import sys
import threading
import uuid

LOG_LOCK = threading.Lock()


def now_ts():
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def url_decode(s):
    """%XX only; '+' stays (esl-protocol.md §3.2)."""
    b = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("utf-8"))
    return b.decode("utf-8", "replace")


class Closed(Exception):
    pass


class Conn:
    """Reads ESL messages: a header block up to the first empty line, then a
    body iff the block has Content-Length (esl-protocol.md §1)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise Closed("connection closed by fax-sim")
        self.buf += data

    def message(self):
        while True:
            while self.buf[:1] in (b"\n", b"\r") and self.buf:
                self.buf = self.buf[1:]
            end = self.buf.find(b"\n\n")
            if end >= 0:
                break
            self._fill()
        block, self.buf = self.buf[:end], self.buf[end + 2:]
        headers = []
        for line in block.split(b"\n"):
            name, _, value = line.rstrip(b"\r").decode("utf-8", "replace").partition(":")
            headers.append((name, value.lstrip(" \t")))
        body = None
        length = first(headers, "Content-Length")
        if length is not None:
            n = int(length)
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
        return headers, body

    def send(self, text):
        self.sock.sendall(text.encode("utf-8"))


def first(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def parse_plain_event(body):
    """The headers of a text/event-plain body, values URL-decoded."""
    text = body.decode("utf-8", "replace")
    block = text.split("\n\n", 1)[0]
    headers = []
    for line in block.split("\n"):
        if not line:
            continue
        name, _, value = line.partition(":")
        headers.append((name, url_decode(value.lstrip(" "))))
    return headers


class Call:
    def __init__(self, sock, args):
        self.c = Conn(sock)
        self.args = args
        self.rec = {
            "type": "sock.call", "ts": None, "id": None, "uuid": None, "error": None,
            "connect": None, "channel": {}, "channel_keys": [], "replies": [], "events": [], "executes": [],
            "sent_uuids": {}, "negotiations": [], "pages": [], "rxfax": None, "hangup": None,
            "notices": [], "file": None,
        }
        self.hangup_complete = False

    def handle(self, headers, body):
        """Events and notices; returns the reply text for replies, else None."""
        ctype = first(headers, "Content-Type") or ""
        if ctype in ("command/reply", "api/response"):
            return first(headers, "Reply-Text") if ctype == "command/reply" else (body or b"").decode()
        if ctype == "text/disconnect-notice":
            self.rec["notices"].append({"headers": headers, "body": (body or b"").decode("utf-8", "replace")})
            self.rec["events"].append("notice:%s" % (first(headers, "Content-Disposition") or ""))
            return None
        if ctype != "text/event-plain":
            self.rec["events"].append("?" + ctype)
            return None
        ev = parse_plain_event(body)
        name = first(ev, "Event-Name")
        sub = first(ev, "Event-Subclass")
        self.rec["events"].append(sub if name == "CUSTOM" and sub else name)
        fax = {k: v for k, v in ev if k.startswith("fax-")}
        if name in ("CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE"):
            self.rec["executes"].append({
                "event": name, "application": first(ev, "Application"),
                "data": first(ev, "Application-Data"),
                "application_uuid": first(ev, "Application-UUID"),
                "response": first(ev, "Application-Response"),
            })
        elif sub == "spandsp::rxfaxnegociateresult":
            self.rec["negotiations"].append(fax)
        elif sub == "spandsp::rxfaxpageresult":
            self.rec["pages"].append(fax)
        elif sub == "spandsp::rxfaxresult":
            self.rec["rxfax"] = fax
        elif name == "CHANNEL_HANGUP_COMPLETE":
            self.rec["hangup"] = {k: v for k, v in ev
                                  if k in ("Hangup-Cause", "Unique-ID") or k.startswith("variable_fax_")
                                  or k in ("variable_hangup_cause", "variable_sip_to_user")}
            self.hangup_complete = True
        return None

    def command(self, text):
        """Sends a command and returns its Reply-Text; events before the reply are handled."""
        self.c.send(text)
        while True:
            headers, body = self.c.message()
            reply = self.handle(headers, body)
            if reply is not None:
                self.rec["replies"].append([text.split("\n", 1)[0], reply])
                return reply

    def execute(self, app, arg=None):
        ev_uuid = str(uuid.uuid4())
        self.rec["sent_uuids"][app] = ev_uuid
        msg = "sendmsg\ncall-command: execute\nexecute-app-name: %s\n" % app
        if arg is not None:
            msg += "execute-app-arg: %s\n" % arg
        msg += "event-lock: true\nEvent-UUID: %s\n\n" % ev_uuid
        return self.command(msg)

    def run(self):
        self.c.send("connect\n\n")
        headers, _ = self.c.message()
        data = {}
        for k, v in headers:
            data.setdefault(k, url_decode(v))
        self.rec["channel"] = data
        self.rec["channel_keys"] = [k for k, _ in headers]
        self.rec["connect"] = {
            "content_type": data.get("Content-Type"), "reply_text": data.get("Reply-Text"),
            "socket_mode": data.get("Socket-Mode"), "control": data.get("Control"),
            "event_name": data.get("Event-Name"),
        }
        call_uuid = data.get("Unique-ID")
        self.rec["uuid"] = self.rec["id"] = call_uuid
        self.command("myevents\n\n")
        self.command("event plain CUSTOM spandsp::rxfaxnegociateresult spandsp::rxfaxpageresult "
                     "spandsp::rxfaxresult\n\n")
        self.command("linger\n\n")
        self.execute("answer")
        self.execute("set", "fax_ident=%s" % self.args.ident)
        path = os.path.join(self.args.rx_dir, "%s.tif" % call_uuid)
        self.rec["file"] = path
        self.execute("rxfax", path)
        while not self.hangup_complete:
            self.handle(*self.c.message())
        # FreeSWITCH sends the linger notice right after CHANNEL_HANGUP_COMPLETE.
        self.c.sock.settimeout(self.args.linger_wait)
        try:
            while not any(first(n["headers"], "Content-Disposition") == "linger" for n in self.rec["notices"]):
                self.handle(*self.c.message())
        except (socket.timeout, Closed):
            pass


def serve_one(sock, args):
    call = Call(sock, args)
    try:
        sock.settimeout(args.timeout)
        call.run()
    except Exception as e:  # recorded, the test decides
        call.rec["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        try:
            sock.close()
        except OSError:
            pass
    call.rec["ts"] = now_ts()
    line = json.dumps(call.rec, ensure_ascii=False, sort_keys=False)
    with LOG_LOCK:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--rx-dir", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--ident", default="FAXKIT TEST RX")
    p.add_argument("--linger-wait", type=float, default=1.0)
    p.add_argument("--timeout", type=float, default=60.0)
    args = p.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    os.makedirs(args.rx_dir, exist_ok=True)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(256)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(tmp, args.port_file)
    while True:
        sock, _ = srv.accept()
        threading.Thread(target=serve_one, args=(sock, args), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
