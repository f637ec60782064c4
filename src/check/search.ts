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
  /**
   * Drills the scenario with these faults added to its own, at the scenario's seed.
   * @defaultValue our engine, natively ({@link runDrill})
   */
  readonly drill?: (faults: readonly FaultInput[]) => Promise<Report>;
  /**
   * Schedules drilled at once (`--workers`): the search drills the next ones fast-check will
   * try while it waits for the current one. What it finds is the same for any number: fast-check
   * still takes each result in its own order, and the extra drills only run ahead of it.
   * @defaultValue 1
   */
  readonly lookahead?: number;
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
  const runOne =
    options.drill ??
    ((faults: readonly FaultInput[]) =>
      runDrill(withFaults(scenario, faults), { seed: scenario.seed }));
  const ahead = Math.max(1, options.lookahead ?? 1);
  let drills = 0;
  let firstFound: FaultInput[] | undefined;
  // Each schedule's verdict, drilled once: by the search, or ahead of it.
  const verdicts = new Map<string, Promise<boolean>>();
  const verdict = (faults: readonly FaultInput[]): Promise<boolean> => {
    const key = JSON.stringify(faults);
    let pass = verdicts.get(key);
    if (pass === undefined) {
      pass = runOne(faults).then((report) => {
        drills++;
        options.onRun?.(drills, firstFound !== undefined);
        return report.pass;
      });
      // A drill run ahead and never asked for must not stop the search with its error.
      pass.catch(() => undefined);
      verdicts.set(key, pass);
    }
    return pass;
  };
  const arbitrary = faultScheduleArb({
    targets: Object.keys(scenario.providers),
    durationMs: scenario.duration,
    maxFaults: options.maxFaults ?? 4,
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
  });
  const planned = ahead > 1 ? await plannedTries(arbitrary, options) : [];
  let tried = 0;
  const property = fc.asyncProperty(arbitrary, async (faults) => {
    if (firstFound === undefined)
      for (const next of planned.slice(tried + 1, tried + ahead)) void verdict(next);
    tried++;
    const pass = await verdict(faults);
    if (!pass) firstFound ??= faults;
    return pass;
  });
  if (ahead > 1) {
    // Shrinking tries the candidates of a failing schedule in order until one fails: the next
    // `ahead` of them are drilled while the first is awaited.
    const shrink = property.shrink.bind(property);
    property.shrink = (value) => new fc.Stream(drillingAhead(shrink(value), ahead, verdict));
  }
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
  for (let i = faults.length - 1; i >= 0 && faults.length > 1; i--) {
    const fewer = faults.filter((_, k) => k !== i);
    if (!(await verdict(fewer))) faults = fewer;
  }
  const report = await runOne(faults);
  drills++;
  return {
    drills,
    elapsedMs: clock.now() - started,
    runs: details.numRuns,
    interrupted: details.interrupted,
    breach: {
      faults,
      firstFound,
      shrinks: details.numShrinks + counterexample.length - faults.length,
      report,
    },
  };
}

/**
 * The schedules fast-check tries first, in its order, so they can be drilled ahead: a dry run of
 * the same search whose property always holds. Until the first failure, what fast-check
 * generates does not depend on the verdicts, so the real search asks for these in this order.
 * (fc.sample's values part from fc.check's after a few runs, so it cannot stand in here.)
 */
async function plannedTries(
  arbitrary: fc.Arbitrary<FaultInput[]>,
  options: Pick<SearchOptions, 'runs' | 'seed'>,
): Promise<FaultInput[][]> {
  const planned: FaultInput[][] = [];
  await fc.check(
    fc.asyncProperty(arbitrary, (faults: FaultInput[]) => {
      planned.push(faults);
      return Promise.resolve(true);
    }),
    { numRuns: options.runs, seed: options.seed },
  );
  return planned;
}

/** The candidates of `source` in order, each one's drill started `ahead` candidates early. */
function* drillingAhead<V extends fc.Value<[FaultInput[]]>>(
  source: Iterable<V>,
  ahead: number,
  verdict: (faults: readonly FaultInput[]) => Promise<boolean>,
): Generator<V> {
  const iterator = source[Symbol.iterator]();
  const buffer: V[] = [];
  for (;;) {
    while (buffer.length < ahead) {
      const next = iterator.next();
      if (next.done === true) break;
      void verdict(next.value.value[0]);
      buffer.push(next.value);
    }
    const first = buffer.shift();
    if (first === undefined) return;
    yield first;
  }
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
            : fault.model !== undefined
              ? ` (as ${fault.model})`
              : fault.ttft !== undefined
                ? ` (to ${fault.ttft} first token, ${fault.tokensPerSecond ?? '?'} tokens/s)`
                : '';
  const share = fault.probability === '100%' ? 'every request' : `${fault.probability} of requests`;
  return `${fault.kind}${detail} on ${fault.target} from ${clockTime(at)} for ${formatDuration(length)}, ${share}`;
}
