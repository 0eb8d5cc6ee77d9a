#!/usr/bin/env python3
"""tests/chaos/receiver.py LOG PORTFILE - the chaos scripts' local HTTP peer.

It stands for the outside world of the process under test: the `http` connector's service task
calls POST /call and the outbound webhook subscription posts to /hook. Every request is appended
to LOG as one line, flushed at once, so a check after the run sees every request that reached
it (the scripts kill Ordo, never this): "hook WEBHOOK_ID TYPE INSTANCE_KEY" or
"call IDEMPOTENCY_KEY". It answers 200 to everything; the signature is not checked here
(test_webhooks_outbound does that), only that each event arrived. It listens on 127.0.0.1 on a
free port and writes the port to PORTFILE when it is ready.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the LOG file is the record
        pass

    def _record(self, line):
        with LOCK:
            with open(sys.argv[1], "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.startswith("/hook"):
            try:
                doc = json.loads(body)
                data = doc.get("data") or {}
                kind, inst = doc.get("type", "?"), data.get("instanceKey", "-")
            except ValueError:
                kind, inst = "unparsable", "-"
            self._record(f"hook {self.headers.get('webhook-id', '-')} {kind} {inst}")
        else:
            self._record(f"call {self.headers.get('X-Ordo-Idempotency-Key', '-')}")
        out = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_POST = _answer
    do_GET = _answer


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[2] + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    import os

    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
