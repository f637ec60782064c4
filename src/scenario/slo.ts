/**
 * @module scenario/slo
 * The SLO language: `<metric> <op> <value>`, e.g. `availability >= 99.9%`,
 * `latency.p95 <= 2s`, `cost.total <= $50`, `failover.detection.max <= 200ms`; and, for sweeps
 * over many seeds, how often it must hold: `availability >= 99.9% in 99% of seeds` (by default,
 * in every seed).
 */
import { parseDuration } from '../unit-text.js';

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
  'retry.firstGap.min': 'duration',
  'failover.recovery.max': 'duration',
  'answers.truncated': 'count',
  'answers.wrongModel': 'count',
  'answers.empty': 'count',
  'answers.refusal': 'count',
  'answers.invalidJson': 'count',
  'answers.invalid': 'count',
  'attempts.byProvider': 'count',
  'attempts.byTarget': 'count',
  'attempts.within.max': 'count',
} as const satisfies Record<string, 'share' | 'duration' | 'usd' | 'count'>;

/** A metric SLOs may use; the last three take a parameter (see {@link SLO_FAMILIES}). */
export type SloMetric = keyof typeof SLO_METRICS;

/** The metrics written with a parameter, and how an SLO writes each. */
const SLO_FAMILIES: Readonly<Partial<Record<SloMetric, string>>> = {
  'attempts.byProvider': 'attempts.byProvider.<provider>',
  'attempts.byTarget': 'attempts.byTarget.<provider/model>',
  'attempts.within.max': 'attempts.within.<duration>.max',
};

/** The metrics an SLO may name, as written: the plain ones and the families. */
export function knownMetrics(): string[] {
  return Object.keys(SLO_METRICS).map((m) => SLO_FAMILIES[m as SloMetric] ?? m);
}

/** Comparison operators. */
export type SloOp = '>=' | '<=' | '>' | '<' | '==';

/** A parsed SLO. `threshold` is in base units: a fraction, milliseconds, dollars or a count. */
export interface Slo {
  readonly name: string;
  /** The metric as written, e.g. `attempts.byProvider.primary`. */
  readonly metric: string;
  /** Its kind: the metric itself, or the family it belongs to (`attempts.byProvider`). */
  readonly family: SloMetric;
  /** A family's parameter: the provider, the `provider/model`, or the duration in ms. */
  readonly parameter?: string | number;
  readonly op: SloOp;
  readonly threshold: number;
  /** In a sweep, the share of seeds it must hold in (`in 99% of seeds`); every seed if absent. */
  readonly share?: number;
}

const QUANTIFIER = /\s+in\s+(\S+)\s+of\s+seeds\s*$/i;

const EXPRESSION = /^\s*([a-zA-Z][\w./-]*)\s*(>=|<=|==|>|<)\s*(.+?)\s*$/;

/** The family and parameter of a metric as written; a string says what is wrong. */
function readMetric(
  metric: string,
): { family: SloMetric; parameter?: string | number } | string | undefined {
  if (metric in SLO_METRICS)
    return SLO_FAMILIES[metric as SloMetric] === undefined
      ? { family: metric as SloMetric }
      : undefined;
  for (const family of ['attempts.byProvider', 'attempts.byTarget'] as const) {
    if (!metric.startsWith(`${family}.`)) continue;
    const parameter = metric.slice(family.length + 1);
    if (family === 'attempts.byTarget' && !/^[^/]+\/[^/]+$/.test(parameter))
      return `"${metric}" names no target: write attempts.byTarget.<provider>/<model>, e.g. attempts.byTarget.primary/gpt-4o`;
    if (parameter === '')
      return `"${metric}" names no provider: write attempts.byProvider.<provider>, e.g. attempts.byProvider.primary`;
    return { family, parameter };
  }
  const within = /^attempts\.within\.(.+)\.max$/.exec(metric);
  if (within !== null) {
    const ms = parseDuration(within[1] ?? '');
    if (ms === undefined || ms <= 0)
      return `"${within[1]}" in ${metric} is not a duration: write e.g. attempts.within.10s.max`;
    return { family: 'attempts.within.max', parameter: ms };
  }
  return undefined;
}

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
  const known = readMetric(metric);
  if (typeof known === 'string') return known;
  if (known === undefined)
    return `unknown SLO metric "${metric}"; known metrics: ${knownMetrics().join(', ')}`;
  const unit = SLO_METRICS[known.family];
  const threshold = readValue(unit, value);
  if (threshold === undefined)
    return `"${value}" is not a value for ${metric}: write ${UNIT_HINT[unit]}`;
  return {
    name: text.trim().replace(/\s+/g, ' '),
    metric,
    ...known,
    op: op as SloOp,
    threshold,
    ...(share === undefined ? {} : { share }),
  };
}

/** The unit a metric as written is read in (a count for an unknown one). */
export function sloUnit(metric: string): (typeof SLO_METRICS)[SloMetric] {
  const known = readMetric(metric);
  return typeof known === 'object' ? SLO_METRICS[known.family] : 'count';
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
