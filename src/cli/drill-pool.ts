/**
 * @module cli/drill-pool
 * Drills as cells (a scenario row, an implementation column, a seed) for the scorecard and for
 * sweeps: in this process one after another, or spread over `--workers` child processes (each
 * runs one drill at a time, since a subject drill owns its process's globals). Each cell's
 * report is the same either way: a drill depends on its scenario, seed and implementation alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HarnessError, InputError, SubjectRefusedError, type InputIssue } from '../errors.js';
import type { Report } from '../report/report-schema.js';
import type { Column } from './columns.js';

/** One cell's drill: a report, or the subject's refusal of the scenario. */
export type CellResult = { readonly report: Report } | { readonly refused: string };

/** One cell to drill: its scenario row and implementation column, and a seed of its own. */
export interface CellJob {
  readonly row: number;
  readonly column: number;
  /** The seed for this drill; otherwise the run's, or the scenario's own. */
  readonly seed?: number;
}

/** Drills one cell here. */
export async function drillCell(
  columns: readonly Column[],
  job: CellJob,
  seed: number | undefined,
): Promise<CellResult> {
  const column = columns[job.column];
  const scenario = column?.scenarios[job.row];
  if (column === undefined || scenario === undefined)
    throw new HarnessError(`no cell ${job.row}, ${job.column}`);
  const drilled = job.seed ?? seed ?? scenario.seed;
  try {
    const { report } = await column.drill(scenario, { seed: drilled });
    return { report };
  } catch (error) {
    if (error instanceof SubjectRefusedError) return { refused: error.reason };
    if (error instanceof InputError) throw error;
    throw new HarnessError(
      `the drill ${scenario.name} under ${column.file} failed (seed ${drilled})`,
      { cause: error },
    );
  }
}

/** What a worker is told: the scorecard's inputs, then one cell at a time. */
export type WorkerRequest =
  | { readonly type: 'setup'; readonly files: readonly string[]; readonly flags: unknown }
  | ({ readonly type: 'drill' } & CellJob);

/** What a worker answers for a cell. */
export type WorkerReply =
  | ({ readonly index: number } & CellResult)
  | { readonly index: number; readonly input: readonly InputIssue[] }
  | { readonly index: number; readonly harness: string };

/**
 * Drills every job over `workers` child processes, in any order; `results[i]` is what `keep`
 * kept of `jobs[i]`'s result.
 * A worker that reports bad input or fails stops the whole run with that error.
 */
export async function drillCellsInWorkers<T>(
  files: readonly string[],
  flags: unknown,
  jobs: readonly CellJob[],
  workers: number,
  keep: (result: CellResult, index: number) => T,
  onDone: (done: number) => void,
): Promise<T[]> {
  const script = fileURLToPath(new URL('./drill-worker.js', import.meta.url));
  const results: T[] = new Array<T>(jobs.length);
  const busy = new Set<ChildProcess>();
  const children: ChildProcess[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const give = (child: ChildProcess): void => {
        const index = next++;
        const job = jobs[index];
        if (job === undefined) return;
        busy.add(child);
        child.send({ type: 'drill', index, ...job } satisfies WorkerRequest & { index: number });
      };
      for (let w = 0; w < Math.min(workers, jobs.length); w++) {
        const child = fork(script, [], {
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          serialization: 'advanced',
        });
        children.push(child);
        child.on('message', (reply: WorkerReply) => {
          busy.delete(child);
          if ('input' in reply) return reject(new InputError(reply.input));
          if ('harness' in reply) return reject(new HarnessError(reply.harness));
          // Only what the caller keeps stays in memory, not every report.
          results[reply.index] = keep(
            'report' in reply ? { report: reply.report } : { refused: reply.refused },
            reply.index,
          );
          onDone(++done);
          if (done === jobs.length) resolve();
          else give(child);
        });
        child.on('exit', (code, signal) => {
          if (busy.has(child))
            reject(new HarnessError(`a scorecard worker stopped (${signal ?? `exit ${code}`})`));
        });
        child.send({ type: 'setup', files, flags } satisfies WorkerRequest);
        give(child);
      }
    });
  } finally {
    for (const child of children) if (child.connected) child.disconnect();
  }
  return results;
}
