#!/usr/bin/env python3
"""The database's own floor for a scan: the statement a lot's page view runs (RecordStore's GetSql: the stored part with
whether it is current and the scans counted), executed outside .NET through Python's sqlite3 (its statement cache
keeps it prepared) for random codes from the whole dataset, on the benchmark's database while nothing else runs.
Prints key=value lines: µs of this process's CPU a lookup (Python's own call overhead included, so an upper bound),
and the same for the Digital Link's lookup (by GTIN and lot) and, given ITEMS.txt, an item scan's (GetItemSql: the
lot's part, the serial, its issue and what shoppers did with it, in one statement).

  dbfloor.py DB PAGES.txt LINKS.txt [ITEMS.txt [N]]
"""
import random, sqlite3, sys, time, urllib.parse

db, pages, links = sys.argv[1], sys.argv[2], sys.argv[3]
items_file = sys.argv[4] if len(sys.argv) > 4 else None
n = int(sys.argv[5]) if len(sys.argv) > 5 else 50_000
codes = [line.strip().split("/p/")[1] for line in open(pages, encoding="utf-8") if line.strip()]
lots = []
for line in open(links, encoding="utf-8"):
    parts = line.strip().split("/")
    if len(parts) >= 5: lots.append(("0" + parts[2] if len(parts[2]) == 13 else parts[2], urllib.parse.unquote(parts[4])))
columns = "p.batch_id, p.code, p.version, p.body, s.scan_count, s.first_scanned_at, b.record_version - r.built_version, r.changes_on"
by_code = f"""SELECT {columns} FROM public_parts p JOIN public_records r ON r.batch_id = p.batch_id JOIN batches b ON b.id = p.batch_id
  LEFT JOIN scan_counts s ON s.batch_id = p.batch_id WHERE p.code = ? AND p.part = ?"""
by_lot = f"""SELECT {columns} FROM public_records r JOIN public_parts p ON p.code = r.code AND p.part = ? JOIN batches b ON b.id = r.batch_id
  LEFT JOIN scan_counts s ON s.batch_id = r.batch_id WHERE r.gtin = ? AND r.lot_number = ?"""
items = [tuple(line.strip().split("/")[2:4]) for line in open(items_file, encoding="utf-8") if line.strip()] if items_file else []
by_item = f"""SELECT {columns}, i.batch_id, i.with_pin, sr.voided_at, a.scan_count, a.first_scanned_at, a.verified_at,
    (SELECT COUNT(*) FROM event_items ei WHERE ei.serial = ?3) AS steps, a.distinct_clients
  FROM public_parts p JOIN public_records r ON r.batch_id = p.batch_id JOIN batches b ON b.id = p.batch_id
  LEFT JOIN scan_counts s ON s.batch_id = p.batch_id
  LEFT JOIN serials sr ON sr.serial = ?3 LEFT JOIN serial_issues i ON i.seq = sr.issue_seq AND i.completed_at IS NOT NULL
  LEFT JOIN serial_activity a ON a.serial = ?3
  WHERE p.code = ?1 AND p.part = ?2"""
connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, cached_statements=16)
connection.execute("PRAGMA cache_size = -1024")   # as the API's connections (SqliteDialect)
random.seed(29)
shapes = [("page", by_code, lambda: (random.choice(codes), 1)), ("digital_link", by_lot, lambda: (1, *random.choice(lots)))]
if items: shapes.append(("item", by_item, lambda: (lambda c, s: (c, 1, s))(*random.choice(items))))
for name, sql, args in shapes:
    for _ in range(5000): connection.execute(sql, args()).fetchone()          # warm the OS cache and the statement
    calls = [args() for _ in range(n)]
    found = 0
    start = time.process_time()
    for a in calls:
        found += connection.execute(sql, a).fetchone() is not None
    cpu = time.process_time() - start
    print(f"dbfloor_{name}_us={cpu / n * 1e6:.1f}")
    print(f"dbfloor_{name}_found={found / n:.3f}")
