#!/usr/bin/env python3
"""The webhook dispatcher's delivery rate to a local receiver (bench/run.sh).

  webhooks.py URL WRITERS DB RECEIVER SUBSCRIPTIONS EVENTS

One producer subscribes SUBSCRIPTIONS webhooks (event.recorded) to RECEIVER, then records EVENTS events in one bulk
request: EVENTS x SUBSCRIPTIONS deliveries, written by the outbox in that request's transaction. Measures from the
request's answer to the last delivery recorded as delivered (polling the database), and prints key=value lines.
The subscriptions are deleted afterwards.
"""
import json, sqlite3, sys, time, urllib.request

url, writers, db, receiver, subscriptions, events = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
key, batches = open(writers).readline().split()
batches = batches.split(",")

def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={"X-Api-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        text = r.read()
        return json.loads(text) if text else None

hooks = [call("POST", "/api/v1/webhooks", {"url": f"{receiver}/hooks/{i}", "events": ["event.recorded"]})["id"] for i in range(subscriptions)]
con = sqlite3.connect(db)
before = con.execute("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'").fetchone()[0]
body = {"events": [{"batchId": batches[i % len(batches)], "type": "storing", "occurredAt": "2025-11-28T07:30:00+07:00", "note": f"Kho {i}"} for i in range(events)]}
call("POST", "/api/v1/events", body)
start = time.monotonic()
expected = subscriptions * events
done = 0
while time.monotonic() - start < 300:
    done = con.execute("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'").fetchone()[0] - before
    if done >= expected:
        break
    time.sleep(0.05)
elapsed = time.monotonic() - start
failed = con.execute("SELECT COUNT(*) FROM webhook_attempts WHERE status_code IS NULL OR status_code >= 300").fetchone()[0]
for h in hooks:
    call("DELETE", f"/api/v1/webhooks/{h}")
print(f"webhook_deliveries={done}")
print(f"webhook_expected={expected}")
print(f"webhook_seconds={elapsed:.2f}")
print(f"webhook_rate={done / elapsed:.0f}")
print(f"webhook_failed_attempts={failed}")
print(f"webhook_subscriptions={subscriptions}")
