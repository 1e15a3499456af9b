#!/usr/bin/env python3
"""Issues item serials through the API, as a cooperative does, for the benchmark (bench/run.sh).

  serials.py issue BASE_URL WRITERS.txt OUT_DIR REQUESTS COUNT
      REQUESTS requests of COUNT serials with PINs, each for a random batch of a random writer; the printer's file (CSV)
      is read to the end, so each time is the whole issue, streamed. Writes OUT_DIR/items.txt (item page paths) and
      OUT_DIR/pins.txt ("path pin"), a uniform sample of at most 100,000 lines per request; prints key=value lines.
"""
import json
import random
import statistics
import sys
import time
import urllib.request


def call(method, url, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"X-Api-Key": key, "Content-Type": "application/json"})
    return urllib.request.urlopen(request, timeout=600)


def issue(base, writers_file, out, requests, count):
    writers = [line.split() for line in open(writers_file, encoding="utf-8") if line.strip()]
    random.seed(11)
    seconds, items, pins = [], [], []
    for _ in range(requests):
        key, batches = random.choice(writers)
        batch = random.choice(batches.split(","))
        code = json.load(call("GET", f"{base}/api/v1/batches/{batch}", key))["code"]
        start = time.monotonic()
        response = call("POST", f"{base}/api/v1/batches/{batch}/serials", key, {"count": count, "withPin": True})
        lines = response.read().decode().splitlines()
        seconds.append(time.monotonic() - start)
        rows = [line.split(",") for line in lines[1:]]
        assert len(rows) == count, f"{len(rows)} rows for {count} serials"
        for row in random.sample(rows, min(100_000, len(rows))):
            items.append(f"/p/{code}/{row[1]}")
            pins.append(f"/p/{code}/{row[1]} {row[4]}")
    random.shuffle(items)
    open(f"{out}/items.txt", "w", encoding="utf-8").write("\n".join(items) + "\n")
    open(f"{out}/pins.txt", "w", encoding="utf-8").write("\n".join(pins) + "\n")
    print(f"serial_issue_seconds={','.join(f'{s:.2f}' for s in seconds)}")
    print(f"serial_issue_count={count}")
    print(f"serial_issue_median={statistics.median(seconds):.2f}")


if __name__ == "__main__":
    if sys.argv[1] == "issue":
        issue(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
