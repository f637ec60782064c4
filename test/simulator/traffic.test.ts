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
