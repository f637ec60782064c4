/**
 * @module scenario/slo
 * The SLO language: `<metric> <op> <value>`, e.g. `availability >= 99.9%`,
 * `latency.p95 <= 2s`, `cost.total <= $50`, `failover.detection.max <= 200ms`; and, for sweeps
 * over many seeds, how often it must hold: `availability >= 99.9% in 99% of seeds` (by default,
 * in every seed).
 */
import { parseDuration } from '../units.js';

/** Every metric an SLO may name, with the unit its value is read in. */
export const SLO_METRICS = {
  availability: 'share',
  'baseline.availability': 'share',
  'latency.p50': 'duration',
  'latency.p95': 'duration',
  'latency.p99': 'duration',
  'latency.max': 'duration',
  'cost.total': 'usd',
  'cost.wasted': 'usd',
  'failover.count': 'count',
  'failover.detection.max': 'duration',
  'requests.failed': 'count',
  'requests.refused': 'count',
  'attempts.total': 'count',
  'attempts.maxPerRequest': 'count',
  'attempts.retries': 'count',
  'attempts.earlyRetries': 'count',
  'failover.unrecovered': 'count',
  'breaker.opens': 'count',
  'breaker.openAtEnd': 'count',
  'streams.continued': 'count',
  'streams.prefillRefused': 'count',
} as const satisfies Record<string, 'share' | 'duration' | 'usd' | 'count'>;

/** A metric name SLOs may use. */
export type SloMetric = keyof typeof SLO_METRICS;

/** Comparison operators. */
export type SloOp = '>=' | '<=' | '>' | '<' | '==';

/** A parsed SLO. `threshold` is in base units: a fraction, milliseconds, dollars or a count. */
export interface Slo {
  readonly name: string;
  readonly metric: SloMetric;
  readonly op: SloOp;
  readonly threshold: number;
  /** In a sweep, the share of seeds it must hold in (`in 99% of seeds`); every seed if absent. */
  readonly share?: number;
}

const QUANTIFIER = /\s+in\s+(\S+)\s+of\s+seeds\s*$/i;

const EXPRESSION = /^\s*([a-zA-Z][a-zA-Z0-9.]*)\s*(>=|<=|==|>|<)\s*(.+?)\s*$/;

function readValue(unit: (typeof SLO_METRICS)[SloMetric], text: string): number | undefined {
  switch (unit) {
    case 'share': {
      const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
      if (percent !== null) return Number(`${percent[1]}e-2`);
      const fraction = Number(text);
      return text !== '' && fraction >= 0 && fraction <= 1 ? fraction : undefined;
    }
    case 'duration':
      return parseDuration(text);
    case 'usd': {
      const usd = /^\$?\s*(\d+(?:\.\d+)?)$/.exec(text);
      return usd === null ? undefined : Number(usd[1]);
    }
    case 'count': {
      const count = Number(text);
      return text !== '' && Number.isFinite(count) && count >= 0 ? count : undefined;
    }
  }
}

const UNIT_HINT = {
  share: 'a percentage such as 99.9%',
  duration: 'a duration such as 2s or 200ms',
  usd: 'an amount such as $50',
  count: 'a number',
} as const;

/** Parses an SLO expression; a string result explains what is wrong. */
export function parseSlo(text: string): Slo | string {
  const quantifier = QUANTIFIER.exec(text);
  let share: number | undefined;
  if (quantifier !== null) {
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(quantifier[1] ?? '');
    share = percent === null ? undefined : Number(`${percent[1]}e-2`);
    if (share === undefined || share <= 0 || share > 1)
      return `"${quantifier[1]}" is not a share of seeds: write e.g. in 99% of seeds (above 0%, at most 100%)`;
  }
  const match = EXPRESSION.exec(quantifier === null ? text : text.slice(0, quantifier.index));
  if (match === null)
    return `"${text}" is not an SLO: write <metric> <op> <value>, e.g. availability >= 99.9%`;
  const [, metric = '', op = '', value = ''] = match;
  if (!(metric in SLO_METRICS)) {
    return `unknown SLO metric "${metric}"; known metrics: ${Object.keys(SLO_METRICS).join(', ')}`;
  }
  const known = metric as SloMetric;
  const threshold = readValue(SLO_METRICS[known], value);
  if (threshold === undefined)
    return `"${value}" is not a value for ${metric}: write ${UNIT_HINT[SLO_METRICS[known]]}`;
  return {
    name: text.trim().replace(/\s+/g, ' '),
    metric: known,
    op: op as SloOp,
    threshold,
    ...(share === undefined ? {} : { share }),
  };
}

/** Whether `actual` meets the SLO. */
export function sloHolds(slo: Slo, actual: number): boolean {
  switch (slo.op) {
    case '>=':
      return actual >= slo.threshold;
    case '<=':
      return actual <= slo.threshold;
    case '>':
      return actual > slo.threshold;
    case '<':
      return actual < slo.threshold;
    case '==':
      return actual === slo.threshold;
  }
}
