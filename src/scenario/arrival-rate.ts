/**
 * @module scenario/arrival-rate
 * The arrival rate a scenario's traffic shape gives at each moment, and the number of requests
 * it sends on average over a whole drill: what the simulator draws arrivals from, and what the
 * loader checks a drill's size against before anything runs.
 */
import type { ArrivalsSpec } from './schema.js';

/** Requests per millisecond at `t` ms into a drill of `durationMs`. */
export function rateAt(arrivals: ArrivalsSpec, t: number, durationMs: number): number {
  switch (arrivals.shape) {
    case 'constant':
    case 'poisson':
      return arrivals.rate;
    case 'ramp':
      return (
        arrivals.from + (arrivals.to - arrivals.from) * Math.min(1, Math.max(0, t / durationMs))
      );
    case 'spike':
      return t >= arrivals.at && t < arrivals.at + arrivals.for ? arrivals.peak : arrivals.rate;
    case 'diurnal': {
      const phase = ((t - arrivals.peakAt) / arrivals.period) * 2 * Math.PI;
      return arrivals.min + ((arrivals.max - arrivals.min) * (1 + Math.cos(phase))) / 2;
    }
    case 'steps': {
      let rate = 0;
      for (const step of arrivals.steps) if (step.at <= t) rate = step.rate;
      return rate;
    }
  }
}

/** The rate function over a drill of `durationMs`, and its maximum (for thinning). */
export function rateFunction(
  arrivals: ArrivalsSpec,
  durationMs: number,
): { rate: (t: number) => number; max: number } {
  let max: number;
  switch (arrivals.shape) {
    case 'ramp':
      max = Math.max(arrivals.from, arrivals.to);
      break;
    case 'spike':
      max = Math.max(arrivals.rate, arrivals.peak);
      break;
    case 'diurnal':
      max = Math.max(arrivals.min, arrivals.max);
      break;
    case 'steps':
      max = Math.max(...arrivals.steps.map((s) => s.rate));
      break;
    default:
      max = arrivals.rate;
  }
  return { rate: (t) => rateAt(arrivals, t, durationMs), max };
}

/**
 * The mean number of requests a drill of `durationMs` sends: the integral of the rate over the
 * drill (Poisson draws scatter around it; even spacing rounds it).
 */
export function expectedArrivals(arrivals: ArrivalsSpec, durationMs: number): number {
  const d = durationMs;
  switch (arrivals.shape) {
    case 'constant':
    case 'poisson':
      return arrivals.rate * d;
    case 'ramp':
      return ((arrivals.from + arrivals.to) / 2) * d;
    case 'spike': {
      const overlap = Math.max(
        0,
        Math.min(d, arrivals.at + arrivals.for) - Math.min(d, arrivals.at),
      );
      return arrivals.rate * d + (arrivals.peak - arrivals.rate) * overlap;
    }
    case 'diurnal': {
      // ∫ min + (max - min)(1 + cos(2π(t - peakAt)/period))/2 dt over [0, d]
      const w = (2 * Math.PI) / arrivals.period;
      const cosine = (Math.sin(w * (d - arrivals.peakAt)) - Math.sin(w * -arrivals.peakAt)) / w;
      return arrivals.min * d + ((arrivals.max - arrivals.min) / 2) * (d + cosine);
    }
    case 'steps': {
      let total = 0;
      arrivals.steps.forEach((step, i) => {
        const from = Math.min(d, step.at);
        const to = Math.min(d, arrivals.steps[i + 1]?.at ?? d);
        total += step.rate * Math.max(0, to - from);
      });
      return total;
    }
  }
}
