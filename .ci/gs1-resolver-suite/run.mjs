// Runs GS1's GS1-Conformant resolver test suite (a copy in Tests/Standards/gs1-resolver-testsuite, unmodified) under Node,
// with jsdom as its browser window. Its helper, tester.php, runs on `php -S` at TESTER; its three remote look-ups
// are answered from local copies (the linkset schema and link-type list GS1 publishes; the description-file schema
// written here from the standard). Prints every result and "resolver-suite: N passed, N failed, N warned".
//   node run.mjs <digital link> <tester.php URL> <standards folder>
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

// jsdom and ajv come from NODE_TOOLS (installed by .ci/run), not from a package.json here.
const require = createRequire(`${process.env.NODE_TOOLS}/`);
const { JSDOM } = require('jsdom');
const Ajv = require('ajv').default;

const [dl, tester, standards] = process.argv.slice(2);
const here = fileURLToPath(new URL('.', import.meta.url));
const localCopies = {
  'https://ref.gs1.org/standards/resolver/description-file-schema': `${here}/description-file-schema.json`,
  'https://gs1.github.io/linkset/gs1-linkset-schema.json': `${standards}/gs1-linkset/gs1-linkset-schema.json`,
  'https://ref.gs1.org/voc/data/linktypes': `${standards}/gs1-webvoc/linktypes.json`,
};
const remoteTester = 'https://philarcher.org/gs1/tester.php';

async function fetchForSuite(input, init) {
  const url = typeof input === 'string' ? input : input.url;
  if (localCopies[url]) {
    return new Response(readFileSync(localCopies[url]), { status: 200, headers: { 'content-type': 'application/json' } });
  }
  const target = url.startsWith(remoteTester) ? tester + url.slice(remoteTester.length) : url;
  if (typeof input === 'string') return fetch(target, { ...init, mode: undefined });
  return fetch(target, { method: input.method, headers: input.headers });
}

const dom = new JSDOM('<!DOCTYPE html><body><div id="gs1ResolverTests"></div><div id="rotatingcircle"></div></body>',
  { runScripts: 'outside-only', url: 'https://ref.gs1.org/test-suites/resolver/' });
const { window } = dom;
Object.assign(window, { fetch: fetchForSuite, Request, Response, Headers, ajv7: Ajv });

const suite = ['GS1DigitalLinkToolkit.js', 'GS1DigitalLinkResolverTestSuite.js']
  .map(f => readFileSync(`${standards}/gs1-resolver-testsuite/${f}`, 'utf8')).join('\n;\n');
// One script, so the runner below sees the suite's top-level const and let bindings.
window.eval(`${suite}\n;window.__runSuite = async (dl) => { await testDL(dl); return resultsArray; };
window.__toolkit = new GS1DigitalLinkToolkit();`);

const results = await window.__runSuite(dl);
// Two checks (TLS, description file) are started without being awaited: let them finish.
await new Promise(resolve => setTimeout(resolve, 3000));

// The suite leaves GS1 Digital Link compression out (its check is commented out); check it here with GS1's toolkit as
// the oracle: the compressed form of the link answers as the link does, and names it as owl:sameAs.
const origin = new URL(dl).origin;
const compressed = window.__toolkit.compressGS1DigitalLink(`${dl}?foo=bar`, false, origin, false, true, false);
const [plain, packed] = await Promise.all([`${dl}?foo=bar`, compressed].map(u => fetch(u, { redirect: 'manual' })));
results.push({ id: 'compressedDefault', status: packed.status === plain.status && packed.headers.get('location') === plain.headers.get('location') ? 'pass' : 'fail',
  msg: `${compressed} answered ${packed.status} ${packed.headers.get('location')}; ${dl}?foo=bar answered ${plain.status} ${plain.headers.get('location')}` });
results.push({ id: 'compressedSameAs', status: (packed.headers.get('link') ?? '').includes(`<${dl}>; rel="owl:sameAs"`) ? 'pass' : 'fail',
  msg: `Link: ${packed.headers.get('link')}` });

const counts = { pass: 0, fail: 0, warn: 0 };
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  console.log(`${r.status.toUpperCase().padEnd(4)} ${r.id}: ${r.msg}`);
}
console.log(`resolver-suite: ${counts.pass} passed, ${counts.fail} failed, ${counts.warn} warned`);
process.exit(counts.fail === 0 && counts.pass > 0 ? 0 : 1);
