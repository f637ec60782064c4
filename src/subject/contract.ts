/**
 * @module subject/contract
 * The contract a drilled subject keeps: any JavaScript failover implementation whose network
 * calls go through `fetch`, wrapped in a module whose default export is {@link CreateSubject}.
 * The drill sends it the OpenAI chat-completions requests it would send a gateway, and runs it
 * in process while `fetch`, timers, `Date`, `performance.now`, `AbortSignal.timeout` and
 * `Math.random` belong to the drill's virtual clock and seeded rng.
 */
import type { Scenario } from '../scenario/load-scenario.js';

/** One of the scenario's mock providers, as a subject reaches it. */
export interface SubjectProvider {
  /** Up to the version segment, e.g. `https://primary.failover-drill.test/v1`. */
  readonly baseUrl: string;
  /** `openai`: chat completions; `anthropic`: the Messages API. */
  readonly wire: 'openai' | 'anthropic';
  /** Any non-empty key is accepted; this one is never recorded. */
  readonly apiKey: string;
}

/** What a subject is given when the drill creates it. */
export interface SubjectContext {
  /** The scenario's providers by name. */
  readonly providers: Readonly<Record<string, SubjectProvider>>;
  /** The scenario being drilled (a copy: changing it changes nothing). */
  readonly scenario: Readonly<Scenario>;
  /** The drill's seed; `Math.random` is already a stream drawn from it. */
  readonly seed: number;
  /** The parsed `--subject-config` file (JSON or YAML); `undefined` without one. */
  readonly config: unknown;
  /** The `--subject-config` path, as given; `undefined` without one. */
  readonly configFile: string | undefined;
  /** Adds a line to the subject's log (`subject.log` beside the report), not the terminal. */
  log(line: string): void;
}

/** A subject under drill: a gateway-like `fetch` handler. */
export interface DrillSubject {
  /**
   * Answers one OpenAI chat-completions request (`POST /v1/chat/completions`, `model` = the
   * model group, `stream` as the scenario says) as a gateway would. A throw or a rejection fails
   * that request (`subject-error`), never the drill.
   */
  fetch(request: Request): Promise<Response>;
  /** Called once the drill has ended, still in drill time. */
  close?(): void | Promise<void>;
  /** The package the subject drills, for the report (`subject.package`). */
  readonly about?: { readonly package: string; readonly version: string };
}

/** The default export of a subject module. */
export type CreateSubject = (context: SubjectContext) => DrillSubject | Promise<DrillSubject>;
