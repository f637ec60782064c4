import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { seededRng } from '../../src/seeded-rng.js';
import { arrivalTimes, RequestFactory } from '../../src/simulator/traffic.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

function traffic(arrivals: string, extra = '') {
  return loadScenario(
    writeTemp(
      's.yaml',
      scenarioYaml({
        replace: [
          ['arrivals: { shape: constant, rate: 60/m }', `arrivals: ${arrivals}${extra}`],
          ['duration: 2m', 'duration: 1h'],
        ],
      }),
    ),
  );
}

describe('traffic', () => {
  it('spaces constant arrivals evenly', () => {
    const s = traffic('{ shape: constant, rate: 60/m }');
    const times = [...arrivalTimes(s.traffic, 10_000, seededRng(1, 'traffic'))];
    expect(times).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000]);
  });

  it('draws Poisson arrivals around the rate, differently per seed', () => {
    const s = traffic('{ shape: poisson, rate: 5000/h }');
    const counts = [1, 2, 3, 4, 5, 6, 7, 8].map(
      (seed) => [...arrivalTimes(s.traffic, 3_600_000, seededRng(seed, 'traffic'))].length,
    );
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(4_900);
    expect(mean).toBeLessThan(5_100);
    expect(new Set(counts).size).toBeGreaterThan(1);
  });

  it('follows a spike', () => {
    const s = traffic('{ shape: spike, rate: 60/m, peak: 600/m, at: 10m, for: 10m }');
    const times = [...arrivalTimes(s.traffic, 3_600_000, seededRng(3, 'traffic'))];
    const inSpike = times.filter((t) => t >= 600_000 && t < 1_200_000).length;
    const before = times.filter((t) => t < 600_000).length;
    expect(inSpike / before).toBeGreaterThan(7);
  });

  it('follows steps, including a silent one', () => {
    const s = traffic('{ shape: steps, steps: [{ at: 0m, rate: 0/m }, { at: 30m, rate: 120/m }] }');
    const times = [...arrivalTimes(s.traffic, 3_600_000, seededRng(3, 'traffic'))];
    expect(times[0]).toBeGreaterThanOrEqual(1_800_000);
    expect(times.length).toBeGreaterThan(3_000);
  });

  it('draws requests that say how long an answer they want', () => {
    const s = traffic('{ shape: constant, rate: 60/m }');
    const factory = new RequestFactory(s.traffic, seededRng(1, 'traffic'));
    const requests = Array.from({ length: 200 }, () => factory.next());
    expect(requests[0]?.id).toBe('req-1');
    expect(
      requests.every((r) => r.messages.at(-1)?.content.startsWith('Answer in 50 tokens.')),
    ).toBe(true);
    const chars = requests[0]!.messages.reduce((n, m) => n + m.content.length, 0);
    expect(chars).toBe(400);
    const streamed = requests.filter((r) => r.stream).length;
    expect(streamed).toBeGreaterThan(70);
    expect(streamed).toBeLessThan(130);
  });
});

describe('a fixed schedule', () => {
  const scheduled = (schedule: string) =>
    scenarioYaml({
      replace: [
        ['  arrivals: { shape: constant, rate: 60/m }\n  mix:\n    - group: chat\n', schedule],
      ],
    });

  it('sends each entry at its instant, as often as it says, with the sizes it names', () => {
    const s = loadScenario(
      writeTemp(
        's.yaml',
        scheduled(
          '  schedule:\n    - { at: 0s, group: chat, stream: true, inputTokens: 40, outputTokens: 12 }\n    - { at: 60s, group: chat, count: 2 }\n',
        ),
      ),
    );
    expect(s.traffic.arrivals).toBeUndefined();
    expect([...arrivalTimes(s.traffic, s.duration, seededRng(1, 'traffic'))]).toEqual([
      0, 60_000, 60_000,
    ]);
    const factory = new RequestFactory(s.traffic, seededRng(1, 'traffic'));
    const [first, second, third] = [factory.next(), factory.next(), factory.next()];
    expect(first).toMatchObject({ id: 'req-1', group: 'chat', stream: true });
    expect(first?.messages.at(-1)?.content).toMatch(/^Answer in 12 tokens\. /);
    expect(first?.messages.map((m) => m.content).join('').length).toBe(160);
    // Unsaid sizes are the traffic's own (100 in, 50 out here); unsaid stream is false.
    expect(second).toMatchObject({ id: 'req-2', stream: false });
    expect(second?.messages.at(-1)?.content).toMatch(/^Answer in 50 tokens\. /);
    expect(third?.id).toBe('req-3');
  });

  it('is refused beside arrivals, out of order, after the drill, or naming no group', () => {
    const issue = (text: string): string => {
      try {
        loadScenario(writeTemp('s.yaml', text));
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(
      issue(
        scenarioYaml({
          replace: [['  mix:\n', '  schedule: [{ at: 0s, group: chat }]\n  mix:\n']],
        }),
      ),
    ).toMatch(/traffic\.schedule: give either `arrivals` or a `schedule`, not both/);
    expect(
      issue(scheduled('  schedule: [{ at: 5s, group: chat }, { at: 1s, group: chat }]\n')),
    ).toMatch(/traffic\.schedule\[1\]\.at: the schedule must be in time order/);
    expect(issue(scheduled('  schedule: [{ at: 3m, group: chat }]\n'))).toMatch(
      /traffic\.schedule\[0\]\.at: the request is scheduled after the drill ends/,
    );
    expect(issue(scheduled('  schedule: [{ at: 0s, group: chats }]\n'))).toMatch(
      /traffic\.schedule\[0\]\.group: model group "chats" is not defined/,
    );
    expect(issue(scheduled(''))).toMatch(/traffic\.arrivals: give `arrivals` \(a rate shape/);
  });
});
