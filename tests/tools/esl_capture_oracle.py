#!/usr/bin/env python3
"""Independent reference framer for the ESL captures (esl-protocol.md §1, §3).

For every tests/fixtures/esl/<capture>.jsonl this writes
tests/fixtures/esl/expected/<capture>.json, the messages FreeSWITCH sent
(FS->C), one per line:
  {"headers": [[name, value], ...],      raw outer headers, in order
   "body": base64 | null,                 iff the block has Content-Length
   "event_headers": [[name, value], ...], text/event-plain, text/event-json and
   "event_body": str | null}              the outbound connect reply only
and, when the commands we sent (C->FS) frame the same way,
expected/<capture>.commands.json:
  {"command": first line, "headers": [[name, value], ...], "body": base64 | null}

Usage: python3 tests/tools/esl_capture_oracle.py   (deterministic; stdlib only)
Written from the spec, not from lib/: keep it that way.
"""
import base64
import json
import re
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "esl"


def stream(capture, direction):
    """The reassembled bytes of one direction ("FS->C" or "C->FS")."""
    out = bytearray()
    for line in capture.read_text().splitlines():
        chunk = json.loads(line)
        if chunk["dir"] == direction:
            out += base64.b64decode(chunk["b64"])
    return bytes(out)


def text(b):
    return b.decode("utf-8")  # the captures are UTF-8 throughout; fail loudly if not


def split_header(line):
    """b'Name: value' -> (name, raw value): split at the first ':', skip blanks after it."""
    name, colon, value = line.partition(b":")
    if not colon:
        raise ValueError("header line without ':': %r" % line)
    return text(name), value.lstrip(b" \t")


def frame(data):
    """Splits a byte stream into [(header lines, body bytes or None)].

    A header block ends at the first empty line; it has a body iff it has a
    Content-Length header. Empty lines between messages are skipped."""
    messages, pos = [], 0
    while True:
        while data[pos:pos + 1] in (b"\n", b"\r"):
            pos += 1
        if pos == len(data):
            return messages
        end = data.find(b"\n\n", pos)
        if end < 0:
            raise ValueError("unterminated header block at byte %d" % pos)
        lines = [l.rstrip(b"\r") for l in data[pos:end].split(b"\n")]
        pos = end + 2
        body = None
        for line in lines:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                n = int(value.strip())
                body = data[pos:pos + n]
                if len(body) != n:
                    raise ValueError("truncated body at byte %d" % pos)
                pos += n
                break
        messages.append((lines, body))


def url_decode(b):
    """%XX only; '+' and a malformed '%' stay as they are."""
    return re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), b)


def plain_header(name, raw):
    """One URL-encoded header -> [[name, value], ...]; ARRAY::a|:b gives one pair per item."""
    value = text(url_decode(raw))
    if value == "_undef_":
        value = ""
    if value.startswith("ARRAY::"):
        return [[name, item] for item in value[len("ARRAY::"):].split("|:")]
    return [[name, value]]


def decode_plain(body):
    """text/event-plain body -> (headers, body or None)."""
    head, _, rest = body.partition(b"\n\n")
    headers, inner = [], None
    for line in head.split(b"\n"):
        name, raw = split_header(line)
        if name.lower() == "content-length":  # the inner length: not a header
            inner = text(rest[:int(raw)])
        else:
            headers += plain_header(name, raw)
    return headers, inner


def decode_json(body):
    """text/event-json body -> (headers, body or None); duplicate keys kept in order."""
    headers, inner = [], None
    for key, value in json.loads(text(body), object_pairs_hook=lambda pairs: pairs):
        if key == "_body":
            inner = value
        elif key == "Content-Length":
            continue
        elif isinstance(value, list):
            headers += [[key, item] for item in value]
        else:
            headers.append([key, value])
    return headers, inner


def b64(body):
    return None if body is None else base64.b64encode(body).decode()


def describe(lines, body):
    pairs = [split_header(l) for l in lines]
    msg = {"headers": [[n, text(v)] for n, v in pairs], "body": b64(body)}
    ctype = next((text(v) for n, v in pairs if n.lower() == "content-type"), "")
    event = None
    if ctype == "text/event-plain":
        event = decode_plain(body)
    elif ctype == "text/event-json":
        event = decode_json(body)
    elif body is None and any(n == "Event-Name" for n, _ in pairs):
        # The outbound connect reply: the CHANNEL_DATA event as URL-encoded outer headers.
        event = ([h for n, v in pairs for h in plain_header(n, v)], None)
    if event is not None:
        msg["event_headers"], msg["event_body"] = event
    return msg


def describe_command(lines, body):
    return {"command": text(lines[0]),
            "headers": [[n, text(v)] for n, v in map(split_header, lines[1:])],
            "body": b64(body)}


def write(path, items):
    rows = [json.dumps(i, ensure_ascii=False, separators=(",", ":")) for i in items]
    path.write_text("[\n" + ",\n".join(rows) + "\n]\n")


def main():
    out_dir = FIXTURES / "expected"
    out_dir.mkdir(exist_ok=True)
    for capture in sorted(FIXTURES.glob("*.jsonl")):
        messages = [describe(l, b) for l, b in frame(stream(capture, "FS->C"))]
        write(out_dir / (capture.stem + ".json"), messages)
        try:
            commands = [describe_command(l, b) for l, b in frame(stream(capture, "C->FS"))]
        except ValueError as e:
            print("%s: C->FS does not frame (%s); no commands file" % (capture.name, e), file=sys.stderr)
            continue
        write(out_dir / (capture.stem + ".commands.json"), commands)
        print("%s: %d messages, %d commands" % (capture.name, len(messages), len(commands)))


if __name__ == "__main__":
    main()
