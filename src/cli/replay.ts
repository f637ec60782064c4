/**
 * @module cli/replay
 * The exact command that replays a drill, printed on every failure.
 */

const SAFE = /^[\w./:@%+=,-]+$/;

/** Quotes a shell word only when it needs it. */
export function shellWord(word: string): string {
  return SAFE.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** What a drill ran beside the scenario: a config, or a subject and its config. */
export interface ReplayWith {
  readonly subject?: string;
  readonly subjectConfig?: string;
}

/** `npx failover-drill run <file> --seed <n> [--config <file>] [--subject <s> [--subject-config <file>]]`. */
export function replayCommand(
  file: string,
  seed: number,
  configFile?: string,
  drilled: ReplayWith = {},
): string {
  const words = ['npx', 'failover-drill', 'run', file, '--seed', String(seed)];
  if (configFile !== undefined) words.push('--config', configFile);
  if (drilled.subject !== undefined) words.push('--subject', drilled.subject);
  if (drilled.subjectConfig !== undefined) words.push('--subject-config', drilled.subjectConfig);
  return words.map(shellWord).join(' ');
}
