/**
 * @module report/render-html
 * The outage-drill report as one self-contained HTML file: no network request, Chart.js and the
 * data inlined. Charts: availability, latency and spend per minute with the fault windows shaded
 * and failovers marked, the circuit breakers as swimlanes, and the drill with failover beside the
 * baseline. The tables say the same as the Markdown report.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
.plot{position:relative;height:260px}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:right} th.l,td.l{text-align:left}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace} pre{background:#fff;border:1px solid #d0d7de;padding:8px;border-radius:6px;overflow:auto}
`;

/** The script that draws the charts from the inlined report. */
const CHARTS = `
(function () {
  const r = JSON.parse(document.getElementById('report-data').textContent);
  // A live drill went through a gateway, not through our engine.
  const drilled = r.live ? 'through the gateway' : 'with failover';
  const minutes = r.timeline.minutes, base = r.timeline.baselineMinutes;
  const min = (ms) => ms / 60000;
  const share = (m) => (m && m.total > 0 ? (100 * m.succeeded) / m.total : null);
  const faults = r.faults.map((f) => ({ from: min(f.startMs), to: min(f.endMs), label: f.kind + ' on ' + f.target }));
  const failovers = r.failovers.map((f) => ({ at: min(f.atMs), label: f.from + ' → ' + f.to }));
  // Fault windows shaded behind the data, failovers as dashed lines: one small plugin.
  const shading = {
    id: 'drillShading',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales: { x } } = chart;
      if (!x || chart.config.type === 'bar') return;
      ctx.save();
      ctx.fillStyle = 'rgba(207, 34, 46, 0.10)';
      for (const f of faults) {
        const left = Math.max(a.left, x.getPixelForValue(f.from));
        const right = Math.min(a.right, x.getPixelForValue(f.to));
        if (right > left) ctx.fillRect(left, a.top, right - left, a.bottom - a.top);
      }
      ctx.strokeStyle = 'rgba(130, 80, 223, 0.8)';
      ctx.setLineDash([4, 3]);
      for (const f of failovers) {
        const px = x.getPixelForValue(f.at);
        if (px < a.left || px > a.right) continue;
        ctx.beginPath(); ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); ctx.stroke();
      }
      ctx.restore();
    },
  };
  Chart.register(shading);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  const xAxis = { type: 'linear', title: { display: true, text: 'drill time (minutes)' }, min: 0, max: Math.ceil(r.simulatedMs / 60000) };
  const line = (id, datasets, y) =>
    new Chart(document.getElementById(id), {
      type: 'line',
      data: { datasets },
      options: { maintainAspectRatio: false, parsing: false, normalized: true, spanGaps: false, pointRadius: 0, scales: { x: xAxis, y }, plugins: { legend: { position: 'bottom' } } },
    });
  const series = (rows, f) => rows.map((m) => ({ x: m.minute + 0.5, y: f(m) }));
  line('chart-availability', [
    { label: drilled, data: series(minutes, share), borderColor: '#1a7f37', backgroundColor: '#1a7f37' },
    { label: 'no failover (baseline)', data: series(base, share), borderColor: '#cf222e', backgroundColor: '#cf222e', borderDash: [6, 4] },
  ], { title: { display: true, text: 'availability (%)' }, suggestedMin: 0, max: 100 });
  line('chart-latency', [
    { label: 'p50 ' + drilled, data: series(minutes, (m) => (m.total ? m.latencyMs.p50 / 1000 : null)), borderColor: '#0969da', backgroundColor: '#0969da' },
    { label: 'p95 ' + drilled, data: series(minutes, (m) => (m.total ? m.latencyMs.p95 / 1000 : null)), borderColor: '#8250df', backgroundColor: '#8250df' },
    { label: 'p95 baseline', data: series(base, (m) => (m.total ? m.latencyMs.p95 / 1000 : null)), borderColor: '#cf222e', backgroundColor: '#cf222e', borderDash: [6, 4] },
  ], { title: { display: true, text: 'latency (s)' }, beginAtZero: true });
  line('chart-spend', [
    { label: drilled, data: series(minutes, (m) => m.costUsd), borderColor: '#bf8700', backgroundColor: 'rgba(191,135,0,0.15)', fill: true },
    { label: 'no failover (baseline)', data: series(base, (m) => m.costUsd), borderColor: '#57606a', backgroundColor: '#57606a', borderDash: [6, 4] },
  ], { title: { display: true, text: 'spend per minute (USD)' }, beginAtZero: true });

  // Breakers as swimlanes: each open or half-open stretch a floating bar on its target's lane.
  const end = min(r.simulatedMs);
  const lanes = Object.keys(r.breakers);
  const stretches = { open: [], 'half-open': [] };
  for (const lane of lanes) {
    let state = 'closed', since = 0;
    for (const t of r.breakers[lane].transitions) {
      if (state !== 'closed') stretches[state].push({ x: [since, min(t.atMs)], y: lane });
      state = t.to; since = min(t.atMs);
    }
    if (state !== 'closed') stretches[state].push({ x: [since, end], y: lane });
  }
  const lanesCanvas = document.getElementById('chart-breakers');
  if (lanes.length === 0) lanesCanvas.replaceWith(Object.assign(document.createElement('p'), { textContent: r.live ? 'The gateway’s breakers are inside it, out of sight of a live drill.' : 'No breaker changed state.' }));
  else new Chart(lanesCanvas, {
    type: 'bar',
    data: {
      labels: lanes,
      datasets: [
        { label: 'open', data: stretches.open, backgroundColor: '#cf222e', barPercentage: 0.6, grouped: false },
        { label: 'half-open', data: stretches['half-open'], backgroundColor: '#bf8700', barPercentage: 0.6, grouped: false },
      ],
    },
    options: { maintainAspectRatio: false, indexAxis: 'y', parsing: { xAxisKey: 'x', yAxisKey: 'y' }, scales: { x: xAxis, y: { type: 'category', labels: lanes } }, plugins: { legend: { position: 'bottom' } } },
  });
  if (lanes.length > 0) lanesCanvas.parentElement.style.height = (110 + 36 * lanes.length) + 'px';

  new Chart(document.getElementById('chart-compare'), {
    type: 'bar',
    data: {
      labels: ['availability (%)', 'failed requests (% of all)', 'latency p95 (s)', 'cost (USD)'],
      datasets: [
        { label: drilled, backgroundColor: '#1a7f37', data: [100 * r.availability, (100 * r.requests.failed) / Math.max(1, r.requests.total), r.latencyMs.p95 / 1000, r.costUsd.total] },
        { label: 'no failover (baseline)', backgroundColor: '#cf222e', data: [100 * r.baseline.availability, (100 * r.baseline.requests.failed) / Math.max(1, r.baseline.requests.total), r.baseline.latencyMs.p95 / 1000, r.baseline.costUsd] },
      ],
    },
    options: { maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } },
  });
  document.body.dataset.charts = 'drawn';
})();
`;

/** The report as one HTML page. */
export function renderHtml(report: Report): string {
  const verdict = report.pass
    ? '<span class="verdict pass">every SLO held</span>'
    : '<span class="verdict fail">SLO breached</span>';
  const pctText = (n: number): string => `${(n * 100).toFixed(2)}%`;
  const card = (title: string, value: string, note: string): string =>
    `<div class="card"><small>${escapeHtml(title)}</small><b>${escapeHtml(value)}</b><small>${escapeHtml(note)}</small></div>`;
  const chart = (id: string, title: string): string =>
    `<section class="chart"><h2>${escapeHtml(title)}</h2><div class="plot"><canvas id="${id}"></canvas></div></section>`;
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
<p>Seed ${report.seed}; ${escapeHtml(String(Math.round(report.simulatedMs / 60_000)))} minutes of drill time${report.live === undefined ? '' : `, live through ${escapeHtml(report.live.target)} at ${report.live.speed}× speed (attempts as the providers saw them)`}. Shaded: fault windows; dashed: failovers.</p>${(report.live?.queuedForConnection ?? 0) > 0 ? `\n<p><strong>Warning:</strong> ${escapeHtml(String(report.live?.queuedForConnection))} request(s) waited for one of the drill's own connections; their latency includes that wait. Raise <code>--connections</code>.</p>` : ''}
<div class="cards">
${card('availability', pctText(report.availability), `baseline ${pctText(report.baseline.availability)}`)}
${card('failed requests', String(report.requests.failed), `baseline ${report.baseline.requests.failed}`)}
${card('latency p95', `${(report.latencyMs.p95 / 1000).toFixed(2)} s`, `baseline ${(report.baseline.latencyMs.p95 / 1000).toFixed(2)} s`)}
${card('cost', `$${report.costUsd.total.toFixed(2)}`, `baseline $${report.baseline.costUsd.toFixed(2)}; wasted $${report.costUsd.wasted.toFixed(2)}`)}
</div>
${chart('chart-availability', 'Availability per minute')}
${chart('chart-latency', 'Latency per minute')}
${chart('chart-spend', 'Spend per minute')}
${chart('chart-breakers', 'Circuit breakers')}
${chart('chart-compare', 'With failover and without')}
${detailSections(report).map(sectionHtml).join('\n')}
<h2>Replay</h2>
<pre>${escapeHtml(report.replay)}</pre>
</main>
<script type="application/json" id="report-data">${scriptJson(report)}</script>
<script>${chartLibrary().replace(/<\/script/gi, '<\\/script')}</script>
<script>${CHARTS}</script>
</body>
</html>
`;
}
