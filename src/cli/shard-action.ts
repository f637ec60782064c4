/**
 * @module cli/shard-action
 * `run --shard i/n`: drills this shard's share of the run's work units and writes them, with
 * the run's identity, to `shard-i-of-n.json` in `--out`. `merge` writes the reports.
 */
import { HarnessError, InputError, SubjectRefusedError } from '../errors.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import { sweepRow } from '../report/sweep.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { VERSION } from '../version.js';
import { drillCells, openPool, poolSetup } from './drill-pool.js';
import { seedList, type ShardFlag } from './options.js';
import { createProgress } from './progress.js';
import { displayPath, ensureWritableDir } from './report-files.js';
import { replayCommand } from './replay.js';
import type { RunOptions } from './run-action.js';
import { ownsUnit, runIdentity, shardFileName, type ShardFile } from './shard.js';

/** The run's work units in order: each scenario, or each scenario × seed in a sweep. */
export function workUnits(
  scenarios: readonly Scenario[],
  options: Pick<RunOptions, 'seed' | 'seeds'>,
): { scenario: number; seed: number }[] {
  return scenarios.flatMap((scenario, i) => {
    const first = options.seed ?? scenario.seed;
    const seeds = options.seeds === undefined ? [first] : seedList(options.seeds, first);
    return seeds.map((seed) => ({ scenario: i, seed }));
  });
}

/** Runs one shard of `run`. */
export async function runShard(
  files: readonly string[],
  scenarios: readonly Scenario[],
  options: RunOptions,
  shard: ShardFlag,
): Promise<void> {
  if (options.otlp !== undefined)
    throw InputError.of('--otlp', 'a shard writes no traces: replay one drill to trace it');
  const out = options.out ?? 'reports';
  ensureWritableDir(out);
  const all = workUnits(scenarios, options);
  const mine = all.map((u, unit) => ({ ...u, unit })).filter((u) => ownsUnit(shard, u.unit));
  const { pool } = await openPool(
    poolSetup('run', files, options),
    Math.min(options.workers, mine.length),
    scenarios,
  );
  const progress = createProgress(`shard ${shard.index}/${shard.count}: ${mine.length} drills`);
  let units: ShardFile['units'];
  try {
    units = await drillCells(
      pool,
      mine.map((unit) => {
        const scenario = scenarios[unit.scenario];
        if (scenario === undefined) throw new HarnessError(`no scenario ${unit.scenario}`);
        return {
          row: unit.scenario,
          column: 0,
          seed: unit.seed,
          replay: replayCommand(scenario.file, unit.seed, options.config, options),
        };
      }),
      (result, i) => {
        const unit = mine[i]!;
        if (!('report' in result))
          throw new SubjectRefusedError(options.subject ?? '', result.refused);
        return options.seeds === undefined
          ? { ...unit, report: result.report, files: { ...result.files } }
          : { ...unit, row: sweepRow(unit.seed, result.report) };
      },
      (share) => progress.update(share),
    );
  } finally {
    progress.stop();
    await pool.close();
  }
  const file: ShardFile = {
    shardVersion: 1,
    shard: { index: shard.index, count: shard.count },
    run: runIdentity(VERSION, files, {
      seed: options.seed ?? null,
      seeds: options.seeds ?? null,
      config: options.config ?? null,
      subject: options.subject ?? null,
      subjectConfig: options.subjectConfig ?? null,
      maxRequests: options.maxRequests ?? null,
      maxDuration: options.maxDuration ?? null,
    }),
    units,
  };
  writeShard(out, file, 'shard', mine.length, all.length);
}

/** A shard file written to `out`, and what to do with it said: `label i/n: k of N drills`. */
export function writeShard(
  out: string,
  file: ShardFile,
  label: string,
  drills: number,
  of: number,
): void {
  const { index, count } = file.shard;
  const written = writeReportFiles(out, {
    [shardFileName({ index, count })]: reportJson(file),
  });
  process.stdout.write(
    `${label} ${index}/${count}: ${drills} of ${of} drills\nwritten: ${written.map(displayPath).join(', ')}\nmerge all ${count} shards: npx failover-drill merge <their files or folders> --out <dir>\n`,
  );
}
