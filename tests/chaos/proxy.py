#!/usr/bin/env python3
"""tests/chaos/proxy.py - a small TCP fault proxy for issue 11's chaos (c).

    proxy.py --upstream HOST:PORT --port-file FILE --log FILE [--seed S]
             [--control-port-file FILE] [--hold MODE]

It listens on 127.0.0.1 (a free port, written to --port-file once it listens) and forwards each
client connection to --upstream (the sandbox, ordo-sandbox). It reads HTTP/1.1 far enough to
know where each request and each answer ends (Content-Length, chunked, or until close), so a
fault hits one request of a kept-alive connection, as a real network or load balancer would:

  none          forward the request and the answer unchanged
  latency       wait 0.1-1.5 s before forwarding the request and again between the answer's
                head and its body (0.2-3 s in all, seeded)
  reset_before  forward only a part of the request (a random cut), then reset both connections
                (SO_LINGER 0: an RST): the service never acts on it
  reset_after   forward the whole request, wait for the whole answer (the service has acted),
                then reset the client's connection without a byte of it: the client cannot
                know whether it happened, and a retry repeats it
  truncate      forward the request, then only the answer's head and a part of its body (or a
                part of the head) and close: a short read for the client
  storm         answer every request itself, without forwarding it, with the storm's status:
                503 (half of them with Retry-After: 1), 500, 502, or 429 with Retry-After: 1-2

The mode changes on a seeded schedule: a fault phase (1-2.5 s) whose mode is the next of the
five above, in an order shuffled anew every five phases, then a quiet phase (none, 0.5-1.5 s),
and so on: every fault has had a phase within the first 18.5 s, and each storm phase draws its
status. The same
--seed gives the same schedule. --hold MODE starts with the schedule stopped in MODE.

Control: a TCP port on 127.0.0.1 (written to --control-port-file) takes one command per line
and answers one line: "mode MODE" (hold MODE until "auto"), "auto" (follow the schedule again,
from where it is), "stats" (a JSON object: requests per fault), "ping".

Log (--log): one JSON object per line, flushed at once: {"ev":"phase","mode":...} at each
change of mode, and per request {"ev":"req","conn":N,"req":N,"mode":...,"fault":...,
"method":...,"path":...,"status":...,"ms":...}, where fault is the fault applied (none when
the request went through untouched) and status the status the client got (0: none). A
connection the upstream refused or dropped is logged with fault "upstream_error". Paths are
logged without their query.
"""
import argparse
import asyncio
import json
import random
import socket
import struct
import sys
import time

FAULTS = ["latency", "reset_before", "reset_after", "truncate", "storm"]
MODES = ["none"] + FAULTS
STORM_STATUSES = [503, 500, 502, 429]
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}
MAX_HEAD = 64 * 1024
MAX_BODY = 32 * 1024 * 1024


class Closed(Exception):
    """The peer closed the connection (or sent something that is not HTTP/1.1)."""


class Schedule:
    """The seeded fault schedule, and the mode a control command holds."""

    def __init__(self, seed, log, hold=None):
        self.rng = random.Random(seed)
        self.log = log
        self.held = hold
        self.mode = "none"
        self.storm_status = 503
        self.order = []
        self.next_at = 0.0
        self.quiet_next = False  # the schedule opens with a fault
        self.counts = {}
        self._announce(hold or "none")

    def _announce(self, mode):
        self.mode = mode
        rec = {"ev": "phase", "mode": mode}
        if mode == "storm":
            rec["status"] = self.storm_status
        self.log.write(rec)

    def current(self):
        """The mode in force now, advancing the schedule when a phase is over."""
        if self.held:
            return self.held
        now = time.monotonic()
        if now >= self.next_at:
            if self.quiet_next:
                self.next_at = now + self.rng.uniform(0.5, 1.5)
                mode = "none"
            else:
                if not self.order:
                    self.order = FAULTS[:]
                    self.rng.shuffle(self.order)
                mode = self.order.pop(0)
                self.storm_status = self.rng.choice(STORM_STATUSES)
                self.next_at = now + self.rng.uniform(1.0, 2.5)
            self.quiet_next = not self.quiet_next
            self._announce(mode)
        return self.mode

    def hold(self, mode):
        self.held = mode
        self._announce(mode)

    def resume(self):
        self.held = None
        self.next_at = 0.0
        self.current()

    def count(self, fault):
        self.counts[fault] = self.counts.get(fault, 0) + 1


class Log:
    def __init__(self, path):
        self.f = open(path, "a", encoding="utf-8")  # pylint: disable=consider-using-with

    def write(self, rec):
        rec = {"t": round(time.time(), 3), **rec}
        self.f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        self.f.flush()


def header_value(head, name):
    """The value of header 'name' (lower case) in a raw head, or None."""
    for line in head.split(b"\r\n")[1:]:
        k, sep, v = line.partition(b":")
        if sep and k.strip().lower() == name:
            return v.strip().decode("latin-1")
    return None


async def read_head(reader):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial:
            raise Closed("a head cut short") from e
        return None
    except asyncio.LimitOverrunError as e:
        raise Closed("a head too long") from e
    return head


async def read_chunked(reader):
    """The raw bytes of a chunked body, trailers included."""
    out = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        out += line
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:
                t = await reader.readuntil(b"\r\n")
                out += t
                if t == b"\r\n":
                    return bytes(out)
        if len(out) + size > MAX_BODY:
            raise Closed("a body too large")
        out += await reader.readexactly(size + 2)


async def read_body(reader, head, until_close):
    """The raw body after 'head': by Content-Length, chunked, or (answers) until close."""
    te = header_value(head, b"transfer-encoding")
    if te and "chunked" in te.lower():
        return await read_chunked(reader)
    cl = header_value(head, b"content-length")
    if cl is not None:
        n = int(cl)
        if n > MAX_BODY:
            raise Closed("a body too large")
        return await reader.readexactly(n) if n else b""
    if until_close:
        return await reader.read(MAX_BODY)
    return b""


def drop_expect(head):
    """The request head without Expect: the proxy answers 100 Continue itself."""
    lines = head.split(b"\r\n")
    return b"\r\n".join(ln for ln in lines if not ln.lower().startswith(b"expect:"))


def reset(writer):
    """Close with an RST (SO_LINGER 0), as a crashed peer or a middlebox does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


def storm_answer(status, rng):
    body = json.dumps({"errorMessages": ["fault proxy: storm"], "errors": {},
                       "ok": False, "error": "fatal_error"}).encode()
    extra = ""
    if status == 429:
        extra = f"Retry-After: {rng.choice([1, 2])}\r\n"
    elif status == 503 and rng.random() < 0.5:
        extra = "Retry-After: 1\r\n"
    head = (f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}X-Fault-Proxy: storm\r\n\r\n")
    return head.encode() + body


class Proxy:
    def __init__(self, args, log, sched):
        self.host, port = args.upstream.rsplit(":", 1)
        self.port = int(port)
        self.log = log
        self.sched = sched
        self.rng = random.Random(args.seed * 7919 + 1)
        self.conns = 0

    async def handle(self, creader, cwriter):
        self.conns += 1
        cid = self.conns
        up = None
        nreq = 0
        try:
            while True:
                head = await read_head(creader)
                if head is None:
                    return
                nreq += 1
                up = await self.one(cid, nreq, head, creader, cwriter, up)
                if up is False:
                    return
        except (Closed, ConnectionError, asyncio.IncompleteReadError, ValueError, OSError):
            return
        finally:
            if up:
                up[1].transport.abort()
            if not cwriter.is_closing():
                cwriter.close()

    async def upstream(self, up):
        if up is None:
            up = await asyncio.open_connection(self.host, self.port, limit=MAX_HEAD)
        return up

    async def one(self, cid, nreq, head, creader, cwriter, up):
        """One request; answers the upstream pair to keep, or False to end the connection."""
        t0 = time.monotonic()
        first = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        method, path = (first + ["", ""])[:2]
        rec = {"ev": "req", "conn": cid, "req": nreq, "method": method,
               "path": path.split("?", 1)[0]}
        expect = header_value(head, b"expect")
        if expect and expect.lower() == "100-continue":
            cwriter.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            head = drop_expect(head)
        body = await read_body(creader, head, False)
        request = head + body
        mode = self.sched.current()
        rec["mode"] = mode

        def done(fault, status, keep):
            rec.update(fault=fault, status=status, ms=int((time.monotonic() - t0) * 1000))
            self.sched.count(fault)
            self.log.write(rec)
            return keep

        if mode == "storm":
            status = self.sched.storm_status
            cwriter.write(storm_answer(status, self.rng))
            await cwriter.drain()
            return done("storm", status, up)
        if mode == "reset_before":
            cut = self.rng.randint(1, max(1, len(request) - 1))
            try:
                up = await self.upstream(up)
                up[1].write(request[:cut])
                await up[1].drain()
                await asyncio.sleep(0.05)
                reset(up[1])
            except OSError:
                pass
            reset(cwriter)
            return done("reset_before", 0, False)
        if mode == "latency":
            await asyncio.sleep(self.rng.uniform(0.1, 1.5))
        try:
            up, rhead, rbody, close = await self.exchange(up, request, method)
        except (OSError, asyncio.IncompleteReadError, Closed):
            cwriter.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await cwriter.drain()
            return done("upstream_error", 502, False)
        status = int(rhead.split(b" ", 2)[1])
        if mode == "reset_after":
            reset(cwriter)
            return done("reset_after", 0, False)
        if mode == "truncate":
            if rbody:
                part = rhead + rbody[:self.rng.randint(0, len(rbody) - 1)]
            else:
                part = rhead[:self.rng.randint(1, len(rhead) - 1)]
            cwriter.write(part)
            await cwriter.drain()
            cwriter.close()
            return done("truncate", status, False)
        cwriter.write(rhead)
        if mode == "latency":
            await cwriter.drain()
            await asyncio.sleep(self.rng.uniform(0.1, 1.5))
        cwriter.write(rbody)
        await cwriter.drain()
        done("latency" if mode == "latency" else "none", status, None)
        return False if close else up

    async def exchange(self, up, request, method):
        """Forward one request and read its whole answer; a kept-alive upstream connection that
        the service closed while idle is opened again once (nothing was sent on it)."""
        for again in (True, False):
            reused = up is not None
            up = await self.upstream(up)
            ureader, uwriter = up
            uwriter.write(request)
            await uwriter.drain()
            rhead = await read_head(ureader)
            while rhead is not None and rhead.split(b" ", 2)[1].startswith(b"1"):
                rhead = await read_head(ureader)  # 100 Continue and the like
            if rhead is None:
                uwriter.transport.abort()
                up = None
                if reused and again:
                    continue
                raise Closed("the upstream closed without an answer")
            status = int(rhead.split(b" ", 2)[1])
            no_body = method == "HEAD" or status in (204, 304)
            rbody = b"" if no_body else await read_body(ureader, rhead, True)
            conn = (header_value(rhead, b"connection") or "").lower()
            close = conn == "close" or (
                not no_body and header_value(rhead, b"content-length") is None
                and "chunked" not in (header_value(rhead, b"transfer-encoding") or "").lower())
            if close:
                uwriter.transport.abort()
                up = None
            return up, rhead, rbody, close
        raise Closed("unreachable")


async def tick(sched):
    while True:
        sched.current()
        await asyncio.sleep(0.1)


async def control(reader, writer, sched):
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            words = line.decode("utf-8", "replace").split()
            if words[:1] == ["mode"] and len(words) == 2 and words[1] in MODES:
                sched.hold(words[1])
                answer = "ok"
            elif words == ["auto"]:
                sched.resume()
                answer = "ok"
            elif words == ["stats"]:
                answer = json.dumps({"mode": sched.current(), "counts": sched.counts})
            elif words == ["ping"]:
                answer = "pong"
            else:
                answer = "error: commands are mode " + "|".join(MODES) + ", auto, stats, ping"
            writer.write((answer + "\n").encode())
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def write_port(path, port):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(port))
    import os  # pylint: disable=import-outside-toplevel

    os.replace(path + ".tmp", path)


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--control-port-file")
    p.add_argument("--log", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hold", choices=MODES)
    args = p.parse_args()
    log = Log(args.log)
    sched = Schedule(args.seed, log, args.hold)
    proxy = Proxy(args, log, sched)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0, limit=MAX_HEAD)
    ticker = asyncio.create_task(tick(sched))  # phases follow the clock, not the traffic
    if args.control_port_file:
        ctl = await asyncio.start_server(lambda r, w: control(r, w, sched), "127.0.0.1", 0)
        write_port(args.control_port_file, ctl.sockets[0].getsockname()[1])
    write_port(args.port_file, server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()
    ticker.cancel()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
