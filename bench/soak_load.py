#!/usr/bin/env python3
"""bench/soak_load.py - the two load loops of bench/soak.sh, one process each.

  soak_load.py start SANDBOX_URL HOOK_URL SECRET RATE SECONDS FIRST_ID OUT_CSV STOP_FILE
  soak_load.py complete ORDO_URL API_KEY OUT_CSV STOP_FILE

start     open loop: new hire number i (employee FIRST_ID + i of the sandbox's BambooHR, which
          soak.sh seeded) is due at t0 + i / RATE, for SECONDS; at that moment a thread of a pool
          asks the sandbox to send BambooHR's signed webhook about the employee to HOOK_URL
          (POST /_sandbox/bamboohr/webhook, docs/sandbox.md), whatever the earlier ones are
          doing: a slow answer does not slow the schedule (a closed loop would hide a server
          that falls behind). Ends early when STOP_FILE exists. One CSV row per delivery:
          "hook,DUE_S,LAG_MS,LATENCY_MS,STATUS,EMPLOYEE" (LAG: how late it left against the
          schedule; LATENCY: the round trip through the sandbox's sender to Ordo and back;
          STATUS: Ordo's HTTP status as the sandbox reports it, or 0 for no answer).
complete  the manager: lists the open user tasks every 0.2 s and approves each
          ({"variables":{"approved":true}}) over the API, until STOP_FILE exists. Rows
          "list,T_S,0,LATENCY_MS,STATUS,COUNT" and "complete,T_S,0,LATENCY_MS,STATUS,TASK".

Python because one process keeps the schedule with threads and times each request without a
process spawn per request (curl from bash would add its own start-up to every number).
"""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

LOCK = threading.Lock()


def request(url, body=None, headers=None, method="POST", timeout=30):
    """(status, body bytes, seconds); status 0 when there was no HTTP answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    t = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            out = resp.read()
            return resp.status, out, time.monotonic() - t
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - t
    except OSError:
        return 0, b"", time.monotonic() - t


def row(out, *fields):
    with LOCK:
        out.write(",".join(str(f) for f in fields) + "\n")
        out.flush()


def start(sandbox, hook_url, secret, rate, seconds, first_id, csv_path, stop_file):
    rate, seconds, first_id = float(rate), float(seconds), int(first_id)
    total = int(rate * seconds)
    t0 = time.monotonic()

    def send(i, due):
        lag = time.monotonic() - due
        emp = str(first_id + i)
        code, body, took = request(f"{sandbox}/_sandbox/bamboohr/webhook",
                                   {"url": hook_url, "secret": secret, "employee_id": emp})
        status = 0
        if code == 200:
            try:
                status = json.loads(body).get("status", 0)
            except ValueError:
                status = 0
        row(out, "hook", f"{due - t0:.3f}", f"{lag * 1000:.1f}", f"{took * 1000:.1f}", status, emp)

    # Threads enough for every request of 20 s in flight at once: a server that stalls longer
    # than that shows as lag (the schedule slips), not as a silent cut in the rate.
    with open(csv_path, "a", encoding="utf-8") as out, \
            ThreadPoolExecutor(max_workers=max(8, int(rate * 20))) as pool:
        for i in range(total):
            due = t0 + i / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if os.path.exists(stop_file):
                break
            pool.submit(send, i, due)


def complete(ordo, key, csv_path, stop_file):
    auth = {"Authorization": f"Bearer {key}"}
    t0 = time.monotonic()
    with open(csv_path, "a", encoding="utf-8") as out:
        while not os.path.exists(stop_file):
            code, body, took = request(f"{ordo}/api/tasks?state=open&limit=200", None, auth, "GET")
            keys = []
            if code == 200:
                keys = [t["key"] for t in json.loads(body).get("items", [])]
            row(out, "list", f"{time.monotonic() - t0:.3f}", 0, f"{took * 1000:.1f}", code, len(keys))
            for k in keys:
                code, _, took = request(f"{ordo}/api/tasks/{k}/complete",
                                        {"variables": {"approved": True}}, auth)
                row(out, "complete", f"{time.monotonic() - t0:.3f}", 0, f"{took * 1000:.1f}", code, k)
            time.sleep(0.2)


def main():
    if len(sys.argv) == 10 and sys.argv[1] == "start":
        start(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "complete":
        complete(*sys.argv[2:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
