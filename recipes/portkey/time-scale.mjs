// Preloaded into the Portkey gateway (NODE_OPTIONS=--import) when the drill runs faster than
// real time: DRILL_SPEED=20 makes every delay the gateway sets (setTimeout, setInterval, their
// node:timers and node:timers/promises forms, AbortSignal.timeout) twenty times shorter, so its
// retry backoffs and timeouts keep their length in drill time, as the providers' latencies do.
// Without it, a gateway's one-second backoff at --speed 20 reads as twenty seconds of drill time.
// The gateway's own processing is not sped up: each millisecond of it reads as DRILL_SPEED ms.
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import promises from 'node:timers/promises';

const speed = Number(process.env.DRILL_SPEED ?? '1');
if (!(Number.isFinite(speed) && speed > 0))
  throw new Error(`DRILL_SPEED must be a positive number, not "${process.env.DRILL_SPEED}"`);

if (speed !== 1) {
  const scaled = (ms) => (typeof ms === 'number' && ms > 0 ? ms / speed : ms);
  const wrap = (original) =>
    function (callback, ms, ...args) {
      return original.call(this, callback, scaled(ms), ...args);
    };
  for (const name of ['setTimeout', 'setInterval']) {
    const original = timers[name];
    const replacement = Object.assign(wrap(original), original);
    timers[name] = replacement;
    globalThis[name] = replacement;
  }
  for (const name of ['setTimeout', 'setInterval']) {
    const original = promises[name];
    promises[name] = (ms, ...args) => original(scaled(ms), ...args);
  }
  const timeout = AbortSignal.timeout;
  AbortSignal.timeout = (ms) => timeout.call(AbortSignal, scaled(ms));
  syncBuiltinESMExports();
}
