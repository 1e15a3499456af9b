# Needs curl and jq. Paste it step by step after `dotnet run --project Api`, or run it whole:
#   ADMIN=ocop_… bash docs/example-session.sh
# Every id and key comes from the answer before it; every call stops at an error (curl --fail-with-body).
set -euo pipefail
: "${ADMIN:?set ADMIN to the admin API key printed at the first start}"
BASE=${BASE:-http://localhost:5080/api/v1}
post() { curl -sS --fail-with-body -X POST "$BASE$1" -H "X-Api-Key: $2" -H 'Content-Type: application/json' "${@:3}"; }
get()  { curl -sS --fail-with-body "$BASE$1" -H "X-Api-Key: $2"; }

# The admin registers the province's OCOP office; its key is shown once. The office onboards its cooperatives: the
# answer holds the cooperative's first API key, shown once, to hand over.
AUTH=$(post /authorities "$ADMIN" -d '{"name": "Hội đồng OCOP tỉnh Thanh Hóa", "level": "province", "province": "Thanh Hóa"}' | jq -r .apiKey)
COOP=$(post /producers "$AUTH" -d '{
  "name": "Hợp tác xã Nông nghiệp Thọ Xuân", "kind": "cooperative", "taxCode": "2801234567",
  "address": {"line": "Thôn 3", "commune": "Xã Thọ Xuân", "province": "Thanh Hóa", "provinceCode": "38"},
  "phone": "0237 3850 123"}')
KEY=$(jq -r .apiKey <<<"$COOP"); COOP_ID=$(jq -r .id <<<"$COOP")

# Webhooks: with a receiver running (node docs/webhook-receiver.mjs 8090 &, WEBHOOK_URL=http://127.0.0.1:8090/hooks),
# the cooperative hears of its batches, events and recalls, signed per Standard Webhooks; the secret is shown once.
if [ -n "${WEBHOOK_URL:-}" ]; then
  post /webhooks "$KEY" -d '{"url": "'"$WEBHOOK_URL"'", "events": ["batch.created", "event.recorded", "batch.recalled"]}' | jq -r .secret > webhook-secret
fi

# The cooperative registers a product (a GTIN-13 is stored as GTIN-14) and a batch.
PRODUCT_ID=$(post /products "$KEY" -d '{
  "name": "Chè lam Phủ Quảng", "nameEn": "Phu Quang rice cake", "gtin": "8935049500124",
  "category": "food", "standards": ["TCVN 12605:2019"], "shelfLifeDays": 90}' | jq -r .id)
BATCH=$(post /batches "$KEY" -d '{
  "productId": "'"$PRODUCT_ID"'", "lotNumber": "CL-2511-01", "producedOn": "2025-11-20", "quantity": 200, "unit": "H87",
  "origin": {"name": "Xưởng Phủ Quảng", "commune": "Xã Thọ Xuân", "province": "Thanh Hóa"}}')
BATCH_ID=$(jq -r .id <<<"$BATCH"); CODE=$(jq -r .code <<<"$BATCH")
jq '{code, publicUrl}' <<<"$BATCH"       # the QR code on the label opens publicUrl

# The cooperative adds links of its own to the GS1 resolver (a recipe, its shop…), in the shopper's language; the label's
# scan still opens the lot's page, where a recall would show.
post "/products/$PRODUCT_ID/links" "$KEY" -d '{"linkType": "gs1:recipeInfo", "title": "Cách dùng chè lam",
  "href": "https://htx-thoxuan.example.vn/che-lam/cach-dung", "language": "vi", "isDefault": true}' | jq -c '{linkType, language}'
curl -sS -o /dev/null -w '%{redirect_url}\n' "$(jq -r .publicUrl <<<"$BATCH")?linkType=gs1:recipeInfo"   # → the recipe

# The province's office records the OCOP decision (a province gives 3★ or 4★, only a national authority 5★).
post "/products/$PRODUCT_ID/ocop-certifications" "$AUTH" \
  -d '{"stars": 4, "decisionNumber": "3981/QĐ-UBND", "issuedBy": "UBND tỉnh Thanh Hóa", "issuedOn": "2025-10-15"}' | jq '{stars, validUntil}'
get "/products/$PRODUCT_ID/ocop-certifications" "$KEY" | jq .current   # history newest first, and the current one

# Lists are cursor-paged: pass nextCursor back as cursor.
get "/batches?limit=20" "$KEY" | jq '{count: (.items | length), nextCursor}'

# The batch's story: events are append-only and form a hash chain. Idempotency-Key makes a retry safe.
HARVEST=$(post "/batches/$BATCH_ID/events" "$KEY" -H "Idempotency-Key: harvest-$BATCH_ID" -d '{
  "type": "harvesting", "occurredAt": "2025-11-20T06:30:00+07:00",
  "location": {"name": "Đồi chè Xuân Lập", "latitude": 19.93, "longitude": 105.48},
  "actor": "Tổ sản xuất số 2", "note": "Hái búp", "attributes": {"khốiLượng": "120 kg"},
  "certificates": [{"name": "VietGAP", "number": "VG-38-0012", "validUntil": "2027-01-01"}]}')
HARVEST_ID=$(jq -r .id <<<"$HARVEST"); jq '{sequence, previousHash, hash}' <<<"$HARVEST"

# A phone that collected a day of field events offline syncs them in one request (≤ 1000, all or nothing).
post /events "$KEY" -H "Idempotency-Key: sync-$BATCH_ID-phone-7" -d '{
  "events": [
    {"batchId": "'"$BATCH_ID"'", "type": "cultivating", "occurredAt": "2025-11-18T07:00:00+07:00", "note": "Bón phân hữu cơ"},
    {"batchId": "'"$BATCH_ID"'", "type": "inspecting", "occurredAt": "2025-11-19T09:00:00+07:00"}]}' | jq '[.events[].sequence]'

# A farm-diary app (nhật ký điện tử) gets a key of its own: it may only append events, and it expires.
DIARY=$(post "/producers/$COOP_ID/api-keys" "$KEY" -d '{
  "name": "Nhật ký điện tử", "scopes": ["events:write"], "expiresAt": "2027-12-31T00:00:00+07:00"}' | jq -r .apiKey)
post "/batches/$BATCH_ID/events" "$DIARY" -d '{"type": "storing", "occurredAt": "2025-11-21T08:00:00+07:00"}' | jq .sequence
curl -sS "$BASE/batches/$BATCH_ID" -H "X-Api-Key: $DIARY" | jq -r .missingScope     # → read: 403, it may not read
get "/producers/$COOP_ID/api-keys" "$KEY" | jq -c '.[] | {name, scopes, lastUsedAt}'

# EPCIS 2.0 REST binding: a distributor's system captures its receipt of the lot, then anyone queries it back.
LOT="https://id.gs1.org/01/08935049500124/10/CL-2511-01"
post /epcis/capture "$KEY" -d '{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
  "schemaVersion": "2.0", "creationDate": "2025-11-22T10:00:00Z",
  "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventID": "urn:uuid:6f1c2a8e-0f5b-4a4e-9d2c-3b8f1e7a5c11",
    "eventTime": "2025-11-22T09:30:00+07:00", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "bizStep": "receiving",
    "quantityList": [{"epcClass": "'"$LOT"'"}], "readPoint": {"id": "https://id.gs1.org/414/8935049500018"}}]}}' \
  | jq -c '{captureID, capturedEvents}'
curl -sS --fail-with-body "$BASE/epcis/events?MATCH_anyEPCClass=$LOT&EQ_bizStep=receiving" \
  | jq -c '.epcisBody.queryResults.resultsBody.eventList[] | {bizStep, eventTime, readPoint}'
# The same binding in EPCIS XML (2.0 or 1.2, checked against GS1's XSDs), then a named query the partner reads as XML.
curl -sS --fail-with-body -X POST "$BASE/epcis/capture" -H "X-Api-Key: $KEY" -H 'Content-Type: application/xml' --data-binary '
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2025-11-23T10:00:00Z">
  <EPCISBody><EventList><ObjectEvent>
    <eventTime>2025-11-23T08:00:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
    <epcList/><action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:storing</bizStep>
    <quantityList><quantityElement><epcClass>'"$LOT"'</epcClass></quantityElement></quantityList>
  </ObjectEvent></EventList></EPCISBody>
</epcis:EPCISDocument>' | jq -c '{capturedEvents}'
post /epcis/queries "$KEY" -d '{"name": "kho", "query": {"MATCH_anyEPCClass": ["'"$LOT"'"], "EQ_bizStep": ["storing"]}}' | jq -c .name
curl -sS --fail-with-body "$BASE/epcis/queries/kho/events" -H "X-Api-Key: $KEY" -H 'Accept: application/xml' | grep -o '<bizStep>[^<]*</bizStep>'

# Fix a mistake with a correcting event (the original stays, marked as corrected).
post "/batches/$BATCH_ID/events" "$KEY" \
  -d '{"type": "harvesting", "occurredAt": "2025-11-20T06:30:00+07:00", "note": "Sửa: 102 kg", "corrects": "'"$HARVEST_ID"'"}' | jq .sequence

get "/batches/$BATCH_ID/events" "$KEY" | jq '[.items[] | {sequence, type}]'   # the chain, in recorded order
get "/batches/$BATCH_ID/verification" "$KEY" | jq -c .                        # {"valid":true,"eventCount":6,"headHash":"…"}

# A batch made from others: your own by id, another producer's (that you bought) by its public code.
BOUGHT=$(get "/batches?limit=1" "$ADMIN" | jq -r '.items[0].code')    # the demo cooperative's batch
MIXED_ID=$(post /batches "$KEY" -d '{
  "productId": "'"$PRODUCT_ID"'", "lotNumber": "BM-2511", "producedOn": "2025-11-25",
  "parents": [{"batchId": "'"$BATCH_ID"'", "quantity": 5}, {"code": "'"$BOUGHT"'", "quantity": 20}]}' | jq -r .id)
get "/batches/$MIXED_ID/lineage" "$KEY" | jq '[.ancestors[] | {code, depth}]'   # ancestors and descendants with depth

# One code per item: 100 serials with PINs, the printing house's file (CSV); a shopper scans one and checks its PIN.
post "/batches/$BATCH_ID/serials" "$KEY" -H "Idempotency-Key: items-$BATCH_ID-1" -d '{"count": 100, "withPin": true}' > serials.csv
IFS=, read -r _ SERIAL _ ITEM_URL PIN < <(sed -n 2p serials.csv)
curl -sS --fail-with-body -L "$ITEM_URL" | grep -o 'Đây là lần quét đầu tiên của mã này.'
curl -sS --fail-with-body -X POST "${BASE%/api/v1}/p/$CODE/$SERIAL" -d "pin=$PIN" | grep -o 'Sản phẩm chính hãng[^<]*'

# Recall (the owner, or an authority within its province): the batch and everything made from it, transitively.
post "/batches/$BATCH_ID/recall" "$AUTH" -d '{"reason": "Phát hiện dư lượng kháng sinh vượt ngưỡng"}' | jq -c '{status, affectedCount, newlyRecalledCount}'
# → {"status":"complete","affectedCount":2,"newlyRecalledCount":2}   (202 and "propagating" while a large one goes on)

# The province's OCOP office reads its reports as JSON, or as CSV for a spreadsheet (UTF-8 with a byte-order mark).
curl -sS --fail-with-body "$BASE/oversight/products?format=csv" -H "X-Api-Key: $AUTH"   # commune,category,stars,products
echo "The office's dashboard: ${BASE%/api/v1}/dashboard (sign in with its key)"

# EPCIS 2.0 for GS1 tools (public, no key).
curl -sS --fail-with-body "$BASE/public/records/$CODE/epcis" | jq '.epcisBody.eventList | length'

# A cooperative rotates its key: create a new one, then revoke the old one with it.
NEWKEY=$(post "/producers/$COOP_ID/api-keys" "$KEY" | jq -r .apiKey)
OLD_KEY_ID=$(jq -r .apiKeyId <<<"$COOP")
curl -sS --fail-with-body -X DELETE "$BASE/producers/$COOP_ID/api-keys/$OLD_KEY_ID" -H "X-Api-Key: $NEWKEY" -o /dev/null -w '%{http_code}\n'
