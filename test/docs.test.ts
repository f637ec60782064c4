import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../src/engine/config.js';
import { applyPreset } from '../src/engine/presets.js';
import { faultSchema } from '../src/scenario/schema.js';
import { ROOT } from './support/helpers.js';

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const docsPages = readdirSync(join(ROOT, 'docs'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.md'))
  .map((f) => join('docs', f));
const pages = ['README.md', 'CONTRIBUTING.md', ...docsPages];

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The code blocks of one language in a page. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(
    (m) => m[1] ?? '',
  );
}

describe('the docs', () => {
  it('keep the README short: what it is, set-up, a drill, the commands, links', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(12 * 1024);
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = read(page);
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), path));
        if (!existsSync(join(ROOT, file))) {
          broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (anchor === undefined) continue;
        const linked = read(file);
        const headings = [...linked.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] ?? ''));
        if (!headings.includes(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('are all reachable from the README', () => {
    const readme = read('README.md');
    const unlinked = docsPages.filter((page) => !readme.includes(`](${page})`));
    expect(unlinked).toEqual([]);
  });

  it('name every runtime dependency in the README, with why it is there', () => {
    const { dependencies } = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>;
    };
    const section = read('README.md').split('## Runtime dependencies, and why')[1] ?? '';
    const missing = Object.keys(dependencies).filter((name) => !section.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('show a failover config that the schema accepts', () => {
    const [block] = blocks(read('docs/failover-config.md'), 'yaml');
    const result = failoverConfigSchema.safeParse(applyPreset(parse(block ?? '')));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('list every fault kind the schema knows in the scenario format', () => {
    const guide = read('docs/scenario-format.md');
    const missing = faultSchema.options
      .map((option) => option.shape.kind.value)
      .filter((kind) => !guide.includes(`| \`${kind}\``));
    expect(missing).toEqual([]);
  });

  it('show engine examples that type-check against the built package', () => {
    const dir = join(ROOT, 'dist', 'docs-examples');
    mkdirSync(dir, { recursive: true });
    const files = blocks(read('docs/engine.md'), 'ts').map((code, i) => {
      const file = join(dir, `engine-${i}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    expect(files.length).toBeGreaterThan(0);
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('docs/hostile-input.md', () => {
  const section = read('docs/hostile-input.md');
  const en = (n: number): string => n.toLocaleString('en-US');

  it('states the limits the code enforces', async () => {
    const { FILE_LIMITS } = await import('../src/scenario/parse-file.js');
    const { DRILL_LIMITS } = await import('../src/scenario/load-scenario.js');
    const { HTTP_LIMITS } = await import('../src/live/http-limits.js');
    const { MAX_REPORTED_ISSUES } = await import('../src/errors.js');
    const { MAX_TOKENS } = await import('../src/scenario/schema.js');
    const { MAX_RESPONSE_BYTES } = await import('../src/engine/wire/read-limited.js');
    const stated = [
      `${FILE_LIMITS.maxBytes / 1024 / 1024} MiB`,
      `${en(FILE_LIMITS.maxNodes)} YAML nodes`,
      `${FILE_LIMITS.maxAliases}\n  aliases`,
      `At most ${MAX_REPORTED_ISSUES} problems`,
      `Token counts are at most ${en(MAX_TOKENS)}`,
      `more than ${en(DRILL_LIMITS.maxRequests)} requests`,
      `longer than ${DRILL_LIMITS.maxDurationMs / 86_400_000} days`,
      `over ${HTTP_LIMITS.maxBodyBytes / 1024 / 1024} MiB gets a 413`,
      `${HTTP_LIMITS.maxAdminBodyBytes / 1024} KiB`,
      `within\n  ${HTTP_LIMITS.headersTimeoutMs / 1_000} s`,
      `whole request within ${HTTP_LIMITS.requestTimeoutMs / 1_000} s`,
      `after ${HTTP_LIMITS.keepAliveTimeoutMs / 1_000} s`,
      `at most ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB of one response`,
    ];
    for (const text of stated) expect(section).toContain(text);
  });
});
