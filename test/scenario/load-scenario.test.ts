import { describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../../src/errors.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { scenarioYaml, tempDir, writeTemp } from '../support/helpers.js';

function problems(text: string, name = 's.yaml'): string[] {
  const file = writeTemp(name, text);
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof InputError)
      return error.issues.map((i) => formatIssue(i).replace(file, 'FILE'));
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('loadScenario', () => {
  it('resolves units and defaults', () => {
    const scenario = loadScenario(writeTemp('s.yaml', scenarioYaml()));
    expect(scenario.duration).toBe(120_000);
    expect(scenario.traffic.streaming).toBe(0.5);
    expect(scenario.faults[0]).toMatchObject({
      kind: 'outage',
      at: 30_000,
      for: 30_000,
      status: 503,
      probability: 1,
    });
    expect(scenario.failover.retry.maxAttempts).toBe(3);
    expect(scenario.failover.groups.chat?.targets[1]).toEqual({
      provider: 'backup',
      model: 'claude-sonnet-4-5',
    });
    expect(scenario.slos[0]).toMatchObject({ metric: 'availability', threshold: 0.99 });
  });

  it('reads JSON as well as YAML', () => {
    const json = loadScenario(writeTemp('s.json', JSON.stringify(minimalInput())));
    expect(json.duration).toBe(120_000);
    expect(json.failover.groups.chat?.targets).toEqual([{ provider: 'primary', model: 'gpt-4o' }]);
  });

  it('points a syntax error at its line', () => {
    expect(problems('name: x\nseed: 1\nname: y\n')).toEqual([
      expect.stringMatching(/^FILE:3:1 YAML syntax error: Map keys must be unique/),
    ]);
    expect(problems('name: x\ntraffic: [unclosed\n')).toEqual([
      expect.stringMatching(/^FILE:3:1 YAML syntax error: Flow sequence/),
    ]);
  });

  it('names an unknown key with its line', () => {
    const [issue] = problems(
      scenarioYaml({ replace: [['  streaming: 50%', '  streaming: 50%\n  burstiness: 3']] }),
    );
    expect(issue).toMatch(/^FILE:11:3 traffic\.burstiness: unknown key "burstiness"/);
  });

  it('explains a wrong unit at the key', () => {
    const [issue] = problems(scenarioYaml({ replace: [['for: 30s', 'for: 30 seconds']] }));
    expect(issue).toMatch(/^FILE:26:5 faults\[0\]\.for: "30 seconds" is not a duration/);
  });

  it('asks a stall that closes for how long it stalls', () => {
    const [issue] = problems(
      scenarioYaml({
        replace: [['  - kind: outage\n', '  - kind: stream-stall\n    then: close\n']],
      }),
    );
    expect(issue).toMatch(/^FILE:\d+:\d+ faults\[0\]\.then: `then: close` needs a `stall`/);
  });

  it('reads attempt and request ranges, and says how to write a bad one', () => {
    const [issue] = problems(
      scenarioYaml({ replace: [['  - kind: outage\n', '  - kind: outage\n    attempts: 0\n']] }),
    );
    expect(issue).toMatch(
      /^FILE:\d+:\d+ faults\[0\]\.attempts: "0" is not a range of counts from 1: write 1, 1-3 or 2-/,
    );
    const [backwards] = problems(
      scenarioYaml({ replace: [['  - kind: outage\n', '  - kind: outage\n    requests: 5-2\n']] }),
    );
    expect(backwards).toMatch(/faults\[0\]\.requests: "5-2" is not a range/);
    const scenario = loadScenario(
      writeTemp(
        's.yaml',
        scenarioYaml({
          replace: [
            ['  - kind: outage\n', '  - kind: outage\n    attempts: 2-\n    requests: 3\n'],
          ],
        }),
      ),
    );
    expect(scenario.faults[0]).toMatchObject({
      attempts: { first: 2, last: Number.POSITIVE_INFINITY },
      requests: { first: 3, last: 3 },
    });
  });

  it('places a malformed chunk by tokens or by event, not both', () => {
    const [issue] = problems(
      scenarioYaml({
        replace: [
          ['  - kind: outage\n', '  - kind: malformed-chunk\n    afterTokens: 5\n    atEvent: 2\n'],
        ],
      }),
    );
    expect(issue).toMatch(/faults\[0\]\.atEvent: give `afterTokens` or `atEvent`, not both/);
  });

  it('catches a provider named but not defined', () => {
    const [issue] = problems(
      scenarioYaml({ replace: [['backup/claude-sonnet-4-5]', 'fallback/claude-sonnet-4-5]']] }),
    );
    expect(issue).toMatch(
      /^FILE:\d+:\d+ failover\.groups\.chat\.targets\[1\]: provider "fallback" is not defined/,
    );
  });

  it('catches a canary target that is not defined', () => {
    const [issue] = problems(
      scenarioYaml({
        replace: [
          [
            'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
            'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n      canary: { target: primary/gpt-5, share: 5% }',
          ],
        ],
      }),
    );
    expect(issue).toMatch(
      /failover\.groups\.chat\.canary\.target: provider "primary" has no model "gpt-5"/,
    );
  });

  it('catches a model group the config lacks', () => {
    const [issue] = problems(scenarioYaml({ replace: [['- group: chat', '- group: support']] }));
    expect(issue).toMatch(
      /^FILE:7:\d+ traffic\.mix\[0\]\.group: model group "support" is not defined/,
    );
  });

  it('catches an unknown SLO metric', () => {
    const [issue] = problems(scenarioYaml({ replace: [['availability >= 99%', 'uptime >= 99%']] }));
    expect(issue).toMatch(/slos\[0\]: unknown SLO metric "uptime"/);
  });

  it('reports a missing required key', () => {
    const [issue] = problems(scenarioYaml({ replace: [['duration: 2m\n', '']] }));
    expect(issue).toMatch(/duration: missing required key/);
  });

  it('reports missing and empty files', () => {
    const dir = tempDir();
    expect(() => loadScenario(`${dir}/nope.yaml`)).toThrow(/nope\.yaml file not found/);
    expect(() => loadScenario(writeTemp('empty.yaml', '# nothing\n'))).toThrow(/the file is empty/);
  });

  it('loads a failover config given by path, relative to the scenario', () => {
    const dir = tempDir();
    writeTemp(
      'config.yaml',
      'groups:\n  chat:\n    targets: [backup/claude-sonnet-4-5]\nretry: { maxAttempts: 1 }\n',
      dir,
    );
    const file = writeTemp(
      's.yaml',
      scenarioYaml({
        replace: [
          [
            scenarioYaml().slice(
              scenarioYaml().indexOf('failover:'),
              scenarioYaml().indexOf('slos:'),
            ),
            'failover: ./config.yaml\n',
          ],
        ],
      }),
      dir,
    );
    const scenario = loadScenario(file);
    expect(scenario.failover.retry.maxAttempts).toBe(1);
    expect(scenario.configFile).toMatch(/config\.yaml$/);
  });

  it('points config problems at the config file', () => {
    const dir = tempDir();
    const config = writeTemp(
      'bad-config.yaml',
      'groups:\n  chat:\n    targets: [nowhere/x]\n',
      dir,
    );
    const file = writeTemp('s.yaml', scenarioYaml(), dir);
    try {
      loadScenario(file, { configFile: config });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect(formatIssue((error as InputError).issues[0]!)).toMatch(
        /bad-config\.yaml:3:\d+ groups\.chat\.targets\[0\]: provider "nowhere" is not defined/,
      );
    }
  });
});

function minimalInput(): Record<string, unknown> {
  return {
    name: 'tiny',
    duration: '2m',
    traffic: { arrivals: { shape: 'constant', rate: '60/m' }, mix: [{ group: 'chat' }] },
    providers: { primary: { wire: 'openai', models: { 'gpt-4o': { input: 2.5, output: 10 } } } },
    failover: { groups: { chat: { targets: ['primary/gpt-4o'] } } },
  };
}
