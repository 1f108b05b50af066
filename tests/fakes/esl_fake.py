#!/usr/bin/env python3
"""esl_fake.py - scripted stand-in for FreeSWITCH's inbound Event Socket (mod_event_socket).

Test double for faxkit's ESL clients (python3 stdlib only). What it implements is byte-exact with
FreeSWITCH 1.10.12 as described in docs esl-protocol.md sections 1-3 and the captures in
tests/fixtures/esl/: greeting `auth/request`, `+OK accepted` / `-ERR invalid` + goodbye notice
(67 bytes) + close, pre-auth commands -> `-ERR command not found`, `exit` -> `+OK bye` + goodbye,
api/response bodies (`-ERR no reply\n` for empty output, `-ERR <cmd> Command not found!\n`),
bgapi + BACKGROUND_JOB, event/nixevent/noevents/filter/log/nolog/linger/nolinger reply texts,
subscription and filter semantics, plain and json event serialization. Commands are parsed like
FreeSWITCH's read_packet: leading CR/LF skipped, CRLF tolerated, a command ends at an empty line,
`Content-Length: N` header -> N body bytes, case-insensitive prefix matching of the command word.
(`event xml` is accepted, but the xml rendering is only an approximation.)

Events come from real captures: the FS->C stream of fax-events-plain-t30-sip.jsonl is reassembled,
framed by Content-Length, and its 78 event bodies form a pool; json renderings come from
fax-events-json-t30-sip.jsonl where that capture has the same event (same original Event-Sequence),
else they are serialized from the decoded plain headers the way FreeSWITCH does (cJSON, arrays for
ARRAY:: values). Events are sent by cycling through the pool (skipping what the connection's
subscription and filters reject) and rewriting only Event-Sequence, which counts 1, 2, 3 ... per
connection over every event sent on that connection.

Options:
  --listen HOST:PORT      address to bind (default 127.0.0.1:0 = any free port)
  --port-file FILE        write the bound port (decimal + newline) atomically once listening
  --password PW           auth password (default ClueCon)
  --rude                  every connection: text/rude-rejection + goodbye notice + close
  --log FILE              append `CONNECT <n>`, one line per received command (its first line; bgapi
                          adds ` Job-UUID=<uuid>` if the client sent that header), `CLOSE <n>`
  --stream N              after the first successful `event` command of a connection (and 0.1 s
                          without further commands, so trailing `filter`s apply) send N events
  --chunk K               write every message in pieces of K bytes (TCP_NODELAY on); default: whole
                          messages, streamed events coalesced into writes of up to 64 KiB
  --drop-after N          first connection only: after N streamed events send half of the next one
                          and close without notice; later connections behave normally
  --close-after-stream    after the --stream events send the goodbye notice and close orderly
  --api-reply CMD=BODY    scripted api output (repeatable, `\\n` in BODY = newline); CMD matches the
                          whole command line after `api ` or its first word. Built-ins: status, version
                          (bodies from the real capture), db insert|delete|select|exists|count|list
                          (in-memory, mod_db semantics). Unknown -> `-ERR <cmd> Command not found!\\n`
  --bg-interleave K       bgapi: send K matching pool events (other channels' events, and other
                          jobs' BACKGROUND_JOB) before the job's own BACKGROUND_JOB (default 3);
                          delivered from a separate thread, after the bgapi reply
  --event-before-reply    api and bgapi: send one matching event before the reply (FIFO test)
  --auth-timeout SECS     goodbye + close when not authenticated in time (default 25)
  --fixtures DIR          capture directory (default: ../fixtures/esl next to this file)
Serves connections concurrently until SIGTERM/SIGINT (exit status 0).
"""
import argparse, base64, json, os, re, select, signal, socket, sys, threading, time, uuid

GOODBYE = (b'Content-Type: text/disconnect-notice\nContent-Length: 67\n\n'
           b'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n')
RUDE = b'Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n'
EVENT_NAMES = set('''CUSTOM CLONE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_STATE CHANNEL_CALLSTATE
 CHANNEL_ANSWER CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE
 CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA
 CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_UNPARK CHANNEL_APPLICATION CHANNEL_ORIGINATE CHANNEL_UUID API
 LOG INBOUND_CHAN OUTBOUND_CHAN STARTUP SHUTDOWN PUBLISH UNPUBLISH TALK NOTALK SESSION_CRASH
 MODULE_LOAD MODULE_UNLOAD DTMF MESSAGE PRESENCE_IN NOTIFY_IN PRESENCE_OUT PRESENCE_PROBE
 MESSAGE_WAITING MESSAGE_QUERY ROSTER CODEC BACKGROUND_JOB DETECTED_SPEECH DETECTED_TONE
 PRIVATE_COMMAND HEARTBEAT TRAP ADD_SCHEDULE DEL_SCHEDULE EXE_SCHEDULE RE_SCHEDULE RELOADXML NOTIFY
 PHONE_FEATURE PHONE_FEATURE_SUBSCRIBE SEND_MESSAGE RECV_MESSAGE REQUEST_PARAMS CHANNEL_DATA GENERAL
 COMMAND SESSION_HEARTBEAT CLIENT_DISCONNECTED SERVER_DISCONNECTED SEND_INFO RECV_INFO
 RECV_RTCP_MESSAGE SEND_RTCP_MESSAGE CALL_SECURE NAT RECORD_START RECORD_STOP PLAYBACK_START
 PLAYBACK_STOP CALL_UPDATE FAILURE SOCKET_DATA MEDIA_BUG_START MEDIA_BUG_STOP CONFERENCE_DATA_QUERY
 CONFERENCE_DATA CALL_SETUP_REQ CALL_SETUP_RESULT CALL_DETAIL DEVICE_STATE TEXT SHUTDOWN_REQUESTED
 ALL'''.split())
LOG_LEVELS = {'console': 0, 'alert': 1, 'crit': 2, 'err': 3, 'error': 3, 'warning': 4,
              'notice': 5, 'info': 6, 'debug': 7}
MAX_CLEN = 16 * 1024 * 1024
URL_SAFE = set(b'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$\'()*,-./_~')
SE = 'surrogateescape'


def url_encode(s):                      # switch_url_encode, non-double-encoding variant (section 3.2)
    b, out = s.encode('utf-8', SE), []
    for i, c in enumerate(b):
        if c in URL_SAFE or (c == 0x25 and re.match(rb'[0-9A-Fa-f]{2}', b[i + 1:i + 3])):
            out.append(chr(c))
        else:
            out.append('%%%02X' % c)
    return ''.join(out) or '_undef_'


def url_decode(s):
    b = re.sub(rb'%([0-9A-Fa-f]{2})', lambda m: bytes([int(m.group(1), 16)]), s.encode('utf-8', SE))
    return b.decode('utf-8', SE)


def jdump(v):
    return json.dumps(v, ensure_ascii=False, separators=(',', ':'))


def parse_headers(block):
    out = []
    for line in block.decode('utf-8', SE).split('\n'):
        line = line.rstrip('\r')
        if line and ':' in line:
            k, _, v = line.partition(':')
            out.append((k, v.lstrip(' \t')))
    return out


def hget(pairs, name):
    name = name.lower()
    for k, v in pairs:
        if k.lower() == name:
            return v
    return None


def frames(data):
    """Split an ESL byte stream into (headers, body) messages by Content-Length."""
    pos = 0
    while True:
        end = data.find(b'\n\n', pos)
        if end < 0:
            return
        hdrs, pos, body = parse_headers(data[pos:end]), end + 2, None
        clen = hget(hdrs, 'Content-Length')
        if clen is not None:
            body, pos = data[pos:pos + int(clen)], pos + int(clen)
        yield hdrs, body


def capture_stream(path):
    out = bytearray()
    with open(path) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                if o['dir'] == 'FS->C':
                    out += base64.b64decode(o['b64'])
    return bytes(out)


class Ev:
    """One event: plain headers (wire-encoded values), body bytes or None, json pairs."""
    def __init__(self, plain, body, jpairs=None):
        self.plain, self.body = plain, body
        self.dec = [(k, url_decode(v)) for k, v in plain]
        self.name = (hget(self.dec, 'Event-Name') or '').upper()
        self.sub = hget(self.dec, 'Event-Subclass')
        if jpairs is None:
            jpairs = [(k, d[7:].split('|:') if d.startswith('ARRAY::') else
                       ('' if v == '_undef_' else d)) for (k, v), (_, d) in zip(plain, self.dec)]
            if body is not None:
                jpairs += [('Content-Length', str(len(body))), ('_body', body.decode('utf-8', SE))]
        self.jpairs = jpairs

    def render(self, fmt, seq):
        seq = str(seq)
        if fmt == 'json':
            data = ('{' + ','.join(jdump(k) + ':' + jdump(seq if k == 'Event-Sequence' else v)
                                   for k, v in self.jpairs) + '}').encode('utf-8', SE)
        elif fmt == 'xml':
            esc = lambda s: s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            data = ('<event>\n  <headers>\n' + ''.join(
                '    <%s>%s</%s>\n' % (k, esc(seq if k == 'Event-Sequence' else v), k)
                for k, v in self.plain) + '  </headers>\n').encode('utf-8', SE)
            if self.body:
                data += (b'  <Content-Length>%d</Content-Length>\n  <body>' % len(self.body)
                         + esc(self.body.decode('utf-8', SE)).encode('utf-8', SE) + b'</body>\n')
            data += b'</event>'
        else:
            data = ''.join('%s: %s\n' % (k, seq if k == 'Event-Sequence' else v)
                           for k, v in self.plain).encode('utf-8', SE)
            data += (b'Content-Length: %d\n\n' % len(self.body) + self.body) if self.body else b'\n'
        return b'Content-Length: %d\nContent-Type: text/event-%s\n\n' % (len(data), fmt.encode()) + data


def load_pool(fixdir):
    json_by_seq = {}
    for h, body in frames(capture_stream(os.path.join(fixdir, 'fax-events-json-t30-sip.jsonl'))):
        if hget(h, 'Content-Type') == 'text/event-json':
            pairs = json.loads(body.decode('utf-8', SE), object_pairs_hook=list)
            json_by_seq[hget(pairs, 'Event-Sequence')] = pairs
    pool = []
    for h, body in frames(capture_stream(os.path.join(fixdir, 'fax-events-plain-t30-sip.jsonl'))):
        if hget(h, 'Content-Type') != 'text/event-plain':
            continue
        end = body.find(b'\n\n')
        plain = parse_headers(body[:end])
        inner = None
        if plain and plain[-1][0].lower() == 'content-length':
            inner = body[end + 2:end + 2 + int(plain.pop()[1])]
        pool.append(Ev(plain, inner, json_by_seq.get(hget(plain, 'Event-Sequence'))))
    api = {}
    for h, body in frames(capture_stream(os.path.join(fixdir, 'inbound-session.jsonl'))):
        if hget(h, 'Content-Type') == 'api/response':
            if body.startswith(b'UP '):
                api.setdefault('status', body)
            elif body.startswith(b'FreeSWITCH Version'):
                api.setdefault('version', body)
    return pool, api


def event_type(tok):                    # switch_name_event: case-insensitive, SWITCH_EVENT_ prefix
    t = tok.upper()
    if t in EVENT_NAMES:
        return t
    return t[13:] if len(t) > 13 and t[13:] in EVENT_NAMES else None


class Server:
    def __init__(self, a):
        self.a = a
        self.pool, self.api_bodies = load_pool(a.fixtures)
        self.job_tmpl = next(e for e in self.pool if e.name == 'BACKGROUND_JOB')
        self.scripted = {}
        for s in a.api_reply:
            k, _, v = s.partition('=')
            self.scripted[k] = v.replace('\\n', '\n')
        self.db, self.lock = {}, threading.Lock()
        self.logf = open(a.log, 'a') if a.log else None

    def log(self, line):
        if self.logf:
            with self.lock:
                self.logf.write(line + '\n')
                self.logf.flush()

    def run_api(self, name, arg):
        """Output of an API command as bytes, or None if the command does not exist."""
        full = name + (' ' + arg if arg else '')
        if full in self.scripted or name in self.scripted:
            return self.scripted.get(full, self.scripted.get(name)).encode()
        if name in self.api_bodies:
            return self.api_bodies[name]
        if name == 'db':
            return self.db_api(arg).encode()
        return None

    def db_api(self, arg):                  # mod_db: op/realm/key/value, at most 4 fields
        f = [x.strip() for x in arg.split('/', 3)] if arg.strip() else []
        op = f[0].lower() if f else ''
        with self.lock:
            if op == 'insert' and len(f) == 4:
                self.db[(f[1], f[2])] = f[3]
                return '+OK'
            if op == 'delete' and len(f) >= 3:
                self.db.pop((f[1], f[2]), None)
                return '+OK'
            if op == 'select' and len(f) >= 3:
                return self.db.get((f[1], f[2]), '')[:255]
            if op == 'exists' and len(f) >= 3:
                return 'true' if (f[1], f[2]) in self.db else 'false'
            if op in ('count', 'list'):
                items = sorted({r for r, _ in self.db}) if len(f) < 2 else \
                    [k for r, k in self.db if r == f[1]]
                return str(len(items)) if op == 'count' else ','.join(items)[:4095]
        return '!err!'


class Conn(threading.Thread):
    def __init__(self, srv, sock, n):
        super().__init__(daemon=True)
        self.srv, self.a, self.sock, self.n = srv, srv.a, sock, n
        self.lock = threading.RLock()
        self.buf = b''
        self.authed = self.events_on = self.logging = self.stream_started = False
        self.closing = None                 # monotonic time when an orderly close started
        self.fmt, self.ev, self.subs, self.filters = 'plain', set(), set(), []
        self.seq = self.cursor = 0
        self.t0 = self.last_cmd = time.monotonic()

    # ---- output
    def raw(self, data):
        with self.lock:
            k = self.a.chunk
            if k:
                for i in range(0, len(data), k):
                    self.sock.sendall(data[i:i + k])
            else:
                self.sock.sendall(data)

    def reply(self, text, extra=''):
        self.raw(('Content-Type: command/reply\nReply-Text: %s\n%s\n' % (text, extra)).encode())

    def close_orderly(self, notice=True):
        with self.lock:
            if self.closing is None:
                self.closing = time.monotonic()
                try:
                    if notice:
                        self.raw(GOODBYE)
                    self.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

    def abort(self):
        with self.lock:
            self.closing = time.monotonic() - 60
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # ---- events
    def wants(self, ev):
        if not self.events_on:
            return False
        if 'ALL' in self.ev:
            send = True
        elif ev.name in self.ev:
            send = ev.name != 'CUSTOM' or not ev.sub or ev.sub in self.subs
        else:
            return False
        if send and self.filters:           # mod_event_socket event_handler filter loop
            send = False
            for fname, fval in self.filters:
                hval = hget(ev.dec, fname)
                if hval is None:
                    continue
                m = re.match(r'[+\- ]*', fval)
                pos = '-' not in m.group(0).replace(' ', '')[-1:]
                comp = fval[m.end():]
                if send and pos:
                    continue
                if fval.startswith('/'):
                    pat, flags = comp[1:] if comp.startswith('/') else comp, 0
                    if '/' in pat:
                        pat, _, fl = pat.rpartition('/')
                        flags = re.I if 'i' in fl else 0
                    cmp = re.search(pat, hval, flags) is not None
                else:
                    cmp = hval.lower() == comp.lower()
                if cmp:
                    if not pos:
                        return False
                    send = True
        return send

    def emit(self, ev=None):
        """Send ev (or the next pool event the connection wants); False if nothing was sent."""
        with self.lock:
            if ev is None:
                ev = self.next_event()
            if ev is None or not self.wants(ev):
                return False
            self.seq += 1
            self.raw(ev.render(self.fmt, self.seq))
            return True

    def next_event(self):
        pool = self.srv.pool
        for _ in range(len(pool)):
            ev = pool[self.cursor]
            self.cursor = (self.cursor + 1) % len(pool)
            if self.wants(ev):
                return ev
        return None

    def stream(self):
        a = self.a
        while time.monotonic() - self.last_cmd < 0.1 and time.monotonic() - self.t0 < 30:
            time.sleep(0.02)
        drop = a.drop_after if self.n == 1 else None
        sent, total = 0, a.stream
        try:
            while sent < total and self.closing is None:
                with self.lock:
                    out = []
                    while sent < total and sum(map(len, out)) < 65536 and sent != drop:
                        ev = self.next_event()
                        if ev is None:
                            total = sent
                            break
                        self.seq += 1
                        out.append(ev.render(self.fmt, self.seq))
                        sent += 1
                    if out:
                        self.raw(b''.join(out))
                    if drop is not None and sent == drop:
                        ev = self.next_event()
                        if ev is not None:
                            self.seq += 1
                            data = ev.render(self.fmt, self.seq)
                            self.raw(data[:len(data) // 2])
                        self.abort()
                        return
            if a.close_after_stream:
                self.close_orderly()
        except OSError:
            self.abort()

    def bg_job(self, job, name, arg):
        out = self.srv.run_api(name, arg)
        if out is None:
            out = ('-ERR %s Command not found!\n' % name).encode()
        plain = []
        for k, v in self.srv.job_tmpl.plain:
            if k == 'Job-UUID':
                v = job
            elif k == 'Job-Command':
                v = url_encode(name)
            elif k == 'Job-Command-Arg':
                if not arg:
                    continue
                v = url_encode(arg)
            plain.append((k, v))
        try:
            for _ in range(self.a.bg_interleave):
                self.emit()
            self.emit(Ev(plain, out))
        except OSError:
            pass

    # ---- input
    def recv(self):
        while True:
            now = time.monotonic()
            if self.closing is not None and now - self.closing > 3:
                return b''
            if not self.authed and self.closing is None and now - self.t0 > self.a.auth_timeout:
                self.close_orderly()
            if select.select([self.sock], [], [], 0.2)[0]:
                try:
                    return self.sock.recv(65536)
                except OSError:
                    return b''

    def read_command(self):
        while True:
            self.buf = self.buf.lstrip(b'\r\n')
            m = re.search(rb'\n\r*\n', self.buf)
            if m:
                break
            data = self.recv()
            if not data:
                return None
            self.buf += data
        lines = self.buf[:m.start()].split(b'\n')
        self.buf = self.buf[m.end():]
        cmd = re.split(r'[\r\n]', lines[0].decode('utf-8', SE))[0]
        hdrs = parse_headers(b'\n'.join(lines[1:]))
        body, clen = b'', hget(hdrs, 'Content-Length')
        if clen is not None:
            n = int(clen) if re.match(r'-?\d+$', clen.strip()) else 0
            if n < 0 or n > MAX_CLEN:
                return None
            while len(self.buf) < n:
                data = self.recv()
                if not data:
                    return None
                self.buf += data
            body, self.buf = self.buf[:n], self.buf[n:]
        return cmd, hdrs, body

    def run(self):
        self.srv.log('CONNECT %d' % self.n)
        try:
            if self.a.rude:
                self.raw(RUDE)
                self.close_orderly()
            else:
                self.raw(b'Content-Type: auth/request\n\n')
            while True:
                c = self.read_command()
                if c is None:
                    break
                if self.closing is None:
                    self.handle(*c)
        except OSError:
            pass
        finally:
            try:
                self.sock.close()
            except OSError:
                pass
            self.srv.log('CLOSE %d' % self.n)

    def handle(self, cmd, hdrs, body):
        job = hget(hdrs, 'Job-UUID')
        low = cmd.lower()
        is_bg = low.startswith('bgapi ')
        self.srv.log(cmd + (' Job-UUID=%s' % job if is_bg and job else ''))
        self.last_cmd = time.monotonic()
        if low.startswith('exit') or low.startswith('...'):
            self.reply('+OK bye')
            return self.close_orderly()
        if not self.authed:
            if low.startswith('auth '):
                if cmd[5:] == self.a.password:
                    self.authed = True
                    return self.reply('+OK accepted')
                self.reply('-ERR invalid')
                return self.close_orderly()
            return self.reply('-ERR command not found')
        if low.startswith('filter '):
            return self.reply(self.filter_cmd(cmd[7:].lstrip(' ')))
        if low.startswith('api ') or is_bg:
            name, _, arg = cmd[4 if not is_bg else 6:].partition(' ')
            if self.a.event_before_reply:
                self.emit()
            if is_bg:
                job = job or str(uuid.uuid4())
                self.reply('+OK Job-UUID: ' + job, 'Job-UUID: %s\n' % job)
                threading.Thread(target=self.bg_job, args=(job, name, arg), daemon=True).start()
                return
            out = self.srv.run_api(name, arg)
            out = ('-ERR %s Command not found!\n' % name).encode() if out is None else \
                out or b'-ERR no reply\n'
            return self.raw(b'Content-Type: api/response\nContent-Length: %d\n\n' % len(out) + out)
        if low.startswith('log'):
            lvl = cmd[3:].lstrip(' ').split(' ')[0]
            n = 7 if not lvl else (int(lvl) if re.match(r'[0-7]$', lvl) else LOG_LEVELS.get(lvl.lower()))
            if n is None:
                return self.reply('-ERR invalid log level')
            self.logging = True
            return self.reply('+OK log level %s [%d]' % (lvl, n))
        if low.startswith('linger') or low.startswith('nolinger'):
            return self.reply('-ERR not controlling a session')
        if low.startswith('nolog'):
            was, self.logging = self.logging, False
            return self.reply('+OK no longer logging' if was else '-ERR not loging')
        if low.startswith('event'):
            return self.event_cmd(cmd)
        if low.startswith('nixevent'):
            return self.nixevent_cmd(cmd)
        if low.startswith('noevents'):
            with self.lock:
                was, self.events_on = self.events_on, False
                self.ev, self.subs = set(), set()
            return self.reply('+OK no longer listening for events' if was
                              else '-ERR not listening for events')
        return self.reply('-ERR command not found')

    def filter_cmd(self, rest):
        name, sp, val = rest.partition(' ')
        val = val if sp else None
        with self.lock:
            if name.lower() == 'delete' and val is not None:
                name, sp, val = val.partition(' ')
                val = val if sp else None
                if name.lower() == 'all':
                    self.filters = []
                else:
                    self.filters = [(k, v) for k, v in self.filters
                                    if k.lower() != name.lower() or (val is not None and v != val)]
                return '+OK filter deleted. [%s][%s]' % (name, val or '')
            if val is None:
                return '-ERR invalid syntax'
            if name.lower() == 'add':
                name, sp, val = val.partition(' ')
                val = val if sp else ''
            self.filters.append((name, val))
            return '+OK filter added. [%s]=[%s]' % (name, val)

    def event_cmd(self, cmd):
        toks = cmd.split(' ')[1:] if ' ' in cmd else []
        keys = 0
        custom = False
        with self.lock:
            for i, tok in enumerate(toks):
                if i == 0 and tok.lower() in ('plain', 'json', 'xml'):
                    self.fmt = tok.lower()
                elif custom:
                    self.subs.add(tok)
                elif event_type(tok):
                    t = event_type(tok)
                    keys += 1
                    if t == 'ALL':
                        self.ev |= EVENT_NAMES
                    self.ev.add(t)
                    custom = custom or t == 'CUSTOM'
            if not keys:
                return self.reply('-ERR no keywords supplied')
            self.events_on = True
            self.reply('+OK event listener enabled %s' % self.fmt)
        if self.a.stream and not self.stream_started:
            self.stream_started = True
            threading.Thread(target=self.stream, daemon=True).start()

    def nixevent_cmd(self, cmd):
        toks = cmd.split(' ')[1:] if ' ' in cmd else []
        keys = 0
        custom = False
        with self.lock:
            for tok in toks:
                if custom:
                    self.subs.discard(tok)
                elif event_type(tok):
                    t = event_type(tok)
                    keys += 1
                    if t == 'CUSTOM':
                        custom = True
                    elif t == 'ALL':
                        self.ev = set()
                    else:
                        if 'ALL' in self.ev:
                            self.ev = EVENT_NAMES - {'ALL'}
                        self.ev.discard(t)
            if not keys:
                return self.reply('-ERR no keywords supplied')
            self.events_on = True
            return self.reply('+OK events nixed')


def main(argv=None):
    p = argparse.ArgumentParser(description='fake FreeSWITCH inbound event socket for tests')
    p.add_argument('--listen', default='127.0.0.1:0')
    p.add_argument('--port-file')
    p.add_argument('--password', default='ClueCon')
    p.add_argument('--rude', action='store_true')
    p.add_argument('--log')
    p.add_argument('--stream', type=int, default=0)
    p.add_argument('--chunk', type=int, default=0)
    p.add_argument('--drop-after', type=int)
    p.add_argument('--close-after-stream', action='store_true')
    p.add_argument('--api-reply', action='append', default=[])
    p.add_argument('--bg-interleave', type=int, default=3)
    p.add_argument('--event-before-reply', action='store_true')
    p.add_argument('--auth-timeout', type=float, default=25.0)
    p.add_argument('--fixtures', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      '..', 'fixtures', 'esl'))
    a = p.parse_args(argv)
    srv = Server(a)
    host, _, port = a.listen.rpartition(':')
    ls = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host.strip('[]') or '127.0.0.1', int(port or 0)))
    ls.listen(128)

    def bye(*_):
        if srv.logf:
            srv.logf.flush()
        os._exit(0)
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    if a.port_file:
        tmp = '%s.tmp.%d' % (a.port_file, os.getpid())
        with open(tmp, 'w') as f:
            f.write('%d\n' % ls.getsockname()[1])
        os.rename(tmp, a.port_file)
    n = 0
    while True:
        s, _ = ls.accept()
        n += 1
        if a.chunk:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Conn(srv, s, n).start()


if __name__ == '__main__':
    sys.exit(main())
