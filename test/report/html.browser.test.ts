/**
 * The HTML report opened in headless Chromium (Debian's package, installed by `.ci/run`): it
 * loads nothing from the network, logs no error, and draws every chart.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, tempDir, writeTemp } from '../support/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// On a developer's machine without Chromium the test says so and skips; CI installs it.
const run = available || process.env.CI === 'true' ? describe : describe.skip;
if (!available && process.env.CI !== 'true')
  console.warn(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

run('the HTML report in Chromium', () => {
  let browser: Browser;
  const errors: string[] = [];
  const requests: string[] = [];
  let charts: { id: string; drawn: boolean }[] = [];
  let screenshot = '';

  beforeAll(async () => {
    const base = scenarioYaml({ replace: [['duration: 2m', 'duration: 5m']] });
    const scenario = loadScenario(
      writeTemp(
        's.yaml',
        base.replace(
          base.slice(base.indexOf('faults:'), base.indexOf('failover:')),
          'faults:\n  - { kind: outage, target: primary, at: 1m, for: 2m, status: 503 }\n',
        ),
      ),
    );
    const dir = tempDir();
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(await runDrill(scenario)));
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
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    // Browser-side code as strings: the tests are typed for Node, without the DOM library.
    await page.waitForFunction("document.body.dataset.charts === 'drawn'", null, {
      timeout: 15_000,
    });
    charts = await page.evaluate<{ id: string; drawn: boolean }[]>(`
      [...document.querySelectorAll('canvas')].map((canvas) => {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
        return { id: canvas.id, drawn: ink > 1000 };
      })
    `);
    screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('makes no network request: one self-contained file', () => {
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:.*report\.html$/);
  });

  it('logs no error', () => {
    expect(errors).toEqual([]);
  });

  it('draws every chart', () => {
    expect(charts.map((c) => c.id)).toEqual([
      'chart-availability',
      'chart-latency',
      'chart-spend',
      'chart-breakers',
      'chart-compare',
    ]);
    expect(charts.filter((c) => !c.drawn)).toEqual([]);
    expect(existsSync(screenshot)).toBe(true);
  });
});
