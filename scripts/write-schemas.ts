/**
 * `npm run schemas`: regenerates schemas/*.json and docs/reference/*.md from the zod schemas and
 * the commander definitions (run after `npm run build`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemas } from '../dist/reference/json-schemas.js';
import { referenceDocs } from '../dist/reference/reference-docs.js';
import { cliReference } from '../dist/cli/cli-reference.js';

for (const [name, schema] of Object.entries(jsonSchemas())) {
  const file = new URL(`../schemas/${name}`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${name}`);
}
mkdirSync(new URL('../docs/reference/', import.meta.url), { recursive: true });
const generated = { ...referenceDocs(), 'docs/reference/cli.md': cliReference() };
for (const [path, text] of Object.entries(generated)) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
