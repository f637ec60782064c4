import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/helpers.js';

/** Lints `file`'s own text with `extra` lines added, and returns what `rule` said. */
async function violations(
  file: string,
  extra: string,
  rule = 'no-restricted-imports',
): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const text = `${extra}\n${readFileSync(join(ROOT, file), 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

// The layer order lives in eslint.config.js (LAYERS); these cases prove the rule fires, so an
// editor shows a wrong-way import as it is typed.
describe('the layer rules', () => {
  it('refuse an engine file importing the simulator, the providers, msw or OpenTelemetry', async () => {
    const found = await violations(
      'src/engine/policy.ts',
      [
        "import '../simulator/simulate.js';",
        "import '../providers/mock-provider.js';",
        "import 'msw';",
        "import '@opentelemetry/api';",
      ].join('\n'),
    );
    expect(found).toHaveLength(4);
    expect(found[0]).toContain('imports only from the layers below it');
    expect(found[2]).toContain('neither msw nor OpenTelemetry');
  }, 60_000);

  it('refuse a report file importing the simulator above it, and a peer in its own layer', async () => {
    const found = await violations(
      'src/report/recorder.ts',
      "import '../simulator/simulate.js';\nimport '../telemetry/drill-telemetry.js';",
    );
    expect(found).toHaveLength(2);
  }, 60_000);

  it('let a file import the layers below it', async () => {
    const found = await violations(
      'src/simulator/simulate.ts',
      "import '../report/recorder.js';\nimport '../engine/policy.js';",
    );
    expect(found).toEqual([]);
  }, 60_000);

  it('refuse a shared file at src/ importing any folder, and let the package entry do it', async () => {
    const found = await violations('src/units.ts', "import './engine/rng.js';");
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("src/'s shared files import no folder");
    expect(await violations('src/index.ts', "import './engine/rng.js';")).toEqual([]);
  }, 60_000);
});

describe('the size rules', () => {
  const body = (lines: number): string =>
    Array.from({ length: lines }, (_, i) => `  void ${i};`).join('\n');

  it('refuse a function over 100 lines in src/, unless a disable comment says why', async () => {
    const long = `export function tooLong(): void {\n${body(100)}\n}`;
    expect(await violations('src/units.ts', long, 'max-lines-per-function')).toHaveLength(1);
    const said = `// eslint-disable-next-line max-lines-per-function -- one table, read top to bottom\n${long}`;
    expect(await violations('src/units.ts', said, 'max-lines-per-function')).toEqual([]);
  }, 60_000);

  it('refuse a src/ file over 400 lines', async () => {
    expect(await violations('src/units.ts', body(400), 'max-lines')).toHaveLength(1);
  }, 60_000);
});
