/**
 * @module cli/drill-worker
 * A `--workers` thread of the drill pool: it loads the scenarios and implementations once, then
 * drills the cells it is sent, one at a time, and answers each with its result, or with the
 * error that stops the run (bad input keeps its file, line and key).
 */
import { HarnessError, InputError, WriteError } from '../errors.js';
import { columnsOf, type Column } from './columns.js';
import { drillCell, type CellJob, type PoolSetup, type WorkerReply } from './drill-pool.js';

let loaded: { key: string; columns: Promise<Column[]> } | undefined;

/** Drills one cell of `setup`. */
export default async function drillTask({
  setup,
  job,
}: {
  setup: PoolSetup;
  job: CellJob;
}): Promise<WorkerReply> {
  const key = JSON.stringify(setup);
  if (loaded?.key !== key)
    loaded = { key, columns: columnsOf(setup.files, setup.flags, 1, setup.command) };
  try {
    return await drillCell(await loaded.columns, job, setup.flags.seed);
  } catch (error) {
    if (error instanceof InputError) return { input: error.issues };
    const cause = error instanceof HarnessError ? error.cause : error;
    if (cause instanceof WriteError) return { write: cause.toData() };
    if (error instanceof HarnessError || error instanceof Error)
      return {
        harness: `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`,
      };
    return { harness: String(error) };
  }
}
