// Writes Api/PublicRecords/Resolver/gs1-ai-table.json: every GS1 Application Identifier with the syntax GS1's own
// Digital Link toolkit checks it against, and gs1-compression-tables.json: the toolkit's tables for GS1 Digital Link
// compression (P: AI lengths by first two digits, F: how each AI's value is encoded, Opt: the optimised AI sequences).
// The toolkit is Apache-2.0, copied unmodified to Tests/Standards/gs1-resolver-testsuite/.
// Run from the repository root: node scripts/gs1-ai-table.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync('Tests/Standards/gs1-resolver-testsuite/GS1DigitalLinkToolkit.js', 'utf8');
// Each table is one line of the toolkit: "const name = <JSON>;".
const literal = name => {
  const line = source.split('\n').find(l => new RegExp(`^\\s*const ${name}\\s*=`).test(l));
  return JSON.parse(line.slice(line.indexOf('=') + 1).trim().replace(/;$/, ''));
};
const table = literal('aitable');
const rows = table.map(a => ({
  ai: a.ai, title: a.title.trim(), type: a.type, regex: a.regex,
  ...(a.checkDigit ? { checkDigit: a.checkDigit } : {}),
  ...(a.qualifiers ? { qualifiers: a.qualifiers } : {}),
}));
writeFileSync('Api/PublicRecords/Resolver/gs1-ai-table.json',
  '[\n' + rows.map(r => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n');
// The toolkit sorts each optimised sequence in place when it starts (for its reverse look-up), and codes and decodes
// values in that sorted order: store them sorted, as it uses them.
const opt = Object.fromEntries(Object.entries(literal('tableOpt')).map(([k, v]) => [k, [...v].sort()]));
const compression = { P: literal('tableP'), F: literal('tableF'), Opt: opt };
writeFileSync('Api/PublicRecords/Resolver/gs1-compression-tables.json', JSON.stringify(compression) + '\n');
console.log(`${rows.length} application identifiers, compression tables for ${Object.keys(compression.F).length}`);
