/**
 * Hostile and nonsensical input ends in a located bad-input error, quickly and within bounded
 * memory: aliases to nothing, alias bombs, endless or huge files, thousands of unknown keys,
 * numbers no drill can use, shapes that make no sense, drills that measure nothing or too much.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, MAX_REPORTED_ISSUES } from '../../src/errors.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

/** The problems loading `text` reports, as printed, with the temp path replaced by FILE. */
function problems(text: string, options: Parameters<typeof loadScenario>[1] = {}): string[] {
  const file = writeTemp('s.yaml', text);
  try {
    loadScenario(file, options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.lines().map((line) => line.replaceAll(file, 'FILE'));
  }
  return [];
}

/** Loads a file path (not text) and returns the problems. */
function problemsOfPath(file: string): string[] {
  try {
    loadScenario(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.lines();
  }
  return [];
}

describe('YAML that attacks the loader', () => {
  it('reports an alias to no anchor at its line', () => {
    expect(problems(scenarioYaml({ replace: [['name: tiny', 'name: *a']] }))).toEqual([
      'FILE:1:7 YAML alias *a refers to no anchor &a defined before it',
    ]);
  });

  it('refuses an alias bomb before expanding it', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const [problem] = problems(levels.join('\n'));
    expect(problem).toMatch(/^FILE holds more than 100 YAML aliases|^FILE YAML: Excessive alias/);
  });

  it('refuses a few aliases that would expand past the limit', () => {
    const text = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    expect(problems(text)).toEqual([expect.stringMatching(/^FILE YAML: Excessive alias count/)]);
  });

  it('reads at most 1 MiB of an endless file', () => {
    expect(problemsOfPath('/dev/zero')).toEqual([
      '/dev/zero is larger than 1 MiB; a scenario or config file is a few kilobytes',
    ]);
  });

  it('refuses a file past 1 MiB, even a valid one', () => {
    const padding = `description: "${'x'.repeat(1_100_000)}"\n`;
    expect(problems(scenarioYaml({ extra: padding }))).toEqual([
      'FILE is larger than 1 MiB; a scenario or config file is a few kilobytes',
    ]);
  });

  it('refuses a file of more than 20,000 nodes', () => {
    const keys = Array.from({ length: 12_000 }, (_, i) => `k${i}: 1`).join('\n');
    expect(problems(scenarioYaml({ extra: `${keys}\n` }))).toEqual([
      'FILE holds more than 20000 YAML nodes; a scenario or config file holds a few hundred',
    ]);
  });

  it('lists 20 of thousands of unknown keys and counts the rest, in linear time', () => {
    const withKeys = (n: number): string =>
      scenarioYaml({ extra: `${Array.from({ length: n }, (_, i) => `k${i}: 1`).join('\n')}\n` });
    const lines = problems(withKeys(9_000));
    expect(lines).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(lines[0]).toMatch(/^FILE:\d+:1 k0: unknown key "k0"$/);
    expect(lines.at(-1)).toBe('… and 8,980 more problems');
    // Ten times the keys, about ten times the time: a quadratic step would make it a hundred.
    const time = (text: string): number => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        problems(text);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const small = time(withKeys(900));
    const large = time(withKeys(9_000));
    expect(large / small).toBeLessThan(40);
  });

  it('says UTF-16 is UTF-16, and deep nesting is too deep, instead of a parser error', () => {
    const utf16 = writeTemp('s.yaml', '');
    writeFileSync(utf16, Buffer.from(`\ufeff${scenarioYaml()}`, 'utf16le'));
    expect(problemsOfPath(utf16)).toEqual([`${utf16} is UTF-16 text; save it as UTF-8`]);
    const deep = problems(`name: ${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(deep.length).toBeGreaterThan(0);
    for (const line of deep) expect(line).toMatch(/^FILE:1:\d+ YAML nested too deeply to read$/);
  });

  it('says a scenario given as a failover config is one', () => {
    const scenario = writeTemp('s.yaml', scenarioYaml());
    expect(problems(scenarioYaml(), { configFile: scenario })).toEqual([
      `${scenario} is a scenario, not a failover config: --config takes a file like the failover: block of a scenario`,
    ]);
  });

  it('still reports a repeated key as YAML does', () => {
    expect(problems('name: x\nseed: 1\nname: y\n')).toEqual([
      'FILE:3:1 YAML syntax error: Map keys must be unique',
    ]);
  });
});

describe('numbers and shapes no drill can use', () => {
  it('refuses token counts no prompt can be built from', () => {
    expect(
      problems(scenarioYaml({ replace: [['inputTokens: 100', 'inputTokens: 1000000000000']] })),
    ).toEqual([expect.stringMatching(/^FILE:\d+:3 traffic\.inputTokens: Too big.*2000000/)]);
  });

  it('refuses a lognormal whose p95 lies below its median', () => {
    const [problem] = problems(
      scenarioYaml({
        replace: [['inputTokens: 100', 'inputTokens: { dist: lognormal, median: 900, p95: 100 }']],
      }),
    );
    expect(problem).toMatch(/traffic\.inputTokens\.p95: "p95" must not be below the median/);
  });

  it('refuses a uniform whose min is over its max', () => {
    const [problem] = problems(
      scenarioYaml({
        replace: [['inputTokens: 100', 'inputTokens: { dist: uniform, min: 900, max: 100 }']],
      }),
    );
    expect(problem).toMatch(/traffic\.inputTokens\.max: "min" must not be larger than "max"/);
  });

  it('refuses steps out of time order', () => {
    const [problem] = problems(
      scenarioYaml({
        replace: [
          [
            'arrivals: { shape: constant, rate: 60/m }',
            'arrivals: { shape: steps, steps: [{ at: 1m, rate: 60/m }, { at: 0s, rate: 30/m }] }',
          ],
        ],
      }),
    );
    expect(problem).toMatch(/traffic\.arrivals\.steps\[1\]\.at: steps must be in time order/);
  });

  it('refuses a diurnal period of 0', () => {
    const [problem] = problems(
      scenarioYaml({
        replace: [
          [
            'arrivals: { shape: constant, rate: 60/m }',
            'arrivals: { shape: diurnal, min: 10/m, max: 60/m, period: 0s }',
          ],
        ],
      }),
    );
    expect(problem).toMatch(/traffic\.arrivals\.period: the period must be longer than 0/);
  });

  it('refuses a duration without a unit, but takes 0', () => {
    expect(problems(scenarioYaml({ replace: [['duration: 2m', 'duration: 5']] }))).toContainEqual(
      'FILE:3:1 duration: 5 has no unit: write 5ms, 5s or 5m',
    );
    expect(problems(scenarioYaml({ replace: [['at: 30s', 'at: 0']] }))).toEqual([]);
  });

  it('refuses a name no file system takes', () => {
    const [problem] = problems(
      scenarioYaml({ replace: [['name: tiny', `name: ${'n'.repeat(300)}`]] }),
    );
    expect(problem).toMatch(/^FILE:1:1 name: a name of at most 100 characters/);
  });

  it('explains a hedge without a delay instead of calling it a missing key', () => {
    const lines = problems(
      scenarioYaml({
        replace: [['failover:\n', 'failover:\n  hedge: { percentile: 150 }\n']],
      }),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/failover\.hedge\.percentile: Too big: expected number to be <=99\.9/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/failover\.hedge\.delay: a hedge needs a delay \(e\.g\. delay: 2s\)/),
    );
    expect(lines.join('\n')).not.toMatch(/missing required key/);
  });
});

describe('drills that would measure nothing, or too much', () => {
  it.each([
    [
      'a zero rate',
      ['arrivals: { shape: constant, rate: 60/m }', 'arrivals: { shape: constant, rate: 0/m }'],
    ],
    ['a drill of 1ms', ['duration: 2m', 'duration: 1ms']],
  ] as const)('refuses %s, saying why', (_name, replace) => {
    const lines = problems(
      scenarioYaml({
        replace: [
          [replace[0], replace[1]],
          ['at: 30s', 'at: 0s'],
          ['for: 30s', 'for: 1ms'],
        ],
      }),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /traffic\.arrivals: the drill would send .* so it would measure nothing and pass every SLO.*traffic\.allowNoRequests: true/,
      ),
    );
  });

  it('runs a drill of no request when the scenario says that is meant', async () => {
    const file = writeTemp(
      's.yaml',
      scenarioYaml({
        replace: [
          ['arrivals: { shape: constant, rate: 60/m }', 'arrivals: { shape: constant, rate: 0/m }'],
          ['  streaming: 50%', '  streaming: 50%\n  allowNoRequests: true'],
        ],
      }),
    );
    const report = await runDrill(loadScenario(file));
    expect(report.requests.total).toBe(0);
  });

  it('refuses at run time a seed that drew no request, though one was expected', async () => {
    // About one request expected; some seeds draw none.
    const file = writeTemp(
      's.yaml',
      scenarioYaml({
        replace: [
          ['arrivals: { shape: constant, rate: 60/m }', 'arrivals: { shape: poisson, rate: 1/m }'],
          ['duration: 2m', 'duration: 80s'],
        ],
      }),
    );
    const scenario = loadScenario(file);
    let refused: InputError | undefined;
    for (let seed = 0; seed < 40 && refused === undefined; seed++) {
      try {
        await runDrill(scenario, { seed });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        refused = error;
      }
    }
    expect(refused?.lines()[0]).toMatch(
      /traffic\.arrivals: with seed \d+ the drill sent no request, so it measured nothing/,
    );
  });

  it('refuses health probes faster than one a second, and counts probes in the drill size', () => {
    const probing = (interval: string): string =>
      scenarioYaml({
        replace: [['failover:\n', `failover:\n  healthCheck: { interval: ${interval} }\n`]],
      });
    expect(problems(probing('1ms'))).toEqual([
      expect.stringMatching(
        /failover\.healthCheck\.interval: probe at most once a second \(an interval of 1s or more\)$/,
      ),
    ]);
    // 120 requests, and 2 targets probed every second for 2 minutes: 240 probes.
    expect(
      problems(probing('1s'), { limits: { maxRequests: 300, maxDurationMs: 3_600_000 } }),
    ).toEqual([
      expect.stringMatching(
        /traffic\.arrivals: the drill would send about 360 requests \(240 of them health probes\), more than the 300 allowed/,
      ),
    ]);
  });

  it('refuses a drill longer than the limit, and one expected to send too many requests', () => {
    expect(
      problems(scenarioYaml({ replace: [['duration: 2m', 'duration: 10000h']] })),
    ).toContainEqual(
      'FILE:3:1 duration: 10000h is longer than the 744h a drill may last; raise it with --max-duration if it is meant',
    );
    const busy = scenarioYaml({ replace: [['rate: 60/m', 'rate: 100000/s']] });
    expect(problems(busy)).toEqual([
      expect.stringMatching(
        /^FILE:\d+:3 traffic\.arrivals: the drill would send about 12,000,000 requests, more than the 2,000,000 allowed; raise it with --max-requests/,
      ),
    ]);
    expect(
      problems(busy, { limits: { maxRequests: 20_000_000, maxDurationMs: 3_600_000 } }),
    ).toEqual([]);
  });
});
