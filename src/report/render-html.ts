/**
 * @module report/render-html
 * The outage-drill report as one self-contained HTML file: no network request, Chart.js and the
 * data inlined. A summary first (the verdict, the run, the headline figures beside the
 * baseline's), then the story minute by minute (where traffic went, how attempts ended,
 * availability, latency of answered and failed requests apart, spend, breakers), then the
 * drill-down: SLOs, failovers, breaker episodes, cost by model, and the worst requests.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CHARTS_SCRIPT } from './html-charts.js';
import {
  breakerEpisodes,
  comparisonTable,
  costTable,
  runHeader,
  storyLine,
  worstTable,
} from './html-sections.js';
import { detailSections, type Section } from './sections.js';
import { escapeHtml, htmlTable } from './tables.js';
import type { Report } from './report-schema.js';

const require = createRequire(import.meta.url);
let chartJs: string | undefined;

/** Chart.js's UMD build, read once from the installed package. */
function chartLibrary(): string {
  // The package exports no path to its UMD build; it sits beside the CommonJS entry.
  chartJs ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return chartJs;
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A detail section as HTML. */
function sectionHtml(section: Section): string {
  const body =
    section.table === undefined
      ? `<p>${escapeHtml(section.empty ?? '')}</p>`
      : htmlTable(section.table);
  const more = section.more === undefined ? '' : `<p>${escapeHtml(section.more)}</p>`;
  return `<h2>${escapeHtml(section.title)}</h2>\n${body}${more}`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600}
.pass{background:#dafbe1;color:#116329}.fail{background:#ffebe9;color:#a40e26}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
.card b{display:block;font-size:20px}.card small{color:#57606a}
.chart{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px;margin:12px 0}
#story{font-size:15px;background:#fff;border-left:4px solid #8250df;padding:8px 12px}
.meta{width:auto}.meta th{background:#f6f8fa;font-weight:600}.meta td{word-break:break-all}
.bar{display:inline-block;height:8px;border-radius:2px;vertical-align:middle;max-width:120px;margin-left:6px}
.bar.drill{background:#1a7f37}.bar.base{background:#cf222e}
#compare td{white-space:nowrap} tr.total td{font-weight:600}
.link{display:inline-block;padding:0 4px;border-radius:4px;margin:1px 0}.link.ok{background:#dafbe1}.link.bad{background:#ffebe9}
details{margin:4px 0} summary{cursor:pointer} ol.transitions{columns:3;font:12px ui-monospace,monospace}
.plot{position:relative;height:260px}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:right} th.l,td.l{text-align:left}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace} pre{background:#fff;border:1px solid #d0d7de;padding:8px;border-radius:6px;overflow:auto}
`;

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** The files written beside the report, to link to (`report.json`, `traces.jsonl`). */
  readonly files?: readonly string[];
}

/** The sections shared with the Markdown report that the HTML page keeps as they are. */
const KEPT = new Set(['SLOs', 'Failovers', 'Faults']);

/** The report as one HTML page. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const verdict = report.pass
    ? '<span class="verdict pass">every SLO held</span>'
    : '<span class="verdict fail">SLO breached</span>';
  const pctText = (n: number): string => `${(n * 100).toFixed(2)}%`;
  const card = (title: string, value: string, note: string): string =>
    `<div class="card"><small>${escapeHtml(title)}</small><b>${escapeHtml(value)}</b><small>${escapeHtml(note)}</small></div>`;
  const chart = (id: string, title: string, note = ''): string =>
    `<section class="chart"><h2>${escapeHtml(title)}</h2>${note === '' ? '' : `<p>${escapeHtml(note)}</p>`}<div class="plot"><canvas id="${id}"></canvas></div></section>`;
  const b = report.baseline;
  const first = report.failovers[0];
  const episodes = breakerEpisodes(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`failover-drill: ${report.scenario}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Outage drill: ${escapeHtml(report.scenario)} ${verdict}</h1>
${runHeader(report, options.files ?? [])}${report.live === undefined ? '' : `\n<p>Live through ${escapeHtml(report.live.target)} at ${report.live.speed}× speed (attempts as the providers saw them).</p>`}${(report.live?.queuedForConnection ?? 0) > 0 ? `\n<p><strong>Warning:</strong> ${escapeHtml(String(report.live?.queuedForConnection))} request(s) waited for one of the drill's own connections; their latency includes that wait. Raise <code>--connections</code>.</p>` : ''}
${storyLine(report)}
<div class="cards">
${card('availability', pctText(report.availability), `baseline ${pctText(b.availability)}`)}
${card('failed requests', String(report.requests.failed), `baseline ${b.requests.failed}`)}
${card('latency p95', `${(report.latencyMs.p95 / 1000).toFixed(2)} s`, `baseline ${(b.latencyMs.p95 / 1000).toFixed(2)} s`)}
${card('cost', `$${report.costUsd.total.toFixed(2)}`, `baseline $${b.costUsd.toFixed(2)}; wasted $${report.costUsd.wasted.toFixed(2)}`)}
${card('failovers', String(report.failovers.length + report.failoversUnlisted), first === undefined ? 'none' : `first ${first.from} → ${first.to}, detected in ${(first.detectionMs / 1000).toFixed(2)} s`)}
${card('invalid answers passed on', String(report.answers.invalid), `baseline ${b.answers.invalid}`)}
</div>
<h2>With failover and without</h2>
${comparisonTable(report)}
<p>Shaded: fault windows. Dashed purple lines: failovers, labelled with the time, the targets and how long detection took.</p>
${chart('chart-traffic', 'Where traffic went', 'Requests by the minute they started: the target that answered them, and those that failed.')}
${chart('chart-attempts', 'How attempts ended', 'Attempts by the minute they ended, by outcome; retries and failovers as lines.')}
${chart('chart-availability', 'Availability per minute')}
${chart('chart-latency', 'Latency per minute', 'Answered and failed requests apart: a fast failure is not a fast answer.')}
${chart('chart-spend', 'Spend per minute')}
${chart('chart-breakers', 'Circuit breakers', 'Open in red, probing (half-open) in yellow; hover for the times.')}
${episodes === '' ? '' : `<h2>Breaker episodes</h2>\n${episodes}`}
${detailSections(report)
  .filter((section) => KEPT.has(section.title))
  .map(sectionHtml)
  .join('\n')}
<h2>Cost with failover and without</h2>
${costTable(report)}
<h2>The slowest answered requests</h2>
${worstTable('worst-slowest', report.worst.slowest, 'No request was answered.')}
<h2>The slowest failed requests</h2>
${worstTable('worst-failed', report.worst.failed, 'No request failed.')}
</main>
<script type="application/json" id="report-data">${scriptJson(report)}</script>
<script>${chartLibrary().replace(/<\/script/gi, '<\\/script')}</script>
<script>${CHARTS_SCRIPT}</script>
</body>
</html>
`;
}
