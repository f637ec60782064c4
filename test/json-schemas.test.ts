import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../src/json-schemas.js';

describe('schemas/', () => {
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    it(`${name} matches the zod schema (run \`npm run build && npm run schemas\` after changing it)`, () => {
      const committed: unknown = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', 'schemas', name), 'utf8'),
      );
      expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
    });
  }

  it('describes units for editors', () => {
    const scenario = JSON.stringify(jsonSchemas()['scenario.schema.json']);
    expect(scenario).toContain('A duration such as 250ms');
    expect(scenario).toContain('"additionalProperties":false');
  });
});
