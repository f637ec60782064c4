// Preloaded with `node --import` by the bench: prints the process's peak RSS, in KB, the CPU time
// of all its threads, in ms (in the process and in the kernel), and its minor page faults (first
// touches of memory), as the last line of stderr when it exits; bench/startup.ts's preloadFigures
// reads it. Plain JavaScript: a TypeScript preload would load Node's type stripper into every
// measured process.
import process from 'node:process';
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  const { maxRSS, minorPageFault } = process.resourceUsage();
  process.stderr.write(
    `max-rss-kb ${maxRSS} user-ms ${Math.round(user / 1_000)} system-ms ${Math.round(system / 1_000)} minor-faults ${minorPageFault}\n`,
  );
});
