import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const engineDir = join(import.meta.dirname, '..', '..', 'src', 'engine');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the engine boundary', () => {
  it('imports nothing from msw, OpenTelemetry, the simulator, the providers or the reports', () => {
    const offending: string[] = [];
    for (const file of files(engineDir)) {
      for (const match of readFileSync(file, 'utf8').matchAll(
        /^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm,
      )) {
        const spec = match[1] ?? '';
        if (
          /^msw|^@opentelemetry|^@mswjs|\/(simulator|providers|report|scenario|cli|telemetry)\//.test(
            spec,
          )
        )
          offending.push(`${relative(engineDir, file)}: ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
