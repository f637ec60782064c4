/**
 * @module cli/progress
 * A progress bar for long drills, drawn only on a terminal and only once a run has taken a
 * moment, so quick runs and CI logs stay clean.
 */
import cliProgress from 'cli-progress';
import { systemClock } from '../engine/runtime/system-clock.js';

/** Wall time before the bar appears. */
const SHOW_AFTER_MS = 400;

/** A progress reporter: `update(fraction)` while running, `stop()` at the end. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** Creates a reporter for one drill; silent when stdout is not a terminal. */
export function createProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stdout,
): Progress {
  if (stream.isTTY !== true) return { update() {}, stop() {} };
  const startedAt = systemClock.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done) {
      if (bar === undefined) {
        if (systemClock.now() - startedAt < SHOW_AFTER_MS) return;
        bar = new cliProgress.SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {duration_formatted} elapsed, ~{eta_formatted} left`,
            stream,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1000, 0);
      }
      bar.update(Math.round(done * 1000));
    },
    stop() {
      bar?.stop();
    },
  };
}
