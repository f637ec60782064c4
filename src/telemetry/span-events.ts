/**
 * @module telemetry/span-events
 * The engine's decisions as span events on a request's root span: retries scheduled and
 * denied, failovers, breaker transitions, hedges, cache hits, stand-in answers, budget actions,
 * refused prefills, and requests shed or delayed by the client's own limits.
 */
import type { Attributes } from '@opentelemetry/api';
import type { EngineEvent } from '../engine/events.js';
import { targetKey } from '../engine/types.js';
import { DRILL } from './attributes.js';

/** A span event: its name and attributes. */
export interface SpanEvent {
  readonly name: string;
  readonly attributes: Attributes;
}

/** The span event a decision is recorded as; none for the events that make spans instead. */
export function spanEventFor(event: EngineEvent): SpanEvent | undefined {
  switch (event.type) {
    case 'retry:scheduled':
      return {
        name: 'retry.scheduled',
        attributes: {
          [DRILL.target]: targetKey(event.target),
          [DRILL.attempt]: event.attempt,
          'failover_drill.retry.delay_ms': event.delayMs,
          'failover_drill.retry.from_retry_after': event.fromRetryAfter,
        },
      };
    case 'retry:denied':
      return {
        name: 'retry.denied',
        attributes: {
          [DRILL.target]: targetKey(event.target),
          'failover_drill.reason': event.reason,
        },
      };
    case 'failover':
      return {
        name: 'failover',
        attributes: {
          'failover_drill.failover.from': targetKey(event.from),
          'failover_drill.failover.to': targetKey(event.to),
          'failover_drill.reason': event.reason,
        },
      };
    case 'breaker:transition':
      return {
        name: 'breaker.transition',
        attributes: {
          [DRILL.target]: targetKey(event.target),
          'failover_drill.breaker.from': event.from,
          [DRILL.breakerState]: event.to,
        },
      };
    case 'hedge:start':
      return {
        name: 'hedge.start',
        attributes: {
          'failover_drill.hedge.primary': targetKey(event.primary),
          [DRILL.target]: targetKey(event.hedge),
        },
      };
    case 'cache:hit':
      return { name: 'cache.hit', attributes: {} };
    case 'answer:invalid':
      // The rule broken, not the answer's text: traces carry no content unless asked.
      return {
        name: 'answer.invalid',
        attributes: {
          [DRILL.invalidAnswer]: event.kind,
          [DRILL.attempt]: event.attempt,
          [DRILL.target]: targetKey(event.target),
        },
      };
    case 'answer:degraded':
      return {
        name: 'answer.degraded',
        attributes: {
          'failover_drill.degraded.source': event.source,
          'failover_drill.reason': event.reason,
        },
      };
    case 'budget:action':
      return {
        name: 'budget.action',
        attributes: {
          'failover_drill.budget.action': event.action,
          'failover_drill.budget.spent_usd': event.spentUsd,
        },
      };
    case 'prefill:refused':
      return { name: 'prefill.refused', attributes: { [DRILL.target]: targetKey(event.target) } };
    case 'bulkhead:shed':
    case 'rate-limit:delayed':
    case 'rate-limit:shed':
      return { name: event.type.replace(':', '.'), attributes: {} };
    default:
      return undefined;
  }
}
