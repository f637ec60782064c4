import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../src/engine/config.js';
import { applyPreset } from '../src/engine/presets.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('shows a failover config that the schema accepts', () => {
    const section = readme.slice(readme.indexOf('## The failover config'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const result = failoverConfigSchema.safeParse(applyPreset(parse(block ?? '')));
    expect(result.error?.issues ?? []).toEqual([]);
  });
});

describe('README: hostile input', () => {
  const section = readme.slice(readme.indexOf('## Hostile input'), readme.indexOf('## Benchmark'));
  const en = (n: number): string => n.toLocaleString('en-US');

  it('states the limits the code enforces', async () => {
    const { FILE_LIMITS } = await import('../src/scenario/parse-file.js');
    const { DRILL_LIMITS } = await import('../src/scenario/load-scenario.js');
    const { HTTP_LIMITS } = await import('../src/live/http-limits.js');
    const { MAX_REPORTED_ISSUES } = await import('../src/errors.js');
    const { MAX_TOKENS } = await import('../src/scenario/schema.js');
    const { MAX_RESPONSE_BYTES } = await import('../src/engine/wire/read-limited.js');
    const stated = [
      `${FILE_LIMITS.maxBytes / 1024 / 1024} MiB`,
      `${en(FILE_LIMITS.maxNodes)} YAML nodes`,
      `${FILE_LIMITS.maxAliases}\n  aliases`,
      `At most ${MAX_REPORTED_ISSUES} problems`,
      `Token counts are at most ${en(MAX_TOKENS)}`,
      `more than ${en(DRILL_LIMITS.maxRequests)} requests`,
      `longer than ${DRILL_LIMITS.maxDurationMs / 86_400_000} days`,
      `over ${HTTP_LIMITS.maxBodyBytes / 1024 / 1024} MiB gets a 413`,
      `${HTTP_LIMITS.maxAdminBodyBytes / 1024} KiB`,
      `within\n  ${HTTP_LIMITS.headersTimeoutMs / 1_000} s`,
      `whole request within ${HTTP_LIMITS.requestTimeoutMs / 1_000} s`,
      `after ${HTTP_LIMITS.keepAliveTimeoutMs / 1_000} s`,
      `at most ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB of one response`,
    ];
    for (const text of stated) expect(section).toContain(text);
  });
});
