/**
 * @module report/sections
 * The report's detail sections, as data that the Markdown and HTML reports both render: SLOs
 * with actual values and margins, failovers, breakers, fault windows and cost. Long lists are
 * cut; the rest is counted.
 */
import { clockTime, dur, formatSloValue, int, pct, usd } from './format.js';
import type { Report } from './report-schema.js';
import type { Table } from './tables.js';

/** Rows of a list beyond which the rest is only counted. */
export const MAX_ROWS = 50;

/** One section: a title, and a table or, when there is nothing to list, a sentence. */
export interface Section {
  readonly title: string;
  readonly table?: Table;
  readonly empty?: string;
  /** What was cut, e.g. `… and 950 more episodes in report.json.` */
  readonly more?: string;
}

/** The note for rows cut from a list, if any were. */
export function moreNote(total: number, shown: number, what: string): string | undefined {
  return total > shown ? `… and ${int(total - shown)} more ${what} in report.json.` : undefined;
}

/** The signed distance of an SLO's actual value from its threshold, in the metric's unit. */
function margin(slo: Report['slos'][number]): string {
  if (slo.op === '==') return slo.actual === slo.threshold ? 'exact' : 'off';
  const towardsPass =
    slo.op === '>=' || slo.op === '>' ? slo.actual - slo.threshold : slo.threshold - slo.actual;
  const sign = towardsPass >= 0 ? '+' : '−';
  return `${sign}${formatSloValue(slo.metric, Math.abs(towardsPass))}`;
}

/** SLOs, failovers, breakers, fault windows and cost. */
export function detailSections(report: Report): Section[] {
  const sections: Section[] = [];
  sections.push(
    report.slos.length === 0
      ? { title: 'SLOs', empty: 'None set.' }
      : {
          title: 'SLOs',
          table: {
            head: ['SLO', 'actual', 'margin', 'verdict'],
            rows: report.slos.map((slo) => [
              { code: slo.name },
              formatSloValue(slo.metric, slo.actual),
              margin(slo),
              { verdict: slo.pass },
            ]),
            align: ['l', 'r', 'r', 'l'],
          },
        },
  );

  const episodes = report.failovers.length + report.failoversUnlisted;
  const listed = report.failovers.slice(0, MAX_ROWS);
  const more = moreNote(episodes, listed.length, 'episodes');
  sections.push(
    episodes === 0
      ? { title: 'Failovers', empty: 'None.' }
      : {
          title: 'Failovers',
          table: {
            head: ['at', 'from', 'to', 'detected in', 'back at', 'recovered after'],
            rows: listed.map((f) => [
              clockTime(f.atMs),
              f.from,
              f.to,
              dur(f.detectionMs),
              f.recoveredAtMs === null ? 'not recovered' : clockTime(f.recoveredAtMs),
              f.recoveredAtMs === null ? '' : dur(f.recoveredAtMs - f.atMs),
            ]),
            align: ['l', 'l', 'l', 'r', 'r', 'r'],
          },
          ...(more === undefined ? {} : { more }),
        },
  );

  const breakers = Object.entries(report.breakers);
  if (breakers.length > 0) {
    sections.push({
      title: 'Circuit breakers',
      table: {
        head: ['target', 'opened', 'state at the end', 'transitions'],
        rows: breakers.map(([key, br]) => [
          key,
          int(br.opens),
          br.atEnd,
          br.transitions
            .slice(0, 8)
            .map((t) => `${clockTime(t.atMs)} ${t.to}`)
            .join(', ') + (br.transitions.length > 8 ? ', …' : ''),
        ]),
        align: ['l', 'r', 'l', 'l'],
      },
    });
  }

  const faultsMore = moreNote(report.faults.length, MAX_ROWS, 'faults');
  sections.push(
    report.faults.length === 0
      ? { title: 'Faults', empty: 'None.' }
      : {
          title: 'Faults',
          table: {
            head: ['fault', 'target', 'from', 'to', 'probability'],
            rows: report.faults
              .slice(0, MAX_ROWS)
              .map((f) => [
                f.kind,
                f.target,
                clockTime(f.startMs),
                clockTime(f.endMs),
                pct(f.probability),
              ]),
            align: ['l', 'l', 'r', 'r', 'r'],
          },
          ...(faultsMore === undefined ? {} : { more: faultsMore }),
        },
  );

  sections.push({
    title: 'Cost',
    table: {
      head: ['provider/model', 'cost'],
      rows: Object.entries(report.costUsd.byModel).map(([k, v]) => [k, usd(v)]),
    },
  });
  return sections;
}
