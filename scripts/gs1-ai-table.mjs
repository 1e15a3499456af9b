// Writes Api/PublicRecords/Resolver/gs1-ai-table.json: every GS1 Application Identifier with the syntax GS1's own
// Digital Link toolkit checks it against (the toolkit is Apache-2.0, ../shared/standards/gs1-resolver-testsuite/).
// Run from the repository root: node scripts/gs1-ai-table.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync('../shared/standards/gs1-resolver-testsuite/GS1DigitalLinkToolkit.js', 'utf8');
const start = source.indexOf('const aitable=') + 'const aitable='.length;
const end = source.indexOf('];', start) + 1;
const table = JSON.parse(source.slice(start, end));
const rows = table.map(a => ({
  ai: a.ai, title: a.title.trim(), type: a.type, regex: a.regex,
  ...(a.checkDigit ? { checkDigit: a.checkDigit } : {}),
  ...(a.qualifiers ? { qualifiers: a.qualifiers } : {}),
}));
writeFileSync('Api/PublicRecords/Resolver/gs1-ai-table.json',
  '[\n' + rows.map(r => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n');
console.log(`${rows.length} application identifiers`);
