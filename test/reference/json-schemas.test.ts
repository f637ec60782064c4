import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/reference/json-schemas.js';
import { referenceDocs } from '../../src/reference/reference-docs.js';

describe('schemas/', () => {
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    it(`${name} matches the zod schema (run \`npm run build && npm run schemas\` after changing it)`, () => {
      const committed: unknown = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', '..', 'schemas', name), 'utf8'),
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

describe('docs/reference/', () => {
  for (const [path, text] of Object.entries(referenceDocs())) {
    it(`${path} matches the zod schemas (run \`npm run schemas\` after changing them)`, () => {
      expect(readFileSync(join(import.meta.dirname, '..', '..', path), 'utf8')).toBe(text);
    });
  }

  it('lists every fault kind with what it does, and the defaults the loader fills in', () => {
    const scenario = referenceDocs()['docs/reference/scenario.md'] ?? '';
    expect(scenario).toContain('| `faults[] · kind: "stream-stall"` | `afterTokens`: integer');
    expect(scenario).toContain('Stops sending after `afterTokens` tokens');
    const config = referenceDocs()['docs/reference/failover-config.md'] ?? '';
    expect(config).toContain('| `retry.baseDelay` | duration | `200ms` |');
    expect(config).toContain('| `breaker.failureRatio` | share | `50%` |');
  });
});
