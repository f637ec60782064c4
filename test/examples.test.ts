/**
 * The CI and Kubernetes recipes in examples/: they parse, they shard the same run the same way,
 * and every failover-drill command they run exists with the flags they pass.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { createProgram } from '../src/cli/main.js';

/** Every `npx failover-drill …` line in a parsed document. */
function commands(node: unknown): string[] {
  if (typeof node === 'string')
    return [...node.matchAll(/npx failover-drill ([^\n]+)/g)].map((m) => m[1]!.trim());
  if (Array.isArray(node)) return node.flatMap(commands);
  if (typeof node === 'object' && node !== null) return Object.values(node).flatMap(commands);
  return [];
}

/** The flags a command's words use that the CLI does not know, or `no such command`. */
function unknownFlags(line: string): string[] {
  const [name, ...words] = line.split(/\s+/);
  const command = createProgram().commands.find((c) => c.name() === name);
  if (command === undefined) return [`no such command: ${name}`];
  const known = new Set(command.options.map((o) => o.long));
  return words.filter((w) => w.startsWith('--') && !known.has(w.split('=')[0]));
}

it('the check itself finds an unknown flag or command', () => {
  expect(unknownFlags('run x.yaml --shards 1/2 --out d')).toEqual(['--shards']);
  expect(unknownFlags('mrege shards')).toEqual(['no such command: mrege']);
});

describe('examples/ci/github-actions.yml', () => {
  const workflow = parse(readFileSync('examples/ci/github-actions.yml', 'utf8')) as {
    jobs: {
      drill: { strategy: { matrix: { shard: number[] } } };
      merge: { needs: string };
    };
  };
  const lines = commands(workflow);

  it('runs a shard per matrix job and merges them in a job that needs them', () => {
    expect(lines.filter((l) => l.startsWith('run '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('merge '))).toHaveLength(1);
    const shards = workflow.jobs.drill.strategy.matrix.shard;
    expect(lines[0]).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(workflow.jobs.merge.needs).toBe('drill');
  });

  it.each(commands(parse(readFileSync('examples/ci/github-actions.yml', 'utf8'))))(
    'failover-drill %s: a command and flags that exist',
    (line) => {
      expect(unknownFlags(line)).toEqual([]);
    },
  );
});

describe('examples/kubernetes/indexed-job.yaml', () => {
  const docs = parseAllDocuments(readFileSync('examples/kubernetes/indexed-job.yaml', 'utf8')).map(
    (d) => d.toJS() as { kind: string; spec: { completions?: number; completionMode?: string } },
  );
  const lines = commands(docs);

  it('is an Indexed Job of n completions, each its shard of n, then a merge', () => {
    const [shards, merge] = docs;
    expect(shards).toMatchObject({ kind: 'Job', spec: { completionMode: 'Indexed' } });
    expect(merge?.kind).toBe('Job');
    const n = shards!.spec.completions;
    expect(lines[0]).toContain(`--shard $((JOB_COMPLETION_INDEX + 1))/${n}`);
    expect(lines[1]).toMatch(/^merge /);
  });

  it.each(lines)('failover-drill %s: a command and flags that exist', (line) => {
    expect(unknownFlags(line)).toEqual([]);
  });
});
