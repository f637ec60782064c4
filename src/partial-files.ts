/**
 * @module partial-files
 * Files being written under a temporary name, to be renamed into place when complete. A run
 * stopped by a signal removes them, so an interrupted drill leaves nothing half-written.
 */
import { rmSync } from 'node:fs';

const partials = new Set<string>();

/** Notes `path` as unfinished until the returned function is called. */
export function trackPartial(path: string): () => void {
  partials.add(path);
  return () => {
    partials.delete(path);
  };
}

/** Removes every unfinished file; returns their paths. */
export function removePartialFiles(): string[] {
  const removed = [...partials];
  for (const path of removed) rmSync(path, { force: true });
  partials.clear();
  return removed;
}
