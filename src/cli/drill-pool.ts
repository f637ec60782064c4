/**
 * @module cli/drill-pool
 * Drills as cells (a scenario row, an implementation column, a seed, and for `check` the faults
 * added) for every command that runs many drills: `run` suites and sweeps, shards, `compare`,
 * `scorecard` and `check`'s tries. With one worker they run here one after another; with
 * `--workers N` they are spread over a piscina pool of N worker threads, each drilling one cell
 * at a time (a subject drill replaces its thread's timers and `fetch`, so two drills never share
 * a thread). A cell's report is the same either way: a drill depends on its scenario, seed and
 * implementation alone.
 */
import { availableParallelism } from 'node:os';
import type { FaultInput } from '../check/arbitraries.js';
import {
  HarnessError,
  InputError,
  SubjectRefusedError,
  WriteError,
  type InputIssue,
  type WriteErrorData,
} from '../errors.js';
import type { Report } from '../report/report-schema.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { withFaults } from '../check/with-faults.js';
import { noteTelemetryPartials } from '../telemetry/otlp-jsonl-file.js';
import type { DrillOptions } from '../simulator/run-drill.js';
import { columnsOf, type Column, type ColumnFlags } from './columns.js';
import { growHeapForDrills, YOUNG_GENERATION_MB } from './drill-heap.js';

/** One cell's drill: a report and the files beside it, or the subject's refusal of the scenario. */
export type CellResult =
  | { readonly report: Report; readonly files: Readonly<Record<string, string>> }
  | { readonly refused: string };

/** One cell to drill: its scenario row and implementation column, and how. */
export interface CellJob {
  readonly row: number;
  readonly column: number;
  /** The seed for this drill; otherwise the run's, or the scenario's own. */
  readonly seed?: number;
  /** The replay command recorded in the report. */
  readonly replay?: string;
  /** Faults added to the scenario's own (`check`'s tries). */
  readonly faults?: readonly FaultInput[];
  /** Traces to write (`run` suites). */
  readonly telemetry?: DrillOptions['telemetry'];
}

/** What every worker loads once: the scenario files and the flags that make the columns. */
export interface PoolSetup {
  readonly files: readonly string[];
  readonly flags: ColumnFlags & { readonly seed?: number };
  /** The command, for the columns' messages. */
  readonly command: string;
}

/** The flags a pool is set up from: lists (`compare`, `scorecard`) or single ones (`run`, `check`). */
export interface PoolFlags {
  readonly config?: string | readonly string[];
  readonly subject?: string | readonly string[];
  readonly subjectConfig?: string;
  /** The drills' seed; `check`'s `--seed` seeds its search instead, and is not passed. */
  readonly seed?: number;
  readonly maxRequests?: number;
  readonly maxDuration?: number;
}

/**
 * A command's pool setup. With a single `--config`/`--subject` or none (`run`, `check`), one
 * column: our engine under the scenario's own config when neither is given.
 */
export function poolSetup(command: string, files: readonly string[], flags: PoolFlags): PoolSetup {
  const list = (value: string | readonly string[] | undefined): readonly string[] =>
    value === undefined ? [] : typeof value === 'string' ? [value] : value;
  const single = typeof flags.config !== 'object' && typeof flags.subject !== 'object';
  return {
    files,
    command,
    flags: {
      ...(single ? { own: flags.config === undefined && flags.subject === undefined } : {}),
      config: list(flags.config),
      subject: list(flags.subject),
      ...(flags.subjectConfig === undefined ? {} : { subjectConfig: flags.subjectConfig }),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      ...(flags.maxRequests === undefined ? {} : { maxRequests: flags.maxRequests }),
      ...(flags.maxDuration === undefined ? {} : { maxDuration: flags.maxDuration }),
    },
  };
}

/** Drills one cell here. */
export async function drillCell(
  columns: readonly Column[],
  job: CellJob,
  seed: number | undefined,
  onProgress?: (done: number) => void,
): Promise<CellResult> {
  const column = columns[job.column];
  const scenario = column?.scenarios[job.row];
  if (column === undefined || scenario === undefined)
    throw new HarnessError(`no cell ${job.row}, ${job.column}`);
  const drilled = job.seed ?? seed ?? scenario.seed;
  try {
    const { report, files } = await column.drill(
      job.faults === undefined ? scenario : withFaults(scenario, job.faults),
      {
        seed: drilled,
        ...(job.replay === undefined ? {} : { replay: job.replay }),
        ...(job.telemetry === undefined ? {} : { telemetry: job.telemetry }),
        ...(onProgress === undefined ? {} : { onProgress }),
        onExportFailures: (messages) => {
          for (const m of new Set(messages))
            process.stderr.write(`failover-drill: telemetry export failed: ${m}\n`);
        },
      },
    );
    return { report, files };
  } catch (error) {
    if (error instanceof SubjectRefusedError) return { refused: error.reason };
    if (error instanceof InputError) throw error;
    throw new HarnessError(
      `the drill ${scenario.name} under ${column.file} failed (seed ${drilled})${job.replay === undefined ? '' : `; replay: ${job.replay}`}`,
      { cause: error },
    );
  }
}

/** What a worker answers for a cell: its result, or the error that stops the run. */
export type WorkerReply =
  | CellResult
  | { readonly input: readonly InputIssue[] }
  | { readonly write: WriteErrorData }
  | { readonly harness: string };

/** A pool of drills: one cell at a time here, or `workers` at once in worker threads. */
export interface DrillPool {
  /** Drills one cell; `onProgress` is told its progress when it runs here. */
  drill(job: CellJob, onProgress?: (done: number) => void): Promise<CellResult>;
  /** Cells drilled at once. */
  readonly size: number;
  close(): Promise<void>;
}

/**
 * The share of requests traced from which a drill's telemetry runs on a thread of its own. Each
 * event is copied to that thread whether its request is traced or not (the metrics count every
 * request), so a drill traced sparsely pays more for the copies than it saves: on black-friday
 * at 1% the thread cost 4% more wall time than none, at 10% about the same as the telemetry in
 * the drill's thread, and at 30% it saved a third of the telemetry's wall time.
 */
export const THREAD_FROM_SAMPLE = 0.25;

/**
 * The jobs of a pool that drills here, with their telemetry on a thread of its own
 * (src/telemetry/telemetry-thread.ts) when another core is there to run it and enough of the
 * drill is traced: traced in full, black-friday took +12% wall time over an untraced drill with
 * it and +20% without, for about as much CPU time or more (`npm run bench`; docs/telemetry.md).
 * A pool's worker threads keep their telemetry with them: the cores are theirs already.
 */
export function telemetryBeside(cores = availableParallelism()): (job: CellJob) => CellJob {
  if (cores < 2) return (job) => job;
  return (job) =>
    job.telemetry === undefined || (job.telemetry.sample ?? 1) < THREAD_FROM_SAMPLE
      ? job
      : { ...job, telemetry: { ...job.telemetry, thread: true } };
}

/**
 * A pool for these columns: `workers` worker threads that each load the setup once, or, with
 * one worker, the columns already loaded here. Close it when done. Every drilling command opens
 * one once its modules are loaded, so this is where the drills' heap growth is set.
 */
export async function drillPool(
  setup: PoolSetup,
  columns: readonly Column[],
  workers: number,
): Promise<DrillPool> {
  growHeapForDrills({ drillsHere: workers <= 1 });
  if (workers <= 1) {
    const threaded = telemetryBeside();
    return {
      size: 1,
      drill: (job, onProgress) => drillCell(columns, threaded(job), setup.flags.seed, onProgress),
      close: async () => {},
    };
  }
  // Loaded only for worker threads: a drill here does without its dozen modules (13 ms).
  const { Piscina } = await import('piscina');
  const pool = new Piscina<{ setup: PoolSetup; job: CellJob }, WorkerReply>({
    filename: new URL('./drill-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // Workers wait for cells on messages, not by blocking their threads.
    atomics: 'disabled',
    idleTimeout: Number.POSITIVE_INFINITY,
    // The young generation a drill needs, not V8's default (see drill-heap.ts).
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  return {
    size: workers,
    drill: async (job) => {
      // A run that stops at another cell's error ends the pool mid-drill (close, below) or the
      // process: this drill's unfinished files are removed from here either way.
      const forgetPartials = noteTelemetryPartials(job.telemetry?.dir);
      let reply: WorkerReply;
      try {
        reply = await pool.run({ setup, job });
      } catch (error) {
        forgetPartials(true);
        throw error;
      }
      // Answered: the worker has moved its files into place, or removed them.
      forgetPartials(false);
      if ('input' in reply) throw new InputError(reply.input);
      if ('write' in reply) throw WriteError.fromData(reply.write);
      if ('harness' in reply) throw new HarnessError(reply.harness);
      return reply;
    },
    close: () => pool.destroy(),
  };
}

/**
 * Drills every job in the pool, `pool.size` at a time; `results[i]` is what `keep` kept of
 * `jobs[i]`'s result, so only what the caller keeps stays in memory, never every report.
 * `onProgress` is told the share done (within a drill too, when they run here one at a time).
 * The first error stops the run.
 */
export async function drillCells<T>(
  pool: DrillPool,
  jobs: readonly CellJob[],
  keep: (result: CellResult, index: number) => T,
  onProgress: (share: number) => void = () => {},
): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  let done = 0;
  const within =
    pool.size === 1 ? (d: number): void => onProgress((done + d) / jobs.length) : undefined;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = keep(await pool.drill(jobs[index]!, within), index);
      onProgress(++done / jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.size, jobs.length) }, lane));
  return results;
}

/**
 * Columns loaded here for the setup, and a pool of `workers` over them. `loaded`: the setup's
 * files as the command has loaded them for its one column, which are not loaded again.
 * `cellsPerColumn`: the cells each column will drill, when the caller knows them; the pool starts
 * no more threads than cells.
 */
export async function openPool(
  setup: PoolSetup,
  workers: number,
  loaded?: readonly Scenario[],
  cellsPerColumn = Number.POSITIVE_INFINITY,
): Promise<{ columns: Column[]; pool: DrillPool }> {
  const columns = await columnsOf(setup.files, setup.flags, 1, setup.command, loaded);
  const threads = Math.min(workers, cellsPerColumn * columns.length);
  return { columns, pool: await drillPool(setup, columns, threads) };
}
