// Reads EPCIS 2.0 documents (EPCISDocument, EPCISQueryDocument) the way GS1 tools do, with other people's implementations, offline:
//  1. JSON-LD expansion with GS1's EPCIS context (jsonld.js in safe mode: a dropped term or a relative IRI is an error);
//  2. GS1's SHACL shapes (EPCIS-SHACL.ttl) over the document's RDF (rdf-validate-shacl);
//  3. each event's eventID (or, for an event captured with its partner's eventID, its ocop:eventHash) against the
//     CBV 2.0 event hash computed by GS1's epcis2.js (eventToHashedId).
// Prints one line per finding and "epcis-check: N documents, N problems"; exits 1 on any problem.
//   NODE_TOOLS=<folder with node_modules> node epcis-check.mjs doc.json…
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tools = `${process.env.NODE_TOOLS}/node_modules`;
const require = createRequire(`${process.env.NODE_TOOLS}/`);
const jsonld = require('jsonld');
const N3 = require('n3');
const { eventToHashedId } = require('epcis2.js');
const { default: SHACLValidator } = await import(pathToFileURL(`${tools}/rdf-validate-shacl/index.js`));
const { default: rdf } = await import(pathToFileURL(`${tools}/rdf-validate-shacl/src/defaultEnv.js`));

const here = fileURLToPath(new URL('.', import.meta.url));
const contexts = {
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld': JSON.parse(readFileSync(`${here}/epcis-2.0/epcis-context.jsonld`, 'utf8')),
};
const documentLoader = async url => {
  if (contexts[url]) return { contextUrl: null, documentUrl: url, document: contexts[url] };
  throw new Error(`offline: no local copy of ${url}`);
};
const shapes = new N3.Parser().parse(readFileSync(`${here}/epcis-2.0/EPCIS-SHACL.ttl`, 'utf8'));

// JSON-LD 1.1 (toRdf, "Object to RDF Conversion") writes a JSON number with a fractional part in xsd:double's lexical
// form even where the context types it xsd:decimal, as GS1's context types `quantity`: 12.5 becomes "1.25E1"^^xsd:decimal,
// an ill-typed literal that GS1's own shapes then refuse, for GS1's own examples too (give one 10.5 kg). The EPCIS JSON
// schema requires a number, so no document can avoid it: read such a literal as the decimal it denotes.
const xsdDecimal = 'http://www.w3.org/2001/XMLSchema#decimal';
function decimalLexicalForm(quad) {
  const o = quad.object;
  if (o.termType !== 'Literal' || o.datatype.value !== xsdDecimal || !/[eE]/.test(o.value)) return quad;
  const [mantissa, exponent] = o.value.toLowerCase().split('e');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = whole + fraction, point = whole.length + Number(exponent);
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  const text = `${padded.slice(0, at).replace(/^0+(?=\d)/, '')}.${padded.slice(at) || '0'}`.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '.0');
  const literal = N3.DataFactory.literal((mantissa.startsWith('-') ? '-' : '') + text, N3.DataFactory.namedNode(xsdDecimal));
  return N3.DataFactory.quad(quad.subject, quad.predicate, literal, quad.graph);
}

let problems = 0;
const problem = (file, what) => { problems++; console.log(`PROBLEM ${file}: ${what}`); };

for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  try {
    await jsonld.expand(doc, { documentLoader, safe: true });
  } catch (e) {
    problem(file, `JSON-LD expansion (safe mode): ${e.message} ${JSON.stringify(e.details ?? {}).slice(0, 400)}`);
    continue;
  }
  const nquads = await jsonld.toRDF(doc, { documentLoader, format: 'application/n-quads', safe: true });
  const data = rdf.dataset(new N3.Parser({ format: 'N-Quads' }).parse(nquads).map(decimalLexicalForm));
  const report = await new SHACLValidator(shapes).validate(data);
  const describe = r => `${r.message.map(m => m.value).join('; ') || r.sourceConstraintComponent?.value} (focus ${r.focusNode?.value}, `
    + `path ${r.path?.value}, value ${r.value?.value})${(r.detail ?? []).map(d => ` ← ${describe(d)}`).join('')}`;
  for (const r of report.results) problem(file, `SHACL: ${describe(r)}`);
  const context = Object.assign({}, ...doc['@context'].filter(c => typeof c === 'object'));
  // An EPCISDocument lists its events in epcisBody; an EPCISQueryDocument (a query's answer) in its query results.
  const events = doc.epcisBody.eventList ?? doc.epcisBody.queryResults.resultsBody.eventList;
  for (const event of events) {
    // A captured event keeps its partner's eventID; its CBV 2.0 hash is then ocop:eventHash (outside what is hashed).
    const claimed = event['ocop:eventHash'] ?? event.eventID;
    const hashed = structuredClone(event);
    delete hashed['ocop:eventHash'];
    // The algorithm leaves an empty list out (its rule 4, in epcis2.js's own comment); epcis2.js 2.7.3 throws on one
    // instead ("res.customFields is not iterable"), and GS1's schema requires AggregationEvent's childEPCs even empty.
    for (const [k, v] of Object.entries(hashed)) if (Array.isArray(v) && v.length === 0) delete hashed[k];
    let expected;
    try { expected = eventToHashedId(hashed, context); } catch (e) { expected = `(epcis2.js: ${e.message})`; }
    if (claimed !== expected) problem(file, `eventID ${claimed} is not the CBV 2.0 hash ${expected}`);
  }
  console.log(`ok ${file}: ${events.length} events, ${data.size} triples`);
}
console.log(`epcis-check: ${process.argv.length - 2} documents, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
