import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../../src/engine/config.js';
import { applyPreset, PRESETS } from '../../src/engine/presets.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

const groups = { chat: { targets: ['a/m', 'b/m'] } };

describe('presets', () => {
  for (const name of Object.keys(PRESETS)) {
    it(`${name} is a valid config`, () => {
      expect(failoverConfigSchema.safeParse(applyPreset({ preset: name, groups })).success).toBe(
        true,
      );
    });
  }

  it('fills in the preset under the config, which overrides it key by key', () => {
    const config = failoverConfigSchema.parse(
      applyPreset({ preset: 'fast-failover', groups, retry: { maxAttempts: 4 } }),
    );
    expect(config.retry).toMatchObject({ maxAttempts: 4, baseDelay: 100, retryAfterCap: 2_000 });
    expect(config.timeout).toMatchObject({ attempt: 15_000, firstToken: 5_000 });
    expect(config.breaker).toMatchObject({ consecutiveFailures: 3, maxBreakDuration: 120_000 });
  });

  it('is the schema defaults for `default`', () => {
    expect(failoverConfigSchema.parse(applyPreset({ preset: 'default', groups }))).toEqual(
      failoverConfigSchema.parse({ preset: 'default', groups }),
    );
  });

  it('applies to a scenario inline config, and rejects an unknown preset with its line', () => {
    const withPreset = scenarioYaml({
      replace: [['failover:\n', 'failover:\n  preset: patient\n']],
    });
    expect(loadScenario(writeTemp('s.yaml', withPreset)).failover.breaker.kind).toBe('ratio');
    const unknown = scenarioYaml({ replace: [['failover:\n', 'failover:\n  preset: hasty\n']] });
    expect(() => loadScenario(writeTemp('s.yaml', unknown))).toThrow(
      /s\.yaml:\d+:\d+ failover\.preset: Invalid option: expected one of "default"\|"fast-failover"\|"patient"/,
    );
  });
});
