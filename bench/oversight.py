#!/usr/bin/env python3
"""The OCOP office's reports at the benchmark's scale (bench/run.sh, after the loads have scanned, counted and checked).

  oversight.py URL ADMIN_KEY REQUESTS

Registers Thanh Hóa's OCOP office (every producer of the dataset is in Thanh Hóa, so its reports cover the whole
dataset: the worst case for a province) and asks each report REQUESTS times, one after another, after one request not
counted: as the province's JSON and CSV, and as the national level's JSON over every province. Prints key=value lines:
each report's median and slowest latency in milliseconds, and the size of its answer.
"""
import json, statistics, sys, time, urllib.request

url, admin, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
REPORTS = ["products", "certifications", "idle-products", "scans", "signals", "recalls", "shopper-reports"]

def call(method, path, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={"X-Api-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status in (200, 201), (path, r.status)
        return r.read()

office = json.loads(call("POST", "/api/v1/authorities", admin, {"name": "Văn phòng OCOP tỉnh Thanh Hóa (bench)", "level": "province", "provinceCode": "38"}))
key = office["apiKey"]
slowest = 0.0
for report in REPORTS:
    for who, k, query in [("province", key, ""), ("province_csv", key, "?format=csv"), ("national", admin, "")]:
        path = f"/api/v1/oversight/{report}{query}"
        size = len(call("GET", path, k))
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            call("GET", path, k)
            times.append((time.perf_counter() - start) * 1000)
        name = f"oversight_{report.replace('-', '_')}_{who}"
        print(f"{name}_p50_ms={statistics.median(times):.1f}")
        print(f"{name}_max_ms={max(times):.1f}")
        print(f"{name}_bytes={size}")
        slowest = max(slowest, max(times))
print(f"oversight_slowest_ms={slowest:.1f}")
print(f"oversight_requests={requests}")
