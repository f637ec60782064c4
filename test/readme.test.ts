import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../src/engine/config.js';
import { applyPreset } from '../src/engine/presets/presets.js';

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
