/**
 * @module cli/scorecard-action
 * What `scorecard` does: finds the scenarios (folders are read for their scenario files), loads
 * them and every implementation first, drills each cell, writes the scorecard's files and sets
 * the exit code. Loaded only when `scorecard` runs.
 */
import { InputError } from '../errors.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import {
  renderScorecardHtml,
  renderScorecardMarkdown,
  renderScorecardSummary,
  scoreCell,
  scorecardJson,
  scorecardPassed,
  type Scorecard,
  type ScorecardCell,
} from '../report/scorecard.js';
import { EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { displayPath, ensureWritableDir, expandFolders } from './report-files.js';
import { drillCells, openPool, poolSetup, type CellJob, type CellResult } from './drill-pool.js';
import type { ScorecardOptions } from './scorecard-command.js';

const SCENARIO_FILE = /\.(ya?ml|json)$/;

/** Runs `scorecard`: every scenario under every implementation, one table of verdicts. */
export async function runScorecard(args: string[], options: ScorecardOptions): Promise<void> {
  const files = expandFolders(args, SCENARIO_FILE, 'scenario files');
  const setup = poolSetup('scorecard', files, options);
  const { columns, pool } = await openPool(setup, options.workers, undefined, files.length);
  let cells: ScorecardCell[];
  try {
    ensureWritableDir(options.out);
    const jobs: CellJob[] = files.flatMap((_, row) =>
      columns.map((_, column) => ({ row, column })),
    );
    const progress = createProgress(`scorecard: ${jobs.length} drills`);
    // Each cell is scored as it comes in: the scorecard keeps cells, not reports.
    const keep = (result: CellResult): ScorecardCell =>
      'report' in result ? scoreCell(result.report) : { verdict: 'n/a', reason: result.refused };
    try {
      cells = await drillCells(pool, jobs, keep, (share) => progress.update(share));
    } finally {
      progress.stop();
    }
  } finally {
    await pool.close();
  }
  const card: Scorecard = {
    scenarios: files.map((file, row) => ({ name: columns[0]?.scenarios[row]?.name ?? file, file })),
    columns: columns.map((c) => ({ label: c.label, file: c.file })),
    cells: files.map((_, row) => cells.slice(row * columns.length, (row + 1) * columns.length)),
  };
  // A subject that refuses every scenario is not scored; it is bad input.
  card.columns.forEach((column, c) => {
    const refusals = card.cells.map((row) => row[c]);
    const first = refusals[0];
    if (first?.verdict === 'n/a' && refusals.every((cell) => cell?.verdict === 'n/a'))
      throw InputError.of('--subject', `${column.label} refused every scenario: ${first.reason}`);
  });
  const out: Record<string, string> = {};
  if (options.format.includes('json')) out['scorecard.json'] = reportJson(scorecardJson(card));
  if (options.format.includes('md')) out['scorecard.md'] = renderScorecardMarkdown(card);
  if (options.format.includes('html')) out['scorecard.html'] = renderScorecardHtml(card);
  const written = writeReportFiles(options.out, out);
  process.stdout.write(`${renderScorecardSummary(card)}\n`);
  if (written.length > 0) process.stdout.write(`written: ${written.map(displayPath).join(', ')}\n`);
  process.exitCode = scorecardPassed(card) ? EXIT.ok : EXIT.breached;
}
