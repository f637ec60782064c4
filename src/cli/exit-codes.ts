/**
 * @module cli/exit-codes
 * The CLI's exit codes, a contract for CI: every command sets them from here.
 */

/** Exit codes of the CLI. */
export const EXIT = {
  /** Every SLO held (or: nothing wrong found). */
  ok: 0,
  /** An SLO was breached (`check`: a breaking schedule was found). */
  breached: 1,
  /** Bad input: a scenario, a config or a flag. */
  badInput: 2,
  /** The harness itself failed. */
  harness: 3,
  /** Stopped by Ctrl-C: 128 + SIGINT, as shells report it. */
  sigint: 130,
  /** Stopped by SIGTERM: 128 + SIGTERM. */
  sigterm: 143,
} as const;
