import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/report-schema.js';
import { runCli, tempDir, writeTemp } from '../support/helpers.js';

const OUTAGE = 'scenarios/live/primary-outage.yaml';

describe('run --subject', () => {
  it('drills the subject, writes its report and its log, and prints the replay on a breach', () => {
    const out = tempDir();
    const run = runCli(['run', OUTAGE, '--subject', 'openai-sdk', '--out', out, '--traces', 'off']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/subject openai-sdk/);
    expect(run.stdout).toContain(
      `replay: npx failover-drill run ${OUTAGE} --seed 7 --subject openai-sdk`,
    );
    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.subject).toMatchObject({ name: 'openai-sdk', package: { name: 'openai' } });
  }, 60_000);

  it('sends what Portkey prints to subject.log, not the terminal', () => {
    const out = tempDir();
    const run = runCli(['run', OUTAGE, '--subject', 'portkey', '--out', out, '--traces', 'off']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/AI Gateway/);
    // Portkey's breakers, if any, are inside it: the SLO on them is listed, not judged.
    expect(run.stdout).toContain(
      '----  breaker.opens >= 1  (not judged: inside the subject, out of sight of the providers)',
    );
    expect(readFileSync(join(out, 'subject.log'), 'utf8')).toMatch(/Ready for connections/);
  }, 60_000);

  const bad: [string, string, RegExp][] = [
    ['a missing module', './no-such-subject.mjs', /--subject no file \.\/no-such-subject\.mjs/],
    [
      'a module without the contract',
      writeTemp('no-contract.mjs', 'export const x = 1;\n'),
      /has no default export createSubject/,
    ],
    [
      'a createSubject that throws',
      writeTemp('throws.mjs', "export default () => { throw new Error('no key\\nat line 2'); };\n"),
      /createSubject threw: no key$/m,
    ],
  ];
  it.each(bad)('refuses %s: exit 2, one line, nothing written', (_, subject, message) => {
    const out = join(tempDir(), 'never');
    const run = runCli(['run', OUTAGE, '--subject', subject, '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/ at /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('refuses --config beside --subject, and --subject-config without one', () => {
    expect(
      runCli([
        'run',
        OUTAGE,
        '--subject',
        'engine',
        '--config',
        'configs/support-chat-fast-failover.yaml',
      ]).stderr,
    ).toMatch(/--config configures our engine/);
    expect(runCli(['run', OUTAGE, '--subject-config', 'recipes/portkey/config.json']).status).toBe(
      2,
    );
  });
});

describe('compare and check with subjects', () => {
  it('compares the engine, the SDK alone and the hand-written chain side by side', () => {
    const out = tempDir();
    const run = runCli([
      'compare',
      OUTAGE,
      '--subject',
      'engine',
      '--subject',
      'openai-sdk',
      '--subject',
      'sdk-fallback-chain',
      '--out',
      out,
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/engine\s+openai-sdk\s+sdk-fallback-chain/);
    expect(run.stdout).toMatch(/openai-sdk: SLO breached/);
    expect(run.stdout).toMatch(/sdk-fallback-chain: every SLO held/);
  }, 60_000);

  const calm = (): string =>
    writeTemp(
      'calm.yaml',
      readFileSync(OUTAGE, 'utf8').replace(/\nfaults:[\s\S]*?\n(?=\w)/, '\nfaults: []\n'),
    );
  it.each([
    ['openai-sdk', '20'],
    ['portkey', '10'],
  ])(
    'check --subject %s finds, shrinks and writes a schedule that breaks it, replayable with run --subject',
    (subject, runs) => {
      const out = tempDir();
      const check = runCli([
        'check',
        calm(),
        '--subject',
        subject,
        '--runs',
        runs,
        '--seed',
        '3',
        '--out',
        out,
      ]);
      expect(check.status).toBe(1);
      expect(check.stdout).toMatch(/found a fault schedule that breaks/);
      expect(check.stdout).toMatch(/shrunk in \d+ step\(s\)/);
      const replay = /replay: (.*)/.exec(check.stdout)![1]!;
      expect(replay).toMatch(new RegExp(`--subject ${subject}$`));
      const again = runCli([
        'run',
        join(out, 'counterexample.yaml'),
        '--subject',
        subject,
        '--out',
        tempDir(),
        '--traces',
        'off',
      ]);
      expect(again.status).toBe(1);
    },
    120_000,
  );
});
