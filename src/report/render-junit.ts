/**
 * @module report/render-junit
 * Drill reports as JUnit XML for CI test reporters: one `<testsuite>` per scenario, one
 * `<testcase>` per SLO, a breached SLO a `<failure>` that names the actual value and the
 * threshold. A scenario without SLOs gets one test case that its drill completed.
 */
import { formatSloValue } from './format.js';
import type { Report } from './report-schema.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text safe for an XML attribute or element: escaped, and without characters XML forbids. */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const seconds = (ms: number): string => (ms / 1_000).toFixed(3);

function testsuite(report: Report): string {
  const cases =
    report.slos.length === 0
      ? [`    <testcase classname="${xml(report.scenario)}" name="drill completed" time="0"/>`]
      : report.slos.map((slo) => {
          const name = xml(slo.name);
          const open = `    <testcase classname="${xml(report.scenario)}" name="${name}" time="0"`;
          if (slo.pass) return `${open}/>`;
          const actual = formatSloValue(slo.metric, slo.actual);
          const threshold = formatSloValue(slo.metric, slo.threshold);
          const message = `${slo.metric} was ${actual}; the SLO is ${slo.op} ${threshold}`;
          return `${open}>\n      <failure message="${xml(message)}" type="SloBreach">${xml(`${message}\nreplay: ${report.replay}`)}</failure>\n    </testcase>`;
        });
  const failures = report.slos.filter((s) => !s.pass).length;
  return [
    `  <testsuite name="${xml(report.scenario)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(report.wallMs)}">`,
    '    <properties>',
    `      <property name="seed" value="${report.seed}"/>`,
    `      <property name="replay" value="${xml(report.replay)}"/>`,
    `      <property name="availability" value="${report.availability}"/>`,
    `      <property name="baseline.availability" value="${report.baseline.availability}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

/** One JUnit document for one or several drills (a suite). */
export function renderJunit(reports: readonly Report[]): string {
  const tests = reports.reduce((n, r) => n + Math.max(1, r.slos.length), 0);
  const failures = reports.reduce((n, r) => n + r.slos.filter((s) => !s.pass).length, 0);
  const time = reports.reduce((n, r) => n + r.wallMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="failover-drill" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">`,
    ...reports.map(testsuite),
    '</testsuites>',
    '',
  ].join('\n');
}
