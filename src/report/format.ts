/**
 * @module report/format
 * How every report format writes numbers: counts, shares, dollars, durations, drill clock times.
 */
import { sloUnit } from '../scenario/slo.js';
import { formatDuration } from '../units.js';
import { thousands } from '../unit-text.js';
import type { Report } from './report-schema.js';

/** A count with thousands separators. */
export const int = (n: number): string => thousands(Math.round(n));
/** A share as a percentage; three decimals just under 100%, where they matter. */
export const pct = (n: number): string => `${(n * 100).toFixed(n >= 0.9995 && n < 1 ? 3 : 2)}%`;
/** Dollars: four decimals under $10, two above. */
export const usd = (n: number): string => `$${n.toFixed(n < 10 ? 4 : 2)}`;
/** Milliseconds as a duration (`212ms`, `8.92s`, `1h 5s`). */
export const dur = (n: number): string => formatDuration(Math.round(n));
/** Drill time as a clock reading from the start: `mm:ss`, or `h:mm:ss`. */
export const clockTime = (ms: number): string => {
  const total = Math.floor(ms / 1_000);
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

/** An SLO's value in its metric's unit. */
export function formatSloValue(metric: string, value: number): string {
  switch (sloUnit(metric)) {
    case 'share':
      return pct(value);
    case 'duration':
      return dur(value);
    case 'usd':
      return usd(value);
    case 'count':
      return int(value);
  }
}

/** The columns a suite shows for each drill, before its verdict. */
export const SUITE_COLUMNS = ['availability', 'baseline', 'p95', 'cost', 'SLOs held'] as const;

/** One drill's cells under {@link SUITE_COLUMNS}, its name first. */
export function suiteCells(report: Report): string[] {
  return [
    report.scenario,
    pct(report.availability),
    pct(report.baseline.availability),
    dur(report.latencyMs.p95),
    usd(report.costUsd.total),
    `${report.slos.filter((s) => s.pass).length}/${report.slos.length}`,
  ];
}

/** The heading of the drilled column: our engine, a subject, or a gateway over HTTP. */
export function drilledColumn(report: Report): string {
  if (report.live !== undefined) return 'through the gateway';
  if (report.subject !== undefined) return `subject ${report.subject.name}`;
  return 'with failover';
}
