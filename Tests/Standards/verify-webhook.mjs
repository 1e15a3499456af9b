// Verifies webhook deliveries with the Standard Webhooks reference library (npm "standardwebhooks"), not our code.
// Usage: node verify-webhook.mjs deliveries.json — a JSON array of {secret, headers, body}; exits 1 if any fails.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_TOOLS, "node_modules", "x.js"));
const { Webhook } = require("standardwebhooks");

const deliveries = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = 0;
for (const [i, d] of deliveries.entries()) {
  try {
    // The library wants the secret's base64 without the whsec_ prefix (or with it: it strips it).
    const payload = new Webhook(d.secret).verify(d.body, d.headers);
    console.log(`delivery ${i}: verified (${payload.type})`);
  } catch (e) {
    failed++;
    console.log(`delivery ${i}: NOT verified: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
