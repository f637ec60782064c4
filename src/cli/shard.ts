/**
 * @module cli/shard
 * `run --shard i/n` and `compare --shard i/n`: the run's work units (each scenario, or each
 * scenario × seed in a sweep; in `compare`, each column × scenario × seed), dealt round-robin
 * to n shards; a shard drills its own and writes them to a shard file, and
 * `merge` puts the shards of one run back together. A shard file says which run it belongs to
 * (version, scenario files and their contents, the flags that change results), so shards of
 * different runs are refused, not mixed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { reportSchema } from '../report/report-schema.js';
import { sweepSchema } from '../report/sweep-schema.js';
import type { ShardFlag } from './options.js';

/** Whether work unit `k` (0-based, in the run's order) is this shard's. */
export function ownsUnit(shard: ShardFlag, k: number): boolean {
  return k % shard.count === shard.index - 1;
}

/** The file a shard writes. */
export function shardFileName(shard: ShardFlag): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

/** What identifies a run: every shard of it must carry the same. */
export const runIdentitySchema = z.strictObject({
  version: z.string(),
  files: z.array(z.strictObject({ file: z.string(), sha256: z.string() })),
  seed: z.number().nullable(),
  seeds: z.union([
    z.strictObject({ count: z.number() }),
    z.strictObject({ from: z.number(), to: z.number() }),
    z.null(),
  ]),
  config: z.string().nullable(),
  subject: z.string().nullable(),
  subjectConfig: z.string().nullable(),
  maxRequests: z.number().nullable(),
  maxDuration: z.number().nullable(),
  /** A shard of `compare`: its columns, each --config then each --subject. */
  compare: z.strictObject({ config: z.array(z.string()), subject: z.array(z.string()) }).optional(),
});

/** The identity of a run. */
export type RunIdentity = z.output<typeof runIdentitySchema>;

/** A run's identity: the files are hashed, so an edited scenario is a different run. */
export function runIdentity(
  version: string,
  files: readonly string[],
  flags: Omit<RunIdentity, 'version' | 'files'>,
): RunIdentity {
  return {
    version,
    files: files.map((file) => ({
      file,
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    })),
    ...flags,
  };
}

export const shardSchema = z.strictObject({
  shardVersion: z.literal(1),
  shard: z.strictObject({ index: z.number().int(), count: z.number().int() }),
  run: runIdentitySchema,
  units: z.array(
    z.strictObject({
      unit: z.number().int(),
      /** `compare`'s column. */
      column: z.number().int().optional(),
      scenario: z.number().int(),
      seed: z.number().int(),
      /** A plain run's unit: the drill's report and the files beside it. */
      report: reportSchema.optional(),
      files: z.record(z.string(), z.string()).optional(),
      /** A sweep's unit: its row. */
      row: sweepSchema.shape.rows.element.optional(),
    }),
  ),
});

/** A shard file. */
export type ShardFile = z.output<typeof shardSchema>;

/** Reads and checks the shards of one run: all present, once each, of the same run. */
export function readShards(paths: readonly string[]): ShardFile[] {
  if (paths.length === 0) throw InputError.of('merge', 'needs shard files');
  const shards = paths.map((path) => {
    if (path.trim() === '')
      throw InputError.of(`"${path}"`, 'is an empty file name: name a shard file');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw InputError.of(path, 'no such shard file');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw InputError.of(path, 'is not a shard file: not JSON');
    }
    if (!shardSchema.safeParse(json).success)
      throw InputError.of(
        path,
        'is not a shard file of `run --shard` or `compare --shard` (shardVersion 1)',
      );
    // The file's own objects, not zod's copies: their key order is the reports' own.
    return { path, shard: json as ShardFile };
  });
  const [first, ...rest] = shards;
  if (first === undefined) throw InputError.of('merge', 'needs shard files');
  const same = JSON.stringify(first.shard.run);
  for (const other of rest) {
    const a = first.shard.run;
    const b = other.shard.run;
    const why =
      a.version !== b.version
        ? `failover-drill ${b.version}, not ${a.version}`
        : JSON.stringify(a.files.map((f) => f.file)) !== JSON.stringify(b.files.map((f) => f.file))
          ? `other scenario files (${b.files.map((f) => f.file).join(', ')})`
          : JSON.stringify(a.files) !== JSON.stringify(b.files)
            ? 'the same scenario files with other contents'
            : 'other flags (seed, seeds, config, subject or limits)';
    if (JSON.stringify(b) !== same)
      throw InputError.of(other.path, `is a shard of another run than ${first.path}: ${why}`);
    if (other.shard.shard.count !== first.shard.shard.count)
      throw InputError.of(
        other.path,
        `is shard ${other.shard.shard.index}/${other.shard.shard.count}; ${first.path} is one of ${first.shard.shard.count}`,
      );
  }
  const count = first.shard.shard.count;
  const byIndex = new Map<number, string>();
  for (const { path, shard } of shards) {
    const seen = byIndex.get(shard.shard.index);
    if (seen !== undefined)
      throw InputError.of(path, `is shard ${shard.shard.index}/${count} again (so is ${seen})`);
    byIndex.set(shard.shard.index, path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw InputError.of(
      'merge',
      `needs all ${count} shards; missing: ${missing.map((i) => `${i}/${count}`).join(', ')}`,
    );
  return shards.map((s) => s.shard);
}
