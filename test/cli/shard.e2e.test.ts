/**
 * `run --shard i/n` and `merge`: three shards run as separate processes and merged write what
 * the unsharded run writes (wall times aside); shards of different runs, missing or given twice,
 * are refused.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/helpers.js';

const FILES = [
  'scenarios/conduct/500-once.yaml',
  'scenarios/conduct/503-forever.yaml',
  'scenarios/conduct/stream-cut.yaml',
];

/** Every file under `dir`, relative, with wall times blanked. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.includes('.'))
      .sort()
      .map((f) => [
        f,
        readFileSync(join(dir, f), 'utf8')
          .replace(/"wallMs": ?\d+/g, '"wallMs": 0')
          .replace(/time="[\d.]+"/g, 'time=""')
          .replace(/in [\d.]+ ?s\b/g, 'in 0 s')
          .replace(/<code data-wall>[^<]*</g, '<code data-wall><'),
      ]),
  );
}

function shardsOf(args: readonly string[], n: number): string {
  const dir = tempDir();
  for (let i = 1; i <= n; i++) {
    const shard = runCli(['run', ...args, '--shard', `${i}/${n}`, '--out', dir, '--traces', 'off']);
    expect(shard.status, shard.stderr).toBe(0);
  }
  return dir;
}

describe('run --shard and merge', () => {
  it('merges three shards of a suite into the unsharded run’s reports, JUnit and summary', () => {
    const format = ['--format', 'json,md,junit,html'];
    const whole = tempDir();
    const unsharded = runCli(['run', ...FILES, '--out', whole, '--traces', 'off', ...format]);
    const shards = shardsOf(FILES, 3);
    expect(readdirSync(shards).sort()).toEqual([
      'shard-1-of-3.json',
      'shard-2-of-3.json',
      'shard-3-of-3.json',
    ]);
    const merged = tempDir();
    const merge = runCli(['merge', shards, '--out', merged, ...format]);
    expect(merge.stderr).toBe('');
    expect(merge.status).toBe(unsharded.status);
    expect(tree(merged)).toEqual(tree(whole));
  }, 120_000);

  it('merges the shards of a sweep into the unsharded sweep.json, byte for byte', () => {
    const args = [FILES[0]!, FILES[1]!, '--seeds', '6'];
    const whole = tempDir();
    const unsharded = runCli([
      'run',
      ...args,
      '--workers',
      '1',
      '--out',
      whole,
      '--format',
      'json,md',
    ]);
    const shards = shardsOf(args, 4);
    const merged = tempDir();
    const merge = runCli(['merge', shards, '--out', merged, '--format', 'json,md']);
    expect(merge.status).toBe(unsharded.status);
    for (const name of ['conduct-500-once', 'conduct-503-forever'])
      for (const file of ['sweep.json', 'sweep.md'])
        expect(readFileSync(join(merged, name, file), 'utf8')).toBe(
          readFileSync(join(whole, name, file), 'utf8'),
        );
  }, 120_000);

  it('merges three shards of a compare sweep into the unsharded comparison, byte for byte', () => {
    const args = [
      'compare',
      FILES[0]!,
      '--subject',
      'engine',
      '--subject',
      'sdk-fallback-chain',
      '--seeds',
      '4',
    ];
    const whole = tempDir();
    const unsharded = runCli([...args, '--out', whole, '--format', 'json,md,html']);
    expect(unsharded.stderr).toBe('');
    const shards = tempDir();
    for (let i = 1; i <= 3; i++) {
      const shard = runCli([...args, '--shard', `${i}/3`, '--workers', '1', '--out', shards]);
      expect(shard.status, shard.stderr).toBe(0);
      expect(shard.stdout).toMatch(new RegExp(`compare shard ${i}/3: \\d+ of 8 drills`));
    }
    const merged = tempDir();
    const merge = runCli(['merge', shards, '--out', merged, '--format', 'json,md,html']);
    expect(merge.stderr).toBe('');
    expect(merge.status).toBe(unsharded.status);
    expect(merge.stdout).toBe(unsharded.stdout.replaceAll(whole, merged));
    expect(tree(merged)).toEqual(tree(whole));
    const json = JSON.parse(readFileSync(join(merged, 'compare.json'), 'utf8')) as {
      configs: { label: string; sweeps: { seeds: number }[] }[];
    };
    // A histogram per figure and column, on one scale per figure.
    const html = readFileSync(join(merged, 'compare.html'), 'utf8');
    expect(html.match(/<figure>/g)).toHaveLength(5 * 2);
    expect(html).toContain('latency p95: sdk-fallback-chain');
    expect(json.configs.map((c) => [c.label, c.sweeps[0]?.seeds])).toEqual([
      ['engine', 4],
      ['sdk-fallback-chain', 4],
    ]);
  }, 120_000);

  it('writes the same suite with --workers 2 as with --workers 1', () => {
    const format = ['--format', 'json,md,junit', '--traces', 'off'];
    const one = tempDir();
    const two = tempDir();
    const first = runCli(['run', ...FILES, '--workers', '1', '--out', one, ...format]);
    const second = runCli(['run', ...FILES, '--workers', '2', '--out', two, ...format]);
    expect(second.status).toBe(first.status);
    const blank = (text: string, dir: string): string =>
      text.replaceAll(dir, 'OUT').replace(/in [\d.]+s\)/g, 'in s)');
    expect(blank(second.stdout, two)).toBe(blank(first.stdout, one));
    expect(tree(two)).toEqual(tree(one));
  }, 120_000);

  describe('refuses, exit 2, one line', () => {
    const shards = shardsOf([FILES[0]!, '--seeds', '3'], 3);
    const shard = (i: number): string => join(shards, `shard-${i}-of-3.json`);
    const other = shardsOf([FILES[1]!, '--seeds', '3'], 3);

    const refused = (args: string[], message: RegExp): void => {
      const merge = runCli(['merge', ...args, '--out', tempDir()]);
      expect(merge.status).toBe(2);
      expect(merge.stderr).toMatch(message);
      expect(merge.stderr.trim().split('\n')).toHaveLength(1);
    };

    it('a missing shard', () => {
      refused([shard(1), shard(3)], /merge needs all 3 shards; missing: 2\/3/);
    });
    it('a shard given twice', () => {
      refused([shard(1), shard(2), shard(2), shard(3)], /is shard 2\/3 again/);
    });
    it('a shard of another run', () => {
      refused(
        [shard(1), join(other, 'shard-2-of-3.json'), shard(3)],
        /is a shard of another run .*: other scenario files/,
      );
    });
    it('shards of another shard count', () => {
      const four = shardsOf([FILES[0]!, '--seeds', '3'], 4);
      refused(
        [shard(1), join(four, 'shard-2-of-4.json'), shard(3)],
        /is shard 2\/4; .* is one of 3/,
      );
    });
    it('a scenario file changed since the shards ran', () => {
      const dir = tempDir();
      const file = join(dir, 'once.yaml');
      copyFileSync(FILES[0]!, file);
      const mine = shardsOf([file], 2);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n# edited\n`);
      refused([mine], /has changed since the shards drilled it/);
    });
    it('a file that is not a shard', () => {
      refused([FILES[0]!], /is not a shard file/);
    });
  });
});
