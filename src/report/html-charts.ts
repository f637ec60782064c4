/**
 * @module report/html-charts
 * The HTML report's charts, as the script that draws them in the page from the inlined report:
 * where traffic went and how attempts ended per minute, availability, latency of answered and of
 * failed requests apart, spend, and the breakers as swimlanes. Fault windows are shaded and
 * failovers marked with their label on every time chart.
 */

/** The browser script; it sets `document.body.dataset.charts` to `drawn` when done. */
export const CHARTS_SCRIPT = `
(function () {
  const r = JSON.parse(document.getElementById('report-data').textContent);
  const drilled = r.live ? 'through the gateway' : 'with failover';
  const minutes = r.timeline.minutes, base = r.timeline.baselineMinutes;
  const min = (ms) => ms / 60000;
  const clock = (ms) => { const s = Math.floor(ms / 1000); return String(Math.floor(s / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0'); };
  const secs = (ms) => (ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s');
  const share = (m) => (m && m.total > 0 ? (100 * m.succeeded) / m.total : null);
  const faults = r.faults.map((f) => ({ from: min(f.startMs), to: min(f.endMs) }));
  const failovers = r.failovers.map((f) => ({ at: min(f.atMs), label: clock(f.atMs) + ' ' + f.from + ' → ' + f.to + ' (detected in ' + secs(f.detectionMs) + ')' }));
  // Fault windows shaded behind the data; failovers as labelled dashed lines over it.
  const marks = {
    id: 'drillMarks',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales: { x } } = chart;
      if (!x || x.type !== 'linear') return;
      ctx.save();
      ctx.fillStyle = 'rgba(207, 34, 46, 0.10)';
      for (const f of faults) {
        const left = Math.max(a.left, x.getPixelForValue(f.from));
        const right = Math.min(a.right, x.getPixelForValue(f.to));
        if (right > left) ctx.fillRect(left, a.top, right - left, a.bottom - a.top);
      }
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales: { x } } = chart;
      if (!x || x.type !== 'linear') return;
      ctx.save();
      ctx.strokeStyle = 'rgba(130, 80, 223, 0.9)';
      ctx.fillStyle = 'rgba(90, 50, 163, 1)';
      ctx.font = '11px system-ui, sans-serif';
      ctx.setLineDash([4, 3]);
      failovers.forEach((f, i) => {
        const px = x.getPixelForValue(f.at);
        if (px < a.left || px > a.right) return;
        ctx.beginPath(); ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); ctx.stroke();
        // Labels on the time charts, not over the breakers' lanes.
        if (i < 6 && chart.options.indexAxis !== 'y') {
          const width = ctx.measureText(f.label).width;
          const tx = px + 4 + width > a.right ? px - 4 - width : px + 4;
          ctx.fillText(f.label, tx, a.top + 12 + 13 * i);
        }
      });
      ctx.restore();
    },
  };
  Chart.register(marks);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  const end = Math.ceil(r.simulatedMs / 60000);
  const xAxis = { type: 'linear', title: { display: true, text: 'drill time (minutes)' }, min: 0, max: end };
  const legend = { position: 'bottom' };
  const chart = (id, datasets, y, extra) =>
    new Chart(document.getElementById(id), {
      type: 'line',
      data: { datasets },
      options: Object.assign({ maintainAspectRatio: false, parsing: false, normalized: true, spanGaps: false, pointRadius: 0, interaction: { mode: 'nearest', axis: 'x', intersect: false }, scales: { x: xAxis, y }, plugins: { legend } }, extra || {}),
    });
  const series = (rows, f) => rows.map((m) => ({ x: m.minute + 0.5, y: f(m) }));
  const palette = ['#1a7f37', '#0969da', '#bf8700', '#8250df', '#1b7c83', '#6e7781', '#953800', '#4d2d00'];
  const stacked = (key) => ({ title: { display: true, text: key }, beginAtZero: true, stacked: true });

  // Where traffic went: requests by the target that answered, and those that failed.
  const targets = [...new Set(minutes.flatMap((m) => Object.keys(m.answeredBy)))].sort();
  chart('chart-traffic', [
    ...targets.map((t, i) => ({ label: t === 'stand-in' ? 'stand-in (degraded)' : t, data: series(minutes, (m) => m.answeredBy[t] || 0), borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length] + '99', fill: i === 0 ? 'origin' : '-1', stack: 'requests' })),
    { label: 'failed', data: series(minutes, (m) => m.failed), borderColor: '#cf222e', backgroundColor: '#cf222e99', fill: targets.length === 0 ? 'origin' : '-1', stack: 'requests' },
  ], stacked('requests per minute (by start)'));

  // How attempts ended, stacked; retries and failovers as lines of their own.
  const order = ['ok', 'invalid', '429', '4xx', '5xx', 'network', 'timeout', 'stream'];
  const seen = new Set(minutes.flatMap((m) => Object.keys(m.attempts)));
  const classes = [...order.filter((c) => seen.has(c)), ...[...seen].filter((c) => !order.includes(c)).sort()];
  const colours = { ok: '#1a7f37', invalid: '#d4a72c', '429': '#bf8700', '4xx': '#953800', '5xx': '#cf222e', network: '#8250df', timeout: '#6e7781', stream: '#0969da' };
  chart('chart-attempts', [
    ...classes.map((c, i) => ({ label: c === 'invalid' ? 'invalid answer' : c, data: series(minutes, (m) => m.attempts[c] || 0), borderColor: colours[c] || '#57606a', backgroundColor: (colours[c] || '#57606a') + '99', fill: i === 0 ? 'origin' : '-1', stack: 'attempts' })),
    { label: 'retries', data: series(minutes, (m) => m.retries), borderColor: '#24292f', backgroundColor: '#24292f', borderDash: [2, 2], fill: false, stack: 'retries' },
    { label: 'failovers', data: series(minutes, (m) => m.failovers), borderColor: '#8250df', backgroundColor: '#8250df', borderDash: [6, 3], fill: false, stack: 'failovers' },
  ], stacked('attempts per minute (by end)'));

  chart('chart-availability', [
    { label: drilled, data: series(minutes, share), borderColor: '#1a7f37', backgroundColor: '#1a7f37' },
    { label: 'no failover (baseline)', data: series(base, share), borderColor: '#cf222e', backgroundColor: '#cf222e', borderDash: [6, 4] },
  ], { title: { display: true, text: 'availability (%)' }, suggestedMin: 0, max: 100 });

  // Answered and failed apart: a fast failure must never read as a fast answer.
  const p = (key, q) => (m) => (m[key].max > 0 ? m[key][q] / 1000 : null);
  chart('chart-latency', [
    { label: 'answered p50 ' + drilled, data: series(minutes, p('answeredLatencyMs', 'p50')), borderColor: '#0969da', backgroundColor: '#0969da' },
    { label: 'answered p95 ' + drilled, data: series(minutes, p('answeredLatencyMs', 'p95')), borderColor: '#8250df', backgroundColor: '#8250df' },
    { label: 'answered p95 baseline', data: series(base, p('answeredLatencyMs', 'p95')), borderColor: '#57606a', backgroundColor: '#57606a', borderDash: [6, 4] },
    { label: 'failed p95 ' + drilled, data: series(minutes, p('failedLatencyMs', 'p95')), borderColor: '#cf222e', backgroundColor: '#cf222e', showLine: false, pointRadius: 3, pointStyle: 'crossRot' },
    { label: 'failed p95 baseline', data: series(base, p('failedLatencyMs', 'p95')), borderColor: '#ff8182', backgroundColor: '#ff8182', showLine: false, pointRadius: 3, pointStyle: 'triangle' },
  ], { title: { display: true, text: 'latency (s)' }, beginAtZero: true });

  chart('chart-spend', [
    { label: drilled, data: series(minutes, (m) => m.costUsd), borderColor: '#bf8700', backgroundColor: 'rgba(191,135,0,0.15)', fill: true },
    { label: 'no failover (baseline)', data: series(base, (m) => m.costUsd), borderColor: '#57606a', backgroundColor: '#57606a', borderDash: [6, 4] },
  ], { title: { display: true, text: 'spend per minute (USD)' }, beginAtZero: true });

  // Breakers as swimlanes: each open and half-open stretch a bar at least 3 px wide, so a
  // 10-second probe shows at any scale; the tooltip gives its exact times.
  const lanes = Object.keys(r.breakers);
  const stretches = { open: [], 'half-open': [] };
  for (const lane of lanes) {
    let state = 'closed', since = 0;
    for (const t of r.breakers[lane].transitions) {
      if (state !== 'closed') stretches[state].push({ x: [since, min(t.atMs)], y: lane });
      state = t.to; since = min(t.atMs);
    }
    if (state !== 'closed') stretches[state].push({ x: [since, min(r.simulatedMs)], y: lane });
  }
  const lanesCanvas = document.getElementById('chart-breakers');
  if (lanes.length === 0) lanesCanvas.parentElement.style.height = 'auto';
  if (lanes.length === 0) lanesCanvas.replaceWith(Object.assign(document.createElement('p'), { id: 'chart-breakers', textContent: r.live ? 'The gateway’s breakers are inside it, out of sight of a live drill.' : 'No breaker changed state.' }));
  else {
    new Chart(lanesCanvas, {
      type: 'bar',
      data: {
        labels: lanes,
        datasets: [
          // Probes drawn over the open stretches (a lower order draws later), and taller.
          { label: 'open', data: stretches.open, backgroundColor: '#cf222e', barPercentage: 0.5, grouped: false, minBarLength: 3, order: 1 },
          { label: 'half-open (probing)', data: stretches['half-open'], backgroundColor: '#d4a72c', barPercentage: 0.9, grouped: false, minBarLength: 3, order: 0 },
        ],
      },
      options: {
        maintainAspectRatio: false, indexAxis: 'y', parsing: { xAxisKey: 'x', yAxisKey: 'y' },
        scales: { x: Object.assign({}, xAxis, { type: 'linear' }), y: { type: 'category', labels: lanes } },
        plugins: { legend, tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + clock(c.raw.x[0] * 60000) + ' to ' + clock(c.raw.x[1] * 60000) } } },
      },
    });
    lanesCanvas.parentElement.style.height = (110 + 36 * lanes.length) + 'px';
  }
  document.body.dataset.charts = 'drawn';
})();
`;
