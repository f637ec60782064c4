import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { spanEventFor } from '../../src/telemetry/span-events.js';

const a = { provider: 'primary', model: 'm' };
const b = { provider: 'backup', model: 'm' };

describe('decisions as span events', () => {
  it('names a failover’s targets and reason', () => {
    const event: EngineEvent = {
      type: 'failover',
      at: 0,
      requestId: 'r',
      group: 'chat',
      from: a,
      to: b,
      reason: 'http-status',
    };
    expect(spanEventFor(event)).toEqual({
      name: 'failover',
      attributes: {
        'failover_drill.failover.from': 'primary/m',
        'failover_drill.failover.to': 'backup/m',
        'failover_drill.reason': 'http-status',
      },
    });
  });

  it('records a breaker transition with the state it left and the one it entered', () => {
    const event: EngineEvent = {
      type: 'breaker:transition',
      at: 0,
      target: a,
      from: 'closed',
      to: 'open',
    };
    expect(spanEventFor(event)?.attributes).toEqual({
      'failover_drill.target': 'primary/m',
      'failover_drill.breaker.from': 'closed',
      'failover_drill.breaker.state': 'open',
    });
  });

  it('makes no span event of what becomes a span or belongs to no request', () => {
    expect(spanEventFor({ type: 'canary:verdict', at: 0, group: 'chat', verdict: 'hold' })).toBe(
      undefined,
    );
    const end = { type: 'request:end', at: 0 } as EngineEvent;
    expect(spanEventFor(end)).toBeUndefined();
  });

  it('names the client’s own sheds after their event type', () => {
    const shed: EngineEvent = {
      type: 'rate-limit:shed',
      at: 0,
      requestId: 'r',
      target: a,
      waitMs: 0,
    };
    expect(spanEventFor(shed)).toEqual({ name: 'rate-limit.shed', attributes: {} });
  });
});
