/**
 * @module cli/replay
 * The exact command that replays a drill, printed on every failure.
 */

const SAFE = /^[\w./:@%+=,-]+$/;

/** Quotes a shell word only when it needs it. */
export function shellWord(word: string): string {
  return SAFE.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** `npx failover-drill run <file> --seed <n> [--config <file>]`. */
export function replayCommand(file: string, seed: number, configFile?: string): string {
  const words = ['npx', 'failover-drill', 'run', file, '--seed', String(seed)];
  if (configFile !== undefined) words.push('--config', configFile);
  return words.map(shellWord).join(' ');
}
