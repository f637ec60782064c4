/**
 * `npm run schemas`: regenerates schemas/*.json and docs/reference/*.md from the zod schemas
 * (run after `npm run build`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemas } from '../dist/reference/json-schemas.js';
import { referenceDocs } from '../dist/reference/reference-docs.js';

for (const [name, schema] of Object.entries(jsonSchemas())) {
  const file = new URL(`../schemas/${name}`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${name}`);
}
mkdirSync(new URL('../docs/reference/', import.meta.url), { recursive: true });
for (const [path, text] of Object.entries(referenceDocs())) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
