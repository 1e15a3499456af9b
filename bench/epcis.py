#!/usr/bin/env python3
"""EPCIS repository benchmark (bench/epcis.sh).

  epcis.py URL ADMIN_KEY

Prints key=value lines:
- capture_{json,xml}_{own,kept}_events_per_s: 10 documents of 1,000 ObjectEvents each, captured one after another; "own"
  events name the capturer's 50 lots (each becomes a batch event in its hash chain and is kept as sent), "kept" events
  name a partner's SGTINs (kept as sent for the capturer alone). The XML documents hold the same events as the JSON ones.
- capture_json_own_1000_lots_events_per_s: the same as capture_json_own, but each document names 1,000 lots (one
  event each) instead of 50 (20 each); capture_lots_ratio: the 50-lot figure over this one (issue 29: at most 1.5).
- query_{shape}_ms: a query's median time over 20 requests (client wall time at one connection, the answer read to
  its end), on the capturer's 1,050 lots with 6 recorded events each (REST, bulk) besides the captures above:
  page30_one_step: a 30-event page whose events each lie in a batch of their own (EQ_bizStep of one step a lot);
  page30_all: a 30-event page of every event (a few batches); page30_kept: a 30-event page of the events kept as
  captured; lot_anonymous / lot_keyed: one lot's events (MATCH_anyEPCClass) without and with the producer's key;
  lot_keyed_ratio: keyed over anonymous (issue 29: at most 1.2).
- stream_latency_ms_{p50,p95,max}: 20 single-event captures, one at a time, each timed from its 202 to the moment the
  stream subscription's signed webhook carrying that event reaches a local receiver (Epcis poll 1 s, settle 2 s and the
  webhook dispatcher's own poll are in it).
"""
import json, statistics, sys, threading, time, urllib.parse, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, HTTPServer

url, admin = sys.argv[1], sys.argv[2]

def call(method, path, key, body=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url + path, data=data, method=method, headers={"X-Api-Key": key, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

status, body = call("POST", "/api/v1/producers", admin, {"name": "HTX Nông nghiệp Xuân Lập", "kind": "cooperative",
                                                          "address": {"commune": "Xã Xuân Lập", "province": "Thanh Hóa"}})
key = json.loads(body)["apiKey"]
def with_check_digit(body):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)
# A GTIN no other product of the database has (the full benchmark runs this on its large dataset too).
gtin = with_check_digit("89350" + f"{int(time.time() * 1000) % 10**7:07d}")
product = json.loads(call("POST", "/api/v1/products", key, {"name": "Chè lam", "category": "food", "gtin": gtin})[1])["id"]
lots = []
for i in range(50):
    status, _ = call("POST", "/api/v1/batches", key, {"productId": product, "lotNumber": f"L-{i}", "producedOn": "2025-11-20"})
    assert status == 201, status
    lots.append(f"https://id.gs1.org/01/0{gtin}/10/L-{i}")

def events(n, own, doc):
    for i in range(n):
        epc_class = lots[i % len(lots)] if own else f"urn:epc:class:lgtin:4012345.012345.D{doc}-{i}"
        yield {"eventID": f"urn:uuid:00000000-0000-4000-8000-{doc:04d}{i:08d}", "eventTime": "2025-11-22T09:30:00+07:00",
               "bizStep": "storing", "class": epc_class}

def as_json(evs):
    return ('{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",'
            '"creationDate":"2025-11-22T10:00:00Z","epcisBody":{"eventList":[' + ",".join(
                json.dumps({"type": "ObjectEvent", "eventID": e["eventID"], "eventTime": e["eventTime"], "eventTimeZoneOffset": "+07:00",
                            "action": "OBSERVE", "bizStep": e["bizStep"], "quantityList": [{"epcClass": e["class"]}]}) for e in evs) + "]}}").encode()

def as_xml(evs):
    return ('<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2025-11-22T10:00:00Z">'
            '<EPCISBody><EventList>' + "".join(
                f'<ObjectEvent><eventTime>{e["eventTime"]}</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset><eventID>{e["eventID"]}</eventID>'
                f'<epcList/><action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:{e["bizStep"]}</bizStep>'
                f'<quantityList><quantityElement><epcClass>{e["class"].replace("&", "&amp;")}</epcClass></quantityElement></quantityList></ObjectEvent>'
                for e in evs) + '</EventList></EPCISBody></epcis:EPCISDocument>').encode()

doc = 0
rates = {}
for kind in ("own", "kept"):
    for binding, build, media in (("json", as_json, "application/ld+json"), ("xml", as_xml, "application/xml")):
        bodies = []
        for _ in range(10):
            doc += 1
            bodies.append(build(list(events(1000, kind == "own", doc))))
        start = time.monotonic()
        for b in bodies:
            status, answer = call("POST", "/api/v1/epcis/capture", key, raw=b, content_type=media)
            assert status == 202, (status, answer[:300])
        seconds = time.monotonic() - start
        print(f"capture_{binding}_{kind}_events_per_s={10_000 / seconds:.0f}")
        rates[(binding, kind)] = 10_000 / seconds
        print(f"capture_{binding}_{kind}_bytes_per_document={len(bodies[0])}")

# Capture at 1,000 lots a document against 50, on the same database: 1,000 more lots.
for i in range(50, 1050):
    status, _ = call("POST", "/api/v1/batches", key, {"productId": product, "lotNumber": f"L-{i}", "producedOn": "2025-11-20"})
    assert status == 201, status
    lots.append(f"https://id.gs1.org/01/0{gtin}/10/L-{i}")
bodies = []
for _ in range(10):
    doc += 1
    bodies.append(as_json([{"eventID": f"urn:uuid:00000000-0000-4000-8000-{doc:04d}{i:08d}", "eventTime": "2025-11-22T09:30:00+07:00",
                            "bizStep": "storing", "class": lots[50 + i]} for i in range(1000)]))
start = time.monotonic()
for b in bodies:
    status, answer = call("POST", "/api/v1/epcis/capture", key, raw=b, content_type="application/ld+json")
    assert status == 202, (status, answer[:300])
thousand = 10_000 / (time.monotonic() - start)
print(f"capture_json_own_1000_lots_events_per_s={thousand:.0f}")
print(f"capture_lots_ratio={rates[('json', 'own')] / thousand:.2f}")

# Query shapes: six recorded events on every lot (bulk, 1,000 a request), then pages of 30.
page = json.loads(call("GET", "/api/v1/batches?limit=200", key)[1])
batch_ids = [b["id"] for b in page["items"]]
while page.get("nextCursor"):
    page = json.loads(call("GET", f"/api/v1/batches?limit=200&cursor={page['nextCursor']}", key)[1])
    batch_ids += [b["id"] for b in page["items"]]
assert len(batch_ids) == 1050, len(batch_ids)
steps = ["cultivating", "harvesting", "processing", "packing", "inspecting", "shipping"]
recorded = [{"batchId": b, "type": t, "occurredAt": "2025-11-21T07:30:00+07:00", "note": "Ghi chép"} for b in batch_ids for t in steps]
for chunk in range(0, len(recorded), 1000):
    status, answer = call("POST", "/api/v1/events", key, {"events": recorded[chunk:chunk + 1000]})
    assert status in (200, 201), (status, answer[:300])

def timed(path, key=None):
    times = []
    for _ in range(22):
        req = urllib.request.Request(url + path, headers={"X-Api-Key": key} if key else {})
        start = time.monotonic()
        with urllib.request.urlopen(req, timeout=60) as r:
            body = r.read()
        times.append((time.monotonic() - start) * 1000)
    events = json.loads(body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return statistics.median(times[2:]), events

shapes = {}
for name, path, with_key in [
        ("page30_one_step", "/api/v1/epcis/events?EQ_bizStep=inspecting&perPage=30", True),
        ("page30_all", "/api/v1/epcis/events?perPage=30", True),
        ("page30_kept", "/api/v1/epcis/events?EQ_bizStep=storing&perPage=30", True),
        ("lot_anonymous", "/api/v1/epcis/events?MATCH_anyEPCClass=" + urllib.parse.quote(lots[700], safe=""), False),
        ("lot_keyed", "/api/v1/epcis/events?MATCH_anyEPCClass=" + urllib.parse.quote(lots[700], safe=""), True)]:
    ms, events = timed(path, key if with_key else None)
    shapes[name] = ms
    print(f"query_{name}_ms={ms:.2f}")
    print(f"query_{name}_events={len(events)}")
print(f"query_lot_keyed_ratio={shapes['lot_keyed'] / shapes['lot_anonymous']:.2f}")

# Stream subscription latency.
arrived = {}
class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.monotonic()
        document = json.loads(body)["data"]["epcisQueryDocument"]
        for e in document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]:
            arrived.setdefault(e.get("eventID"), now)
        self.send_response(200); self.end_headers()
    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
status, _ = call("POST", "/api/v1/epcis/queries", key, {"name": "stream", "query": {"EQ_bizStep": ["receiving"]}})
assert status == 201, status
status, answer = call("POST", "/api/v1/epcis/queries/stream/subscriptions", key,
                      {"dest": f"http://127.0.0.1:{server.server_port}/hooks", "stream": True})
assert status == 201, (status, answer)
latencies = []
for i in range(20):
    event_id = f"urn:uuid:11111111-0000-4000-8000-{i:012d}"
    body = as_json([{"eventID": event_id, "eventTime": "2025-11-23T09:30:00+07:00", "bizStep": "receiving", "class": lots[0]}])
    status, _ = call("POST", "/api/v1/epcis/capture", key, raw=body, content_type="application/ld+json")
    assert status == 202, status
    acknowledged = time.monotonic()
    while event_id not in arrived and time.monotonic() - acknowledged < 30:
        time.sleep(0.01)
    assert event_id in arrived, f"{event_id} never arrived"
    latencies.append((arrived[event_id] - acknowledged) * 1000)
latencies.sort()
print(f"stream_latency_ms_p50={statistics.median(latencies):.0f}")
print(f"stream_latency_ms_p95={latencies[int(len(latencies) * 0.95) - 1]:.0f}")
print(f"stream_latency_ms_max={latencies[-1]:.0f}")
server.shutdown()
