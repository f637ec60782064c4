/**
 * @module report/html-sections
 * The HTML report's tables: the run's header, the drill beside its baseline figure by figure,
 * breaker episodes with every transition behind a disclosure, cost with and without failover by
 * model, and the worst requests with their attempt chains.
 */
import { clockTime, dur, int, pct, usd } from './format.js';
import type { Report } from './report-schema.js';
import { escapeHtml } from './tables.js';

type Worst = Report['worst']['slowest'][number];

const cell = (text: string, left = false): string =>
  `<td${left ? ' class="l"' : ''}>${escapeHtml(text)}</td>`;
const head = (names: readonly string[], left: readonly number[] = [0]): string =>
  `<tr>${names.map((n, i) => `<th${left.includes(i) ? ' class="l"' : ''}>${escapeHtml(n)}</th>`).join('')}</tr>`;

/** The run's header: what ran, from which files, and how to run it again. */
export function runHeader(report: Report, files: readonly string[]): string {
  const run = report.run;
  const config =
    report.subject !== undefined
      ? `subject ${report.subject.name}`
      : report.live !== undefined
        ? `live through ${report.live.target}`
        : (run?.configFile ?? 'inline in the scenario');
  const rows: [string, string][] = [
    ['tool', run?.tool ?? 'failover-drill'],
    ['scenario', run?.scenarioFile ?? report.scenario],
    ...(run?.scenarioSha256 ? [['scenario SHA-256', run.scenarioSha256] as [string, string]] : []),
    ['seed', String(report.seed)],
    ['failover', config],
    ['drill time', dur(report.simulatedMs)],
    ['wall time', dur(report.wallMs)],
  ];
  const links = files.map((f) => `<a href="${encodeURI(f)}">${escapeHtml(f)}</a>`).join(' · ');
  // The wall time is marked: it is the one thing two runs of the same drill disagree on.
  return `<table class="meta" id="run-meta">${rows
    .map(
      ([k, v]) =>
        `<tr><th class="l">${escapeHtml(k)}</th><td class="l"><code${k === 'wall time' ? ' data-wall' : ''}>${escapeHtml(v)}</code></td></tr>`,
    )
    .join(
      '',
    )}<tr><th class="l">replay</th><td class="l"><code>${escapeHtml(report.replay)}</code></td></tr>${
    links === '' ? '' : `<tr><th class="l">files</th><td class="l">${links}</td></tr>`
  }</table>`;
}

/** One figure per row, the drill beside the baseline, each with a bar on its own scale. */
export function comparisonTable(report: Report): string {
  const b = report.baseline;
  const failedShare = (r: { failed: number; total: number }): number =>
    r.total === 0 ? 0 : r.failed / r.total;
  const rows: [string, number, number, (n: number) => string, boolean][] = [
    ['availability', report.availability, b.availability, pct, true],
    ['failed requests', failedShare(report.requests), failedShare(b.requests), pct, false],
    ['latency p95', report.latencyMs.p95, b.latencyMs.p95, dur, false],
    ['cost', report.costUsd.total, b.costUsd, usd, false],
    ['invalid answers passed on', report.answers.invalid, b.answers.invalid, int, false],
  ];
  const bar = (value: number, max: number, cls: string): string =>
    `<span class="bar ${cls}" style="width:${max === 0 ? 0 : Math.round((100 * value) / max)}%"></span>`;
  const body = rows
    .map(([name, drill, base, format, higherBetter]) => {
      const max = Math.max(drill, base);
      const better = drill === base ? '' : drill > base === higherBetter ? 'drill' : 'baseline';
      return `<tr><td class="l">${escapeHtml(name)}</td><td>${escapeHtml(format(drill))} ${bar(drill, max, 'drill')}</td><td>${escapeHtml(format(base))} ${bar(base, max, 'base')}</td><td class="l">${better === '' ? 'same' : better === 'drill' ? 'with failover' : 'baseline'}</td></tr>`;
    })
    .join('');
  return `<table id="compare">${head(['figure', report.live === undefined ? 'with failover' : 'through the gateway', 'no failover (baseline)', 'better'], [0, 3])}${body}</table>`;
}

/** A breaker's episodes: from an open out of closed to the close that ends it. */
export function breakerEpisodes(report: Report): string {
  const rows: string[] = [];
  const lists: string[] = [];
  for (const [target, history] of Object.entries(report.breakers)) {
    let start: number | undefined;
    let probes = 0;
    let opens = 0;
    for (const t of history.transitions) {
      if (t.to === 'open' && start === undefined) {
        start = t.atMs;
        probes = 0;
        opens = 0;
      }
      if (t.to === 'open') opens++;
      if (t.to === 'half-open') probes++;
      if (t.to === 'closed' && start !== undefined) {
        rows.push(
          `<tr>${cell(target, true)}${cell(clockTime(start))}${cell(clockTime(t.atMs))}${cell(dur(t.atMs - start))}${cell(int(opens))}${cell(int(probes))}</tr>`,
        );
        start = undefined;
      }
    }
    if (start !== undefined)
      rows.push(
        `<tr>${cell(target, true)}${cell(clockTime(start))}${cell(`still ${history.atEnd}`)}${cell('')}${cell(int(opens))}${cell(int(probes))}</tr>`,
      );
    const unlisted = history.opens > history.transitions.filter((t) => t.to === 'open').length;
    lists.push(
      `<details><summary>${escapeHtml(target)}: all ${int(history.transitions.length)} transitions${unlisted ? ` (the first listed; ${int(history.opens)} opens in all)` : ''}</summary><ol class="transitions">${history.transitions
        .map((t) => `<li>${escapeHtml(`${clockTime(t.atMs)} ${t.from} → ${t.to}`)}</li>`)
        .join('')}</ol></details>`,
    );
  }
  if (rows.length === 0) return '';
  return `<table id="breaker-episodes">${head(['target', 'first open', 'closed again', 'lasted', 'opens', 'probes (half-open)'])}${rows.join('')}</table>${lists.join('')}`;
}

/** Spend by provider/model with failover and without, and what was wasted. */
export function costTable(report: Report): string {
  const models = [
    ...new Set([
      ...Object.keys(report.costUsd.byModel),
      ...Object.keys(report.baseline.costUsdByModel),
    ]),
  ].sort();
  const rows = models.map((m) => {
    const drill = report.costUsd.byModel[m] ?? 0;
    const base = report.baseline.costUsdByModel[m] ?? 0;
    return `<tr>${cell(m, true)}${cell(usd(drill))}${cell(usd(base))}${cell(`${drill >= base ? '+' : '−'}${usd(Math.abs(drill - base))}`)}</tr>`;
  });
  const total = `<tr class="total">${cell('total', true)}${cell(usd(report.costUsd.total))}${cell(usd(report.baseline.costUsd))}${cell(`${report.costUsd.total >= report.baseline.costUsd ? '+' : '−'}${usd(Math.abs(report.costUsd.total - report.baseline.costUsd))}`)}</tr>`;
  const wasted = `<tr>${cell('of which wasted on discarded attempts', true)}${cell(usd(report.costUsd.wasted))}${cell('')}${cell('')}</tr>`;
  return `<table id="cost">${head(['provider/model', 'with failover', 'no failover (baseline)', 'difference'])}${rows.join('')}${total}${wasted}</table>`;
}

/** One attempt chain as a line: `primary/gpt-4o 503 at 30:01 in 0.1s → backup/… ok at …`. */
function chain(w: Worst): string {
  const links = w.attempts.map(
    (a) =>
      `<span class="link ${a.result === 'ok' ? 'ok' : 'bad'}">${escapeHtml(`${a.target} ${a.result} at ${clockTime(a.startMs)} in ${dur(a.durationMs)}`)}</span>`,
  );
  const more = w.attemptsUnlisted > 0 ? ` … ${int(w.attemptsUnlisted)} more` : '';
  return links.length === 0 ? 'no attempt' : links.join(' → ') + more;
}

/** The worst requests, slowest first: when, how long, how it ended, its attempts, its trace. */
export function worstTable(id: string, rows: readonly Worst[], none: string): string {
  if (rows.length === 0) return `<p id="${id}">${escapeHtml(none)}</p>`;
  const traced = rows.some((w) => w.traceId !== undefined);
  const body = rows
    .map(
      (w) =>
        `<tr>${cell(w.requestId, true)}${cell(clockTime(w.startMs))}${cell(dur(w.latencyMs))}${cell(w.outcome, true)}<td class="l">${chain(w)}</td>${traced ? `<td class="l"><code>${escapeHtml(w.traceId ?? 'not sampled')}</code></td>` : ''}</tr>`,
    )
    .join('');
  return `<table id="${id}">${head(['request', 'started', 'took', 'outcome', 'attempts', ...(traced ? ['trace id'] : [])], [0, 3, 4, 5])}${body}</table>`;
}

/**
 * The drill in three sentences, for the ten-second read: what broke and when, what the failover
 * did about it, and what that cost against the baseline.
 */
export function storyLine(report: Report): string {
  const b = report.baseline;
  const faults = report.faults
    .slice(0, 3)
    .map((f) => `${f.kind} on ${f.target} ${clockTime(f.startMs)}–${clockTime(f.endMs)}`);
  const more = report.faults.length > 3 ? ` and ${int(report.faults.length - 3)} more` : '';
  const broke =
    faults.length === 0 ? 'No fault was injected.' : `Faults: ${faults.join('; ')}${more}.`;
  const count = report.failovers.length + report.failoversUnlisted;
  const first = report.failovers[0];
  const moved =
    first === undefined
      ? 'No request failed over.'
      : `${int(count)} failover episode${count === 1 ? '' : 's'}; the first at ${clockTime(first.atMs)}, ${first.from} → ${first.to}, detected in ${dur(first.detectionMs)}, ${first.recoveredAtMs === null ? 'never back' : `back at ${clockTime(first.recoveredAtMs)}`}.`;
  const delta = report.costUsd.total - b.costUsd;
  const cost = `${int(report.requests.failed)} requests failed against ${int(b.requests.failed)} without failover, for ${usd(report.costUsd.total)} against ${usd(b.costUsd)} (${delta >= 0 ? '+' : '−'}${usd(Math.abs(delta))}; ${usd(report.costUsd.wasted)} wasted).`;
  return `<p id="story">${escapeHtml(`${broke} ${moved} ${cost}`)}</p>`;
}
