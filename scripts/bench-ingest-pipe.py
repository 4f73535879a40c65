#!/usr/bin/env python3
"""Writes `redis-cli --pipe` inputs holding ccmon's exact stream entries, for
scripts/bench-ingest.sh: what Redis spends on a bare pipelined XADD of the very entries
ccmon wrote, with `*` IDs and with explicit `<ms>-<seq>` IDs.

usage: bench-ingest-pipe.py PORT SOURCE_KEY OUT_DIR [BATCH]

Reads every entry of SOURCE_KEY (an agent's events stream, written by `ccmon stream
ingest --maxlen 0`) from the Redis on 127.0.0.1:PORT and writes to OUT_DIR:

  star.resp      XADD agent:{pipe}:events MAXLEN ~ 100000 * <fields>      one per entry
  explicit.resp  XADD agent:{pipe}:events MAXLEN ~ 100000 <ms>-<seq> <fields>
  proto.resp     explicit.resp plus, every BATCH entries (default 512), what the
                 explicit-ID design sends per batch besides the XADDs: the meta update
                 (a small guarded script, EVALSHA after the first EVAL), the TTLs and the
                 `agents` update.

Standard library only; the data field is copied byte for byte.
"""
import hashlib
import socket
import sys


def command(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""
        self.at = 0

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise EOFError("redis closed the connection")
        self.buf = self.buf[self.at:] + chunk
        self.at = 0

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n", self.at)
            if end >= 0:
                line = self.buf[self.at:end]
                self.at = end + 2
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) - self.at < n + 2:
            self._fill()
        data = self.buf[self.at:self.at + n]
        self.at += n + 2
        return data

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        if kind == b":":
            return int(rest)
        if kind == b"+":
            return rest
        raise RuntimeError("redis error: %r" % rest)

    def call(self, *args):
        self.sock.sendall(command(args))
        return self.reply()


META_SCRIPT = (
    "local s = redis.call('HGET', KEYS[1], 'last_event_at') "
    "if not s or s <= ARGV[1] then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end "
    "return 1"
)


def main():
    port, source, out_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 512
    conn = Conn(port)
    meta = conn.call("HGETALL", source.replace(":events", ":meta")) or []
    key = "agent:{pipe}:events"
    meta_key = "agent:{pipe}:meta"
    first = True
    base = 1764294355123  # a run start in ms; any fixed value does
    files = {name: open("%s/%s.resp" % (out_dir, name), "wb") for name in ("star", "explicit", "proto")}
    start = "-"
    n = 0
    while True:
        page = conn.call("XRANGE", source, start, "+", "COUNT", 10000)
        if not page:
            break
        for entry_id, flat in page:
            fields = dict(zip(flat[0::2], flat[1::2]))
            seq = int(fields.get(b"seq", b"0"))
            head = ["XADD", key, "MAXLEN", "~", 100000]
            files["star"].write(command(head + ["*"] + flat))
            explicit = command(head + ["%d-%d" % (base, seq)] + flat)
            files["explicit"].write(explicit)
            files["proto"].write(explicit)
            n += 1
            if n % batch == 0:
                files["proto"].write(per_batch(key, meta_key, meta, first))
                first = False
        start = b"(" + page[-1][0]
    files["proto"].write(per_batch(key, meta_key, meta, first))
    for f in files.values():
        f.close()
    print(n)


def per_batch(key, meta_key, meta, first):
    last = dict(zip(meta[0::2], meta[1::2])).get(b"last_event_at", b"")
    if first:
        script = ["EVAL", META_SCRIPT]
    else:
        script = ["EVALSHA", hashlib.sha1(META_SCRIPT.encode()).hexdigest()]
    out = command(script + [1, meta_key, last] + meta)
    out += command(["EXPIRE", key, 86400])
    out += command(["EXPIRE", meta_key, 86400])
    out += command(["ZADD", "agents", "GT", "1764294355.123", "pipe"])
    out += command(["ZREMRANGEBYSCORE", "agents", "-inf", "(1764207955.123"])
    out += command(["EXPIRE", "agents", 86400])
    return out


if __name__ == "__main__":
    main()
