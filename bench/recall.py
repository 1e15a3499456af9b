#!/usr/bin/env python3
"""Another producer's writes while a large recall runs (bench/recall.sh).

  recall.py URL ADMIN_KEY DESCENDANTS

A producer registers a batch and DESCENDANTS batches made from it (the shape a competitor can build under a batch by its
public code). Another producer then appends single events, one after another, first alone, then while the first
batch's recall marks every descendant in the background. Prints key=value lines: the appends' latency percentiles
alone and during the recall, and how long the recall took to reach every batch.
"""
import concurrent.futures, json, statistics, sys, time, urllib.request

url, admin, descendants = sys.argv[1], sys.argv[2], int(sys.argv[3])

def call(method, path, key, body=None, expect=(200, 201, 202)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={"X-Api-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        assert r.status in expect, (path, r.status)
        text = r.read()
        return json.loads(text) if text else None

def producer(name):
    made = call("POST", "/api/v1/producers", admin, {"name": name, "kind": "cooperative", "address": {"commune": "Xã Xuân Lập", "province": "Thanh Hóa"}})
    return made["apiKey"]

owner, other = producer("HTX Chè Xuân Lập"), producer("HTX Rau Đông Sơn")
product = call("POST", "/api/v1/products", owner, {"name": "Chè búp", "category": "beverage"})["id"]
root = call("POST", "/api/v1/batches", owner, {"productId": product, "lotNumber": "ROOT", "producedOn": "2025-11-20"})
made = time.monotonic()
def child(i):
    call("POST", "/api/v1/batches", owner, {"productId": product, "lotNumber": f"C-{i}", "producedOn": "2025-11-21", "parents": [{"batchId": root["id"]}]})
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(child, range(descendants)))
print(f"recall_descendants={descendants}")
print(f"recall_setup_seconds={time.monotonic() - made:.1f}")

other_product = call("POST", "/api/v1/products", other, {"name": "Rau cải", "category": "food"})["id"]
other_batch = call("POST", "/api/v1/batches", other, {"productId": other_product, "lotNumber": "RAU-1", "producedOn": "2025-11-20"})["id"]

def append():
    start = time.monotonic()
    call("POST", f"/api/v1/batches/{other_batch}/events", other, {"type": "storing", "occurredAt": "2025-11-28T07:30:00+07:00"})
    return (time.monotonic() - start) * 1000

def percentiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]
    return pick(0.5), pick(0.99), s[-1]

for _ in range(50): append()  # warm up
alone = [append() for _ in range(500)]

start = time.monotonic()
recall = call("POST", f"/api/v1/batches/{root['id']}/recall", owner, {"reason": "Bench: nhiễm khuẩn"})
answered = time.monotonic() - start
during = []
while True:
    during.append(append())
    if len(during) % 20 == 0 and call("GET", recall["links"]["self"], owner)["status"] == "complete":
        break
recall_seconds = time.monotonic() - start
final = call("GET", recall["links"]["self"], owner)
assert final["affectedCount"] == descendants + 1, final

for name, samples in (("alone", alone), ("during_recall", during)):
    p50, p99, worst = percentiles(samples)
    print(f"append_{name}_n={len(samples)}")
    print(f"append_{name}_p50_ms={p50:.2f}")
    print(f"append_{name}_p99_ms={p99:.2f}")
    print(f"append_{name}_max_ms={worst:.2f}")
print(f"recall_answer_seconds={answered:.2f}")
print(f"recall_seconds={recall_seconds:.1f}")
print(f"recall_affected={final['affectedCount']}")
