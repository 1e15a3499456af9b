#!/usr/bin/env python3
"""Bounded work (bench/limits.sh): another producer's writes while a million serials are issued, and what refusing a
100,000-event capture costs.

  limits.py URL ADMIN_KEY API_PID

Prints key=value lines: single-event append latency alone and while one producer issues 1,000,000 serials with PINs;
the issue's time; the time to refuse an 11 MB capture of 100,000 events and the API's resident set before, after and at
its peak (VmHWM is reset first through /proc/PID/clear_refs, so the peak is this request's).
"""
import json, sys, threading, time, urllib.request, urllib.error

url, admin, pid = sys.argv[1], sys.argv[2], sys.argv[3]

def call(method, path, key, body=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url + path, data=data, method=method, headers={"X-Api-Key": key, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def producer(name):
    status, body = call("POST", "/api/v1/producers", admin, {"name": name, "kind": "cooperative", "address": {"commune": "Xã Xuân Lập", "province": "Thanh Hóa"}})
    return json.loads(body)["apiKey"]

def batch(key, gtin=None):
    product = json.loads(call("POST", "/api/v1/products", key, {"name": "Nước mắm", "category": "food", "gtin": gtin})[1])["id"]
    return json.loads(call("POST", "/api/v1/batches", key, {"productId": product, "lotNumber": "L-1", "producedOn": "2025-11-20"})[1])["id"]

printer, farmer = producer("Công ty in tem"), producer("HTX Rau Đông Sơn")
printer_batch, farmer_batch = batch(printer, "8935049500124"), batch(farmer)

def append():
    start = time.monotonic()
    status, _ = call("POST", f"/api/v1/batches/{farmer_batch}/events", farmer, {"type": "storing", "occurredAt": "2025-11-28T07:30:00+07:00"})
    assert status == 201, status
    return (time.monotonic() - start) * 1000

def percentiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]
    return pick(0.5), pick(0.99), s[-1]

for _ in range(50): append()
alone = [append() for _ in range(500)]
done = {}
def issue():
    start = time.monotonic()
    status, body = call("POST", f"/api/v1/batches/{printer_batch}/serials", printer, {"count": 1_000_000, "withPin": True})
    done["status"], done["seconds"], done["lines"] = status, time.monotonic() - start, body.count(b"\n")
worker = threading.Thread(target=issue)
worker.start()
time.sleep(0.3)
during = []
while worker.is_alive():
    during.append(append())
worker.join()
assert done["status"] == 201 and done["lines"] == 1_000_001, done
for name, samples in (("alone", alone), ("during_issue", during)):
    p50, p99, worst = percentiles(samples)
    print(f"append_{name}_n={len(samples)}")
    print(f"append_{name}_p50_ms={p50:.2f}")
    print(f"append_{name}_p99_ms={p99:.2f}")
    print(f"append_{name}_max_ms={worst:.2f}")
print(f"issue_1m_seconds={done['seconds']:.1f}")

def rss(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
event = '{"type":"ObjectEvent","eventTime":"2025-11-22T09:30:00Z","eventTimeZoneOffset":"+07:00","epcList":["urn:x:1"]}'
document = ('{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",'
            '"creationDate":"2025-11-22T10:00:00Z","epcisBody":{"eventList":[' + ",".join([event] * 100_000) + "]}}").encode()
before = rss("VmRSS")
open(f"/proc/{pid}/clear_refs", "w").write("5")
start = time.monotonic()
status, _ = call("POST", "/api/v1/epcis/capture", farmer, raw=document, content_type="application/ld+json")
seconds = time.monotonic() - start
print(f"capture_100k_bytes={len(document)}")
print(f"capture_100k_status={status}")
print(f"capture_100k_seconds={seconds:.3f}")
print(f"capture_100k_rss_before_mb={before}")
print(f"capture_100k_rss_peak_mb={rss('VmHWM')}")
print(f"capture_100k_rss_after_mb={rss('VmRSS')}")
