/**
 * What a subject hands its caller, judged against what the drill planned: an answer kept from a
 * broken stream and passed on as whole is counted truncated, and a reported model other than
 * the one that answered is counted wrong, as the `answers.*` SLOs read them.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { drillSubject } from '../../src/subject/drill-subject.js';
import { loadSubject } from '../../src/subject/load-subject.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

/** A careless client: streams from the primary and hands over whatever came, as the model it says. */
const keepsWhatCame = (reportedModel: string): string =>
  writeTemp(
    'keeps-what-came.mjs',
    `import { chatAnswer } from ${JSON.stringify(new URL('../../src/subject/index.ts', import.meta.url).pathname)};
export default function createSubject({ providers }) {
  const { baseUrl, apiKey } = providers.primary;
  return {
    async fetch(request) {
      const body = await request.json();
      const response = await fetch(baseUrl + '/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + apiKey },
        body: JSON.stringify({ ...body, model: 'gpt-4o', stream: true }),
      });
      let sse = '';
      try {
        const decoder = new TextDecoder();
        for await (const chunk of response.body) sse += decoder.decode(chunk, { stream: true });
      } catch {
        // The connection broke: keep what came.
      }
      const text = sse
        .split('\\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '')
        .join('');
      return chatAnswer({ text, model: ${JSON.stringify(reportedModel)}, inputTokens: 0, outputTokens: 0 }, false);
    },
  };
}
`,
  );

const scenario = () => {
  const base = scenarioYaml();
  return loadScenario(
    writeTemp(
      'cut.yaml',
      scenarioYaml({
        replace: [
          [
            '  arrivals: { shape: constant, rate: 60/m }\n  mix:\n    - group: chat\n',
            '  schedule:\n    - { at: 0s, group: chat, count: 3 }\n',
          ],
          [
            base.slice(base.indexOf('faults:'), base.indexOf('failover:')),
            'faults:\n  - { kind: stream-cut, target: primary, afterTokens: 10, requests: 1-2 }\n',
          ],
          [
            'slos:\n  - availability >= 99%\n',
            'slos:\n  - answers.truncated == 0\n  - answers.wrongModel == 0\n',
          ],
        ],
      }),
    ),
  );
};

describe('answers handed over', () => {
  it('counts a cut answer passed on as whole, and a model reported that did not answer', async () => {
    const { report } = await drillSubject(scenario(), await loadSubject(keepsWhatCame('gpt-4o')));
    expect(report.requests).toMatchObject({ total: 3, succeeded: 3 });
    expect(report.answers).toMatchObject({ truncated: 2, wrongModel: 0, invalid: 2 });
    expect(report.slos.map((s) => [s.name, s.actual, s.pass])).toEqual([
      ['answers.truncated == 0', 2, false],
      ['answers.wrongModel == 0', 0, true],
    ]);

    const renamed = await drillSubject(scenario(), await loadSubject(keepsWhatCame('gpt-4o-mini')));
    // The healthy answer came from gpt-4o and is named gpt-4o-mini. The two cut ones came from no
    // attempt the provider finished, so no model is known to have answered them whole.
    expect(renamed.report.answers).toMatchObject({ truncated: 2, wrongModel: 1, invalid: 3 });
  }, 60_000);
});
