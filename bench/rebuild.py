#!/usr/bin/env python3
"""Asks for every stale record once (its JSON, which is not a scan), so that the views rebuild them at full speed
instead of waiting for the background refresher's quarter of a core (bench/run.sh, before the item scans and the mix).

  rebuild.py BASE_URL DB [THREADS]
"""
import concurrent.futures, sqlite3, sys, urllib.request

base, db = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
codes = [r[0] for r in sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
    "SELECT r.code FROM public_records r JOIN batches b ON b.id = r.batch_id WHERE b.record_version <> r.built_version")]

def get(code):
    with urllib.request.urlopen(f"{base}/api/v1/public/records/{code}", timeout=60) as r:
        r.read()

with concurrent.futures.ThreadPoolExecutor(threads) as pool:
    list(pool.map(get, codes))
print(f"rebuilt_by_views={len(codes)}")
