// A webhook receiver that verifies Standard Webhooks signatures with nothing but Node's own crypto.
//   node docs/webhook-receiver.mjs [port] [secret-file]      (defaults: 8090, ./webhook-secret)
// The secret (whsec_…) is the one POST /api/v1/webhooks answered with; it is read per request, so the receiver can
// start before the subscription exists. Prints "verified <type> <webhook-id>" or "REFUSED …" per delivery.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const port = Number(process.argv[2] ?? 8090);
const secretFile = process.argv[3] ?? 'webhook-secret';
const seen = new Set();   // webhook-ids already handled: a delivery may come more than once

function verify(secret, id, timestamp, body, header) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  // Several signatures while a rotated secret's previous one still signs: any may match.
  return header.split(' ').some(s => {
    const [version, signature] = s.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', chunk => (body += chunk));
  req.on('end', () => {
    const id = req.headers['webhook-id'], timestamp = req.headers['webhook-timestamp'], signature = req.headers['webhook-signature'] ?? '';
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;   // refuse replays of old messages
    let secret = '';
    try { secret = readFileSync(secretFile, 'utf8').trim(); } catch { }
    if (!secret || !fresh || !verify(secret, id, timestamp, body, signature)) {
      console.log(`REFUSED ${id}`);
      res.writeHead(400).end();
      return;
    }
    if (!seen.has(id)) {
      seen.add(id);
      const message = JSON.parse(body);
      console.log(`verified ${message.type} ${id} ${message.data.code ?? ''}`);
    }
    res.writeHead(204).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}/hooks`));
