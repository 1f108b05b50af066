#!/usr/bin/env python3
"""Replays the client side of a real FreeSWITCH ESL capture against a server
(fax-sim serve) and compares the server's bytes with the real FS->C bytes.

Usage: replay_capture.py CAPTURE.jsonl --host HOST:PORT [--check GROUPS] [--timeout S]
Exit 0: every comparison matched; 1: mismatches (one "MISMATCH ..." line each on
stdout); 2: the replay itself failed (connection, timeout). stdlib only.
--check: comma-separated groups, default all of them:
  replies  greeting, every reply, the exit goodbye and close, no stray events
  framing  the shape of every event fax-sim sends (see below)
  jobs     BACKGROUND_JOB events
  api      API events
  aleg     the originated A-leg's channel events

Made for tests/fixtures/esl/inbound-session.jsonl (auth, api status/version/db/
unknown, event plain ALL, event json ..., bgapi originate success and failure,
noevents, exit). The server must be fresh (no calls, empty db) and must know the
capture's world: extension `echo` answers, `no_such_ext` fails with
NO_ROUTE_DESTINATION (fax-sim: a scenario file, see fax-sim.bats).

How it works
------------
Every C->FS chunk of the capture is one command; it is sent byte for byte, in
order. The real FS->C stream is framed into messages (header block up to the
first empty line, then Content-Length bytes iff that header is present,
esl-protocol.md §1) and each message is attributed to the command it followed.
Live, after each command the replay reads until that command's reply
(command/reply or api/response); after a bgapi it reads on until the
BACKGROUND_JOB of the reply's Job-UUID; after `exit` until EOF.

Compared byte for byte after normalisation:
  - the greeting (auth/request) and every reply: outer header block (names,
    order, values) and body;
  - BACKGROUND_JOB events: every key, in order, with its value; the body;
  - API events (FreeSWITCH fires one per api/bgapi execution; with `event ALL`
    they are delivered): keys in order and values;
  - the `exit` sequence: `+OK bye`, the inbound disconnect notice (Content-Type,
    Content-Length 67, the goodbye text, no other headers), then EOF;
  - nothing else arrives for commands after which the capture has nothing (e.g.
    no event after `noevents`).
Checked on every event the server sends (both formats):
  - outer headers exactly `Content-Length: <n>`, `Content-Type: text/event-json`
    (or -plain before the `event json` switch), in that order; n = body bytes;
  - a JSON body is one object, no trailing newline; the standard headers come
    first in FreeSWITCH's order (esl-protocol.md §3.3), then `Event-Subclass`
    for CUSTOM; every value a string (or array of strings);
  - Core-UUID is a UUID and the same on every event; FreeSWITCH-Hostname and
    -Switchname are non-empty; FreeSWITCH-IPv4 is dotted-quad;
  - Event-Date-Timestamp is 16 digits (µs); Event-Date-GMT and
    Event-Date-Local are that instant in RFC 822 GMT and local time;
  - Event-Sequence: decimal, strictly increasing along the connection.
Channel events of the originated A-leg (Unique-ID = the uuid of `+OK <uuid>`)
whose Event-Name also occurs for the capture's A-leg (CHANNEL_CREATE,
CHANNEL_ORIGINATE, CHANNEL_ANSWER, ...: the first of each name; CHANNEL_CALLSTATE
by its new Channel-Call-State) are compared header by header: same names in the
same order and the same values, except as E2 says.

Normalisations (inherently run-specific values)
-----------------------------------------------
  N1 UUIDs (8-4-4-4-12 hex) become <uuid-N>, numbered by first appearance in
     each side's compared text: the same uuid must reappear where the capture
     reuses one (Job-UUID in the reply and in BACKGROUND_JOB; the +OK uuid).
  N2 Core-UUID, FreeSWITCH-Hostname, -Switchname, -IPv4, -IPv6: the host's
     identity (checked for shape above) -> <core>, <host>, <ipv4>, <ipv6>.
  N3 Event-Date-Local, Event-Date-GMT, Event-Date-Timestamp and the non-zero
     Caller-*-Time / Caller-Profile-Created-Time values (µs) -> <time>.
  N4 Event-Sequence -> <seq> (checked increasing above).
  N5 `api status`: the uptime numbers of the `UP ...` line; the idle-CPU figure
     of `min idle cpu 0.00/<idle>`; the `<n> session(s) max` figure (the
     max-sessions setting of the captured box: 200 in a minimal config).
     When a body was normalised, its Content-Length is compared as <len>
     (each side's Content-Length is still checked against its own body).

Exceptions (listed, with the reason; everything else must match)
------------------------------------------------------------------
  E1 Which channel events a bgapi originate produces, their order and count:
     the capture used mod_loopback (two legs, -a and -b, CODEC, CHANNEL_OUTGOING,
     CHANNEL_STATE, CALL_UPDATE events, the B-leg running `echo`) and the A-leg
     ran `playback(silence_stream://1000)` (PLAYBACK_*, hangup after 1 s).
     fax-sim has no loopback B-leg, no echo and no playback. So only the A-leg
     events named in both streams are compared (see above), and the failing
     originate's channel events (loopback legs created, then NO_ROUTE_DESTINATION
     from the B-leg's dialplan) are not compared at all.
  E2 Headers whose value depends on the endpoint module (LOOPBACK_VALUE_ONLY:
     the two real captures, loopback/echo here and a SIP A-leg in
     fax-events-plain-t30-sip, disagree on them) are compared by name and
     position only; the variables only mod_loopback sets (LOOPBACK_SKIPPED) are
     skipped. Headers both real A-legs carry (Caller-ANI, variable_is_outbound,
     variable_channel_name, variable_originate_endpoint, ...; Channel-State
     CS_CONSUME_MEDIA at CHANNEL_ANSWER) are generic FreeSWITCH and must match.
"""
import argparse
import base64
import json
import re
import socket
import sys
import time

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

STANDARD = ["Event-Name", "Core-UUID", "FreeSWITCH-Hostname", "FreeSWITCH-Switchname", "FreeSWITCH-IPv4",
            "FreeSWITCH-IPv6", "Event-Date-Local", "Event-Date-GMT", "Event-Date-Timestamp",
            "Event-Calling-File", "Event-Calling-Function", "Event-Calling-Line-Number", "Event-Sequence"]
# N2, N3, N4
IDENTITY = {"Core-UUID": "<core>", "FreeSWITCH-Hostname": "<host>", "FreeSWITCH-Switchname": "<host>",
            "FreeSWITCH-IPv4": "<ipv4>", "FreeSWITCH-IPv6": "<ipv6>"}
TIMES = {"Event-Date-Local", "Event-Date-GMT", "Event-Date-Timestamp"}
# E2: headers whose value depends on the endpoint module: the two real captures
# disagree on them (loopback/echo in inbound-session, a SIP leg in
# fax-events-plain-t30-sip). Compared by name and position, not by value.
LOOPBACK_VALUE_ONLY = {
    "Channel-Name": "loopback names the leg loopback/<dest>-a, sofia sofia/<profile>/<uri>",
    "Caller-Channel-Name": "same as Channel-Name",
    "variable_channel_name": "same as Channel-Name",
    "Caller-Source": "mod_loopback (loopback) vs src/switch_ivr_originate.c (SIP)",
    "Caller-Dialplan": "loopback's profile says xml; a SIP A-leg has none",
    "Caller-Callee-ID-Number": "loopback: the context (default); SIP: the destination",
    "Channel-Call-State": "at CHANNEL_ANSWER: DOWN, or RINGING when the far end rang first (180)",
    "Original-Channel-Call-State": "DOWN, or RINGING when the far end rang first (180)",
}
# ... and variables only mod_loopback sets: skipped.
LOOPBACK_SKIPPED = {
    "variable_other_loopback_leg_uuid": "the B-leg's uuid (fax-sim has no B-leg)",
    "variable_loopback_leg": "the A/B leg marker of mod_loopback",
}


class ReplayError(Exception):
    pass


# ------------------------------------------------------------------ framing

def frame_one(buf):
    """(headers [(name, value)], body or None, rest) or None when incomplete."""
    pos = 0
    while buf[pos:pos + 1] in (b"\n", b"\r") and pos < len(buf):
        pos += 1
    end = buf.find(b"\n\n", pos)
    if end < 0:
        return None
    lines = buf[pos:end].split(b"\n")
    headers = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon:
            raise ReplayError("header line without ':': %r" % line)
        headers.append((name.decode(), value.lstrip(b" \t").decode()))
    rest = buf[end + 2:]
    body = None
    for name, value in headers:
        if name.lower() == "content-length":
            n = int(value)
            if len(rest) < n:
                return None
            body, rest = rest[:n], rest[n:]
            break
    return headers, body, rest


def hget(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def ctype(msg):
    return hget(msg[0], "Content-Type") or ""


def is_reply(msg):
    return ctype(msg) in ("command/reply", "api/response")


def is_event(msg):
    return ctype(msg).startswith("text/event-")


# ------------------------------------------------------------------ capture

def load_capture(path):
    """[(command bytes, [expected messages after it])], greeting messages."""
    chunks = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    steps, fs, marks = [], b"", []
    for c in chunks:
        if "b64" not in c:
            continue
        data = base64.b64decode(c["b64"])
        if c["dir"] == "C->FS":
            marks.append((len(fs), data))
        elif c["dir"] == "FS->C":
            fs += data
    # Attribute each FS->C message to the last command sent before its first byte.
    msgs, pos, buf = [], 0, fs
    while buf.strip(b"\n\r"):
        start = len(fs) - len(buf)
        got = frame_one(buf)
        if got is None:
            raise ReplayError("capture stream ends inside a message")
        headers, body, buf = got
        msgs.append((start, (headers, body)))
    greeting = [m for s, m in msgs if not marks or s < marks[0][0]]
    for i, (off, cmd) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(fs) + 1
        steps.append((cmd, [m for s, m in msgs if off <= s < end]))
    return greeting, steps


# ------------------------------------------------------------------ live side

class Live:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.eof = False
        self.received = []  # every message, in order

    def next(self):
        while True:
            got = frame_one(self.buf)
            if got is not None:
                headers, body, self.buf = got
                self.received.append((headers, body))
                return headers, body
            if self.eof:
                return None
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise ReplayError("timed out waiting for fax-sim")
            if not data:
                self.eof = True
                if self.buf.strip(b"\n\r"):
                    raise ReplayError("connection closed inside a message: %r" % self.buf[:200])
                continue
            self.buf += data

    def send(self, data):
        self.sock.sendall(data)


# ------------------------------------------------------------------ normalisation

class Norm:
    """N1: uuids numbered by first appearance, per side."""

    def __init__(self):
        self.ids = {}

    def uuids(self, text):
        def sub(m):
            u = m.group(0).lower()
            if u not in self.ids:
                self.ids[u] = "<uuid-%d>" % (len(self.ids) + 1)
            return self.ids[u]
        return UUID_RE.sub(sub, text)


def norm_status(body):
    """N5."""
    b = re.sub(r"^UP \d+ years, \d+ days, \d+ hours, \d+ minutes, \d+ seconds, \d+ milliseconds, \d+ microseconds$",
               "UP <uptime>", body, flags=re.M)
    b = re.sub(r"^(min idle cpu \d+\.\d\d)/\d+\.\d\d$", r"\1/<idle>", b, flags=re.M)
    b = re.sub(r"^\d+ session\(s\) max$", "<n> session(s) max", b, flags=re.M)
    return b


def norm_message(msg, norm, command):
    """Outer headers and body as text, normalised."""
    headers, body = msg
    text = None if body is None else body.decode("utf-8")
    changed = False
    if text is not None and command.startswith(b"api status"):
        t2 = norm_status(text)
        changed = t2 != text
        text = t2
    out = []
    for k, v in headers:
        if k.lower() == "content-length" and changed:
            v = "<len>"
        out.append("%s: %s" % (k, norm.uuids(v)))
    return "\n".join(out), None if text is None else norm.uuids(text)


def norm_event_value(key, value, norm):
    if key in IDENTITY:
        return IDENTITY[key]
    if key in TIMES or (key.startswith("Caller-") and key.endswith("-Time") and value != "0"):
        return "<time>"
    if key == "Event-Sequence":
        return "<seq>"
    if isinstance(value, list):
        return [norm.uuids(v) for v in value]
    return norm.uuids(value)


def json_event(msg):
    return json.loads(msg[1].decode("utf-8"), object_pairs_hook=list)


def plain_event(msg):
    head = msg[1].split(b"\n\n", 1)[0].decode("utf-8")
    pairs = []
    for line in head.split("\n"):
        k, _, v = line.partition(": ")
        pairs.append([k, re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), v)])
    return pairs


def event_pairs(msg):
    return json_event(msg) if ctype(msg) == "text/event-json" else plain_event(msg)


# ------------------------------------------------------------------ checks

class Checker:
    def __init__(self):
        self.problems = []
        self.compared = 0

    def fail(self, where, what):
        self.problems.append("MISMATCH %s: %s" % (where, what))

    def same(self, where, expected, got):
        self.compared += 1
        if expected != got:
            self.fail(where, "expected %r, got %r" % (expected, got))
            return False
        return True


def check_event_shape(chk, msg, where, state):
    """The per-event checks on fax-sim's events (see the docstring)."""
    headers, body = msg
    names = [k for k, _ in headers]
    if names != ["Content-Length", "Content-Type"]:
        chk.fail(where, "event outer headers %r, expected ['Content-Length', 'Content-Type']" % names)
    if body is None or int(hget(headers, "Content-Length")) != len(body):
        chk.fail(where, "event Content-Length does not match its body")
        return None
    try:
        if ctype(msg) == "text/event-json":
            if body.endswith(b"\n"):
                chk.fail(where, "JSON event body ends with a newline")
            pairs = json_event(msg)
            for k, v in pairs:
                if not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))):
                    chk.fail(where, "JSON value of %s is not a string: %r" % (k, v))
        else:
            pairs = plain_event(msg)
    except ValueError as e:
        chk.fail(where, "event body does not parse: %s" % e)
        return None
    keys = [k for k, _ in pairs]
    d = dict(pairs)
    name = d.get("Event-Name", "?")
    want = STANDARD + (["Event-Subclass"] if name == "CUSTOM" else [])
    if keys[:len(want)] != want:
        chk.fail(where, "%s: standard headers %r, expected %r" % (name, keys[:len(want)], want))
        return pairs
    core = d["Core-UUID"]
    if not UUID_RE.fullmatch(core):
        chk.fail(where, "Core-UUID %r" % core)
    if state.setdefault("core", core) != core:
        chk.fail(where, "Core-UUID changed: %r then %r" % (state["core"], core))
    if not d["FreeSWITCH-Hostname"] or not d["FreeSWITCH-Switchname"]:
        chk.fail(where, "empty FreeSWITCH-Hostname/-Switchname")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", d["FreeSWITCH-IPv4"]):
        chk.fail(where, "FreeSWITCH-IPv4 %r" % d["FreeSWITCH-IPv4"])
    ts = d["Event-Date-Timestamp"]
    if not re.fullmatch(r"\d{16}", ts):
        chk.fail(where, "Event-Date-Timestamp %r is not 16 digits (µs)" % ts)
    else:
        secs = int(ts) // 1000000
        gmt = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(secs))
        local = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(secs))
        if d["Event-Date-GMT"] != gmt:
            chk.fail(where, "Event-Date-GMT %r, the timestamp says %r" % (d["Event-Date-GMT"], gmt))
        if d["Event-Date-Local"] != local:
            chk.fail(where, "Event-Date-Local %r, the timestamp says %r" % (d["Event-Date-Local"], local))
    seq = d["Event-Sequence"]
    if not re.fullmatch(r"\d+", seq):
        chk.fail(where, "Event-Sequence %r" % seq)
    else:
        if int(seq) <= state.get("seq", -1):
            chk.fail(where, "Event-Sequence %s after %s: not increasing" % (seq, state["seq"]))
        state["seq"] = int(seq)
    return pairs


def compare_pairs(chk, where, exp_pairs, got_pairs, exp_norm, got_norm, loopback=False):
    """Key order and normalised values; with loopback=True apply E2."""
    def prep(pairs, norm):
        out = []
        for k, v in pairs:
            if loopback and k in LOOPBACK_SKIPPED:
                continue
            if loopback and k in LOOPBACK_VALUE_ONLY:
                out.append((k, "<loopback>"))
                continue
            out.append((k, norm_event_value(k, v, norm)))
        return out
    e, g = prep(exp_pairs, exp_norm), prep(got_pairs, got_norm)
    ek, gk = [k for k, _ in e], [k for k, _ in g]
    chk.compared += 1
    if ek != gk:
        missing = [k for k in ek if k not in gk]
        extra = [k for k in gk if k not in ek]
        chk.fail(where, "header names differ; missing %r, extra %r%s" % (
            missing, extra, "" if missing or extra else "; order: expected %r, got %r" % (ek, gk)))
    ed, gd = {}, {}
    for k, v in e:
        ed.setdefault(k, v)
    for k, v in g:
        gd.setdefault(k, v)
    for k in ek:
        if k in gd and ed[k] != gd[k]:
            chk.fail(where, "%s: expected %r, got %r" % (k, ed[k], gd[k]))


GROUPS = ("replies", "framing", "jobs", "api", "aleg")


def replay(args, chk, want):
    """Runs the session; returns (steps, expected events, got events, exp_norm, got_norm)."""
    greeting, steps = load_capture(args.capture)
    host, _, port = args.host.rpartition(":")
    live = Live(host, int(port), args.timeout)
    exp_norm, got_norm = Norm(), Norm()
    exp_events, got_events = [], []  # (step index, message)
    replies = "replies" in want

    for exp in greeting:
        got = live.next()
        if got is None:
            raise ReplayError("connection closed before the greeting")
        if replies:
            chk.same("greeting", norm_message(exp, exp_norm, b""), norm_message(got, got_norm, b""))

    for si, (cmd, expected) in enumerate(steps):
        where = "step %d %r" % (si + 1, cmd.split(b"\n", 1)[0].decode())
        live.send(cmd)
        exp_replies = [m for m in expected if is_reply(m)]
        exp_other = [m for m in expected if not is_reply(m) and not is_event(m)]
        exp_events += [(si, m) for m in expected if is_event(m)]
        got_msgs = []
        while True:  # until the reply (one per command)
            got = live.next()
            if got is None:
                raise ReplayError("%s: connection closed before the reply" % where)
            got_msgs.append(got)
            if is_reply(got):
                break
        if cmd.startswith(b"bgapi "):  # until the job's BACKGROUND_JOB
            job = hget(got_msgs[-1][0], "Job-UUID")
            deadline = time.monotonic() + args.timeout

            def done():
                return any(is_event(m) and dict(event_pairs(m)).get("Event-Name") == "BACKGROUND_JOB"
                           and dict(event_pairs(m)).get("Job-UUID") == job for m in got_msgs)
            while not done():
                if time.monotonic() > deadline:
                    raise ReplayError("%s: no BACKGROUND_JOB for job %s" % (where, job))
                got = live.next()
                if got is None:
                    raise ReplayError("%s: connection closed before BACKGROUND_JOB" % where)
                got_msgs.append(got)
        if cmd.startswith(b"exit"):  # until EOF
            while True:
                got = live.next()
                if got is None:
                    break
                got_msgs.append(got)
        got_events += [(si, m) for m in got_msgs if is_event(m)]
        if not replies:
            continue
        got_replies = [m for m in got_msgs if is_reply(m)]
        got_other = [m for m in got_msgs if not is_reply(m) and not is_event(m)]
        if chk.same(where + " reply count", len(exp_replies), len(got_replies)):
            for e, g in zip(exp_replies, got_replies):
                chk.same(where + " reply", norm_message(e, exp_norm, cmd), norm_message(g, got_norm, cmd))
        if chk.same(where + " non-event messages", [ctype(m) for m in exp_other], [ctype(m) for m in got_other]):
            for e, g in zip(exp_other, got_other):
                chk.same(where + " " + ctype(e), norm_message(e, exp_norm, cmd), norm_message(g, got_norm, cmd))
        if cmd.startswith(b"exit") and not live.eof:
            chk.fail(where, "the connection stayed open after the goodbye")
        # Where the real FS sent no event, none may come (the bgapi steps: E1).
        if not any(is_event(m) for m in expected) and not cmd.startswith(b"bgapi "):
            extra = [dict(event_pairs(m)).get("Event-Name") for m in got_msgs if is_event(m)]
            if extra:
                chk.fail(where, "events the capture does not have here: %r" % extra)
    return steps, exp_events, got_events, exp_norm, got_norm


def run(args):
    chk = Checker()
    want = set(args.check.split(","))
    if not want <= set(GROUPS):
        raise ReplayError("unknown --check group(s): %s" % ", ".join(sorted(want - set(GROUPS))))
    steps, exp_events, got_events, exp_norm, got_norm = replay(args, chk, want)

    if "framing" in want:
        state = {}
        json_from = next((i for i, (c, _) in enumerate(steps) if c.startswith(b"event json")), None)
        for si, m in got_events:
            where = "step %d event" % (si + 1)
            check_event_shape(chk, m, where, state)
            fmt = "text/event-json" if json_from is not None and si > json_from else "text/event-plain"
            chk.same(where + " Content-Type", fmt, ctype(m))

    originated = {}  # bgapi step -> (the capture's A-leg uuid, fax-sim's)
    for si, (cmd, _) in enumerate(steps):
        if not cmd.startswith(b"bgapi "):
            continue
        where = "step %d %r" % (si + 1, cmd.split(b"\n", 1)[0].decode())
        for name, group in (("API", "api"), ("BACKGROUND_JOB", "jobs")):
            exp = [event_pairs(m) for s, m in exp_events
                   if s == si and dict(event_pairs(m)).get("Event-Name") == name]
            if not exp:
                continue
            exp_d = dict(exp[0])
            got = []
            for s, m in got_events:
                d = dict(event_pairs(m))
                if d.get("Event-Name") != name:
                    continue
                if name == "API" and d.get("API-Command-Argument") == exp_d.get("API-Command-Argument"):
                    got.append(event_pairs(m))
                if name == "BACKGROUND_JOB" and s == si:
                    got.append(event_pairs(m))
            if name == "BACKGROUND_JOB" and got:
                eb, gb = exp_d.get("_body", ""), dict(got[0]).get("_body", "")
                if eb.startswith("+OK "):
                    originated[si] = (eb[4:].strip(), gb[4:].strip() if gb.startswith("+OK ") else None)
            if group not in want:
                continue
            if not got:
                chk.fail(where, "no %s event (the capture has one)" % name)
                continue
            compare_pairs(chk, where + " " + name, exp[0], got[0], exp_norm, got_norm)

    if "aleg" in want:
        for si, (exp_uuid, got_uuid) in originated.items():
            where = "step %d A-leg" % (si + 1)
            if got_uuid is None:
                chk.fail(where, "the originate did not answer +OK")
                continue
            exp_leg = [event_pairs(m) for s, m in exp_events if dict(event_pairs(m)).get("Unique-ID") == exp_uuid]
            got_leg = [event_pairs(m) for s, m in got_events if dict(event_pairs(m)).get("Unique-ID") == got_uuid]

            def key(pairs):
                d = dict(pairs)
                return (d["Event-Name"], d.get("Channel-Call-State") if d["Event-Name"] == "CHANNEL_CALLSTATE" else None)
            got_keys = [key(p) for p in got_leg]
            seen = set()
            for p in exp_leg:
                k = key(p)
                if k in seen or k not in got_keys:
                    continue
                seen.add(k)
                compare_pairs(chk, "%s %s" % (where, "/".join(x for x in k if x)), p, got_leg[got_keys.index(k)],
                              exp_norm, got_norm, loopback=True)
            for k in (("CHANNEL_CREATE", None), ("CHANNEL_ORIGINATE", None), ("CHANNEL_ANSWER", None),
                      ("CHANNEL_CALLSTATE", "ACTIVE")):
                if k not in seen:
                    chk.fail(where, "no %s event for the answered leg (got %r)" % ("/".join(x for x in k if x),
                                                                                   got_keys))
    return chk


def main():
    p = argparse.ArgumentParser(description="Replay an ESL capture and compare (see the module docstring).")
    p.add_argument("capture")
    p.add_argument("--host", required=True, help="HOST:PORT of the server")
    p.add_argument("--check", default=",".join(GROUPS), help="groups to check (default: all)")
    p.add_argument("--timeout", type=float, default=10.0)
    args = p.parse_args()
    try:
        chk = run(args)
    except (ReplayError, OSError) as e:
        print("replay_capture: error: %s" % e)
        return 2
    for line in chk.problems:
        print(line)
    print("replay_capture: %d comparisons, %d mismatches" % (chk.compared, len(chk.problems)))
    return 1 if chk.problems else 0


if __name__ == "__main__":
    sys.exit(main())
