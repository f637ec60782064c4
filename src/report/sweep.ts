/**
 * @module report/sweep
 * A sweep: one scenario's drills under many seeds, kept as one row per seed (not whole reports,
 * so memory stays flat however many seeds), summed up as each figure's distribution and, per
 * SLO, how often it held, with a Wilson 95% interval on the breach rate and the worst seed.
 */
import type { Slo } from '../scenario/slo.js';
import { dur, formatSloValue, int, pct, usd } from './format.js';
import type { Report } from './report-schema.js';
import { SWEEP_FIGURES, type Sweep } from './sweep-schema.js';
import { escapeHtml, htmlTable, markdownTable, textTable, type Table } from './tables.js';

type Row = Sweep['rows'][number];
type Figure = (typeof SWEEP_FIGURES)[number];

/** One seed's report as a sweep row. */
export function sweepRow(seed: number, report: Report): Row {
  return {
    seed,
    availability: report.availability,
    failed: report.requests.failed,
    'latency.p95': report.latencyMs.p95,
    'latency.p99': report.latencyMs.p99,
    cost: report.costUsd.total,
    slos: report.slos.map((s) => ({ name: s.name, actual: s.actual, pass: s.pass })),
  };
}

/**
 * The Wilson score interval (95%) for `k` events in `n` trials: unlike k/n ± 1.96·σ it stays
 * within [0, 1] and is not zero-width when k is 0 or n.
 */
export function wilsonInterval(k: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** How far `actual` is on the wrong side of the SLO: larger is worse. */
function badness(slo: Pick<Slo, 'op' | 'threshold'>, actual: number): number {
  switch (slo.op) {
    case '>=':
    case '>':
      return slo.threshold - actual;
    case '<=':
    case '<':
      return actual - slo.threshold;
    case '==':
      return Math.abs(actual - slo.threshold);
  }
}

/**
 * The sweep of one scenario: rows in seed order; `slos` are the scenario's SLOs the reports
 * judged (a subject's unseen ones are not), `replay(seed)` the command that replays one seed.
 */
export function buildSweep(input: {
  readonly scenario: string;
  readonly file: string;
  readonly drilled: string;
  readonly rows: readonly Row[];
  readonly slos: readonly Slo[];
  readonly replay: (seed: number) => string;
}): Sweep {
  const { rows } = input;
  const figures = Object.fromEntries(
    SWEEP_FIGURES.map((figure) => {
      const sorted = rows.map((r) => r[figure]).sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
      return [
        figure,
        {
          min: sorted[0] ?? 0,
          p5: rank(sorted, 0.05),
          p50: rank(sorted, 0.5),
          p95: rank(sorted, 0.95),
          max: sorted.at(-1) ?? 0,
          mean,
        },
      ];
    }),
  ) as Sweep['figures'];
  const slos = input.slos.flatMap((slo) => {
    const results = rows.flatMap((r) => {
      const result = r.slos.find((s) => s.name === slo.name);
      return result === undefined ? [] : [{ seed: r.seed, ...result }];
    });
    if (results.length === 0) return [];
    const held = results.filter((r) => r.pass).length;
    const share = slo.share ?? 1;
    // The worst seed: furthest on the wrong side of the threshold; the lowest seed on a tie.
    const worst = results.reduce((a, b) =>
      badness(slo, b.actual) > badness(slo, a.actual) ? b : a,
    );
    return [
      {
        name: slo.name,
        metric: slo.metric,
        op: slo.op,
        threshold: slo.threshold,
        share,
        held,
        breachRate: (results.length - held) / results.length,
        breachInterval: wilsonInterval(results.length - held, results.length),
        worst: { seed: worst.seed, actual: worst.actual, replay: input.replay(worst.seed) },
        // A tiny allowance, so that 99 of 100 seeds meets "in 99% of seeds" despite rounding.
        pass: held / results.length >= share - 1e-9,
      },
    ];
  });
  return {
    sweepVersion: 1,
    scenario: input.scenario,
    file: input.file,
    drilled: input.drilled,
    seeds: rows.length,
    rows: [...rows],
    figures,
    slos,
    unjudged: input.slos.map((s) => s.name).filter((name) => !slos.some((s) => s.name === name)),
    pass: slos.every((s) => s.pass),
  };
}

const SHOW: Record<Figure, { label: string; show: (n: number) => string }> = {
  availability: { label: 'availability', show: pct },
  failed: {
    label: 'failed requests',
    show: (n) => (Number.isInteger(n) ? int(n) : n.toFixed(1)),
  },
  'latency.p95': { label: 'latency p95', show: dur },
  'latency.p99': { label: 'latency p99', show: dur },
  cost: { label: 'cost', show: usd },
};

/** Each figure's label. */
export const SWEEP_FIGURE_LABELS = Object.fromEntries(
  SWEEP_FIGURES.map((f) => [f, SHOW[f].label]),
) as Record<Figure, string>;

function figureTable(sweep: Sweep): Table {
  return {
    head: ['figure', 'min', 'p5', 'p50', 'p95', 'max', 'mean'],
    rows: SWEEP_FIGURES.map((f) => {
      const d = sweep.figures[f];
      const { label, show } = SHOW[f];
      return [label, show(d.min), show(d.p5), show(d.p50), show(d.p95), show(d.max), show(d.mean)];
    }),
  };
}

const pct1 = (n: number): string => `${(n * 100).toFixed(1)}%`;

/** One SLO's line: held in k of n, the breach rate and its interval, the worst seed. */
export function sweepSloLine(slo: Sweep['slos'][number], seeds: number): string {
  const [lo, hi] = slo.breachInterval;
  const needs = slo.share === 1 ? 'every seed' : `${pct1(slo.share)} of seeds`;
  const worst =
    slo.held === seeds
      ? ''
      : `; worst seed ${slo.worst.seed} (actual ${formatSloValue(slo.metric, slo.worst.actual)})`;
  return `${slo.pass ? 'PASS' : 'FAIL'}  ${slo.name}  held in ${slo.held} of ${seeds} seeds (needs ${needs}); breach rate ${pct1(slo.breachRate)}, 95% interval ${pct1(lo)}–${pct1(hi)}${worst}`;
}

/** The terminal's view of a sweep. */
export function renderSweepSummary(sweep: Sweep, written?: string): string {
  const seeds = sweep.rows.map((r) => r.seed);
  const table = figureTable(sweep);
  return [
    `${sweep.scenario}  (${sweep.drilled}, ${sweep.seeds} seeds: ${seeds[0]}..${seeds.at(-1)})`,
    textTable([table.head, ...table.rows.map((r) => r.map(String))]),
    'SLOs:',
    ...sweep.slos.map((s) => `  ${sweepSloLine(s, sweep.seeds)}`),
    ...sweep.unjudged.map((name) => `  ----  ${name}  (not judged: out of sight of the providers)`),
    ...sweep.slos
      .filter((s) => !s.pass)
      .map((s) => `replay the worst seed of ${s.name}: ${s.worst.replay}`),
    sweep.pass ? 'result: every SLO held in its share of seeds' : 'result: SLO breached',
    ...(written === undefined ? [] : [`sweep: ${written}`]),
  ].join('\n');
}

function sloTable(sweep: Sweep): Table {
  return {
    head: ['SLO', 'verdict', 'held', 'breach rate (95% interval)', 'worst seed', 'replay'],
    rows: sweep.slos.map((s) => [
      { code: s.name },
      { verdict: s.pass },
      `${s.held} of ${sweep.seeds}${s.share === 1 ? '' : ` (needs ${pct1(s.share)})`}`,
      `${pct1(s.breachRate)} (${pct1(s.breachInterval[0])}–${pct1(s.breachInterval[1])})`,
      `${s.worst.seed}: ${formatSloValue(s.metric, s.worst.actual)}`,
      { code: s.worst.replay },
    ]),
    align: ['l', 'l', 'r', 'r', 'r', 'l'],
  };
}

/** The sweep as Markdown. */
export function renderSweepMarkdown(sweep: Sweep): string {
  const unjudged =
    sweep.unjudged.length === 0
      ? ''
      : `\nNot judged (out of sight of the providers): ${sweep.unjudged.map((n) => `\`${n}\``).join(', ')}.\n`;
  return `## ${sweep.scenario}: ${sweep.seeds} seeds\n\n${sweep.pass ? '✅ every SLO held in its share of seeds' : '❌ **SLO breached**'} (${sweep.drilled}, \`${sweep.file}\`)\n\n${markdownTable(figureTable(sweep))}\n\n${markdownTable(sloTable(sweep))}\n${unjudged}`;
}

/** A histogram of one figure over the seeds, as inline SVG, the SLO's threshold marked. */
/** The SLO on a figure, if the scenario has one. */
function figureSlo(sweep: Sweep, figure: Figure): Sweep['slos'][number] | undefined {
  return sweep.slos.find(
    (s) =>
      s.metric ===
      (figure === 'failed' ? 'requests.failed' : figure === 'cost' ? 'cost.total' : figure),
  );
}

/** The range a figure's histograms share: every sweep's values and the SLO's threshold. */
export function histogramRange(sweeps: readonly Sweep[], figure: Figure): [number, number] {
  const values = sweeps.flatMap((sweep) => [
    ...sweep.rows.map((r) => r[figure]),
    ...(figureSlo(sweep, figure) === undefined ? [] : [figureSlo(sweep, figure)!.threshold]),
  ]);
  return [Math.min(...values), Math.max(...values)];
}

/**
 * A figure's histogram over the seeds, as inline SVG, its SLO's threshold dashed; `range` puts
 * several sweeps' histograms on one scale, `caption` names the bars.
 */
export function histogram(
  sweep: Sweep,
  figure: Figure,
  range: [number, number] = histogramRange([sweep], figure),
  caption: string = SHOW[figure].label,
): string {
  const values = sweep.rows.map((r) => r[figure]);
  const slo = figureSlo(sweep, figure);
  const [lo, hi] = range;
  const bins = 20;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  const top = Math.max(...counts, 1);
  const x = (v: number): number => 20 + ((v - lo) / (width * bins)) * 360;
  const bars = counts
    .map(
      (c, i) =>
        `<rect x="${(20 + i * 18).toFixed(1)}" y="${(100 - (c / top) * 80).toFixed(1)}" width="16" height="${((c / top) * 80).toFixed(1)}" fill="#54aeff"><title>${c} seed(s)</title></rect>`,
    )
    .join('');
  const mark =
    slo === undefined
      ? ''
      : `<line x1="${x(slo.threshold).toFixed(1)}" x2="${x(slo.threshold).toFixed(1)}" y1="10" y2="100" stroke="#cf222e" stroke-dasharray="4 3"/><text x="${x(slo.threshold).toFixed(1)}" y="9" font-size="10" text-anchor="${x(slo.threshold) > 260 ? 'end' : x(slo.threshold) < 140 ? 'start' : 'middle'}" fill="#cf222e">${escapeHtml(slo.name)}</text>`;
  const { show } = SHOW[figure];
  return `<figure><svg viewBox="0 0 400 120" width="400" height="120" role="img" aria-label="${escapeHtml(caption)} over ${sweep.seeds} seeds; the tallest bar is ${top} seeds">${bars}${mark}<text x="0" y="24" font-size="10" fill="#59636e">${top}</text><text x="20" y="115" font-size="10">${escapeHtml(show(lo))}</text><text x="380" y="115" font-size="10" text-anchor="end">${escapeHtml(show(hi))}</text></svg><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** The sweep as one self-contained HTML page: tables and a histogram per figure, no script. */
export function renderSweepHtml(sweep: Sweep): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(sweep.scenario)}: ${sweep.seeds} seeds</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:right}th.l,td.l{text-align:left}.verdict.pass{color:#1a7f37}.verdict.fail{color:#cf222e;font-weight:600}figure{display:inline-block;margin:8px 16px 8px 0}figcaption{font-size:12px;color:#59636e}</style>
</head><body><h1>${escapeHtml(sweep.scenario)}: ${sweep.seeds} seeds</h1>
<p>${sweep.pass ? 'Every SLO held in its share of seeds.' : '<strong>SLO breached.</strong>'} Drilled: ${escapeHtml(sweep.drilled)}, <code>${escapeHtml(sweep.file)}</code>. Dashed: the SLO's threshold.</p>
${SWEEP_FIGURES.map((f) => histogram(sweep, f)).join('\n')}
${htmlTable(figureTable(sweep))}
${htmlTable(sloTable(sweep))}
</body></html>
`;
}
