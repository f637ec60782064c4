/**
 * @module telemetry/telemetry-worker
 * The thread a drill's telemetry runs on when it runs beside the drill (telemetry-thread.ts):
 * one {@link DrillTelemetry} a drill, fed the drill's events and bills in the order the drill
 * sent them, so it writes the same spans, ids and files as it would in the drill's own thread.
 * Several drills of one process may be open at once, each by its own id.
 */
import { parentPort } from 'node:worker_threads';
import { WriteError } from '../errors.js';
import { DrillTelemetry, type TelemetryOptions } from './drill-telemetry.js';
import type { TelemetryItem, ThreadReply, ThreadRequest } from './telemetry-thread.js';

interface Session {
  readonly telemetry: DrillTelemetry | undefined;
  /** The first error the drill's telemetry threw: the rest of its items are not fed to it. */
  error: unknown;
}

const sessions = new Map<number, Session>();

function reply(message: ThreadReply): void {
  parentPort?.postMessage(message);
}

function errorReply(id: number, error: unknown): ThreadReply {
  if (!(error instanceof Error)) return { id, error: { name: 'Error', message: String(error) } };
  const code = (error as { code?: unknown }).code;
  return {
    id,
    error: {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(error instanceof WriteError ? { write: error.toData() } : {}),
    },
  };
}

function start(id: number, options: TelemetryOptions): void {
  try {
    sessions.set(id, { telemetry: new DrillTelemetry(options), error: undefined });
  } catch (error) {
    sessions.set(id, { telemetry: undefined, error });
  }
}

function feed(session: Session, items: readonly TelemetryItem[]): void {
  const telemetry = session.telemetry;
  if (telemetry === undefined || session.error !== undefined) return;
  try {
    for (const item of items)
      if ('bill' in item) telemetry.onBill(item.bill);
      else telemetry.onEvent(item);
  } catch (error) {
    session.error = error;
    telemetry.abort();
  }
}

async function finish(id: number, session: Session): Promise<void> {
  sessions.delete(id);
  const telemetry = session.telemetry;
  if (telemetry === undefined || session.error !== undefined) {
    reply(errorReply(id, session.error));
    return;
  }
  try {
    const failures = await telemetry.finish();
    reply({ id, failures, worst: [...telemetry.worstTraceIds()] });
  } catch (error) {
    reply(errorReply(id, error));
  }
}

parentPort?.on('message', (message: ThreadRequest) => {
  switch (message.kind) {
    case 'start':
      start(message.id, message.options);
      return;
    case 'items': {
      const session = sessions.get(message.id);
      if (session !== undefined) feed(session, message.items);
      return;
    }
    case 'finish': {
      const session = sessions.get(message.id);
      if (session !== undefined) void finish(message.id, session);
      return;
    }
    case 'abort':
      sessions.get(message.id)?.telemetry?.abort();
      sessions.delete(message.id);
      return;
  }
});
