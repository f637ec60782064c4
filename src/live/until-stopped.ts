/**
 * @module live/until-stopped
 * How a long-running live command (`serve`, `gateway`) ends: Ctrl-C, SIGTERM, or its parent
 * going away. A wrapper such as `npx` may die of a SIGTERM without passing it on; the server it
 * started would then live on under PID 1, holding its port. Watching the parent ends it too.
 */

/** How often the parent process is looked for, in ms. */
const PARENT_CHECK_MS = 500;

/** Resolves with what stopped it, once `close` has finished. */
export async function untilStopped(close: () => Promise<void>): Promise<string> {
  const parent = process.ppid;
  const reason = await new Promise<string>((resolve) => {
    const stop = (why: string): void => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      clearInterval(watch);
      resolve(why);
    };
    const onSigint = (): void => stop('SIGINT');
    const onSigterm = (): void => stop('SIGTERM');
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop('parent-exited');
    }, PARENT_CHECK_MS);
    // The watch alone must not keep the process alive.
    watch.unref();
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  });
  await close();
  return reason;
}
