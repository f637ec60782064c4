import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliReference } from '../../src/cli/cli-reference.js';
import { ROOT } from '../support/helpers.js';

describe('docs/reference/cli.md', () => {
  it('is every command’s --help as the CLI prints it (run `npm run schemas` after changing one)', () => {
    expect(readFileSync(join(ROOT, 'docs/reference/cli.md'), 'utf8')).toBe(cliReference());
  });

  it('has a section per command, with its flags and exit codes', () => {
    const text = cliReference();
    for (const command of ['run', 'validate', 'check', 'compare', 'serve', 'drill', 'gateway'])
      expect(text).toContain(`## ${command}\n\n\`\`\`\nUsage: failover-drill ${command} `);
    expect(text).toContain('--max-requests <n>');
    expect(text).toContain('Exit codes: 0 every SLO held');
  });
});
