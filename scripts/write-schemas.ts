/**
 * `npm run schemas`: regenerates schemas/*.json from the zod schemas (run after `npm run build`).
 */
import { writeFileSync } from 'node:fs';
import { jsonSchemas } from '../dist/json-schemas.js';

for (const [name, schema] of Object.entries(jsonSchemas())) {
  const file = new URL(`../schemas/${name}`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${name}`);
}
