/**
 * @module cli/compare-action
 * What `compare` does: drills every scenario (under each seed, with `--seeds`) under each config
 * or subject, in the drill pool, writes the side-by-side table and its files, and sets the exit
 * code; with `--shard i/n` it drills one share of those units and writes a shard file that
 * `merge` puts back together. Loaded only when `compare` runs.
 */
import type { CompareOptions } from './compare-command.js';
import { InputError, SubjectRefusedError } from '../errors.js';
import {
  comparedPass,
  renderComparison,
  renderComparisonHtml,
  renderComparisonMarkdown,
  type ComparedConfig,
} from '../report/compare.js';
import type { Report } from '../report/report-schema.js';
import { buildSweep, sweepRow } from '../report/sweep.js';
import type { Sweep } from '../report/sweep-schema.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { VERSION } from '../version.js';
import { columnsOf, type Column, type ColumnHead } from './columns.js';
import { drillCells, drillPool, poolSetup, type CellJob } from './drill-pool.js';
import { seedList, type SeedsFlag } from './options.js';
import { createProgress } from './progress.js';
import { ensureWritableDir, displayPath } from './report-files.js';
import { replayCommand, shellWord } from './replay.js';
import { ownsUnit, runIdentity, type ShardFile } from './shard.js';
import { writeShard } from './shard-action.js';
import { EXIT } from './exit-codes.js';

/** One unit of a comparison: a column, a scenario, a seed. */
interface CompareUnit {
  readonly unit: number;
  readonly column: number;
  readonly scenario: number;
  readonly seed: number;
}

/** What a unit leaves: its report, or with `--seeds` its sweep row. */
type Drilled = { readonly report: Report } | { readonly row: Sweep['rows'][number] };

/** Runs `compare`: each scenario and seed under each config or subject, side by side. */
export async function compareConfigs(files: string[], options: CompareOptions): Promise<void> {
  const setup = poolSetup('compare', files, options);
  const columns = await columnsOf(files, setup.flags, 2, 'compare');
  const scenarios = columns[0]?.scenarios ?? [];
  const all = compareUnits(columns, options.seed, options.seeds);
  const mine =
    options.shard === undefined ? all : all.filter((u) => ownsUnit(options.shard!, u.unit));
  const out = options.out;
  ensureWritableDir(out);
  const pool = await drillPool(setup, columns, Math.min(options.workers, mine.length));
  const progress = createProgress(
    `compare${options.shard === undefined ? '' : ` shard ${options.shard.index}/${options.shard.count}`}: ${mine.length} drills`,
  );
  let drilled: Drilled[];
  try {
    drilled = await drillCells(
      pool,
      mine.map((u): CellJob => {
        const column = columns[u.column]!;
        return {
          row: u.scenario,
          column: u.column,
          seed: u.seed,
          replay: columnReplay(column, column.scenarios[u.scenario]!, u.seed),
        };
      }),
      (result, i) => {
        if (!('report' in result))
          throw new SubjectRefusedError(columns[mine[i]!.column]!.file, result.refused);
        return options.seeds === undefined
          ? { report: result.report }
          : { row: sweepRow(mine[i]!.seed, result.report) };
      },
      (share) => progress.update(share),
    );
  } finally {
    progress.stop();
    await pool.close();
  }
  if (options.shard !== undefined) {
    const shard = options.shard;
    const file: ShardFile = {
      shardVersion: 1,
      shard: { index: shard.index, count: shard.count },
      run: {
        ...runIdentity(VERSION, files, {
          seed: options.seed ?? null,
          seeds: options.seeds ?? null,
          config: null,
          subject: null,
          subjectConfig: options.subjectConfig ?? null,
          maxRequests: options.maxRequests ?? null,
          maxDuration: options.maxDuration ?? null,
        }),
        compare: { config: options.config, subject: options.subject },
      },
      units: mine.map((u, i) => ({ ...u, ...drilled[i]! })),
    };
    writeShard(out, file, 'compare shard', mine.length, all.length);
    return;
  }
  finishCompare(
    columns,
    scenarios,
    all.map((u, i) => ({ ...u, ...drilled[i]! })),
    options.seeds !== undefined,
    options,
  );
}

/** The comparison's units in order: each column, each scenario, each seed. */
export function compareUnits(
  columns: readonly Pick<Column, 'scenarios'>[],
  seed: number | undefined,
  seeds: SeedsFlag | undefined,
): CompareUnit[] {
  const units: CompareUnit[] = [];
  columns.forEach((column, c) =>
    column.scenarios.forEach((scenario, s) => {
      const first = seed ?? scenario.seed;
      for (const drilledSeed of seeds === undefined ? [first] : seedList(seeds, first))
        units.push({ unit: units.length, column: c, scenario: s, seed: drilledSeed });
    }),
  );
  return units;
}

/** The command that replays one drill of a column. */
function columnReplay(column: ColumnHead, scenario: Scenario, seed: number): string {
  return [replayCommand(scenario.file, seed), ...column.flags.map(shellWord)].join(' ');
}

/**
 * The comparison written from its drilled units (all of them, in order): compare.json, .md and
 * .html in `--out`, the table printed, and the exit code set. `merge` calls it with the units
 * of every shard.
 */
export function finishCompare(
  columns: readonly ColumnHead[],
  scenarios: readonly Scenario[],
  units: readonly (CompareUnit & {
    readonly report?: Report | undefined;
    readonly row?: Sweep['rows'][number] | undefined;
  })[],
  swept: boolean,
  options: Pick<CompareOptions, 'format' | 'out'>,
): void {
  const configs: ComparedConfig[] = columns.map((column, c) => {
    const mine = units.filter((u) => u.column === c);
    if (!swept)
      return {
        label: column.label,
        file: column.file,
        reports: scenarios.map((scenario, s) => {
          const report = mine.find((u) => u.scenario === s)?.report;
          if (report === undefined)
            throw InputError.of(
              'merge',
              `finds no drill of ${scenario.file} under ${column.label}`,
            );
          return report;
        }),
      };
    return {
      label: column.label,
      file: column.file,
      sweeps: scenarios.map((scenario, s) =>
        buildSweep({
          scenario: scenario.name,
          file: scenario.file,
          drilled: column.flags.join(' ').replace(/^--/, ''),
          rows: mine
            .filter((u) => u.scenario === s)
            .flatMap((u) => (u.row === undefined ? [] : [u.row])),
          slos: scenario.slos,
          replay: (seed) => columnReplay(column, scenario, seed),
        }),
      ),
    };
  });
  const out: Record<string, string> = {};
  if (options.format.includes('json'))
    out['compare.json'] = reportJson({
      configs: configs.map((c) =>
        'sweeps' in c
          ? { label: c.label, file: c.file, sweeps: c.sweeps }
          : { label: c.label, file: c.file, reports: c.reports },
      ),
    });
  if (options.format.includes('md')) out['compare.md'] = renderComparisonMarkdown(configs);
  if (options.format.includes('html')) out['compare.html'] = renderComparisonHtml(configs);
  const written = writeReportFiles(options.out, out);
  process.stdout.write(`${renderComparison(configs)}\n`);
  for (const c of configs)
    process.stdout.write(
      `${c.label}: ${comparedPass(c) ? (swept ? 'every SLO held in its share of seeds' : 'every SLO held') : 'SLO breached'}\n`,
    );
  if (written.length > 0) process.stdout.write(`written: ${written.map(displayPath).join(', ')}\n`);
  process.exitCode = configs.every(comparedPass) ? EXIT.ok : EXIT.breached;
}
