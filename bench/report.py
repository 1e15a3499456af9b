#!/usr/bin/env python3
"""Turns the benchmark's raw figures into bench/RESULTS.md (medians of the runs, ratios, targets).

  report.py average-size BASE_URL RECORDS_LIST      prints the mean size in bytes of 200 random public records
  report.py report RESULTS.jsonl META.env OUT.md   writes the report
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


def report(results_file, meta_file, out):
    runs, meta = load(results_file, meta_file)
    base = median(runs, "baseline", "rps")
    errors = {name: sum(r["result"]["non2xx"] for r in items) for name, items in runs.items()}
    startup = [int(v) for k, v in meta.items() if k.startswith("startup_ms_")]
    rows = []

    def row(figure, value, target, met, detail=""):
        rows.append((figure, value, target, "yes" if met else "**no**", detail))

    for name, label, target in [("record_json", "`GET /api/v1/public/records/{code}`, random codes", 0.40),
                                ("page_html", "`GET /p/{code}` HTML, random codes", 0.35),
                                ("digital_link", "`GET /01/{gtin}/10/{lot}` (307 to the page), random lots", 0.35),
                                ("qr_png", "`GET /p/{code}/qr.png`, random codes, uncached", 0.25),
                                ("page_html_phone", "`GET /p/{code}` HTML as a phone asks (`Accept-Encoding: gzip, deflate, br, zstd`), random codes", 0.35),
                                ("digital_link_phone", "`GET /01/{gtin}/10/{lot}` (307) as a phone asks, random lots", 0.35)]:
        rps = median(runs, name, "rps")
        ratio = rps / base
        row(f"{label} throughput", f"{rps:,.0f} req/s = **{ratio:.2f} × baseline**", f"≥ {target:.2f} × baseline",
            ratio >= target and errors[name] == 0, f"{errors[name]} non-2xx")
    if "qr_png_drawn" in runs:
        rps = median(runs, "qr_png_drawn", "rps")
        rows.append(("reference, no target: `GET /p/{code}/qr.png?size=320`, random codes, drawn per request (only the default "
                     "image is stored)", f"{rps:,.0f} req/s = **{rps / base:.2f} × baseline**", "–", "–", f"{errors['qr_png_drawn']} non-2xx"))
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
        rps = median(runs, "item_page_phone", "rps")
        row(f"item scan: `GET /p/{{code}}/{{serial}}` as a phone asks, random serials of {serials:,} in the database",
            f"{rps:,.0f} req/s = **{rps / base:.2f} × baseline**", "≥ 0.30 × baseline",
            rps / base >= 0.30 and errors["item_page_phone"] == 0, f"{errors['item_page_phone']} non-2xx")
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
    rss = int(meta["peak_rss_kb"]) / 1024
    phases = [(label, int(meta[key]) / 1024) for key, label in [("hwm_reads", "reads"), ("hwm_writes", "event writes"),
              ("hwm_capture", "captures"), ("hwm_serials", "issuing serials"), ("hwm_items", "item scans and PINs"), ("hwm_reports", "the office's reports")] if key in meta]
    climb = "; peak after " + ", ".join(f"{label} {mb:.0f}" for label, mb in phases) + ", webhooks " + f"{rss:.0f} MB" if phases else ""
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
             "| figure | measured | target | met | errors |", "|---|---|---|---|---|"]
    lines += [f"| {f} | {v} | {t} | {m} | {d} |" for f, v, t, m, d in rows]
    lines += ["", "## Every run", "", "| load | run | connections | req/s | p50 ms | p99 ms | non-2xx |", "|---|---|---|---|---|---|---|"]
    for name, items in runs.items():
        for r in items:
            x = r["result"]
            lines.append(f"| {name} | {r['run']} | {r['connections']} | {x['rps']:,.0f} | {x['p50_ms']:.2f} | {x['p99_ms']:.2f} | {x['non2xx']} |")
    notes = "bench/NOTES.md"
    lines += ["", f"What each figure means, what was changed to reach it, and how close each target is: see [{notes.split('/')[-1]}](NOTES.md).", ""]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1] == "average-size":
        average_size(sys.argv[2], sys.argv[3])
    else:
        report(sys.argv[2], sys.argv[3], sys.argv[4])
