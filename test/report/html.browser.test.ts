/**
 * The HTML report opened in headless Chromium (Debian's package, installed by `.ci/run`), on
 * black-friday: it loads nothing from the network, logs no error, draws every chart with its
 * data, and lists what its tables promise. A soft-failure drill shows invalid answers as their
 * own outcome in the attempts chart.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import type { Report } from '../../src/report/report-schema.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { tempDir } from '../support/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// On a developer's machine without Chromium the test says so and skips; CI installs it.
const run = available || process.env.CI === 'true' ? describe : describe.skip;
if (!available && process.env.CI !== 'true')
  console.warn(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** What the page shows once drawn: each chart's datasets and points, and each table's rows. */
interface Drawn {
  charts: { id: string; datasets: { label: string; points: number; nonZero: number }[] }[];
  /** Rows with data (header rows left out) of each table with an id. */
  rows: Record<string, number>;
}

const READ_PAGE = `(() => {
  const charts = [...document.querySelectorAll('canvas')].map((canvas) => {
    const chart = Chart.getChart(canvas);
    return {
      id: canvas.id,
      datasets: chart.data.datasets.map((d) => ({
        label: d.label,
        points: d.data.length,
        nonZero: d.data.filter((p) => (Array.isArray(p.x) ? p.x[1] > p.x[0] : p.y > 0)).length,
      })),
    };
  });
  const rows = Object.fromEntries(
    [...document.querySelectorAll('table[id]')].map((t) => [
      t.id,
      [...t.querySelectorAll('tr')].filter((tr) => tr.querySelector('td')).length,
    ]),
  );
  return { charts, rows };
})()`;

run('the HTML report in Chromium', () => {
  let browser: Browser;
  const dir = tempDir();

  /** Opens a report's page; returns what it drew, its errors and the requests it made. */
  async function open(report: Report, name: string) {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(report, { files: ['report.json'] }));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    const started = Date.now();
    await page.goto(pathToFileURL(file).href);
    // Browser-side code as strings: the tests are typed for Node, without the DOM library.
    await page.waitForFunction("document.body.dataset.charts === 'drawn'", null, {
      timeout: 15_000,
    });
    const loadMs = Date.now() - started;
    const drawn = await page.evaluate<Drawn>(READ_PAGE);
    const story = await page.evaluate<string>("document.getElementById('story').textContent");
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    await page.close();
    return { drawn, errors, requests, loadMs, story };
  }

  let bf: Awaited<ReturnType<typeof open>>;
  let bfReport: Report;
  let soft: Awaited<ReturnType<typeof open>>;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    bfReport = await runDrill(loadScenario('scenarios/black-friday.yaml'));
    bf = await open(bfReport, 'black-friday');
    const softScenario = loadScenario('scenarios/soft/empty-answer.yaml');
    soft = await open(await runDrill(softScenario), 'soft');
    // The load time is a figure to read, not to assert: it depends on the machine.
    console.log(`black-friday's report drawn in ${bf.loadMs} ms in headless Chromium`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('makes no network request: one self-contained file', () => {
    expect(bf.requests).toHaveLength(1);
    expect(bf.requests[0]).toMatch(/^file:.*black-friday\.html$/);
  });

  it('logs no error', () => {
    expect([...bf.errors, ...soft.errors]).toEqual([]);
  });

  it('draws every chart with its data', () => {
    const { charts } = bf.drawn;
    expect(charts.map((c) => c.id)).toEqual([
      'chart-traffic',
      'chart-attempts',
      'chart-availability',
      'chart-latency',
      'chart-spend',
      'chart-breakers',
    ]);
    const minutes = bfReport.timeline.minutes.length;
    for (const chart of charts) {
      expect(chart.datasets.length, chart.id).toBeGreaterThan(0);
      expect(Math.max(...chart.datasets.map((d) => d.nonZero)), chart.id).toBeGreaterThan(0);
    }
    const traffic = charts[0]!.datasets;
    // Both targets answered, the primary before and after its outage and the backup during it.
    expect(traffic.map((d) => d.label)).toEqual([
      'backup/claude-sonnet-4-5',
      'primary/gpt-4o',
      'failed',
    ]);
    expect(traffic.every((d) => d.points === minutes)).toBe(true);
    const backup = bfReport.timeline.minutes.filter(
      (m) => (m.answeredBy['backup/claude-sonnet-4-5'] ?? 0) > 0,
    );
    expect(traffic[0]!.nonZero).toBe(backup.length);
    // The attempts chart has the 5xx of the outage as an outcome of its own.
    expect(charts[1]!.datasets.map((d) => d.label)).toEqual(
      expect.arrayContaining(['ok', '5xx', 'retries', 'failovers']),
    );
    // Failed and answered latency apart, for the drill and the baseline.
    expect(charts[3]!.datasets.map((d) => d.label)).toContain('failed p95 baseline');
    const failedBaseline = charts[3]!.datasets.find((d) => d.label === 'failed p95 baseline')!;
    expect(failedBaseline.nonZero).toBeGreaterThan(0);
    // The breaker's 29 open stretches and its probes between them.
    const lanes = charts[5]!.datasets;
    expect(lanes.find((d) => d.label === 'open')?.nonZero).toBe(29);
    expect(lanes.find((d) => d.label === 'half-open (probing)')?.nonZero).toBe(29);
  });

  it('tells the outage, the failover and its cost in its first lines', () => {
    expect(bf.story).toMatch(
      /^Faults: outage on primary 30:00–45:00\. 1 failover episode; the first at 30:01, primary\/gpt-4o → backup\/claude-sonnet-4-5, detected in 212ms, back at 45:08\. 0 requests failed against 1,203 without failover/,
    );
  });

  it('lists the run, the comparison, the breaker episodes, the cost and the worst requests', () => {
    expect(bf.drawn.rows).toMatchObject({
      'run-meta': 9,
      compare: 5,
      'breaker-episodes': 1,
      cost: 2 + 2,
      'worst-slowest': 20,
    });
    // Nothing failed in black-friday: the failed list says so instead of a table.
    expect(bf.drawn.rows['worst-failed']).toBeUndefined();
  });

  it('shows answers judged invalid as their own outcome', () => {
    const attempts = soft.drawn.charts.find((c) => c.id === 'chart-attempts')!;
    expect(attempts.datasets.find((d) => d.label === 'invalid answer')?.nonZero).toBeGreaterThan(0);
    expect(soft.drawn.rows['worst-slowest']).toBe(20);
  });
});
