/**
 * @module cli/drill-worker
 * A `--workers` child process of the scorecard or a sweep: it loads the scenarios and
 * implementations once, then drills the cells it is sent, one at a time, and answers each with
 * its report.
 */
import { HarnessError, InputError } from '../errors.js';
import { columnsOf, type Column, type ColumnFlags } from './columns.js';
import { drillCell, type WorkerReply, type WorkerRequest } from './drill-pool.js';

let columns: Promise<Column[]> | undefined;
let seed: number | undefined;

process.on('message', (request: WorkerRequest & { index?: number }) => {
  if (request.type === 'setup') {
    const flags = request.flags as ColumnFlags & { seed?: number };
    seed = flags.seed;
    columns = columnsOf(request.files, flags, 1, 'scorecard');
    // A setup error is answered with the first cell.
    columns.catch(() => undefined);
    return;
  }
  const index = request.index ?? -1;
  const answer = (reply: WorkerReply): void => {
    process.send?.(reply);
  };
  void (async () => {
    try {
      if (columns === undefined) throw new HarnessError('a cell before the setup');
      answer({ index, ...(await drillCell(await columns, request, seed)) });
    } catch (error) {
      if (error instanceof InputError) answer({ index, input: error.issues });
      else
        answer({
          index,
          harness:
            error instanceof Error
              ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
              : String(error),
        });
    }
  })();
});
