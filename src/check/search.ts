/**
 * @module check/search
 * `check`'s search: fault schedules added to a scenario, drilled one after another, until one
 * breaks the scenario's SLOs; fast-check then shrinks it to the smallest schedule that still
 * does. Each run is a whole drill of the scenario's own traffic, providers and config.
 */
import fc from 'fast-check';
import type { Scenario } from '../scenario/load-scenario.js';
import { runDrill } from '../simulator/run-drill.js';
import type { Report } from '../report/report-schema.js';
import { clockTime } from '../report/format.js';
import { formatDuration, parseDuration } from '../units.js';
import { faultScheduleArb, type FaultInput, type FaultKind } from './arbitraries.js';
import { withFaults } from './with-faults.js';

export { withFaults };

/** Options of {@link searchBreach}. */
export interface SearchOptions {
  /** Schedules to try before shrinking. */
  readonly runs: number;
  /** Seeds the search (fast-check's seed); the drills keep the scenario's seed. */
  readonly seed: number;
  /** Stop searching (and shrinking) after this long. */
  readonly timeLimitMs: number;
  /** Faults a schedule may hold. @defaultValue 4 */
  readonly maxFaults?: number;
  readonly kinds?: readonly FaultKind[];
  /** Told after every drill: drills so far, and whether the search is shrinking. */
  readonly onRun?: (done: number, shrinking: boolean) => void;
  /** Drills one schedule. @defaultValue our engine, natively ({@link runDrill}) */
  readonly drill?: (scenario: Scenario, options: { readonly seed: number }) => Promise<Report>;
}

/** What the search found. */
export interface SearchResult {
  /** Drills run in all, shrinking included. */
  readonly drills: number;
  readonly elapsedMs: number;
  /** The schedules tried before one broke an SLO (or all of them). */
  readonly runs: number;
  readonly interrupted: boolean;
  readonly breach?: {
    /** The smallest breaking schedule found. */
    readonly faults: FaultInput[];
    /** The first breaking schedule, before shrinking. */
    readonly firstFound: FaultInput[];
    readonly shrinks: number;
    readonly report: Report;
  };
}

/** Searches for a fault schedule that breaks the scenario's SLOs, then shrinks it. */
export async function searchBreach(
  scenario: Scenario,
  options: SearchOptions,
  clock: { now(): number },
): Promise<SearchResult> {
  const started = clock.now();
  const runOne = options.drill ?? runDrill;
  const targets = Object.keys(scenario.providers);
  let drills = 0;
  let firstFound: FaultInput[] | undefined;
  const arbitrary = faultScheduleArb({
    targets,
    durationMs: scenario.duration,
    maxFaults: options.maxFaults ?? 4,
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
  });
  const property = fc.asyncProperty(arbitrary, async (faults) => {
    const report = await runOne(withFaults(scenario, faults), { seed: scenario.seed });
    drills++;
    options.onRun?.(drills, firstFound !== undefined);
    if (!report.pass) firstFound ??= faults;
    return report.pass;
  });
  const details = await fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    interruptAfterTimeLimit: options.timeLimitMs,
    markInterruptAsFailure: false,
  });
  const counterexample = details.failed ? details.counterexample?.[0] : undefined;
  if (counterexample === undefined || firstFound === undefined) {
    return {
      drills,
      elapsedMs: clock.now() - started,
      runs: details.numRuns,
      interrupted: details.interrupted,
    };
  }
  // fast-check shrinks a schedule mostly fault by fault; a last pass drops any fault the
  // breach does not need, one at a time, while the rest still break an SLO.
  let faults = counterexample;
  let report = await runOne(withFaults(scenario, faults), { seed: scenario.seed });
  drills++;
  let shrinks = details.numShrinks;
  for (let i = faults.length - 1; i >= 0 && faults.length > 1; i--) {
    const fewer = faults.filter((_, k) => k !== i);
    const attempt = await runOne(withFaults(scenario, fewer), { seed: scenario.seed });
    drills++;
    options.onRun?.(drills, true);
    if (!attempt.pass) {
      faults = fewer;
      report = attempt;
      shrinks++;
    }
  }
  return {
    drills,
    elapsedMs: clock.now() - started,
    runs: details.numRuns,
    interrupted: details.interrupted,
    breach: { faults, firstFound, shrinks, report },
  };
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  reset: 'connections reset',
  refused: 'connections refused',
};

/** A fault in plain words: `outage (503) on primary from 12:00 for 3m, every request`. */
export function describeFault(fault: FaultInput): string {
  const at = parseDuration(fault.at) ?? 0;
  const length = parseDuration(fault.for) ?? 0;
  const detail =
    fault.status !== undefined
      ? ` (${STATUS_WORDS[String(fault.status)] ?? fault.status})`
      : fault.extra !== undefined
        ? ` (+${fault.extra})`
        : fault.retryAfter !== undefined
          ? fault.retryAfter === 'none'
            ? ' (no Retry-After)'
            : ` (Retry-After ${fault.retryAfter})`
          : fault.afterTokens !== undefined
            ? ` (after ${fault.afterTokens} tokens)`
            : '';
  const share = fault.probability === '100%' ? 'every request' : `${fault.probability} of requests`;
  return `${fault.kind}${detail} on ${fault.target} from ${clockTime(at)} for ${formatDuration(length)}, ${share}`;
}
