/**
 * @module cli/merge-action
 * What `merge` does: reads and checks the shards of one run, reloads its scenario files (which
 * must be unchanged), and writes the reports, sweeps and suite files the unsharded run writes
 * (or the comparison the unsharded `compare` writes), in the same order, with the same exit code.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Report } from '../report/report-schema.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { EXIT } from './exit-codes.js';
import type { MergeOptions } from './merge-command.js';
import { drillLimits } from './options.js';
import { ensureWritableDir, expandFolders } from './report-files.js';
import { replayCommand } from './replay.js';
import { reportDirs, reportDrill, writeSuite } from './run-action.js';
import { readShards, type ShardFile } from './shard.js';
import { finishSweep } from './sweep-action.js';
import { finishCompare } from './compare-action.js';
import { columnHeads } from './columns.js';

const SHARD_FILE = /^shard-\d+-of-\d+\.json$/;

/** Runs `merge`. */
export function mergeShards(args: string[], options: MergeOptions): void {
  const shards = readShards(expandFolders(args, SHARD_FILE, 'shard files'));
  const run = shards[0]!.run;
  for (const { file, sha256 } of run.files) {
    let now: string;
    try {
      now = createHash('sha256').update(readFileSync(file)).digest('hex');
    } catch {
      throw InputError.of(file, 'the shards drilled this scenario file; it is not here to merge');
    }
    if (now !== sha256)
      throw InputError.of(file, 'has changed since the shards drilled it: run them again');
  }
  const limits = drillLimits({
    ...(run.maxRequests === null ? {} : { maxRequests: run.maxRequests }),
    ...(run.maxDuration === null ? {} : { maxDuration: run.maxDuration }),
  });
  const units = shards.flatMap((s) => s.units).sort((a, b) => a.unit - b.unit);
  if (run.compare !== undefined) {
    mergeCompare(run, run.compare, units, limits, options);
    return;
  }
  const scenarios = run.files.map(({ file }) =>
    loadScenario(file, { limits, ...(run.config === null ? {} : { configFile: run.config }) }),
  );
  const { outDir, suiteDir } = reportDirs(scenarios, options.out);
  for (const scenario of scenarios) ensureWritableDir(outDir(scenario));
  if (suiteDir !== undefined) ensureWritableDir(suiteDir);
  const drilled = {
    ...(run.config === null ? {} : { config: run.config }),
    ...(run.subject === null ? {} : { subject: run.subject }),
    ...(run.subjectConfig === null ? {} : { subjectConfig: run.subjectConfig }),
  };
  let breached = false;
  if (run.seeds !== null) {
    for (const [i, scenario] of scenarios.entries()) {
      const rows = units
        .filter((u) => u.scenario === i)
        .flatMap((u) => (u.row === undefined ? [] : [u.row]));
      const sweep = finishSweep(
        scenario,
        rows,
        { ...drilled, format: options.format },
        outDir(scenario),
      );
      breached ||= !sweep.pass;
      if (scenarios.length > 1) process.stdout.write('\n');
    }
  } else {
    const reports: Report[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      const unit = units.find((u) => u.scenario === i);
      if (unit?.report === undefined)
        throw InputError.of('merge', `finds no shard holding the drill of ${scenario.file}`);
      reports.push(unit.report);
      const replay = replayCommand(scenario.file, unit.seed, drilled.config, drilled);
      breached =
        reportDrill(
          unit.report,
          unit.files ?? {},
          replay,
          outDir(scenario),
          options.format,
          suiteDir,
          scenarios.length,
        ) || breached;
    }
    if (suiteDir !== undefined) writeSuite(suiteDir, reports, options.format);
  }
  process.exitCode = breached ? EXIT.breached : EXIT.ok;
}

/** The shards of one `compare --shard` merged into the comparison the unsharded compare writes. */
function mergeCompare(
  run: ShardFile['run'],
  compare: NonNullable<ShardFile['run']['compare']>,
  units: ShardFile['units'],
  limits: ReturnType<typeof drillLimits>,
  options: MergeOptions,
): void {
  const scenarios = run.files.map(({ file }) => loadScenario(file, { limits }));
  const out = options.out ?? 'reports/compare';
  ensureWritableDir(out);
  const columns = columnHeads({
    ...compare,
    ...(run.subjectConfig === null ? {} : { subjectConfig: run.subjectConfig }),
  });
  finishCompare(
    columns,
    scenarios,
    units.map((u) => ({ ...u, column: u.column ?? 0 })),
    run.seeds !== null,
    {
      out,
      format: options.format.filter((f) => f !== 'junit'),
    },
  );
}
