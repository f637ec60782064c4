import { describe, expect, it } from 'vitest';
import { PrefillSupport } from '../../src/engine/prefill.js';

const wires: Record<string, 'openai' | 'anthropic'> = {
  claude: 'anthropic',
  gpt: 'openai',
  deepseek: 'openai',
};
const target = (provider: string) => ({ provider, model: 'm' });

describe('prefill support', () => {
  it('tries unlisted Anthropic-wire targets and never sends one to an unlisted OpenAI-wire target', () => {
    const support = new PrefillSupport({}, (p) => wires[p]);
    expect(support.supports(target('claude'))).toBe(true);
    expect(support.supports(target('gpt'))).toBe(false);
  });

  it('takes the config at its word', () => {
    const support = new PrefillSupport({ deepseek: true, claude: false }, (p) => wires[p]);
    expect(support.supports(target('deepseek'))).toBe(true);
    expect(support.supports(target('claude'))).toBe(false);
  });

  it('remembers a target that refused one, and only that target', () => {
    const support = new PrefillSupport({}, (p) => wires[p]);
    support.refused(target('claude'));
    expect(support.supports(target('claude'))).toBe(false);
    expect(support.supports({ provider: 'claude', model: 'other' })).toBe(true);
  });
});
