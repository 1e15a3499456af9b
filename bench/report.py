#!/usr/bin/env python3
"""Turns the benchmark's raw figures into bench/RESULTS.md (medians of the runs, ratios, targets).

  report.py average-size BASE_URL RECORDS_LIST      prints the mean size in bytes of 200 random public records
  report.py report RESULTS.jsonl META.env OUT.md   writes the report
  report.py cpu RESULTS.jsonl                      prints the reads' CPU per request (bench/run.sh with SCAN_ONLY=1)
"""
import json
import random
import statistics
import sys
import urllib.request


def average_size(base, paths_file):
    paths = [p for p in open(paths_file, encoding="utf-8").read().split() if p]
    random.seed(7)
    sample = random.sample(paths, min(200, len(paths)))
    total = sum(len(urllib.request.urlopen(base + p).read()) for p in sample)
    print(total // len(sample))


def load(results_file, meta_file):
    runs = {}
    for line in open(results_file, encoding="utf-8"):
        if line.strip():
            item = json.loads(line)
            runs.setdefault(item["name"], []).append(item)
    meta = {}
    for line in open(meta_file, encoding="utf-8"):
        if "=" in line:
            key, value = line.rstrip("\n").split("=", 1)
            meta[key] = value
    return runs, meta


def median(runs, name, field):
    return statistics.median(r["result"][field] for r in runs[name])


# The reads, in the order RESULTS.md lists them, each with its targets relative to the bare baseline measured in the
# same run: (CPU per request at most, throughput at least); None where there is none. The plain reads' (no gzip)
# throughput lines are floors that guard against regressions (issue 29 retired their earlier targets).
READS = [
    ("baseline", "the bare baseline: minimal API, fixed JSON body of the average record's size", None, None),
    ("pipeline_floor", "reference: the API's own pipeline, `GET /health/live` (20 bytes of JSON)", None, None),
    ("digital_link_phone", "GS1 Digital Link `GET /01/{gtin}/10/{lot}` (307 to the page) as a phone asks", 2.0, 0.70),
    ("page_html_phone", "lot page `GET /p/{code}` as a phone asks (`Accept-Encoding: gzip, deflate, br, zstd`)", 3.0, 0.50),
    ("item_page_phone", "item scan `GET /p/{code}/{serial}` as a phone asks", 4.0, 0.50),
    ("record_json_gzip", "record JSON `GET /api/v1/public/records/{code}` as an app asks (`Accept-Encoding: gzip`)", 3.0, None),
    ("shopper_mix", "what shoppers do: 55 % lot pages, 25 % Digital Links, 15 % item scans, 5 % QR images; Zipf popularity (s = 1)", None, 0.50),
    ("qr_png", "the label's QR image `GET /p/{code}/qr.png`, uncached", None, 0.25),
    ("digital_link", "Digital Link (307), no `Accept-Encoding`", None, 0.35),
    ("record_json", "record JSON, no `Accept-Encoding` (floor; retired target 0.40×)", None, 0.25),
    ("page_html", "lot page, no `Accept-Encoding` (floor; retired target 0.35×)", None, 0.20),
    ("pin_verify", "reference: PIN check `POST /p/{code}/{serial}`", None, None),
    ("qr_png_drawn", "reference: QR image of a size not stored (`?size=320`), drawn per request", None, None),
]


def cpu_us(items, field="cpu_seconds"):
    """CPU microseconds per request: the median of the runs' (CPU seconds over the run / requests answered)."""
    return statistics.median(r[field] * 1e6 / max(1, r["result"]["requests"]) for r in items)


def cpu_rows(runs):
    """(name, label, rps, rps ratio, API µs, API ratio, wrk µs, p50, p99, errors, cpu target, rps target, met) per read."""
    base_rps = median(runs, "baseline", "rps")
    base_cpu = cpu_us(runs["baseline"])
    rows = []
    for name, label, cpu_target, rps_target in READS:
        if name not in runs or "cpu_seconds" not in runs[name][0]:
            continue
        rps, api = median(runs, name, "rps"), cpu_us(runs[name])
        errors = sum(r["result"]["non2xx"] for r in runs[name])
        met = errors == 0 and (cpu_target is None or api / base_cpu <= cpu_target) and (rps_target is None or rps / base_rps >= rps_target)
        rows.append((name, label, rps, rps / base_rps, api, api / base_cpu, cpu_us(runs[name], "wrk_cpu_seconds"),
                     median(runs, name, "p50_ms"), median(runs, name, "p99_ms"), errors, cpu_target, rps_target, met))
    return rows


def cpu_table(runs):
    lines = ["| read | req/s (× baseline) | API CPU µs/request (× baseline's) | target | met | wrk CPU µs/request | p50 / p99 ms | errors |",
             "|---|---|---|---|---|---|---|---|"]
    for name, label, rps, rps_ratio, api, api_ratio, wrk, p50, p99, errors, cpu_target, rps_target, met in cpu_rows(runs):
        targets = [t for t in [f"CPU ≤ {cpu_target:g}×" if cpu_target else "", f"req/s ≥ {rps_target:.2f}×" if rps_target else ""] if t]
        lines.append(f"| {label} | {rps:,.0f} (**{rps_ratio:.2f}×**) | {api:,.1f} (**{api_ratio:.2f}×**) | {', '.join(targets) or '–'} | "
                     f"{('yes' if met else '**no**') if targets else '–'} | {wrk:,.1f} | {p50:.2f} / {p99:.2f} | {errors} |")
    return lines


def cpu(results_file):
    runs = {}
    for line in open(results_file, encoding="utf-8"):
        if line.strip():
            item = json.loads(line)
            runs.setdefault(item["name"], []).append(item)
    print("\n".join(cpu_table(runs)))


def report(results_file, meta_file, out):
    runs, meta = load(results_file, meta_file)
    base = median(runs, "baseline", "rps")
    errors = {name: sum(r["result"]["non2xx"] for r in items) for name, items in runs.items()}
    startup = [int(v) for k, v in meta.items() if k.startswith("startup_ms_")]
    rows = []

    def row(figure, value, target, met, detail=""):
        rows.append((figure, value, target, "yes" if met else "**no**", detail))

    for name, label in [("record_json", "record JSON"), ("page_html", "page HTML"), ("digital_link", "Digital Link"), ("qr_png", "QR PNG")]:
        p50, p99 = median(runs, name, "p50_ms"), median(runs, name, "p99_ms")
        row(f"p99 / p50 of {label} at {runs[name][0]['connections']} connections", f"{p99:.1f} / {p50:.1f} ms = **{p99 / p50:.1f} ×**",
            "≤ 5 ×", p99 <= 5 * p50)
    p50, p99 = median(runs, "baseline", "p50_ms"), median(runs, "baseline", "p99_ms")
    rows.append((f"reference, no target: p99 / p50 of the bare baseline at {runs['baseline'][0]['connections']} connections",
                 f"{p99:.1f} / {p50:.2f} ms = **{p99 / p50:.1f} ×**", "–", "–", ""))
    large, small = median(runs, "record_json", "p50_ms"), median(runs, "record_json_small", "p50_ms")
    row("record JSON p50 at 1,000,000 events vs at 10,000 events", f"{large:.1f} / {small:.1f} ms = **{large / small:.2f} ×**", "≤ 1.3 ×",
        large <= 1.3 * small)
    single = median(runs, "event_single", "rps")
    row("single-event `POST /api/v1/batches/{id}/events`, random batches", f"**{single:,.0f} events/s**", "≥ 1,500 events/s",
        single >= 1500 and errors["event_single"] == 0, f"{errors['event_single']} non-2xx")
    bulk = median(runs, "event_bulk", "rps") * 1000
    row("bulk `POST /api/v1/events`, 1,000 events a request", f"**{bulk:,.0f} events/s**", "≥ 20,000 events/s",
        bulk >= 20000 and errors["event_bulk"] == 0, f"{errors['event_bulk']} non-2xx")
    if "epcis_capture" in runs:
        capture = median(runs, "epcis_capture", "rps") * 1000
        row("EPCIS capture `POST /api/v1/epcis/capture`, EPCISDocuments of 1,000 ObjectEvents (GS1's schema checked)", f"**{capture:,.0f} events/s**",
            "≥ 20,000 events/s", capture >= 20000 and errors["epcis_capture"] == 0, f"{errors['epcis_capture']} non-2xx")
    if "webhook_rate" in meta:
        rate, done, expected = int(meta["webhook_rate"]), int(meta["webhook_deliveries"]), int(meta["webhook_expected"])
        row(f"webhook deliveries to a local receiver ({meta['webhook_subscriptions']} subscriptions, {expected:,} deliveries from one bulk request, "
            "signed, leased, each attempt recorded)", f"**{rate:,} deliveries/s** ({done:,} in {float(meta['webhook_seconds']):.1f} s)",
            "≥ 1,000 deliveries/s", rate >= 1000 and done == expected, f"{meta['webhook_failed_attempts']} failed attempts")
    if "db_bytes" in meta:
        db, stored = int(meta["db_bytes"]), int(meta["stored_bytes"])
        batches, events = int(meta["batch_count"]), int(meta["event_count"])
        rows.append(("reference, no target: database bytes per batch and per event (large dataset)",
                     f"{db / batches:,.0f} B per batch, {db / events:,.0f} B per event ({db / 1048576:,.0f} MiB)", "–", "–", ""))
        rows.append(("reference, no target: stored public records' share of the database (parts and their header rows; "
                     "stored plain before issue 10: 83 %, 35,310 B per batch)",
                     f"{stored / 1048576:,.0f} MiB = **{stored / db:.0%}**, {stored / batches:,.0f} B per batch", "–", "–", ""))
    if meta.get("chain_audit"):
        rows.append(("reference, no target: the incremental hash-chain audit on the large dataset (first pass reads every event once)",
                     meta["chain_audit"], "–", "–", ""))
    if "item_page_phone" in runs:
        serials = int(meta["serial_rows"])
        p50, p99 = median(runs, "item_page_phone", "p50_ms"), median(runs, "item_page_phone", "p99_ms")
        row(f"p99 / p50 of the item scan at {runs['item_page_phone'][0]['connections']} connections",
            f"{p99:.1f} / {p50:.1f} ms = **{p99 / p50:.1f} ×**", "≤ 5 ×", p99 <= 5 * p50)
        if "item_page_phone_small" in runs:
            small = median(runs, "item_page_phone_small", "p50_ms")
            row(f"item scan p50 at {serials:,} serials vs at 100,000", f"{p50:.1f} / {small:.1f} ms = **{p50 / small:.2f} ×**", "≤ 1.3 ×",
                p50 <= 1.3 * small)
        times = [float(t) for t in meta["serial_issue_seconds"].split(",")]
        row("issuing 1,000,000 serials with PINs, the file (CSV) streamed to the end, slowest of "
            f"{len(times)} requests", f"**{max(times):.1f} s** (median {statistics.median(times):.1f} s)", "≤ 60 s", max(times) <= 60)
        per = int(meta["serial_bytes"]) / serials
        row("storage per serial, its index included", f"**{per:.0f} B** ({int(meta['serial_bytes']) / 1048576:,.0f} MiB for {serials:,})",
            "≤ 100 B", per <= 100)
        pin = median(runs, "pin_verify", "rps")
        row("PIN check: `POST /p/{code}/{serial}` with the right PIN, random items", f"**{pin:,.0f} /s**", "≥ 2,000 /s",
            pin >= 2000 and errors["pin_verify"] == 0, f"{errors['pin_verify']} non-2xx")
    if "oversight_slowest_ms" in meta:
        reports = ["products", "certifications", "idle_products", "scans", "signals", "recalls", "shopper_reports"]
        for report in reports:
            figures = ", ".join(f"{who} {float(meta[f'oversight_{report}_{who}_p50_ms']):.0f} ms ({int(meta[f'oversight_{report}_{who}_bytes']) / 1024:,.0f} KiB)"
                                for who in ["province", "province_csv", "national"])
            slowest = max(float(meta[f"oversight_{report}_{who}_max_ms"]) for who in ["province", "province_csv", "national"])
            row(f"the OCOP office's `{report.replace('_', '-')}` report over the whole dataset (one province holds every producer): median of "
                f"{meta['oversight_requests']} as the province's JSON, its CSV, the national level's JSON",
                f"{figures}; **slowest {slowest:.0f} ms**", "≤ 1,000 ms", slowest <= 1000)
    if "epcis_query_page30_one_step_ms" in meta:
        slowest = max(float(meta[f"epcis_query_{k}_ms"]) for k in ("page30_one_step", "page30_all", "page30_kept"))
        row("EPCIS query: a 30-event page, whatever it spans (median of 20 at one connection; the capturer's 1,050 lots on the large "
            "database): each event in a batch of its own / a few batches / events kept as captured",
            f"{float(meta['epcis_query_page30_one_step_ms']):.1f} / {float(meta['epcis_query_page30_all_ms']):.1f} / "
            f"{float(meta['epcis_query_page30_kept_ms']):.1f} ms; **slowest {slowest:.1f} ms**", "≤ 5 ms", slowest <= 5)
        ratio = float(meta["epcis_query_lot_keyed_ratio"])
        row("EPCIS query: one lot's events (MATCH_anyEPCClass) with the producer's key against anonymous",
            f"{float(meta['epcis_query_lot_keyed_ms']):.1f} / {float(meta['epcis_query_lot_anonymous_ms']):.1f} ms = **{ratio:.2f} ×**", "≤ 1.2 ×", ratio <= 1.2)
        ratio = float(meta["epcis_capture_lots_ratio"])
        row("EPCIS capture: documents of 1,000 ObjectEvents on the capturer's own lots, 50 lots a document against 1,000",
            f"{int(meta['epcis_capture_json_own_events_per_s']):,} / {int(meta['epcis_capture_json_own_1000_lots_events_per_s']):,} events/s = "
            f"**{ratio:.2f} ×**", "≤ 1.5 ×", ratio <= 1.5)
    if "refresher_catchup_seconds" in meta:
        rows.append(("reference, no target: the records the write phases made stale (a view of a stale record rebuilds it first), all "
                     "current again before the item scans and the mix are measured: by the background refresher (a quarter of a core) "
                     "and by asking for each once (bench/rebuild.py)",
                     f"current after {int(meta['refresher_catchup_seconds'])} s ({int(meta['refresher_catchup_left'])} left"
                     + (f"; {int(meta['rebuilt_by_views']):,} rebuilt by views" if "rebuilt_by_views" in meta else "") + ")", "–", "–", ""))
    if "dbfloor_page_us" in meta:
        rows.append(("reference, no target: the database's own floor, outside .NET (bench/dbfloor.py: the same statement through Python's "
                     "sqlite3, prepared, random codes, CPU a lookup)", f"lot page's part {float(meta['dbfloor_page_us']):.0f} µs, Digital Link's "
                     f"{float(meta['dbfloor_digital_link_us']):.0f} µs"
                     + (f"; an item scan's at 10,000,000 serials {float(meta['dbfloor_item_us']):.0f} µs, at 100,000 "
                        f"{float(meta['dbfloor_small_item_us']):.0f} µs" if "dbfloor_small_item_us" in meta else ""), "–", "–", ""))
    rss = int(meta["peak_rss_kb"]) / 1024
    phases = [(label, int(meta[key]) / 1024) for key, label in [("hwm_reads", "reads"), ("hwm_writes", "event writes"),
              ("hwm_capture", "captures"), ("hwm_serials", "issuing serials"), ("hwm_items", "item scans, PINs and the mix"), ("hwm_reports", "the office's reports")] if key in meta]
    climb = "; peak after " + ", ".join(f"{label} {mb:.0f}" for label, mb in phases) + f", webhooks {rss:.0f} MB" if phases else ""
    if "hwm_epcis" in meta:
        epcis = int(meta["hwm_epcis"]) / 1024
        climb += f"; the EPCIS shapes in a process of their own: {epcis:.0f} MB"
        rss = max(rss, epcis)
    row("peak resident memory of the API (VmHWM) over the whole load", f"**{rss:.0f} MB**{climb}", "≤ 300 MB", rss <= 300)
    up = statistics.median(startup)
    row("start-up to `/health/ready` on the 1,000,000-event database", f"**{up / 1000:.2f} s** (runs: {', '.join(str(s) for s in startup)} ms)",
        "≤ 2 s", up <= 2000)

    lines = ["# Benchmark results", "",
             f"Produced by `{meta['command']}` on {meta['date']}. Medians of {len(runs['baseline'])} runs of "
             f"{runs['baseline'][0]['result']['seconds']:.0f} s each; the machine is shared and noisy, so the ratios to the baseline "
             "measured in the same run are what count.", "",
             "## Machine", "",
             f"- CPU: {meta['machine_cpu']}, {meta['machine_cores']} cores (wrk and the API share them); memory {meta['machine_memory']}",
             f"- .NET SDK {meta['dotnet']}, SQLite {meta['sqlite']} (the embedded default), {meta['wrk']}",
             "", "## Dataset", "",
             f"- large: {meta['dataset_large']}", f"- small: {meta['dataset_small']}",
             f"- average public record: {int(meta['record_bytes']):,} bytes of JSON; the baseline returns a fixed body of that size",
             "", "## Figures", "",
             f"Baseline (bare minimal API, fixed JSON body): **{base:,.0f} req/s** ({errors['baseline']} non-2xx).", "",
             "### Reads: throughput and CPU per request", "",
             "Every read takes a random code from the whole dataset (uniform: the worst case), except the shoppers' mix. "
             "API CPU is the API process's user + system time over the measured seconds (from `/proc`) divided by the requests "
             "answered; the targets are ratios to the bare baseline's, measured in the same run. wrk's own CPU is beside it: "
             "the two share the machine's two cores, so throughput is bounded by their sum.", ""]
    lines += cpu_table(runs)
    lines += ["", "### Everything else", "", "| figure | measured | target | met | errors |", "|---|---|---|---|---|"]
    lines += [f"| {f} | {v} | {t} | {m} | {d} |" for f, v, t, m, d in rows]
    lines += ["", "## Every run", "", "| load | run | connections | req/s | p50 ms | p99 ms | API CPU µs/request | wrk CPU µs/request | non-2xx |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name, items in runs.items():
        for r in items:
            x = r["result"]
            per = lambda field: f"{r[field] * 1e6 / max(1, x['requests']):,.1f}" if field in r else "–"
            lines.append(f"| {name} | {r['run']} | {r['connections']} | {x['rps']:,.0f} | {x['p50_ms']:.2f} | {x['p99_ms']:.2f} | "
                         f"{per('cpu_seconds')} | {per('wrk_cpu_seconds')} | {x['non2xx']} |")
    notes = "bench/NOTES.md"
    lines += ["", f"What each figure means, what was changed to reach it, and how close each target is: see [{notes.split('/')[-1]}](NOTES.md).", ""]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1] == "average-size":
        average_size(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "cpu":
        cpu(sys.argv[2])
    else:
        report(sys.argv[2], sys.argv[3], sys.argv[4])
